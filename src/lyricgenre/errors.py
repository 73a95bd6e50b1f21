"""Errors caused by the user's input: the CLI prints them as one line and exits non-zero."""

import sys
from pathlib import Path

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports Ctrl-C

_ctrl_c_received = False


def on_ctrl_c(number, frame) -> None:
    """The command's SIGINT handler: KeyboardInterrupt, as Python's own, but remembered, because a C extension
    whose import it interrupts (numpy, onnxruntime) reports an ImportError instead, which must still end the
    command as a Ctrl-C does (`interrupted`)."""
    global _ctrl_c_received
    _ctrl_c_received = True
    raise KeyboardInterrupt


def interrupted(error: BaseException) -> bool:
    """Whether `error` is a Ctrl-C, or an ImportError that one caused (`on_ctrl_c`)."""
    return isinstance(error, KeyboardInterrupt) or (_ctrl_c_received and isinstance(error, ImportError))


def report_interrupted() -> int:
    """What a command stopped by Ctrl-C (or SIGTERM, SIGHUP) says: one line; the exit code a shell gives it."""
    print("lyricgenre: interrupted", file=sys.stderr)
    return EXIT_INTERRUPTED


class UserError(Exception):
    """Bad input (a missing file, a malformed row, an unknown option value); the message says which."""


class UsageError(UserError):
    """A command given without what it needs to run: its usage is shown above the message."""


def check_output_folder(folder: Path, marker: str, what: str, left_by_a_stopped_run: frozenset = frozenset()) -> None:
    """Refuse an `--out` that would put this program's files among a user's: it must be new, empty, an earlier
    `what` (holding `marker`) or hold only what an earlier, stopped run leaves there."""
    folder = Path(folder)
    if not folder.exists():
        return
    if not folder.is_dir():
        raise UserError(f"{folder}: is a file; give a folder for the {what}")
    if not (folder / marker).is_file() and {entry.name for entry in folder.iterdir()} - left_by_a_stopped_run:
        raise UserError(f"{folder}: holds other files and no {what}; give a new folder or an earlier {what}")
