"""A stand-in for an LRCLIB server on 127.0.0.1, answering as LRCLIB's API documentation describes.

`GET /api/get?track_name&artist_name[&album_name][&duration]` gives one track record (the duration matched
within 2 s) or 404 `{"code": 404, "name": "TrackNotFound", "message": "Failed to find specified track"}`;
`GET /api/search?track_name&artist_name` gives a list of track records. Behaviours per title: a track
record, `"429 once"` (429 with Retry-After, then the record), `"500"` (always), `"slow"` (answers late), and a
server that misbehaves: `"surrogate"` (a lone surrogate and control characters in the lyrics' JSON),
`"wrong types"` (`"instrumental": "no"`), `"bad status"`, `"bad chunk"`, `"many headers"` (101) and `"drip"`
(the answer a byte every `drip_s`, for at most `drip_bytes` bytes). Every request's path, query and User-Agent
is recorded.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

NOT_FOUND = {"code": 404, "name": "TrackNotFound", "message": "Failed to find specified track"}


def track(
    artist: str,
    title: str,
    duration: float = 1.0,
    plain: str | None = None,
    synced: str | None = None,
    instrumental: bool = False,
    album: str = "Album",
) -> dict:
    """A track record as LRCLIB returns it."""
    return {
        "id": abs(hash((artist, title))) % 100000,
        "name": title,
        "trackName": title,
        "artistName": artist,
        "albumName": album,
        "duration": duration,
        "instrumental": instrumental,
        "plainLyrics": plain,
        "syncedLyrics": synced,
    }


def _answer(body: bytes, *headers: str) -> bytes:
    head = "".join(f"{header}\r\n" for header in ("HTTP/1.1 200 OK", "Content-Type: application/json", *headers))
    return f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body


DRIP = b"drip"
MISBEHAVIOURS = {
    # JSON with a lone surrogate, NUL and a terminal escape in the lyrics ("\\ud800" decodes to a lone surrogate)
    "surrogate": _answer(
        b'{"instrumental": false, "plainLyrics": "la \\ud800 la\\u0000 \\u001b[31mred\\u001b[0m night\\nsong of mine", '
        b'"syncedLyrics": null, "duration": 1.0}'
    ),
    "wrong types": _answer(b'{"instrumental": "no", "plainLyrics": 5, "syncedLyrics": null, "duration": 1.0}'),
    "bad status": b"HTTP/1.1 two hundred OK\r\n\r\n",
    "bad chunk": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nnot a chunk\r\n",
    "many headers": _answer(b"{}", *(f"X-Header-{n}: {n}" for n in range(101))),
    "drip": DRIP,
}


class StandIn:
    """The server, its tracks (by lower-cased artist and title) and special behaviours, and its request log."""

    def __init__(
        self,
        tracks: list[dict],
        behaviours: dict[str, str] | None = None,
        slow_s: float = 1.0,
        drip_s: float = 2.0,
        drip_bytes: int = 60,
    ):
        self.tracks = {(t["artistName"].lower(), t["trackName"].lower()): t for t in tracks}
        self.behaviours = behaviours or {}
        self.slow_s, self.drip_s, self.drip_bytes = slow_s, drip_s, drip_bytes
        self.requests: list[dict] = []
        self.failed_once: set[str] = set()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                stand_in.answer(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        self.requests.append({"path": parts.path, "query": query, "user_agent": handler.headers.get("User-Agent")})
        title = query.get("track_name", "")
        behaviour = self.behaviours.get(title.lower())
        if behaviour == "500":
            return self._send(handler, 500, {"code": 500, "name": "InternalError", "message": "boom"})
        if behaviour == "429 once" and title not in self.failed_once:
            self.failed_once.add(title)
            return self._send(handler, 429, {"code": 429, "name": "TooManyRequests"}, {"Retry-After": "1"})
        if behaviour == "slow":
            time.sleep(self.slow_s)
        if behaviour in MISBEHAVIOURS:
            return self._raw(handler, MISBEHAVIOURS[behaviour])
        found = self.tracks.get((query.get("artist_name", "").lower(), title.lower()))
        if parts.path == "/api/search":
            return self._send(handler, 200, [found] if found else [])
        if parts.path != "/api/get":
            return self._send(handler, 404, {"code": 404, "name": "NotFound", "message": "no such route"})
        duration = float(query["duration"]) if "duration" in query else None
        if found and (duration is None or abs(found["duration"] - duration) <= 2):
            return self._send(handler, 200, found)
        return self._send(handler, 404, NOT_FOUND)

    def _raw(self, handler, data: bytes) -> None:
        """Bytes as they are, not a well-formed answer; dripped for the "drip" behaviour."""
        handler.close_connection = True
        try:
            if data is DRIP:
                for byte in (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" * 9)[: self.drip_bytes]:
                    handler.wfile.write(bytes([byte]))
                    handler.wfile.flush()
                    time.sleep(self.drip_s)
                return
            handler.wfile.write(data)
        except OSError:  # the client cut it off
            pass

    @staticmethod
    def _send(handler, status: int, body, headers: dict | None = None) -> None:
        data = json.dumps(body).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(data)
        except OSError:  # the client gave up (a timeout test)
            pass
