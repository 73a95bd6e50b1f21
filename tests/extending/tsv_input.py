"""An input format added the way docs/extending.md says: one reader function, and one line in `INPUT_FORMATS`."""

import csv
from collections.abc import Iterator
from pathlib import Path

from lyricgenre.interfaces.songs.rows import SongRow, song_row


def read_tsv(path: Path, text_column: str) -> Iterator[SongRow]:
    """A song a row of a tab-separated file with a header (a row number from 1, its kept fields, its lyrics)."""
    with path.open(encoding="utf-8", newline="") as handle:
        for number, record in enumerate(csv.DictReader(handle, delimiter="\t"), start=1):
            yield song_row(number, record.get(text_column), record)
