"""Text files read record by record (a JSONL line, the lines a CSV record spans), never holding a huge one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lyricgenre.errors import UserError
from lyricgenre.text import MAX_LYRICS_CHARS


def open_text(path: Path):
    """A CSV or JSONL file as text; "utf-8-sig": a byte-order mark (as spreadsheet programs write) is not data."""
    try:
        return path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise UserError(f"{path}: cannot be read ({error.strerror})") from error


# A JSONL line or CSV record longer than this is a row error, read past without being held: ten times what the
# model reads of a text (`text.MAX_LYRICS_CHARS`), so a long song with its fields fits with room to spare.
MAX_RECORD_CHARS = 10 * MAX_LYRICS_CHARS
_READ_CHUNK = 1 << 16  # characters read at a time while looking for a record's end


def records(handle, quoted: bool) -> Iterator[tuple[int, str | None]]:
    """(first line number, text) of each record of a text file: a line, or with `quoted` the lines a CSV record
    spans (until its double quotes balance). The text is None for a record over MAX_RECORD_CHARS."""
    line = 0
    while True:
        first, parts, size, inside, ended = line + 1, [], 0, False, False
        while not ended or inside:
            chunk = handle.readline(_READ_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            inside ^= quoted and chunk.count('"') % 2 == 1
            ended = chunk.endswith("\n") or (chunk.endswith("\r") and len(chunk) < _READ_CHUNK)
            line += ended
            if parts is not None and size <= MAX_RECORD_CHARS:
                parts.append(chunk)
            else:
                parts = None  # too long: read on to its end, holding nothing
        if not size:
            return
        line += not ended  # the file's last line, without a line break
        yield first, "".join(parts) if parts is not None else None


def too_long(line: int) -> str:
    return f"line {line}: a record over {MAX_RECORD_CHARS:,} characters (or an unclosed quote); not read"
