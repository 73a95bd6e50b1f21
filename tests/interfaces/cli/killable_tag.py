"""`lyricgenre tag` that stops dead at a chosen point of rewriting its Nth file, for the SIGKILL tests.

    python -m tests.interfaces.cli.killable_tag POINT N MARKER -- TAG ARGUMENTS...

At POINT of the Nth rewrite the process creates MARKER and sleeps, so the test can SIGKILL it exactly there.
Points, in the order a rewrite passes them: `copied` (the temporary copy made), `tags-written` (the copy's
tags written, not yet checked), `recorded` (the report record emitted, the copy not yet renamed), `renamed`
(the copy renamed over the file, the folder not yet synced).
"""

import sys
import time
from pathlib import Path

from lyricgenre.interfaces.audio import tags as audio
from lyricgenre.interfaces.cli import main

POINTS = ("copied", "tags-written", "recorded", "renamed")


def pause_at(point: str, nth: int, marker: Path) -> None:
    """Make the function that runs right after `point` hang on its Nth call, once MARKER exists."""
    calls = []

    def hang_on_nth_call() -> None:
        calls.append(1)
        if len(calls) == nth:
            marker.touch()
            time.sleep(600)

    def after(function):
        def paused(*args, **kwargs):
            hang_on_nth_call()
            return function(*args, **kwargs)

        return paused

    if point == "copied":
        audio._keep_owner = after(audio._keep_owner)
    elif point == "tags-written":
        audio._check_copy = after(audio._check_copy)
    elif point == "renamed":
        audio.sync_folder = after(audio.sync_folder)
    else:  # "recorded": the report record is on disk, the checked copy not yet renamed
        audio.PreparedRewrite.commit = after(audio.PreparedRewrite.commit)


if __name__ == "__main__":
    point, nth, marker = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    assert point in POINTS and sys.argv[4] == "--"
    pause_at(point, nth, marker)
    sys.exit(main(sys.argv[5:]))
