"""Parquet in and out for `lyricgenre predict` (needs pyarrow: `pip install 'lyricgenre[parquet]'`).

Both sides stream in batches of `BATCH_ROWS`, so memory does not grow with the file: rows are read a
record batch at a time, and records are written a row group at a time into a temporary file renamed into
place when complete (as the other formats are).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from lyricgenre.errors import UserError
from lyricgenre.interfaces.songs.fields import matching_fields

BATCH_ROWS = 1024
EXTRA = "pip install 'lyricgenre[parquet]'"


def pyarrow_modules():
    try:
        import pyarrow
        import pyarrow.parquet
    except ModuleNotFoundError:
        raise UserError(f"Parquet files need pyarrow: {EXTRA}") from None
    return pyarrow, pyarrow.parquet


def read_parquet_records(path: Path, text_column: str, kept: tuple[str, ...]) -> Iterator[dict]:
    """The file's rows as dicts holding the lyrics column and the kept columns it has, in order."""
    pa, pq = pyarrow_modules()
    try:
        source = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as error:
        raise UserError(f"{path}: not a readable Parquet file ({str(error).splitlines()[0][:200]})") from None
    names = source.schema_arrow.names
    renamed = matching_fields(names, (text_column, *kept))  # "Lyrics" for lyrics, "Artist" for artist
    wanted = {renamed.get(name, name): name for name in names}
    if text_column not in wanted:
        raise UserError(
            f"{path}: no column {text_column!r} (columns: {', '.join(names)}); choose one with --text-column"
        )
    read = {wanted[name]: name for name in (text_column, *kept) if name in wanted}  # column -> field name
    try:
        for batch in source.iter_batches(batch_size=BATCH_ROWS, columns=list(read)):
            yield from ({read[column]: value for column, value in row.items()} for row in batch.to_pylist())
    except (OSError, pa.ArrowException) as error:
        raise UserError(f"{path}: the Parquet file is damaged ({str(error).splitlines()[0][:200]})") from None


def count_parquet_rows(path: Path) -> int | None:
    try:
        _, pq = pyarrow_modules()
        return pq.ParquetFile(path).metadata.num_rows
    except Exception:  # noqa: BLE001 (a count for the progress bar; reading the file reports the problem)
        return None


class ParquetSink:
    """Records -> a Parquet file, a row group at a time, with one schema fixed by the columns asked for.

    Lists of names are `list<string>`, score tables `map<string, float>`, counts integers, the rest text;
    `id` is an integer column while every id is an integer, and becomes text (the rows written so far
    converted) as soon as one is not. `name`: the output's name, for errors (`path` may be a temporary).
    """

    def __init__(self, path: Path, columns: list[str], name: str | None = None):
        self.pa, self.pq = pyarrow_modules()
        self.path, self.columns, self.name = path, columns, name or path.name
        self.buffer: list[dict] = []
        self.writer = None

    def write(self, record: dict) -> None:
        self.buffer.append(record)
        if len(self.buffer) >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        ids = [record.get("id") for record in self.buffer]
        integer_ids = any(_is_int(i) for i in ids) and all(_is_int(i) or i is None for i in ids)
        if self.writer is None:
            self.schema = self.pa.schema([(name, self._type(name, integer_ids)) for name in self.columns])
            self.writer = self.pq.ParquetWriter(self.path, self.schema)
        elif not integer_ids and "id" in self.columns and self.pa.types.is_integer(self.schema.field("id").type):
            self._ids_as_text()
        converters = {name: _converter(self.schema.field(name).type, self.pa) for name in self.columns}
        columns = {name: [converters[name](record.get(name)) for record in self.buffer] for name in self.columns}
        try:
            table = self.pa.table(columns, schema=self.schema)
        except (self.pa.ArrowInvalid, self.pa.ArrowTypeError) as error:
            raise UserError(f"{self.name}: a value does not fit its Parquet column ({error})") from None
        self.writer.write_table(table)
        self.buffer = []

    def close(self) -> None:
        self.flush()
        if self.writer is None:  # no record at all: still a valid (empty) file
            self.pq.write_table(self.pa.table({name: [] for name in self.columns}), self.path)
        else:
            self.writer.close()

    def _ids_as_text(self) -> None:
        """Rewrite what is written so far with `id` as text, and go on writing into that file (renamed to `path`)."""
        pa, pq = self.pa, self.pq
        self.writer.close()
        self.schema = self.schema.set(self.schema.get_field_index("id"), pa.field("id", pa.string()))
        widened = self.path.with_name(self.path.name + ".ids")
        try:
            self.writer = pq.ParquetWriter(widened, self.schema)
            for batch in pq.ParquetFile(self.path).iter_batches(batch_size=BATCH_ROWS):
                ids = batch.column("id").cast(pa.string())
                self.writer.write_batch(batch.set_column(batch.schema.get_field_index("id"), "id", ids))
            os.replace(widened, self.path)  # the open writer keeps writing into the renamed file
        except BaseException:
            widened.unlink(missing_ok=True)
            raise

    def _type(self, name: str, integer_ids: bool):
        pa = self.pa
        if name in ("families", "genres", "notes", "tag_values", "tag_previous"):
            return pa.list_(pa.string())
        if name in ("scores", "family_scores"):
            return pa.map_(pa.string(), pa.float32())
        if name == "row" or name.endswith("_songs") or (name == "id" and integer_ids):
            return pa.int64()
        if name == "lyrics_saved":
            return pa.bool_()
        return pa.string()


INT64 = range(-(2**63), 2**63)  # an id outside it (a uint64 column, a huge number) makes the id column text


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in INT64


def _converter(arrow_type, pa) -> Callable:
    """How a record's value becomes a value of its column (None stays null)."""
    if pa.types.is_map(arrow_type):
        return lambda value: None if value is None else list(value.items())
    if pa.types.is_string(arrow_type):
        return lambda value: None if value is None else value if isinstance(value, str) else json.dumps(value)
    return lambda value: value
