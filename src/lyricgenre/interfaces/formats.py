"""Songs in and predictions out for `lyricgenre predict --input`: CSV, JSONL, TXT, audio files and folders.

Every input row becomes exactly one output record, in input order; a row that cannot be classified
(empty or missing lyrics, a malformed JSON line, a file that is not UTF-8) gets an `error` field
instead of genres, so nothing is dropped silently.
"""

from __future__ import annotations

import codecs
import csv
import glob
import io
import json
import math
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from lyricgenre.errors import UserError
from lyricgenre.interfaces.audio import AUDIO_SUFFIXES, AudioTagError, read_audio_song, sync_file
from lyricgenre.interfaces.parquet import ParquetSink, count_parquet_rows, read_parquet_records
from lyricgenre.text import MAX_LYRICS_CHARS, as_text, lyrics_problem, matching_fields, shown_path, unencodable

LYRICS_FILE_SUFFIXES = (".lrc", ".txt")  # also the sidecar lyrics of an audio file, in this order
# Characters read of a .txt/.lrc file: more than the model reads (room for LRC timestamps), so the cut is noted.
LYRICS_FILE_READ_CHARS = 2 * MAX_LYRICS_CHARS
# The one list of output formats: dispatch, help texts and error messages come from it.
OUTPUT_FORMATS = {
    ".jsonl": "JSON Lines, a record a song",
    ".csv": "CSV, a row a song, scores as JSON",
    ".parquet": "Parquet, a row a song, lists and score maps typed (needs pyarrow)",
}
KEPT_FIELDS = ("id", "artist", "title", "album", "album_artist")
_LRC_TIMESTAMP = re.compile(r"\[(\d{1,3}):(\d{2})(?:[.:](\d{1,3}))?\]")
_LRC_WORD_TIMESTAMP = re.compile(r"<\d{1,3}:\d{2}(?:[.:]\d{1,3})?>")  # enhanced LRC: a time before each word
_LRC_TAG = re.compile(r"^\[(ar|ti|al|by|length|offset|re|ve|au):(.*)\]\s*$", re.IGNORECASE)


@dataclass
class SongRow:
    row: int  # 1-based position in the input
    lyrics: str | None
    fields: dict = field(default_factory=dict)  # id / artist / title, when the input has them
    error: str | None = None
    skipped: str | None = None  # why a song with nothing to classify is left out (no lyrics): not an error
    audio_path: Path | None = None  # the audio file the row is read from
    duration: float | None = None  # its length in seconds, from the audio stream


def read_songs(path: Path, text_column: str = "lyrics", audio_only: bool = False) -> Iterator[SongRow]:
    """Rows of a CSV/JSONL file, one song per TXT or audio file, or one song per such file in a folder.

    Audio files (`lyricgenre.interfaces.audio.AUDIO_SUFFIXES`) give their embedded lyrics, or else those of a .lrc/.txt
    file of the same name beside them, which is then not a song of its own. `audio_only` reads only them.
    """
    path = Path(path)
    if path.is_dir():
        return _read_folder(path, audio_only)
    if not path.exists():
        raise UserError(f"{path}: file not found")
    if not path.is_file():  # a FIFO or a device would block or never end
        raise UserError(f"{path}: not a regular file")
    suffix = path.suffix.lower()
    allowed = AUDIO_SUFFIXES if audio_only else tuple(INPUT_FORMATS)
    if suffix not in allowed:
        raise UserError(f"{path}: unsupported input type {suffix or '(none)'}; use {', '.join(allowed)} or a folder")
    return INPUT_FORMATS[suffix](path, text_column)


def _open_text(path: Path):
    """A CSV or JSONL file as text; "utf-8-sig": a byte-order mark (as spreadsheet programs write) is not data."""
    try:
        return path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise UserError(f"{path}: cannot be read ({error.strerror})") from error


# A JSONL line or CSV record longer than this is a row error, read past without being held: ten times what the
# model reads of a text (`text.MAX_LYRICS_CHARS`), so a long song with its fields fits with room to spare.
MAX_RECORD_CHARS = 10 * MAX_LYRICS_CHARS
_READ_CHUNK = 1 << 16  # characters read at a time while looking for a record's end


def _records(handle, quoted: bool) -> Iterator[tuple[int, str | None]]:
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


def _too_long(line: int) -> str:
    return f"line {line}: a record over {MAX_RECORD_CHARS:,} characters (or an unclosed quote); not read"


CSV_DELIMITERS = (",", ";", "\t")  # comma first; semicolons as spreadsheets write CSV in many locales; tabs


def _csv_values(text: str, delimiter: str = ",") -> list[str]:
    """The fields of one CSV record (raises csv.Error when it is malformed)."""
    return next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True), [])


def _csv_header(header: str, text_column: str) -> tuple[list[str], str]:
    """The header's columns and the file's delimiter: the first of `CSV_DELIMITERS` that finds `text_column`;
    without it, the split into the most columns (what the error lists)."""
    splits = {delimiter: _known_names(_csv_values(header, delimiter), text_column) for delimiter in CSV_DELIMITERS}
    for delimiter, columns in splits.items():
        if text_column in columns:
            return columns, delimiter
    delimiter = max(splits, key=lambda d: len(splits[d]))
    return splits[delimiter], delimiter


def _known_names(names: list[str], text_column: str) -> list[str]:
    """The names with those that stand for the text column or a kept field ("Lyrics", "Artist") written as
    this program reads them (`matching_fields`)."""
    renamed = matching_fields(names, (text_column, *KEPT_FIELDS))
    return [renamed.get(name, name) for name in names]


def _read_csv(path: Path, text_column: str) -> Iterator[SongRow]:
    handle = _open_text(path)
    csv.field_size_limit(max(csv.field_size_limit(), MAX_RECORD_CHARS + 1))
    try:
        records = _records(handle, quoted=True)
        line, header = next(records, (1, ""))
        try:
            columns, delimiter = _csv_header(header, text_column) if header is not None else (None, ",")
        except csv.Error as error:
            raise UserError(f"{path}, line {line}: malformed CSV ({error})") from error
        if columns is None or text_column not in columns:
            names = ", ".join(columns or []) or "none"
            raise UserError(f"{path}: no column {text_column!r} (columns: {names}); choose one with --text-column")
        number = 0
        for line, text in records:
            if text is not None and not text.strip():
                continue  # a blank line is no row, as in csv.DictReader
            number += 1
            if text is None:
                yield SongRow(number, None, error=_too_long(line))
                continue
            try:
                values = _csv_values(text, delimiter)
            except csv.Error as error:
                yield SongRow(number, None, error=f"malformed CSV at line {line} ({error})")
                continue
            record = {name: value for name, value in zip(columns, values)}
            yield _row(number, record.get(text_column), record)
    except UnicodeDecodeError as error:
        raise UserError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from error
    finally:
        handle.close()


def _read_jsonl(path: Path, text_column: str) -> Iterator[SongRow]:
    handle = _open_text(path)
    try:
        for number, line in _records(handle, quoted=False):
            if line is None:
                yield SongRow(number, None, error=_too_long(number))
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
            record = dict(zip(_known_names(list(record), text_column), record.values()))
            yield _row(number, record.get(text_column), record, missing=f"no {text_column!r} field")
    except UnicodeDecodeError as error:
        raise UserError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from error
    finally:
        handle.close()


def count_songs(path: Path, audio_only: bool = False) -> int | None:
    """How many rows `read_songs` will yield, for a progress bar; None when that cannot be told.

    A quick extra pass over the input that never raises: `read_songs` reports what is wrong with it.
    """
    path = Path(path)
    try:
        if path.is_dir():
            return len(_song_files(path, audio_only)[0])
        suffix = path.suffix.lower()
        if suffix in LYRICS_FILE_SUFFIXES or suffix in AUDIO_SUFFIXES:
            return 1
        if suffix == ".parquet":
            return count_parquet_rows(path)
        with path.open(encoding="utf-8", errors="replace", newline="") as handle:
            if suffix in (".jsonl", ".csv"):
                records = _records(handle, quoted=suffix == ".csv")
                if suffix == ".jsonl":
                    return sum(1 for _ in records)
                return max(0, sum(1 for _, text in records if text is None or text.strip()) - 1)  # the header
    except OSError:
        pass
    return None


def _walk(folder: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Every file below `folder` but hidden ones, and the subfolders that could not be read, with why."""
    files: list[Path] = []
    unreadable: list[tuple[Path, str]] = []

    def note(error: OSError) -> None:
        unreadable.append((Path(error.filename), error.strerror or str(error)))

    for place, _folders, names in os.walk(folder, onerror=note):
        files += [Path(place, name) for name in names if not name.startswith(".")]
    return [p for p in files if p.is_file()], sorted(unreadable)


def _song_files(folder: Path, audio_only: bool) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Audio files and lyrics files below `folder`, sorted (an audio file's sidecar lyrics are not listed), and
    the subfolders that could not be read."""
    files, unreadable = _walk(folder)
    audio = [p for p in files if p.suffix.lower() in AUDIO_SUFFIXES]
    if audio_only:
        return sorted(audio), unreadable
    stems = {p.with_suffix("") for p in audio}
    lyrics = [p for p in files if p.suffix.lower() in LYRICS_FILE_SUFFIXES and p.with_suffix("") not in stems]
    return sorted(audio + lyrics), unreadable


def _read_folder(folder: Path, audio_only: bool) -> Iterator[SongRow]:
    """One row a song file, then one error row for each subfolder that could not be read (never skipped silently)."""
    files, unreadable = _song_files(folder, audio_only)
    if not files and not unreadable:
        kinds = "audio" if audio_only else "audio, .txt or .lrc"
        raise UserError(f"{folder}: no {kinds} files in this folder")
    for number, path in enumerate(files, start=1):
        yield _read_song_file(path, number, {"id": shown_path(path.relative_to(folder))})
    for number, (place, why) in enumerate(unreadable, start=len(files) + 1):
        name = shown_path(place.relative_to(folder) if place.is_relative_to(folder) else place)
        yield SongRow(number, None, {"id": name}, error=f"folder cannot be read ({why}); its files were not tagged")


def _read_parquet(path: Path, text_column: str) -> Iterator[SongRow]:
    """Rows of a Parquet file, read a record batch at a time."""
    for number, record in enumerate(read_parquet_records(path, text_column, KEPT_FIELDS), start=1):
        yield _row(number, record.get(text_column), record)


def _read_one_song(path: Path, text_column: str) -> Iterator[SongRow]:
    """A .txt, .lrc or audio file given as the input: one song, identified by its file name."""
    yield _read_song_file(path, 1, {"id": shown_path(path.name)})


def _read_song_file(path: Path, number: int, fields: dict) -> SongRow:
    if path.suffix.lower() in AUDIO_SUFFIXES:
        return _read_audio_file(path, number, fields)
    try:
        with path.open(encoding="utf-8-sig") as handle:  # a huge file is not read whole: what the model reads is cut
            text = handle.read(LYRICS_FILE_READ_CHARS)
    except UnicodeDecodeError:
        return SongRow(number, None, fields, error=f"{shown_path(path.name)}: not UTF-8 text")
    except OSError as error:
        return SongRow(number, None, fields, error=f"{shown_path(path.name)}: cannot be read ({error.strerror})")
    if path.suffix.lower() == ".lrc":
        text, tags = parse_lrc(text)
        fields = {**tags, **fields}
    return _row(number, text, fields)


def _read_audio_file(path: Path, number: int, fields: dict) -> SongRow:
    """An audio file's embedded lyrics (timestamps of synced lyrics removed), else its sidecar .lrc/.txt."""
    try:
        song = read_audio_song(path)
    except AudioTagError as error:
        return SongRow(number, None, fields, error=str(error))
    tags = {"artist": song.artist, "title": song.title, "album": song.album, "album_artist": song.album_artist}
    fields = {**fields, **{key: value for key, value in tags.items() if value}}
    if song.lyrics is not None:
        row = _row(number, parse_lrc(song.lyrics)[0], fields)
    elif (sidecar := _sidecar(path)) is not None:
        row = _read_song_file(sidecar, number, fields)
    else:
        row = SongRow(number, None, fields, skipped="no lyrics: no lyrics tag and no .lrc or .txt file beside it")
    return replace(row, fields={**row.fields, "path": shown_path(path)}, audio_path=path, duration=song.duration)


def _sidecar(audio: Path) -> Path | None:
    """The .lrc (else .txt) file of the same name beside an audio file, its suffix in any case."""
    found = {
        candidate.suffix.lower(): candidate
        for candidate in audio.parent.glob(f"{glob.escape(audio.stem)}.*")
        if candidate.suffix.lower() in LYRICS_FILE_SUFFIXES and candidate.is_file()
    }
    return next((found[suffix] for suffix in LYRICS_FILE_SUFFIXES if suffix in found), None)


def parse_lrc(text: str) -> tuple[str, dict]:
    """Lyrics of an LRC file without timestamps, in the order they are sung, and its artist/title tags.

    A line with several timestamps (a chorus written once for each time it comes) is repeated at each, and
    the word timestamps of enhanced LRC are removed too. A line without a timestamp keeps its place after
    the line before it.
    """
    timed, tags, time = [], {}, 0.0
    for line in text.splitlines():
        tag = _LRC_TAG.match(line.strip())
        if tag:
            name = {"ar": "artist", "ti": "title", "al": "album"}.get(tag.group(1).lower())
            if name:
                tags[name] = tag.group(2).strip()
            continue
        words = _LRC_WORD_TIMESTAMP.sub("", _LRC_TIMESTAMP.sub("", line)).strip()
        times = [int(m) * 60 + int(s) + float(f"0.{f or 0}") for m, s, f in _LRC_TIMESTAMP.findall(line)] or [time]
        timed += [(at, len(timed) + k, words) for k, at in enumerate(times)]
        time = times[0]
    return "\n".join(words for _, _, words in sorted(timed)).strip(), tags


def _row(number: int, lyrics, record: dict, missing: str = "empty lyrics") -> SongRow:
    fields, problem = kept_fields(record)
    if problem:
        return SongRow(number, None, fields, error=problem)
    if lyrics is None:
        return SongRow(number, None, fields, error=missing)
    lyrics = as_text(lyrics)
    problem = lyrics_problem(lyrics)
    return SongRow(number, None if problem else lyrics, fields, error=problem)


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


class RecordHook(Protocol):
    """Acts on each record before it is written, and emits what is written (the library tagger rewrites the
    record's file). It emits once, or again when an outcome recorded ahead of it did not happen: the last
    record of a row is its outcome."""

    columns: tuple[str, ...]  # the columns it adds to each record, in order
    journal: bool  # its records say what was changed on disk: each must reach the output when emitted

    def __call__(self, record: dict, emit: Callable[[dict], None], source: Path | None = None) -> None:
        """`source`: the file the record was read from (its `id` is that path as shown, which may differ)."""


class PredictionWriter:
    """Writes records to a temporary file beside the output, renamed into place only when complete.

    A `hook` acts on each record first (`RecordHook`). A journal hook's records must not be lost (the previous
    values of tags replaced in audio files): they go straight into the output under its own name, each flushed
    and synced to disk as soon as it is emitted, so a run stopped in any way leaves every record emitted so far
    where the user asked for it.
    """

    def __init__(
        self,
        output: Path | None,
        stdout,
        extra_columns: tuple[str, ...] = (),
        hook: RecordHook | None = None,
        readable: bool = False,
    ):
        self.output = Path(output) if output else None
        self.readable = readable and self.output is None  # one line a song for people, instead of JSONL
        # JSON on a standard output that is not UTF-8 (a redirected Windows console, a Latin-1 locale) escapes
        # what it cannot encode, so it stays valid and lossless; files are always UTF-8.
        self.ascii_json = self.output is None and not writes_utf8(stdout)
        self.extra_columns = extra_columns  # CSV columns after `notes`, e.g. `artist_songs`
        self.hook = hook
        self.journal = journal = bool(hook and hook.journal)
        if self.output and self.output.suffix.lower() not in OUTPUT_FORMATS:
            raise UserError(f"{self.output}: unsupported output type; use {' or '.join(OUTPUT_FORMATS)}")
        suffix = self.output.suffix.lower() if self.output else ".jsonl"
        self.is_csv, self.sink = suffix == ".csv", None
        if self.output:
            if self.output.is_dir():
                raise UserError(f"{self.output}: is a folder; give a file name for the output")
            if suffix == ".parquet" and journal:
                raise UserError(f"{self.output}: a report written as files are rewritten must be .jsonl or .csv")
            try:
                self.output.parent.mkdir(parents=True, exist_ok=True)
                if journal:
                    self.temporary = None
                    self.handle = self.output.open("w", encoding="utf-8", newline="")
                else:
                    descriptor, self.temporary = tempfile.mkstemp(
                        prefix=f".{self.output.name}.", dir=self.output.parent
                    )
                    os.fchmod(descriptor, output_mode(self.output))
                    self.handle = os.fdopen(descriptor, "w", encoding="utf-8", newline="")
                    if suffix == ".parquet":
                        self.sink = ParquetSink(Path(self.temporary), self.columns(), shown_path(self.output.name))
            except OSError as error:
                raise UserError(f"{self.output}: cannot be written ({error.strerror or error})") from None
        else:
            self.handle, self.temporary = stdout, None
        self.csv_writer = None
        self.written = 0

    def write(self, record: dict, source: Path | None = None) -> None:
        """Write (or hand the hook) one record; `source` is the file it was read from, when it was one."""
        self.written += 1
        if self.hook:
            self.hook(record, self._emit, source)
        else:
            self._emit(record)

    def _emit(self, record: dict) -> None:
        try:
            self._write(record)
            if self.journal:
                self.handle.flush()
                if self.output:  # on disk before the file it records is renamed: a power cut keeps it too
                    os.fsync(self.handle.fileno())
        except OSError as error:  # a full disk, a removed folder: stop, the earlier output left as it was
            raise UserError(f"{self.output or 'output'}: writing failed ({error.strerror or error})") from None

    def _write(self, record: dict) -> None:
        if self.readable:
            self.handle.write(readable_line(record) + "\n")
            return
        if self.sink:
            self.sink.write(record)
            return
        if not self.is_csv:
            self.handle.write(json.dumps(record, ensure_ascii=self.ascii_json) + "\n")
            return
        flat = {key: _csv_value(key, value) for key, value in record.items()}
        if self.csv_writer is None:
            self.csv_writer = csv.DictWriter(self.handle, fieldnames=self.columns(), extrasaction="ignore")
            self.csv_writer.writeheader()
        self.csv_writer.writerow(flat)

    def columns(self) -> list[str]:
        """The columns of a CSV or Parquet output, in order."""
        fixed = ["row", *KEPT_FIELDS, "path", "families", "genres", "family_scores", "scores", "notes"]
        return [*fixed, *self.extra_columns, "error", "skipped"]

    def close(self, success: bool) -> None:
        """Rename the output into place on success (a journal is in place already); never leave the temporary."""
        if not self.temporary:
            self.handle.flush()
            if self.output:
                os.fsync(self.handle.fileno())
                self.handle.close()
            return
        try:
            self.handle.close()
            if self.sink and success:
                self.sink.close()
            if success:
                sync_file(self.temporary)
                os.replace(self.temporary, self.output)
        except OSError as error:
            if success:  # otherwise the run's own error is the one to report
                raise UserError(f"{self.output}: could not be written ({error.strerror or error})") from None
        finally:
            Path(self.temporary).unlink(missing_ok=True)  # gone already once renamed


def writes_utf8(stream) -> bool:
    """Whether a text stream encodes to UTF-8 (what every character of the output needs)."""
    return codecs.lookup(getattr(stream, "encoding", None) or "utf-8").name == "utf-8"


def output_mode(path: Path) -> int:
    """The permissions an output renamed into place at `path` should have: those of the file it replaces, or
    what a plain write would give a new file (0o666 less the umask) — not the temporary's private 0o600."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0o022)  # the only way to read it; set back at once
        os.umask(umask)
        return 0o666 & ~umask


def readable_line(record: dict) -> str:
    """A record as a person reads it: "id (Artist – Title): families · genres"; for a file being tagged, what
    its tag gets (and held before, when that differs) with the tag status."""
    name = str(record.get("id") or f"row {record['row']}")
    credit = " – ".join(str(record[key]) for key in ("artist", "title") if record.get(key))
    label = f"{name} ({credit})" if credit else name
    if record.get("error"):
        return f"{label}: error: {record['error']}"
    if record.get("skipped"):
        return f"{label}: skipped ({record['skipped']})"
    values, previous = record.get("tag_values"), record.get("tag_previous") or []
    if values is not None:  # what goes into the file
        line = f"{label}: {', '.join(values) or '(no genre)'}"
    else:
        families, genres = ", ".join(record.get("families") or []), ", ".join(record.get("genres") or [])
        line = f"{label}: {families} · {genres}" if families else f"{label}: {genres or '(no genre)'}"
    if "tag_status" in record:
        problem = f": {record['tag_error']}" if record.get("tag_error") else ""
        was = f"; was: {', '.join(previous)}" if values is not None and previous and previous != values else ""
        line += f"  [{record['tag_status']}{problem}{was}]"
    return line


def _csv_value(key: str, value):
    """A CSV cell: lists joined (genres by "|", notes by "; "), score dictionaries as JSON, None empty."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return json.dumps(value) if value else ""
    if isinstance(value, list):
        return ("; " if key == "notes" else "|").join(value)
    return value


# The one list of input file formats (suffix -> reader of its songs); a folder is read for .txt/.lrc/audio files.
INPUT_FORMATS: dict[str, Callable[[Path, str], Iterator[SongRow]]] = {
    ".csv": _read_csv,
    ".jsonl": _read_jsonl,
    ".parquet": _read_parquet,
    ".txt": _read_one_song,
    ".lrc": _read_one_song,
    **{suffix: _read_one_song for suffix in AUDIO_SUFFIXES},
}


def input_formats_help() -> str:
    """What `--input` accepts, for the command's help."""
    lyrics_files = " ".join(LYRICS_FILE_SUFFIXES)
    return f"a {', '.join(INPUT_FORMATS)} file, or a folder of lyrics ({lyrics_files}) and audio files"


def output_formats_help() -> str:
    return f"write {' or '.join(OUTPUT_FORMATS)} here (default: JSONL on standard output)"
