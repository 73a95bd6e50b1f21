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

from lyricgenre.interfaces import audio, library
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
        audio._sync_folder = after(audio._sync_folder)
    else:
        write_tags = library.write_tags

        def recorded_then_paused(path, updates, root=None, before_rename=None):
            def record_then_hang():
                before_rename()
                hang_on_nth_call()

            return write_tags(path, updates, root, record_then_hang)

        library.write_tags = recorded_then_paused


if __name__ == "__main__":
    point, nth, marker = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    assert point in POINTS and sys.argv[4] == "--"
    pause_at(point, nth, marker)
    sys.exit(main(sys.argv[5:]))
