"""File helpers both wings share (the songs readers and writers, the library tagger): durable writes, the
permissions an output gets, and file names shown as any output can hold them."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from lyricgenre.errors import UserError


def sync_file(path: Path) -> None:
    """Put a file's bytes on disk before it is renamed over another: a power cut must not leave it empty."""
    with Path(path).open("rb+") as handle:
        os.fsync(handle.fileno())


def sync_folder(folder: Path) -> None:
    """Make a rename durable: a power cut after it must not bring back the old name's entry."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def output_mode(path: Path) -> int:
    """The permissions an output renamed into place at `path` should have: those of the file it replaces, or
    what a plain write would give a new file (0o666 less the umask) — not the temporary's private 0o600."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0o022)  # the only way to read it; set back at once
        os.umask(umask)
        return 0o666 & ~umask


def check_replaceable(path: Path) -> None:
    """Refuse to replace, in a folder anyone can write to (/tmp), a file that is another user's or a symbolic
    link: another user may have put it there for this program to overwrite, or to write through."""
    try:
        folder, status = path.parent.stat(), path.lstat()
    except OSError:  # nothing there to replace (or no folder: opening the output says so)
        return
    if not folder.st_mode & stat.S_IWOTH:
        return
    if stat.S_ISLNK(status.st_mode):
        raise UserError(f"{path}: a symbolic link in a folder anyone can write to; not replaced (give another output)")
    if status.st_uid != os.geteuid():
        raise UserError(f"{path}: another user's file in a folder anyone can write to; not replaced")


def shown_path(path) -> str:
    """A file path as text any output can hold: bytes of its name that are not UTF-8 (an old Latin-1 library's
    "caf\\xe9.mp3") shown as \\xNN escapes, instead of the lone surrogates Python reads them as."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")
