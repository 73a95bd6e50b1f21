"""The songs a user has already labelled, as `lyricgenre adapt` learns from them: a music folder's genre tags
with the files' lyrics (embedded, a sidecar .lrc/.txt, or fetched), or a table with a label column.

Labels are read as `tag` reads genre names: a multi-valued tag gives several, a joined value is split at the
`separator` when one is given ("Rock; Pop"), and names that differ only in case, hyphens or spacing ("Hip-Hop",
"hip hop") are one label, written as most of the songs write it. `aliases` ({name: written name}, the tag
config's) put other spellings under one label ("Rap" -> "Hip-Hop").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from lyricgenre.adapt import LabelledSong
from lyricgenre.errors import UserError
from lyricgenre.interfaces.audio.tags import AudioTagError, read_tag
from lyricgenre.interfaces.library.lrclib import LyricsSettings
from lyricgenre.interfaces.library.lyrics_fetch import LyricsFetcher
from lyricgenre.interfaces.songs.datasets import is_dataset
from lyricgenre.interfaces.songs.readers import LABELLED_FORMATS, read_labelled_songs, read_songs
from lyricgenre.interfaces.songs.rows import SongRow
from lyricgenre.taxonomy import name_key


@dataclass(frozen=True)
class LabelOptions:
    """Where the labels are and how they are written."""

    label_column: str = "genre"  # a table's column of labels
    tag_field: str = "genre"  # an audio file's tag of labels (`lyricgenre.interfaces.audio.TAG_FIELDS`)
    separator: str | None = None  # joined values are split at it
    aliases: Mapping[str, str] = field(default_factory=dict)
    text_column: str = "lyrics"


@dataclass
class LabelledInput:
    """The labelled songs read, and how many rows were passed over, by reason (nothing is dropped silently)."""

    songs: list[LabelledSong]
    passed_over: Counter

    def summary(self) -> str:
        passed = ", ".join(f"{count} {reason}" for reason, count in self.passed_over.most_common())
        return f"{len(self.songs)} labelled songs" + (f" ({passed} passed over)" if passed else "")


def read_labelled(path: Path, options: LabelOptions, lyrics: LyricsSettings | None = None) -> LabelledInput:
    """The labelled songs of a music folder (or audio file), or of a CSV/JSONL/Parquet table."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"{path}: file or folder not found")
    fetcher = None
    if not is_table(path):
        rows: Iterable[SongRow] = read_songs(path, audio_only=True)
        if lyrics:
            fetcher = LyricsFetcher(lyrics)
            rows = fetcher.fill(rows)
        pairs = ((row, _tag_labels(row, options.tag_field)) for row in rows)
    else:
        if lyrics:
            raise UserError("--fetch-lyrics goes with a music folder, whose files' tags say what to ask for")
        rows = read_labelled_songs(path, options.text_column, options.label_column)
        pairs = ((row, cell_labels(row.label)) for row in rows)
    try:
        labelled = _labelled(pairs, options)
    finally:
        if fetcher:
            fetcher.close()
    if not labelled.songs:
        where = f"column {options.label_column!r}" if path.is_file() else f"the files' {options.tag_field} tags"
        raise UserError(f"{path}: no song with both lyrics and a label in {where} ({labelled.summary()})")
    return labelled


def is_table(path: Path) -> bool:
    """Whether labels are read from a table's column (else from audio files' tags)."""
    return (path.is_file() and path.suffix.lower() in LABELLED_FORMATS) or (path.is_dir() and is_dataset(path))


def cell_labels(value) -> list[str]:
    """A label cell's names: a list (a JSON array, a Parquet list column) gives each item, a number its text."""
    items = value if isinstance(value, list | tuple) else [value]
    return [str(item) for item in items if isinstance(item, str | int | float) and not isinstance(item, bool)]


def _tag_labels(row: SongRow, field: str) -> list[str]:
    if row.audio_path is None:
        return []
    try:
        return read_tag(row.audio_path, field)
    except AudioTagError:
        return []  # the row's own error says why the file cannot be read


def _labelled(pairs: Iterator[tuple[SongRow, list[str]]], options: LabelOptions) -> LabelledInput:
    songs: list[tuple[str, list[str], str | None]] = []
    passed = Counter()
    for row, values in pairs:
        names = split_labels(values, options.separator)
        if row.error or row.skipped or not isinstance(row.lyrics, str) or not row.lyrics.strip():
            passed["without lyrics" if not row.error else "unreadable"] += 1
        elif not names:
            passed["without a label"] += 1
        else:
            songs.append((row.lyrics, names, row.fields.get("artist")))
    written = label_spellings([name for _, names, _ in songs for name in names], options.aliases)
    return LabelledInput(
        [
            LabelledSong(lyrics, tuple(dict.fromkeys(written[name_key(name)] for name in names)), artist)
            for lyrics, names, artist in songs
        ],
        passed,
    )


def split_labels(values: list[str], separator: str | None) -> list[str]:
    """A tag's or cell's values as label names: split at `separator` when given, blanks dropped."""
    parts = [part for value in values for part in (value.split(separator) if separator else [value])]
    return [" ".join(part.split()) for part in parts if part.strip()]


def label_spellings(names: list[str], aliases: Mapping[str, str]) -> dict[str, str]:
    """{name_key: the label it is learnt as}: through the aliases, one spelling per name (an alias's written
    name, else the spelling most songs use)."""
    wanted = {name_key(alias): written for alias, written in aliases.items()}
    resolved = {name: wanted.get(name_key(name), name) for name in names}
    counts = Counter(resolved[name] for name in names)
    preferred = set(wanted.values())
    spelling: dict[str, str] = {}
    for name, _ in sorted(counts.items(), key=lambda item: (item[0] not in preferred, -item[1])):
        spelling.setdefault(name_key(name), name)
    return {name_key(name): spelling[name_key(label)] for name, label in resolved.items()}
