"""The fields of an input record as this program reads them: column names matched loosely, text stored as
bytes decoded, and the fields kept from input to output (`KEPT_FIELDS`) checked that an output can hold them."""

from __future__ import annotations

import math
from collections import Counter

from lyricgenre.text import unencodable

KEPT_FIELDS = ("id", "artist", "title", "album", "album_artist")


def matching_fields(names, wanted) -> dict[str, str]:
    """{name: wanted name} for the `names` (columns, JSON keys) that stand for a `wanted` one in another case or
    with spaces around it ("Lyrics", " Artist"), when that wanted name is not there as it is."""
    present = set(names)
    by_key = {w.casefold(): w for w in wanted if w not in present}
    matches = {name: by_key[name.strip().casefold()] for name in names if name.strip().casefold() in by_key}
    candidates = Counter(matches.values())
    return {name: w for name, w in matches.items() if candidates[w] == 1}  # two candidates: neither is guessed


def known_names(names: list[str], text_column: str) -> list[str]:
    """The names with those that stand for the text column or a kept field ("Lyrics", "Artist") written as
    this program reads them (`matching_fields`)."""
    renamed = matching_fields(names, (text_column, *KEPT_FIELDS))
    return [renamed.get(name, name) for name in names]


def as_text(value):
    """Text stored as bytes (a Parquet binary column, as some writers store strings) as the UTF-8 text it holds;
    anything else, or bytes that are not UTF-8, as it is."""
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return value


def kept_fields(record: dict) -> tuple[dict, str | None]:
    """The record's `KEPT_FIELDS` as an output can hold them (text stored as bytes read as UTF-8), and why the
    row cannot be classified when one is neither a number nor encodable text (None when all are); those are
    left out, so the error row itself can be written."""
    fields = {key: as_text(record[key]) for key in KEPT_FIELDS if record.get(key) not in (None, "")}
    unwritable = [key for key, value in fields.items() if not _writable(value)]
    for key in unwritable:
        fields.pop(key)
    return fields, f"field {unwritable[0]!r} is not text that can be written back" if unwritable else None


def _writable(value) -> bool:
    """A kept field's value (id, artist, title, album) as the output can hold it: a finite number (JSON has no
    NaN or Infinity, though Python's reader takes them) or encodable text."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return False
    if isinstance(value, float):
        return math.isfinite(value)
    return not (isinstance(value, str) and unencodable(value))
