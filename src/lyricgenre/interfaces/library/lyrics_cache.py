"""Every answer of a lyrics server, and every miss for `MISS_TTL_S`, kept in one SQLite file under the user's
cache folder, so a second run over the same library asks nothing again."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

from lyricgenre.errors import UserError

MISS_TTL_S = 30 * 24 * 3600  # a song the server did not have is asked again after this long


def default_cache_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "lyricgenre" / "lyrics.sqlite"


class LyricsCache:
    """Answers by server and song, in one SQLite file shared by runs (and safe across the fetch threads)."""

    def __init__(self, path: Path):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.connection = sqlite3.connect(path, check_same_thread=False, timeout=30)
            self.connection.execute(
                "CREATE TABLE IF NOT EXISTS answers (server TEXT, song TEXT, status TEXT, lyrics TEXT, "
                "synced INTEGER, saved REAL, PRIMARY KEY (server, song))"
            )
            self.connection.commit()
        except (OSError, sqlite3.Error) as error:
            raise UserError(f"{path}: the lyrics cache cannot be opened ({error})") from None
        self.lock = threading.Lock()

    def get(self, server: str, song: str) -> tuple[str, str | None, bool] | None:
        """(status, lyrics, synced) of a song's answer, by the server and the song's key; None when unknown (or a
        miss older than MISS_TTL_S)."""
        with self.lock:
            row = self.connection.execute(
                "SELECT status, lyrics, synced, saved FROM answers WHERE server = ? AND song = ?", (server, song)
            ).fetchone()
        if row is None or (row[0] == "not found" and time.time() - row[3] > MISS_TTL_S):
            return None
        return row[0], row[1], bool(row[2])

    def put(self, server: str, song: str, status: str, lyrics: str | None, synced: bool) -> None:
        """Remember an answer; one that cannot be stored is simply asked again next time."""
        with self.lock:
            try:
                self.connection.execute(
                    "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?)",
                    (server, song, status, lyrics, int(synced), time.time()),
                )
                self.connection.commit()
            except (sqlite3.Error, UnicodeEncodeError):
                pass

    def close(self) -> None:
        self.connection.close()
