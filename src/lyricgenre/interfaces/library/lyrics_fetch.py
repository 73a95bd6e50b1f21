"""Lyrics for audio files that carry none, fetched from an LRCLIB-compatible server (`lrclib`) and cached
(`lyrics_cache`), a few requests in flight, the rows kept in order."""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace

from lyricgenre.interfaces.library.lrclib import LrclibClient, LyricsServiceError, LyricsSettings, Query
from lyricgenre.interfaces.library.lyrics_cache import LyricsCache, default_cache_path
from lyricgenre.interfaces.songs.rows import SongRow
from lyricgenre.text import lyrics_problem


class LyricsFetcher:
    """Fills in the lyrics of audio rows that have none, a few requests in flight, rows kept in order.

    Counts every outcome (`counts`). A row it fills says so in its `lyrics_source` field.
    """

    def __init__(self, settings: LyricsSettings):
        self.settings = settings
        self.cache = LyricsCache(settings.cache or default_cache_path())
        self.client = LrclibClient(settings, self.cache)
        self.counts: Counter[str] = Counter()

    def fill(self, rows: Iterable[SongRow]) -> Iterator[SongRow]:
        window: deque[tuple[SongRow, Future | None]] = deque()
        pool = ThreadPoolExecutor(max_workers=self.settings.in_flight)
        try:
            for row in rows:
                query = _query(row)
                window.append((row, pool.submit(self.client.lookup, query) if query else None))
                while len(window) > 2 * self.settings.in_flight:
                    yield self._resolved(*window.popleft())
            while window:
                yield self._resolved(*window.popleft())
        except BaseException:  # stopped (Ctrl-C, SIGTERM) or closed early: nothing waits for the server
            self.client.abort()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _resolved(self, row: SongRow, lookup: Future | None) -> SongRow:
        if lookup is None:
            return row
        try:
            answer = lookup.result()
        except LyricsServiceError as error:
            self.counts["failed"] += 1
            return replace(row, skipped=None, error=f"lyrics could not be fetched: {error}")
        self.counts[("cached " if answer.cached else "") + answer.status] += 1
        if answer.status == "instrumental":
            return replace(row, skipped="no lyrics: instrumental (lyrics server)")
        if answer.status == "not found":
            return replace(row, skipped="no lyrics: none embedded, none beside it, none on the lyrics server")
        problem = lyrics_problem(answer.lyrics)
        if problem:
            return replace(row, skipped=None, error=f"fetched lyrics unusable: {problem}")
        fields = {**row.fields, "lyrics_source": "lyrics server" + (" (cached)" if answer.cached else "")}
        return replace(row, lyrics=answer.lyrics, skipped=None, fields=fields)

    def summary(self) -> str:
        order = ("found", "cached found", "instrumental", "cached instrumental", "not found", "cached not found")
        parts = [f"{self.counts[key]} {key}" for key in (*order, "failed") if self.counts[key]]
        asked = f"{self.client.requests} request{'' if self.client.requests == 1 else 's'} to {self.client.base}"
        return f"lyrics: {', '.join(parts) or 'none needed'} ({asked})"

    def close(self) -> None:
        """Cut off requests still in flight (a stopped run does not wait for them), then close the cache."""
        self.client.abort()
        self.cache.close()


def _query(row: SongRow) -> Query | None:
    """What to look a row up by: only audio rows without lyrics, with an artist and a title."""
    if row.skipped is None or row.audio_path is None:
        return None
    artist, title = row.fields.get("artist"), row.fields.get("title")
    if not artist or not title:
        return None
    return Query(str(artist), str(title), row.fields.get("album"), row.duration)
