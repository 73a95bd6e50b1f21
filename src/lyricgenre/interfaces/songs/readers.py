"""Every input `lyricgenre predict --input` and `tag` read, by one table (`INPUT_FORMATS`): a CSV, JSONL or
Parquet file, a lyrics or audio file, or a folder of them.

Every input row becomes exactly one `SongRow`, in input order; a row that cannot be read (a malformed JSON
line, a file that is not UTF-8) gets an `error`, so nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from lyricgenre.errors import UserError
from lyricgenre.interfaces.audio import AUDIO_SUFFIXES
from lyricgenre.interfaces.songs.datasets import is_dataset, parts, read_dataset
from lyricgenre.interfaces.songs.fields import KEPT_FIELDS
from lyricgenre.interfaces.songs.files import LYRICS_FILE_SUFFIXES, read_folder, read_one_song, song_files
from lyricgenre.interfaces.songs.parquet import count_parquet_rows, read_parquet_records
from lyricgenre.interfaces.songs.rows import SongRow, song_row
from lyricgenre.interfaces.songs.tables import read_csv, read_jsonl
from lyricgenre.interfaces.songs.textfiles import records


def read_parquet(path: Path, text_column: str, label_column: str | None = None) -> Iterator[SongRow]:
    """Rows of a Parquet file, read a record batch at a time; of a dataset folder, its parts' one after another."""
    kept = (*KEPT_FIELDS, label_column) if label_column else KEPT_FIELDS
    records = read_dataset(path, text_column, kept) if path.is_dir() else read_parquet_records(path, text_column, kept)
    for number, record in enumerate(records, start=1):
        yield song_row(number, record.get(text_column), record, label_column=label_column)


# The one list of input file formats (suffix -> reader of its songs: `reader(path, text_column)`, and the tables'
# `label_column` too); a folder is read for .txt/.lrc/audio files.
LABELLED_FORMATS = (".csv", ".jsonl", ".parquet")
INPUT_FORMATS: dict[str, Callable[..., Iterator[SongRow]]] = {
    ".csv": read_csv,
    ".jsonl": read_jsonl,
    ".parquet": read_parquet,
    ".txt": read_one_song,
    ".lrc": read_one_song,
    **{suffix: read_one_song for suffix in AUDIO_SUFFIXES},
}


def read_songs(path: Path, text_column: str = "lyrics", audio_only: bool = False) -> Iterator[SongRow]:
    """Rows of a CSV/JSONL/Parquet file, one song per TXT, LRC or audio file, or one song per such file in a folder.

    Audio files (`lyricgenre.interfaces.audio.AUDIO_SUFFIXES`) give their embedded lyrics, or else those of a
    .lrc/.txt file of the same name beside them, which is then not a song of its own. `audio_only` reads only them.
    """
    path = Path(path)
    if path.is_dir() and not audio_only and is_dataset(path):
        return read_parquet(path, text_column)
    if path.is_dir():
        return read_folder(path, audio_only)
    if not path.exists():
        raise UserError(f"{path}: file not found")
    if not path.is_file():  # a FIFO or a device would block or never end
        raise UserError(f"{path}: not a regular file")
    suffix = path.suffix.lower()
    allowed = AUDIO_SUFFIXES if audio_only else tuple(INPUT_FORMATS)
    if suffix not in allowed:
        raise UserError(f"{path}: unsupported input type {suffix or '(none)'}; use {', '.join(allowed)} or a folder")
    return INPUT_FORMATS[suffix](path, text_column)


def read_labelled_songs(path: Path, text_column: str, label_column: str) -> Iterator[SongRow]:
    """Rows of a CSV/JSONL/Parquet file or dataset folder, each with its `label_column` value as its `label`."""
    path = Path(path)
    if path.is_dir() and is_dataset(path):
        return read_parquet(path, text_column, label_column)
    if not path.is_file() or path.suffix.lower() not in LABELLED_FORMATS:
        formats = ", ".join(LABELLED_FORMATS)
        raise UserError(f"{path}: labels are read from a {formats} file, a dataset folder or a folder of audio files")
    return INPUT_FORMATS[path.suffix.lower()](path, text_column, label_column)


def count_songs(path: Path, audio_only: bool = False) -> int | None:
    """How many rows `read_songs` will yield, for a progress bar; None when that cannot be told.

    A quick extra pass over the input that never raises: `read_songs` reports what is wrong with it.
    """
    path = Path(path)
    try:
        if path.is_dir() and not audio_only and is_dataset(path):
            return sum(count_parquet_rows(part) or 0 for part in parts(path))
        if path.is_dir():
            return len(song_files(path, audio_only)[0])
        suffix = path.suffix.lower()
        if suffix in LYRICS_FILE_SUFFIXES or suffix in AUDIO_SUFFIXES:
            return 1
        if suffix == ".parquet":
            return count_parquet_rows(path)
        with path.open(encoding="utf-8", errors="replace", newline="") as handle:
            if suffix in (".jsonl", ".csv"):
                texts = records(handle, quoted=suffix == ".csv")
                if suffix == ".jsonl":
                    return sum(1 for _ in texts)
                return max(0, sum(1 for _, text in texts if text is None or text.strip()) - 1)  # the header
    except OSError:
        pass
    return None


def input_formats_help() -> str:
    """What `--input` accepts, for the command's help."""
    lyrics_files = " ".join(LYRICS_FILE_SUFFIXES)
    return (
        f"a {', '.join(INPUT_FORMATS)} file, a folder of lyrics ({lyrics_files}) and audio files, or a folder of "
        "Parquet parts (a dataset)"
    )
