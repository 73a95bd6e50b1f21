"""Parsers for the raw sources in `shared/data/raw/` (each folder's SOURCE.md documents its quirks).

Every lyrics parser returns a frame with the columns of `LYRICS_COLUMNS`; every genre-table parser
returns a mapping from normalised artist name to a set of Spotify genres. Any problem with a file
raises `DataError` naming the file (and the row, where one is at fault).
"""

from __future__ import annotations

import ast
import csv
import json
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

import pandas as pd

from lyricgenre.errors import UserError
from lyricgenre.names import normalize_name

LYRICS_COLUMNS = ["source", "source_row", "artist", "title", "year", "lyrics", "source_genres"]


class DataError(UserError):
    """A raw input that cannot be used; the message names the file and, where it applies, the row."""


def _require_file(path: Path) -> Path:
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    return path


def _read_table(path: Path, required: Iterable[str], **read_options) -> pd.DataFrame:
    """Read a CSV/TSV/parquet file and check that it has the columns the parser relies on."""
    _require_file(path)
    try:
        if path.suffix == ".parquet":
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, **read_options)
    except (OSError, ValueError, csv.Error, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise DataError(f"{path}: cannot be read ({error})") from error
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}")
    return frame


def _parse_literal(text: str, path: Path, row: int, expected: type) -> object:
    """Parse a Python literal cell ("['pop', 'rock']"), naming the file and 1-based data row on failure."""
    try:
        value = ast.literal_eval(text) if text.strip() else expected()
    except (ValueError, SyntaxError, MemoryError, RecursionError) as error:
        raise DataError(f"{path}, row {row}: malformed value {text[:60]!r} ({error})") from error
    if not isinstance(value, expected):
        raise DataError(f"{path}, row {row}: expected a {expected.__name__}, got {text[:60]!r}")
    return value


def _year(value: object) -> float:
    """A four-digit year from "1965", "2013.0" or "2024-08-16"; NaN when there is none."""
    text = str(value).strip()[:4]
    return float(text) if text.isdigit() else float("nan")


def _lyrics_frame(source: str, frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Rename a source's columns to the common ones; `source_row` is the 1-based data row."""
    out = pd.DataFrame({name: frame[column] for name, column in columns.items()})
    out["source"] = source
    out["source_row"] = range(1, len(frame) + 1)
    out["year"] = out["year"].map(_year) if "year" in out else float("nan")
    if "source_genres" not in out:
        out["source_genres"] = None
    out["lyrics"] = out["lyrics"].fillna("").astype(str)
    return out[LYRICS_COLUMNS]


# Sources that are one CSV with the lyrics columns under their own names: file, our column -> theirs.
PLAIN_CSV_SOURCES: dict[str, tuple[str, dict[str, str]]] = {
    "billboard-musicbrainz-tags": (
        "billboard_1950-2015_lyrics_tags.csv.gz",
        {"artist": "artist", "title": "title", "year": "year", "lyrics": "lyrics"},
    ),
    "billboard-1964-2015": (
        "billboard_lyrics_1964-2015.csv.gz",
        {"artist": "Artist", "title": "Song", "year": "Year", "lyrics": "Lyrics"},
    ),
    "spotify-millsongdata-partial": (
        "spotify_millsongdata_partial.csv.gz",
        {"artist": "artist", "title": "song", "lyrics": "text"},
    ),
    "kaggle-song-lyrics-21-artists": (
        "song_lyrics_21_artists.csv.gz",
        {"artist": "Artist", "title": "Title", "year": "Year", "lyrics": "Lyric"},
    ),
}


def read_plain_csv(raw: Path, source: str) -> pd.DataFrame:
    """One of `PLAIN_CSV_SOURCES`: read its file and rename its columns."""
    file, columns = PLAIN_CSV_SOURCES[source]
    frame = _read_table(raw / source / file, columns.values())
    return _lyrics_frame(source, frame, columns)


def read_poplyrics(raw: Path) -> pd.DataFrame:
    """poplyrics-1k carries its own artist genre list, used when the artist tables miss the artist."""
    path = raw / "poplyrics-1k" / "poplyric-1k.parquet"
    frame = _read_table(path, ["artist", "track_name", "release_date", "lyrics", "genre"])
    frame = frame.assign(genre=[sorted(map(str, g)) if g is not None else [] for g in frame["genre"]])
    columns = {
        "artist": "artist",
        "title": "track_name",
        "year": "release_date",
        "lyrics": "lyrics",
        "source_genres": "genre",
    }
    return _lyrics_frame("poplyrics-1k", frame, columns)


def read_musicoset(raw: Path) -> pd.DataFrame:
    """Join the lyrics rows to songs.csv; the credit is the song's artists in Spotify's order."""
    folder = raw / "musicoset"
    songs_path, lyrics_path = folder / "songs.csv.gz", folder / "lyrics_truncated.csv.gz"
    songs = _read_table(songs_path, ["song_id", "song_name", "artists"], sep="\t")
    lyrics = _read_table(lyrics_path, ["song_id", "lyrics"], sep="\t", engine="python")
    credits = {}
    for row, (song_id, names) in enumerate(zip(songs["song_id"], songs["artists"]), start=1):
        credits[song_id] = ", ".join(map(str, _parse_literal(names, songs_path, row, dict).values()))
    titles = dict(zip(songs["song_id"], songs["song_name"]))
    texts = []
    for row, (song_id, cell) in enumerate(zip(lyrics["song_id"], lyrics["lyrics"]), start=1):
        if song_id not in credits:
            raise DataError(f"{lyrics_path}, row {row}: song_id {song_id!r} is not in {songs_path.name}")
        texts.append("\n".join(map(str, _parse_literal(cell, lyrics_path, row, list))))
    frame = pd.DataFrame(
        {
            "artist": [credits[s] for s in lyrics["song_id"]],
            "title": [titles[s] for s in lyrics["song_id"]],
            "lyrics": texts,
        }
    )
    return _lyrics_frame("musicoset", frame, {"artist": "artist", "title": "title", "lyrics": "lyrics"})


LYRICS_SOURCES: dict[str, Callable[[Path], pd.DataFrame]] = {
    # Listed by preference when the same song appears in several sources: raw-text sources first.
    "poplyrics-1k": read_poplyrics,
    "musicoset": read_musicoset,
    **{
        source: partial(read_plain_csv, source=source)
        for source in (
            "billboard-musicbrainz-tags",
            "spotify-millsongdata-partial",
            "kaggle-song-lyrics-21-artists",
            "billboard-1964-2015",
        )
    },
}


def _genre_table(path: Path, name_column: str, **read_options) -> dict[str, set[str]]:
    frame = _read_table(path, [name_column, "genres"], **read_options)
    table: dict[str, set[str]] = {}
    for row, (name, cell) in enumerate(zip(frame[name_column], frame["genres"]), start=1):
        genres = {str(g) for g in _parse_literal(cell, path, row, list)}
        key = normalize_name(name)
        if genres and key:
            table.setdefault(key, set()).update(genres)
    return table


GENRE_TABLES: dict[str, tuple[str, str, dict]] = {
    "spotify-artist-genres": ("spotify-artist-genres/data_w_genres.csv.gz", "artists", {}),
    "spotify-artist-genres-32k": ("spotify-artist-genres-32k/data_w_genres.csv.gz", "artists", {}),
    "musicoset-artists": ("musicoset/artists.csv.gz", "name", {"sep": "\t"}),
}


def read_artist_genres(raw: Path) -> tuple[dict[str, set[str]], dict[str, int]]:
    """Union the artist -> genres tables; also return how many artists each table contributed."""
    merged: dict[str, set[str]] = {}
    sizes = {}
    for name, (relative, column, options) in GENRE_TABLES.items():
        table = _genre_table(raw / relative, column, **options)
        sizes[name] = len(table)
        for artist, genres in table.items():
            merged.setdefault(artist, set()).update(genres)
    return merged, sizes


def read_genius_tags(raw: Path) -> dict[tuple[str, str], str]:
    """Song-level Genius tags keyed by normalised (artist, title); the first row of a duplicate wins."""
    path = raw / "genius-song-tags" / "genius_metadata.csv.gz"
    frame = _read_table(path, ["Artist", "SongTitle", "Genius_Tags"])
    tags: dict[tuple[str, str], str] = {}
    for artist, title, cell in zip(frame["Artist"], frame["SongTitle"], frame["Genius_Tags"]):
        tags.setdefault((normalize_name(artist), normalize_name(title)), cell)
    return tags


def read_seed_vocabulary(raw: Path) -> list[str]:
    """The original design's 137 genres, in its label-index order."""
    path = _require_file(raw / "seed-genres" / "genre_types_encoded.json")
    try:
        encoded = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise DataError(f"{path}: not valid JSON ({error})") from error
    if not isinstance(encoded, dict) or sorted(encoded.values()) != list(range(len(encoded))):
        raise DataError(f"{path}: expected an object mapping genre names to indices 0..n-1")
    return sorted(encoded, key=encoded.__getitem__)


def read_reference_join(raw: Path) -> pd.DataFrame:
    """The reference join shipped with the raw data, for the data card's comparison."""
    path = raw / "joined-candidate.csv.gz"
    return _read_table(path, ["source", "artist", "title", "seed137_genres"])
