"""Parquet datasets: a folder of parts (`part-00000.parquet`, …), what Spark, Ray and DuckDB read and write.

As an input, the parts of a folder are read in name order, one row numbering across them. As an output, records
go into parts of `PART_ROWS` rows, each written to a hidden temporary and renamed into place when complete, so
a stopped run leaves only complete parts: `--resume` reads the ids (or row numbers) they hold, removes a part
that cannot be read (one another program left half-written) and goes on with new parts after the last.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from lyricgenre.errors import UserError
from lyricgenre.interfaces.filesafety import sync_file, sync_folder
from lyricgenre.interfaces.songs.parquet import ParquetSink, pyarrow_modules, read_parquet_records

PART_ROWS = 1024  # records per part: a part is what a stopped run can lose
PART_NAME = re.compile(r"^part-(\d{5,})\.parquet$")


def is_dataset(path: Path) -> bool:
    """A folder holding Parquet parts (and nothing a folder of songs is read for)."""
    return path.is_dir() and any(part.suffix.lower() == ".parquet" for part in path.iterdir())


def is_dataset_output(path: Path) -> bool:
    """Whether an output path names a dataset folder: no suffix (`tags/`), or a folder named `….parquet` (as Spark
    writes them). A folder with another suffix (`out.jsonl/`) is a mistake, not a dataset."""
    return not path.suffix or (path.is_dir() and path.suffix.lower() == ".parquet")


def parts(folder: Path) -> list[Path]:
    """The folder's Parquet files, in name order (hidden temporaries left out)."""
    return sorted(p for p in folder.iterdir() if p.suffix.lower() == ".parquet" and not p.name.startswith("."))


def resume_key(fields: dict, row: int) -> tuple[str, str]:
    """What a row is known by when a run is resumed: its id as text, else its row number."""
    identifier = fields.get("id")
    return ("id", str(identifier)) if identifier not in (None, "") else ("row", str(row))


def dataset_keys(folder: Path) -> Counter:
    """The `resume_key`s of the records a dataset folder holds; a part that cannot be read is removed."""
    pa, pq = pyarrow_modules()
    done: Counter = Counter()
    for leftover in folder.glob(".part-*"):
        leftover.unlink(missing_ok=True)
    for part in parts(folder):
        try:
            table = pq.read_table(part, columns=[c for c in ("row", "id") if c in pq.read_schema(part).names])
        except (OSError, pa.ArrowException):  # half-written by a run that was killed: its rows are done again
            part.unlink()
            continue
        ids = table.column("id").to_pylist() if "id" in table.column_names else [None] * table.num_rows
        rows = table.column("row").to_pylist() if "row" in table.column_names else [None] * table.num_rows
        done.update(resume_key({"id": i}, r) for i, r in zip(ids, rows))
    return done


class DatasetRecords:
    """Records into a dataset folder, a part of `PART_ROWS` at a time (the `RecordFormat` of a folder output)."""

    description = "a folder of Parquet parts (a dataset), written part by part"
    journal = False

    def __init__(self, handle: TextIO | None, folder: Path, columns: list[str], name: str = ""):
        self.folder, self.columns, self.buffer = folder, columns, []
        numbers = [int(match[1]) for part in parts(folder) if (match := PART_NAME.match(part.name))]
        self.next_part = max(numbers, default=-1) + 1  # after the parts an earlier run wrote

    def write(self, record: dict) -> None:
        self.buffer.append(record)
        if len(self.buffer) >= PART_ROWS:
            self.flush()

    def flush(self) -> None:
        """Write the records held as one part: a hidden temporary, renamed when complete."""
        if not self.buffer:
            return
        name = f"part-{self.next_part:05d}.parquet"
        temporary = self.folder / f".{name}.tmp"
        sink = ParquetSink(temporary, self.columns, name)
        for record in self.buffer:
            sink.write(record)
        sink.close()
        sync_file(temporary)
        temporary.rename(self.folder / name)
        sync_folder(self.folder)
        self.next_part, self.buffer = self.next_part + 1, []

    def close(self) -> None:
        self.flush()


def read_dataset(folder: Path, text_column: str, kept: tuple[str, ...]) -> Iterator[dict]:
    """The records of every part, in name order."""
    found = parts(folder)
    if not found:
        raise UserError(f"{folder}: no Parquet parts in this folder")
    for part in found:
        yield from read_parquet_records(part, text_column, kept)
