"""Records out: one writer class per output format, chosen by the output's suffix from one table
(`OUTPUT_FORMATS`), behind `RecordWriter`, which makes every output safe to write.

A plain output is written to a temporary file beside it, renamed into place only when complete. A journal
(the report of a `tag --write` run, which holds the previous tag values of files being rewritten) goes
straight into the output under its own name, each record flushed and synced to disk as it is written, so a run
stopped in any way leaves every record written so far where the user asked for it.
"""

from __future__ import annotations

import codecs
import csv
import json
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import ClassVar, TextIO

from lyricgenre.errors import UserError
from lyricgenre.interfaces.filesafety import check_replaceable, output_mode, shown_path, sync_file
from lyricgenre.interfaces.songs.datasets import DatasetRecords, is_dataset_output, resume_key
from lyricgenre.interfaces.songs.fields import KEPT_FIELDS
from lyricgenre.interfaces.songs.parquet import ParquetSink
from lyricgenre.interfaces.songs.resume import done_keys
from lyricgenre.interfaces.songs.rows import SongRow


class RecordFormat:
    """One output format: what `RecordWriter` hands each record to. A format is a subclass with a `description`
    and `write`, listed in `OUTPUT_FORMATS`; it gets the open text handle (or the `path` it writes itself), the
    output's columns and its name for errors."""

    description: ClassVar[str] = ""
    journal: ClassVar[bool] = True  # can be written as a journal: each record complete on disk once written

    def __init__(self, handle: TextIO, path: Path | None, columns: list[str], name: str = ""):
        self.handle = handle

    def write(self, record: dict) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Nothing left to write (the handle is closed by `RecordWriter`)."""


class JsonlRecords(RecordFormat):
    """JSON Lines, a record a song."""

    description = "JSON Lines, a record a song"
    ascii_only = False  # escape every character outside ASCII (for a standard output that is not UTF-8)

    def write(self, record: dict) -> None:
        self.handle.write(json.dumps(record, ensure_ascii=self.ascii_only) + "\n")


class CsvRecords(RecordFormat):
    """CSV, a row a song, scores as JSON."""

    description = "CSV, a row a song, scores as JSON"

    def __init__(self, handle: TextIO, path: Path | None, columns: list[str], name: str = ""):
        super().__init__(handle, path, columns, name)
        self.writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        self.header_written = False

    def write(self, record: dict) -> None:
        if not self.header_written:
            self.writer.writeheader()
            self.header_written = True
        self.writer.writerow({key: _csv_value(key, value) for key, value in record.items()})


class ParquetRecords(RecordFormat):
    """Parquet, a row a song, lists and score maps typed (needs pyarrow)."""

    description = "Parquet, a row a song, lists and score maps typed (needs pyarrow)"
    journal = False  # written a row group at a time: a record is not on disk as soon as it is written

    def __init__(self, handle: TextIO, path: Path | None, columns: list[str], name: str = ""):
        super().__init__(handle, path, columns, name)
        self.sink = ParquetSink(path, columns, name)  # `path` is a temporary: errors name the output

    def write(self, record: dict) -> None:
        self.sink.write(record)

    def close(self) -> None:
        self.sink.close()


# The one list of output formats: dispatch, help texts and error messages come from it.
OUTPUT_FORMATS: dict[str, type[RecordFormat]] = {
    ".jsonl": JsonlRecords,
    ".csv": CsvRecords,
    ".parquet": ParquetRecords,
}


class LineRecords(RecordFormat):
    """For people on a terminal: one line a song, as `describe` words a record."""

    def __init__(self, handle: TextIO, describe: Callable[[dict], str]):
        super().__init__(handle, None, [])
        self.describe = describe

    def write(self, record: dict) -> None:
        self.handle.write(self.describe(record) + "\n")


class RecordWriter:
    """Writes records to `output` (its format by suffix, a folder without one: a Parquet dataset of parts; None:
    JSONL on `stdout`, or with `lines` a line a record for people), safely: a temporary renamed into place when
    complete, or with `journal` record by record on disk. With `resume`, what an earlier run wrote is kept
    (`done` counts its records by `datasets.resume_key`) and the new records follow it, written in place.
    """

    def __init__(
        self,
        output: Path | None,
        stdout: TextIO,
        extra_columns: tuple[str, ...] = (),
        *,
        journal: bool = False,
        lines: Callable[[dict], str] | None = None,
        resume: bool = False,
    ):
        self.output = Path(output) if output else None
        self.extra_columns = extra_columns  # CSV/Parquet columns after `notes`, e.g. `artist_songs`
        self.journal, self.temporary, self.written = journal, None, 0
        self.resume, self.done = resume, Counter()
        self.earlier = 0  # rows found done by an earlier run (`already_done`, `holds_every`)
        if resume and self.output is None:
            raise UserError("--resume goes on with an --output file or folder; give --output")
        if self.output is None:
            self.handle = stdout
            # JSON on a standard output that is not UTF-8 (a redirected Windows console, a Latin-1 locale) escapes
            # what it cannot encode, so it stays valid and lossless; files are always UTF-8.
            self.records = LineRecords(stdout, lines) if lines else JsonlRecords(stdout, None, [])
            self.records.ascii_only = not writes_utf8(stdout)  # only JSON escapes it; lines are written as they are
            return
        if is_dataset_output(self.output):
            self._open_dataset()
            return
        if self.output.is_dir():
            raise UserError(f"{self.output}: is a folder; give a file name for the output")
        kind = OUTPUT_FORMATS.get(self.output.suffix.lower())
        if kind is None:
            raise UserError(f"{self.output}: unsupported output type; use {' or '.join(OUTPUT_FORMATS)} or a folder")
        if resume and kind is ParquetRecords:
            raise UserError(
                f"{self.output}: --resume writes Parquet as a dataset folder of parts; give --output FOLDER"
            )
        if journal and not kind.journal:
            raise UserError(f"{self.output}: a report written as files are rewritten must be .jsonl or .csv")
        check_replaceable(self.output)
        try:
            self.output.parent.mkdir(parents=True, exist_ok=True)
            self.handle, path = self._open()
            self.records = kind(self.handle, path, self.columns(), shown_path(self.output.name))
            if self.resume and self.output.stat().st_size:
                self.records.header_written = True  # a CSV goes on under the header the earlier run wrote
        except OSError as error:
            raise UserError(f"{self.output}: cannot be written ({error.strerror or error})") from None

    def _open_dataset(self) -> None:
        """A folder of Parquet parts: a new one, or with `resume` the one an earlier run wrote parts into."""
        folder = self.output
        if self.journal:
            raise UserError(f"{folder}: a report written as files are rewritten must be .jsonl or .csv")
        others = [p.name for p in folder.iterdir() if not p.name.startswith(".")] if folder.is_dir() else []
        if any(not name.lower().endswith(".parquet") for name in others):
            raise UserError(f"{folder}: holds other files than Parquet parts; give another --output folder")
        if others and not self.resume:
            raise UserError(f"{folder}: holds the parts of an earlier run; --resume goes on with it")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self.done = done_keys(folder) if self.resume else Counter()
        except OSError as error:
            raise UserError(f"{folder}: cannot be written ({error.strerror or error})") from None
        self.handle, self.records = None, DatasetRecords(None, folder, self.columns())

    def _open(self) -> tuple[TextIO, Path]:
        """The output itself for a journal or a resumed run, else a private temporary beside it (with the
        output's final mode)."""
        if self.resume:
            self.done = done_keys(self.output)  # its half-written last record, if any, cut off
            handle = self.output.open("a", encoding="utf-8", newline="")
            return handle, self.output
        if self.journal:
            return self.output.open("w", encoding="utf-8", newline=""), self.output
        descriptor, temporary = tempfile.mkstemp(prefix=f".{self.output.name}.", dir=self.output.parent)
        self.temporary = Path(temporary)
        os.fchmod(descriptor, output_mode(self.output))
        return os.fdopen(descriptor, "w", encoding="utf-8", newline=""), self.temporary

    def columns(self) -> list[str]:
        """The columns of a CSV or Parquet output, in order."""
        fixed = ["row", *KEPT_FIELDS, "path", "families", "genres", "family_scores", "scores", "notes"]
        return [*fixed, *self.extra_columns, "error", "skipped"]

    def write(self, record: dict) -> None:
        """Write one record; a journal's is on disk when this returns."""
        self.written += 1
        try:
            self.records.write(record)
            if self.resume and self.handle is not None:
                self.handle.flush()  # in place: a run killed now keeps this record (the OS holds it)
            if self.journal:
                self.handle.flush()
                if self.output:  # on disk before the file it records is renamed: a power cut keeps it too
                    os.fsync(self.handle.fileno())
        except OSError as error:  # a full disk, a removed folder: stop, the earlier output left as it was
            if self.output is None and isinstance(error, BrokenPipeError):
                raise  # the reader of standard output went away (`| head`): the command ends quietly
            raise UserError(f"{self.output or 'output'}: writing failed ({error.strerror or error})") from None

    def _close_in_place(self, success: bool) -> None:
        """Flush standard output, or put a journal on disk and close it; a failure is the run's error when it
        succeeded so far (otherwise its own error is the one to report)."""
        try:
            self.handle.flush()
            if self.output:
                os.fsync(self.handle.fileno())
        except OSError as error:
            if self.output is None and isinstance(error, BrokenPipeError):
                raise
            if success:
                raise UserError(f"{self.output or 'output'}: writing failed ({error.strerror or error})") from None
        finally:
            if self.output:
                self.handle.close()

    def _close_dataset(self, success: bool) -> None:
        """The records of the last part, written even when the run stops early (what it did is kept)."""
        try:
            self.records.close()
        except OSError as error:
            if success:
                raise UserError(f"{self.output}: writing failed ({error.strerror or error})") from None

    def already_done(self, fields: dict, row: int) -> bool:
        """Whether an earlier run wrote this row's record (each record counted once: a repeated id as often as
        it was written)."""
        key = resume_key(fields, row)
        if self.done[key] > 0:
            self.done[key] -= 1
            self.earlier += 1
            return True
        return False

    def holds_every(self, rows: Iterable[SongRow]) -> bool:
        """Whether an earlier run wrote the record of every one of `rows` (read up to the first it did not); when
        it did, they all count as `earlier`. Nothing is marked done."""
        left, count = Counter(self.done), 0
        for song in rows:
            key = resume_key(song.fields, song.row)
            if left[key] <= 0:
                return False
            left[key] -= 1
            count += 1
        self.earlier += count if self.done else 0
        return bool(self.done)

    def write_again(self, fields: dict, row: int) -> None:
        """Count the earlier record of this row as not done: its row is classified and written once more (the
        record of a file a stopped `tag` run did not get to rewrite)."""
        self.done[resume_key(fields, row)] -= 1

    def check_not_empty(self, input: Path) -> None:
        """An input that gave no rows (a header alone, an empty file) is an error: an empty output would look
        like success. Rows an earlier run wrote count."""
        if not self.written and not self.earlier:
            raise UserError(f"{input}: no songs in this file")

    def __enter__(self) -> RecordWriter:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        """Closed, and renamed into place only when the block ran to its end."""
        self.close(success=kind is None)

    def close(self, success: bool) -> None:
        """Rename the output into place on success (a journal is in place already); never leave the temporary."""
        if self.handle is None:  # a dataset folder: each part already renamed into place when complete
            self._close_dataset(success)
            return
        if not self.temporary:
            self._close_in_place(success)
            return
        try:
            self.handle.close()
            if success:
                self.records.close()
                sync_file(self.temporary)
                os.replace(self.temporary, self.output)
        except OSError as error:
            if success:  # otherwise the run's own error is the one to report
                raise UserError(f"{self.output}: could not be written ({error.strerror or error})") from None
        finally:
            self.temporary.unlink(missing_ok=True)  # gone already once renamed


def writes_utf8(stream) -> bool:
    """Whether a text stream encodes to UTF-8 (what every character of the output needs)."""
    return codecs.lookup(getattr(stream, "encoding", None) or "utf-8").name == "utf-8"


def output_formats_help() -> str:
    return f"write {' or '.join(OUTPUT_FORMATS)} here (default: JSONL on standard output)"


def _csv_value(key: str, value):
    """A CSV cell: lists joined (genres by "|", notes by "; "), score dictionaries as JSON, None empty."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return json.dumps(value) if value else ""
    if isinstance(value, list):
        return ("; " if key == "notes" else "|").join(value)
    return value
