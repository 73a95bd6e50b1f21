"""An LRCLIB-compatible lyrics server (https://lrclib.net by default): how a song is asked for and answered.

LRCLIB is the open, key-free lyrics database that LRCGET, beets' lyrics plugin and the Jellyfin and Navidrome
plugins use. For each file without lyrics the fetcher asks `GET /api/get` by artist, title, album and
duration (the server matches the duration within a couple of seconds); when that finds nothing it asks
`GET /api/search` and takes the result whose duration is closest, within `SEARCH_TOLERANCE_S`. Plain lyrics
are preferred; synced ones are used with their timestamps removed. `instrumental: true` and a 404
(`TrackNotFound`) mean the song has no lyrics.

Politeness: a User-Agent naming lyricgenre, its version and homepage (LRCLIB asks for one); at most
`in_flight` requests at once; 429 and 5xx answers retried after the server's Retry-After (or an
exponential backoff); timeouts. Every answer, and every miss for `MISS_TTL_S`, is cached in SQLite under
the user's cache folder, so a second run over the same library asks nothing again.

A server that misbehaves never aborts or hangs a run: each request has an overall deadline (a server dripping
its answer a byte at a time is cut off, and not asked again in that run), a malformed answer (a bad status
line or chunk, too many headers, fields of the wrong type) is that song's error, and control characters (NUL,
terminal escapes, lone surrogates) are removed from lyrics before they are cached, classified or saved.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path

from lyricgenre import __version__
from lyricgenre.errors import UserError
from lyricgenre.interfaces.library.lyrics_cache import LyricsCache
from lyricgenre.interfaces.songs.lrc import parse_lrc

DEFAULT_LYRICS_URL = "https://lrclib.net"
HOMEPAGE = "https://github.com/lyricgenre/lyricgenre"
USER_AGENT = f"lyricgenre/{__version__} (+{HOMEPAGE})"
SEARCH_TOLERANCE_S = 3.0  # how far a search result's duration may be from the file's
RETRIED_STATUSES = (429, 500, 502, 503, 504)
MAX_ATTEMPTS = 4
MAX_WAIT_S = 120.0  # a Retry-After longer than this gives the song up rather than stalling the run
MAX_ANSWER_BYTES = 4 * 1024 * 1024
# What is removed from fetched lyrics: terminal escape sequences, control characters but tab and line breaks,
# and lone surrogates (JSON "\ud800" decodes to one; no file or database can hold it).
_NOT_TEXT = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|[\ud800-\udfff]")


class LyricsServiceError(Exception):
    """The lyrics server could not answer (unreachable, timing out, or failing after every retry)."""


@dataclass(frozen=True)
class Query:
    """What a song is looked up by: its tags, and its length from the audio stream."""

    artist: str
    title: str
    album: str | None = None
    duration: float | None = None

    def key(self) -> str:
        seconds = "" if self.duration is None else str(round(self.duration))
        return "\x1f".join(part.casefold().strip() for part in (self.artist, self.title, self.album or "", seconds))


@dataclass(frozen=True)
class Answer:
    """The server's answer for one song: `found` (with `lyrics`), `instrumental` or `not found`."""

    status: str
    lyrics: str | None = None
    synced: bool = False  # the lyrics came from synced (LRC) lyrics
    cached: bool = False


@dataclass(frozen=True)
class LyricsSettings:
    """Where and how lyrics are fetched (`--fetch-lyrics`, `--lyrics-url`, `--refresh-lyrics`)."""

    url: str = DEFAULT_LYRICS_URL
    refresh: bool = False  # ask the server again even for songs the cache knows
    cache: Path | None = None  # the SQLite file; None: `default_cache_path()`
    in_flight: int = 4  # requests at once
    timeout: float = 10.0  # seconds the server may stay silent within a request
    deadline: float = 20.0  # seconds for a whole request and its answer, however the server drips it

    def __post_init__(self):
        if (
            urllib.parse.urlsplit(self.url).scheme not in ("http", "https")
            or not urllib.parse.urlsplit(self.url).netloc
        ):
            raise UserError(f"lyrics URL must be an http:// or https:// address, got {self.url!r}")


class LrclibClient:
    """Looks songs up on one LRCLIB-compatible server; the answers go through `cache`."""

    def __init__(self, settings: LyricsSettings, cache: LyricsCache):
        self.settings, self.cache = settings, cache
        self.base = settings.url.rstrip("/")
        self.requests = 0
        self.unreachable: str | None = None  # why, once a connection failed: later songs are not asked
        self._not_before = 0.0  # after a 429, nobody asks before this time
        self._lock = threading.Lock()
        self._open = set()  # connections in flight, cut off by `abort`
        self.opener = urllib.request.build_opener(
            _DeadlineHandler(self, settings.deadline), _DeadlineHTTPSHandler(self, settings.deadline)
        )

    def lookup(self, query: Query) -> Answer:
        if not self.settings.refresh:
            cached = self.cache.get(self.base, query.key())
            if cached is not None:
                return Answer(*cached, cached=True)
        answer = self._ask(query)
        self.cache.put(self.base, query.key(), answer.status, answer.lyrics, answer.synced)
        return answer

    def _ask(self, query: Query) -> Answer:
        params = {"track_name": query.title, "artist_name": query.artist}
        exact = {**params, **({"album_name": query.album} if query.album else {})}
        if query.duration is not None:
            exact["duration"] = str(round(query.duration))
        status, body = self._get("/api/get", exact)
        if status == 200 and isinstance(body, dict):
            answer = _answer(body)
            if answer.status != "not found":
                return answer
        elif status not in (400, 404):  # 400: a server that wants every field; search instead
            raise LyricsServiceError(f"{self.base}/api/get answered {status}")
        status, body = self._get("/api/search", params)
        if status != 200 or not isinstance(body, list):
            raise LyricsServiceError(f"{self.base}/api/search answered {status}")
        return _closest(body, query.duration)

    def _get(self, path: str, params: dict) -> tuple[int, object]:
        """(status, decoded JSON or None) of one GET, retried on 429/5xx and timeouts."""
        if self.unreachable:
            raise LyricsServiceError(self.unreachable)
        url = f"{self.base}{path}?{urllib.parse.urlencode(params)}"
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
        problem = ""
        for attempt in range(MAX_ATTEMPTS):
            self._wait_turn()
            started = time.monotonic()
            try:
                with self._lock:
                    self.requests += 1
                with self.opener.open(request, timeout=self.settings.timeout) as response:
                    return response.status, _json(response.read(MAX_ANSWER_BYTES))
            except urllib.error.HTTPError as error:
                if error.code not in RETRIED_STATUSES:
                    return error.code, _json(_read_quietly(error))
                problem = f"{self.base} answered {error.code}"
                self._back_off(attempt, error.headers.get("Retry-After"))
            except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as error:
                if time.monotonic() - started >= self.settings.deadline:  # cut off: the server drips its answer
                    self.unreachable = f"{self.base} did not finish answering within {self.settings.deadline:g} s"
                    raise LyricsServiceError(self.unreachable) from None
                if isinstance(error, TimeoutError):
                    problem = f"{self.base} did not answer within {self.settings.timeout:g} s"
                elif isinstance(error, http.client.HTTPException | ValueError):
                    raise LyricsServiceError(f"{self.base} sent a malformed answer ({_why(error)})") from None
                else:
                    self.unreachable = f"{self.base} cannot be reached ({getattr(error, 'reason', error)})"
                    raise LyricsServiceError(self.unreachable) from None
        raise LyricsServiceError(f"{problem}, {MAX_ATTEMPTS} times")

    def track(self, connection: http.client.HTTPConnection, open: bool) -> None:
        with self._lock:
            (self._open.add if open else self._open.discard)(connection)

    def abort(self) -> None:
        """Cut off every request in flight (the run is stopping)."""
        self.unreachable = self.unreachable or "the run was stopped"
        with self._lock:
            connections = list(self._open)
        for connection in connections:
            _shut(connection)

    def _wait_turn(self) -> None:
        delay = self._not_before - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    def _back_off(self, attempt: int, retry_after: str | None) -> None:
        delay = _retry_after_seconds(retry_after)
        if delay is None:
            delay = min(2.0**attempt, 30.0)
        if delay > MAX_WAIT_S:
            raise LyricsServiceError(f"{self.base} asks to wait {delay:.0f} s before asking again")
        with self._lock:
            self._not_before = max(self._not_before, time.monotonic() + delay)


class _DeadlineConnection(http.client.HTTPConnection):
    """A connection that a timer cuts off `deadline` seconds after it opened, whatever the server sends."""

    def __init__(self, *args, client: LrclibClient, deadline: float, **kwargs):
        super().__init__(*args, **kwargs)
        self.client, self.deadline, self.watchdog = client, deadline, None

    def connect(self) -> None:
        super().connect()
        self.client.track(self, open=True)
        self.watchdog = threading.Timer(self.deadline, _shut, (self,))
        self.watchdog.daemon = True
        self.watchdog.start()

    def close(self) -> None:
        if self.watchdog is not None:
            self.watchdog.cancel()
        self.client.track(self, open=False)
        super().close()


class _DeadlineHTTPSConnection(_DeadlineConnection, http.client.HTTPSConnection):
    pass


class _Deadlines:
    """A urllib handler whose connections have a deadline (`_DeadlineConnection`)."""

    def __init__(self, client: LrclibClient, deadline: float):
        super().__init__()
        self.client, self.deadline = client, deadline

    def _open_with(self, connection_class: type, request, **options):
        def connection(host, **settings):
            return connection_class(host, client=self.client, deadline=self.deadline, **settings)

        return self.do_open(connection, request, **options)


class _DeadlineHandler(_Deadlines, urllib.request.HTTPHandler):
    def http_open(self, request):
        return self._open_with(_DeadlineConnection, request)


class _DeadlineHTTPSHandler(_Deadlines, urllib.request.HTTPSHandler):
    def https_open(self, request):
        return self._open_with(_DeadlineHTTPSConnection, request, context=self._context)


def _shut(connection: http.client.HTTPConnection) -> None:
    """End a connection's socket at once: a read blocked on it returns."""
    sock = connection.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _read_quietly(error: urllib.error.HTTPError) -> bytes:
    try:
        return error.read(MAX_ANSWER_BYTES)
    except (OSError, http.client.HTTPException, ValueError):
        return b""


def _why(error: Exception) -> str:
    return f"{type(error).__name__}: {str(error)[:80]}" if str(error) else type(error).__name__


def _json(data: bytes) -> object:
    try:
        return json.loads(data)
    except ValueError:
        return None


def _retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: a number of seconds or an HTTP date (RFC 9110)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _answer(record: dict) -> Answer:
    """A track record as an answer: instrumental, plain lyrics, else synced lyrics without timestamps.
    LyricsServiceError for a record whose fields have the wrong types (`"instrumental": "no"`)."""
    instrumental, plain, synced = (record.get(key) for key in ("instrumental", "plainLyrics", "syncedLyrics"))
    if not isinstance(instrumental, bool | None) or not all(isinstance(v, str | None) for v in (plain, synced)):
        raise LyricsServiceError("the server's answer has fields of the wrong type")
    if instrumental:
        return Answer("instrumental")
    plain, synced = clean_lyrics(plain or ""), clean_lyrics(synced or "")
    if plain.strip():
        return Answer("found", plain.strip())
    if synced.strip():
        text = parse_lrc(synced)[0]
        if text.strip():
            return Answer("found", text, synced=True)
    return Answer("not found")


def clean_lyrics(text: str) -> str:
    """Lyrics without what is not text: terminal escapes, control characters (but tabs and line breaks) and
    lone surrogates."""
    return _NOT_TEXT.sub("", text)


def _usable(record) -> bool:
    """A search result that is a track record with fields of the right types."""
    try:
        return isinstance(record, dict) and _answer(record).status != "not found"
    except LyricsServiceError:
        return False


def _closest(records: list, duration: float | None) -> Answer:
    """The search result nearest the file's duration (within the tolerance) that says something."""
    candidates = [r for r in records if _usable(r)]
    if duration is not None:
        timed = [r for r in candidates if isinstance(r.get("duration"), int | float)]
        candidates = sorted(
            (r for r in timed if abs(r["duration"] - duration) <= SEARCH_TOLERANCE_S),
            key=lambda r: abs(r["duration"] - duration),
        )
    return _answer(candidates[0]) if candidates else Answer("not found")
