"""`lyricgenre data build`: raw sources -> one clean, artist-split dataset.

Steps, each counted in the data card: parse -> clean -> drop non-lyrics -> look up artist genres ->
deduplicate (among songs with genres, as the reference join does) -> restrict to the vocabulary ->
flag language -> split by artist -> write atomically.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from lyricgenre.data import cleaning, sources
from lyricgenre.data.datacard import compare_with_reference, describe, render_markdown
from lyricgenre.data.split import artist_split
from lyricgenre.defaults import SEED
from lyricgenre.errors import check_output_folder
from lyricgenre.names import normalize_name, normalize_title, primary_artist_key, split_credit
from lyricgenre.text import is_likely_non_english, word_count

OUTPUT_COLUMNS = [
    "song_id",
    "artist",
    "artist_key",
    "title",
    "year",
    "lyrics",
    "genres",
    "all_genres",
    "artist_match",
    "source",
    "split",
    "likely_non_english",
    "n_words",
]


@dataclass
class BuildOptions:
    raw: Path
    out: Path
    exclude_sources: tuple[str, ...] = ()
    min_words: int = 20
    min_genre_songs: int | None = None  # None: the seed vocabulary; N: genres with >= N songs
    fractions: tuple[float, float, float] = (0.8, 0.1, 0.1)
    seed: int = SEED
    max_eval_artist_songs: int | None = 60  # more prolific artists are kept in train (see split.py)
    genius_tags: bool = False


@dataclass
class DropLog:
    """Rows dropped at each step, overall and per source, for the data card."""

    steps: list[dict] = field(default_factory=list)

    def keep(self, frame: pd.DataFrame, mask: pd.Series, step: str) -> pd.DataFrame:
        dropped = frame.loc[~mask, "source"].value_counts().to_dict()
        self.steps.append(
            {
                "step": step,
                "dropped": int((~mask).sum()),
                "remaining": int(mask.sum()),
                "dropped_per_source": {k: int(v) for k, v in dropped.items()},
            }
        )
        return frame.loc[mask].reset_index(drop=True)


def build_dataset(options: BuildOptions) -> dict:
    """Run the whole build and write `songs.parquet`, `vocabulary.json` and the data card."""
    raw = Path(options.raw)
    if not raw.is_dir():
        raise sources.DataError(f"{raw}: raw data folder not found")
    unknown = sorted(set(options.exclude_sources) - set(sources.LYRICS_SOURCES))
    if unknown:
        known = ", ".join(sources.LYRICS_SOURCES)
        raise sources.DataError(f"unknown source(s) {', '.join(unknown)}; known sources: {known}")
    check_output_folder(Path(options.out), "datacard.json", "dataset build")  # `--out .` never deletes yours
    selected = [name for name in sources.LYRICS_SOURCES if name not in options.exclude_sources]
    if not selected:
        raise sources.DataError("every lyrics source was excluded; nothing to build")

    songs = pd.concat([sources.LYRICS_SOURCES[name](raw) for name in selected], ignore_index=True)
    parsed_per_source = songs["source"].value_counts().to_dict()
    artist_genres, table_sizes = sources.read_artist_genres(raw)
    log = DropLog()

    songs = _clean(songs, log, options.min_words)
    songs = _attach_genres(songs, log, artist_genres)
    songs = _deduplicate(songs, log, frozenset(artist_genres))
    vocabulary = _vocabulary(songs, raw, options.min_genre_songs)
    songs = _restrict_to_vocabulary(songs, log, vocabulary)
    songs["likely_non_english"] = songs["lyrics"].map(is_likely_non_english)
    songs["split"] = artist_split(
        songs["artist_key"], songs["genres"], options.fractions, options.seed, options.max_eval_artist_songs
    )
    songs["song_id"] = [
        hashlib.sha1(f"{a}|{t}".encode()).hexdigest()[:12] for a, t in zip(songs["artist_key"], songs["title_key"])
    ]
    columns = list(OUTPUT_COLUMNS)
    if options.genius_tags:
        tags = sources.read_genius_tags(raw)
        songs["genius_tags"] = [tags.get((a, t)) for a, t in zip(songs["artist_key"], songs["title_key"])]
        columns.append("genius_tags")
    songs = songs.sort_values(["split", "artist_key", "title_key", "source"]).reset_index(drop=True)[columns]

    card = describe(songs, vocabulary, parsed_per_source, log.steps, table_sizes, options)
    card["reference_comparison"] = compare_with_reference(songs, log.steps, raw, selected)
    _write_atomically(options.out, songs, vocabulary, card)
    return card


def _clean(songs: pd.DataFrame, log: DropLog, min_words: int) -> pd.DataFrame:
    songs = log.keep(songs, songs["lyrics"].str.strip() != "", "missing lyrics")
    songs = log.keep(songs, ~songs["lyrics"].map(cleaning.is_placeholder), "placeholder, not lyrics")
    songs["lyrics"] = [
        cleaning.clean_lyrics(cleaning.strip_artist_header(text, artist))
        for text, artist in zip(songs["lyrics"], songs["artist"])
    ]
    songs["n_words"] = songs["lyrics"].map(word_count)
    return log.keep(songs, songs["n_words"] >= min_words, f"shorter than {min_words} words")


def add_song_keys(songs: pd.DataFrame, known_artists: frozenset[str]) -> pd.DataFrame:
    """`artist_key` (normalised primary artist) and `title_key` columns: what identifies a song across sources."""
    songs["artist_key"] = songs["artist"].map(lambda credit: primary_artist_key(credit, known_artists))
    songs["title_key"] = songs["title"].map(normalize_title)
    return songs


def _deduplicate(songs: pd.DataFrame, log: DropLog, known_artists: frozenset[str]) -> pd.DataFrame:
    """Keep one row per (primary artist, title), preferring sources in `LYRICS_SOURCES` order."""
    songs = add_song_keys(songs, known_artists)
    priority = {name: rank for rank, name in enumerate(sources.LYRICS_SOURCES)}
    songs = songs.assign(_rank=songs["source"].map(priority))
    songs = songs.sort_values(["_rank", "source_row"], kind="stable")
    first = ~songs.duplicated(["artist_key", "title_key"], keep="first")
    return (
        log.keep(songs.drop(columns="_rank"), first, "duplicate song")
        .sort_values(["source", "source_row"])
        .reset_index(drop=True)
    )


def lookup_artist_genres(credit: str, artist_genres: dict[str, set[str]]) -> tuple[list[str], str]:
    """Genres of a credit: the whole credit if known ("full"), else the union over its parts ("parts")."""
    whole = normalize_name(credit)
    if whole in artist_genres:
        return sorted(artist_genres[whole]), "full"
    acts, parts = split_credit(credit)
    found: set[str] = set()
    for name in {normalize_name(n) for n in acts + parts}:
        found.update(artist_genres.get(name, ()))
    return sorted(found), ("parts" if found else "")


def _attach_genres(songs: pd.DataFrame, log: DropLog, artist_genres: dict[str, set[str]]) -> pd.DataFrame:
    looked_up = [lookup_artist_genres(credit, artist_genres) for credit in songs["artist"]]
    songs["all_genres"] = [genres for genres, _ in looked_up]
    songs["artist_match"] = [match for _, match in looked_up]
    # poplyrics-1k brings the artist's own Spotify genres: the fallback when the tables miss them.
    fallback = (songs["artist_match"] == "") & songs["source_genres"].map(bool)
    songs.loc[fallback, "all_genres"] = songs.loc[fallback, "source_genres"]
    songs.loc[fallback, "artist_match"] = "source"
    return log.keep(songs, songs["all_genres"].map(bool), "artist has no known genre")


def _vocabulary(songs: pd.DataFrame, raw: Path, min_genre_songs: int | None) -> list[str]:
    if min_genre_songs is None:
        return sources.read_seed_vocabulary(raw)
    counts = Counter(g for genres in songs["all_genres"] for g in genres)
    frequent = [g for g, n in counts.items() if n >= min_genre_songs]
    return sorted(frequent, key=lambda g: (-counts[g], g))


def _restrict_to_vocabulary(songs: pd.DataFrame, log: DropLog, vocabulary: list[str]) -> pd.DataFrame:
    order = {genre: index for index, genre in enumerate(vocabulary)}
    songs["genres"] = [
        sorted((g for g in genres if g in order), key=order.__getitem__) for genres in songs["all_genres"]
    ]
    return log.keep(songs, songs["genres"].map(bool), "no genre in the vocabulary")


def _write_atomically(out: Path, songs: pd.DataFrame, vocabulary: list[str], card: dict) -> None:
    """Write every file into a temporary folder beside `out`, then swap it in: never a half-written build."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        songs.to_parquet(staging / "songs.parquet", index=False)
        (staging / "vocabulary.json").write_text(json.dumps(vocabulary, indent=1) + "\n", encoding="utf-8")
        (staging / "datacard.json").write_text(json.dumps(card, indent=1) + "\n", encoding="utf-8")
        (staging / "DATACARD.md").write_text(render_markdown(card), encoding="utf-8")
        if out.exists():
            retired = out.with_name(f".{out.name}.old")
            shutil.rmtree(retired, ignore_errors=True)
            out.rename(retired)
            staging.rename(out)
            shutil.rmtree(retired)
        else:
            staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
