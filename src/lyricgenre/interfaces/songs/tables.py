"""CSV and JSON Lines inputs: a song a record, with its lyrics column and kept fields."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

from lyricgenre.errors import UserError
from lyricgenre.interfaces.songs.fields import known_names
from lyricgenre.interfaces.songs.rows import SongRow, song_row
from lyricgenre.interfaces.songs.textfiles import MAX_RECORD_CHARS, open_text, records, too_long

CSV_DELIMITERS = (",", ";", "\t")  # comma first; semicolons as spreadsheets write CSV in many locales; tabs


def _csv_values(text: str, delimiter: str = ",") -> list[str]:
    """The fields of one CSV record (raises csv.Error when it is malformed)."""
    return next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True), [])


def _csv_header(header: str, text_column: str) -> tuple[list[str], str]:
    """The header's columns and the file's delimiter: the first of `CSV_DELIMITERS` that finds `text_column`;
    without it, the split into the most columns (what the error lists)."""
    splits = {delimiter: known_names(_csv_values(header, delimiter), text_column) for delimiter in CSV_DELIMITERS}
    for delimiter, columns in splits.items():
        if text_column in columns:
            return columns, delimiter
    delimiter = max(splits, key=lambda d: len(splits[d]))
    return splits[delimiter], delimiter


def read_csv(path: Path, text_column: str, label_column: str | None = None) -> Iterator[SongRow]:
    handle = open_text(path)
    csv.field_size_limit(max(csv.field_size_limit(), MAX_RECORD_CHARS + 1))
    try:
        texts = records(handle, quoted=True)
        line, header = next(texts, (1, ""))
        try:
            columns, delimiter = _csv_header(header, text_column) if header is not None else (None, ",")
        except csv.Error as error:
            raise UserError(f"{path}, line {line}: malformed CSV ({error})") from error
        if columns is None or text_column not in columns:
            names = ", ".join(columns or []) or "none"
            raise UserError(f"{path}: no column {text_column!r} (columns: {names}); choose one with --text-column")
        number = 0
        for line, text in texts:
            if text is not None and not text.strip():
                continue  # a blank line is no row, as in csv.DictReader
            number += 1
            if text is None:
                yield SongRow(number, None, error=too_long(line))
                continue
            try:
                values = _csv_values(text, delimiter)
            except csv.Error as error:
                yield SongRow(number, None, error=f"malformed CSV at line {line} ({error})")
                continue
            record = {name: value for name, value in zip(columns, values)}
            yield song_row(number, record.get(text_column), record, label_column=label_column)
    except UnicodeDecodeError as error:
        raise UserError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from error
    finally:
        handle.close()


def read_jsonl(path: Path, text_column: str, label_column: str | None = None) -> Iterator[SongRow]:
    handle = open_text(path)
    try:
        for number, line in records(handle, quoted=False):
            if line is None:
                yield SongRow(number, None, error=too_long(number))
                continue
            if not line.strip():
                yield SongRow(number, None, error="blank line")
                continue
            try:
                record = json.loads(line)
            except (ValueError, RecursionError) as error:  # RecursionError: nested too deeply
                why = getattr(error, "msg", None) or str(error) or "nested too deeply"
                yield SongRow(number, None, error=f"malformed JSON ({why if len(why) < 120 else why[:117] + '…'})")
                continue
            if not isinstance(record, dict):
                yield SongRow(number, None, error="expected a JSON object")
                continue
            record = dict(zip(known_names(list(record), text_column), record.values()))
            missing = f"no {text_column!r} field"
            yield song_row(number, record.get(text_column), record, missing, label_column)
    except UnicodeDecodeError as error:
        raise UserError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from error
    finally:
        handle.close()
