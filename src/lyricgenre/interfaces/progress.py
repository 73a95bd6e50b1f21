"""A progress bar on standard error for long runs over files of songs."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from lyricgenre.interfaces.songs import count_songs

PROGRESS_WIDTH = 30
REDRAW_SECONDS = 0.1  # the bar is drawn at most this often: a resumed run counts its earlier rows one by one


def shown_beside(output: Path | None) -> bool:
    """Whether a run writing records to `output` (None: standard output) has room for a bar on the terminal: not
    when the records themselves go to it as they come (they show the progress, and a bar would break them)."""
    return output is not None or not sys.stdout.isatty()


class ProgressBar:
    """A progress bar on stderr, with songs/s and the time left (only on a terminal: logs and pipes stay clean)."""

    def __init__(self, total: int | None, enabled: bool | None = None):
        self.total, self.done, self.started = total, 0, time.monotonic()
        self.earlier = 0  # songs an earlier run did: counted as done, not in the rate
        self.drawn = -float("inf")  # when the bar was last drawn
        self.enabled = sys.stderr.isatty() if enabled is None else enabled

    @classmethod
    def for_input(cls, path: Path, audio_only: bool = False, shown: bool = True) -> ProgressBar:
        """A bar counting the songs of an input (on a terminal, unless not `shown`: lines for people show it as
        they come)."""
        if not shown:
            return cls(None, enabled=False)
        return cls(count_songs(path, audio_only))

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exception) -> None:
        self.finish()

    def update(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        if self.enabled and (now - self.drawn >= REDRAW_SECONDS or self.done == self.total):
            self._draw(now)

    def _draw(self, now: float) -> None:
        print(f"\r{self.line(now - self.started)}", end="", file=sys.stderr, flush=True)
        self.drawn = now

    def done_before(self, count: int) -> None:
        """Count songs a resumed run finds done already: on the bar, but not in its songs/s or time left."""
        self.earlier += count
        self.update(count)

    def line(self, elapsed: float) -> str:
        rate = (self.done - self.earlier) / max(elapsed, 1e-9)
        if not self.total:
            return f"classified {self.done} songs ({rate:.0f} songs/s)"
        share = min(self.done / self.total, 1.0)
        filled = round(share * PROGRESS_WIDTH)
        left = f" · {max(self.total - self.done, 0) / rate:.0f} s left" if rate > 0 else ""  # unknown before any
        return (
            f"[{'█' * filled}{'·' * (PROGRESS_WIDTH - filled)}] {self.done}/{self.total} songs {share:4.0%}"
            f" · {rate:.0f} songs/s{left}"
        )

    def finish(self) -> None:
        """End the bar's line (once): what is printed next starts on a line of its own."""
        if self.enabled and self.done:
            self._draw(time.monotonic())  # the last count, whatever redraw was skipped
            print(file=sys.stderr, flush=True)
        self.enabled = False
