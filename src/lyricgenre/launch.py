"""The `lyricgenre` command's entry point: the command line is imported inside it, so Ctrl-C while it starts
(numpy, onnxruntime and the interfaces loading) ends it like Ctrl-C at any other moment: one line, exit 130."""

from __future__ import annotations

import sys

from lyricgenre.errors import EXIT_INTERRUPTED


def main() -> int:
    try:
        from lyricgenre.interfaces.cli import main as run

        return run()
    except KeyboardInterrupt:
        print("lyricgenre: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
