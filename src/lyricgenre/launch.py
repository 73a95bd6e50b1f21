"""The `lyricgenre` command's entry point: the command line is imported inside it, so Ctrl-C while it starts
(numpy, onnxruntime and the interfaces loading) ends it like Ctrl-C at any other moment: one line, exit 130."""

from __future__ import annotations

import signal

from lyricgenre.errors import interrupted, on_ctrl_c, report_interrupted


def main() -> int:
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not where Ctrl-C is ignored (`cmd &`)
        signal.signal(signal.SIGINT, on_ctrl_c)
    try:
        from lyricgenre.interfaces.cli import main as run

        return run()
    except (KeyboardInterrupt, ImportError) as error:
        if not interrupted(error):
            raise
        return report_interrupted()
