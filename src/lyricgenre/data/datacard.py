"""The data card: what the build kept, what it dropped and why, and how it differs from the reference join."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd

from lyricgenre.data import sources
from lyricgenre.data.split import SPLITS, genre_shares
from lyricgenre.names import normalize_name, normalize_title, primary_artist_key

SHARE_GENRES = 20  # the most common genres whose artist and song shares are reported per split


def describe(
    songs: pd.DataFrame,
    vocabulary: list[str],
    parsed_per_source: dict[str, int],
    steps: list[dict],
    table_sizes: dict[str, int],
    options,
) -> dict:
    """Machine-readable statistics of a built dataset (written as datacard.json)."""
    genre_counts = Counter(g for genres in songs["genres"] for g in genres)
    per_split = {
        split: {
            "songs": int((songs["split"] == split).sum()),
            "artists": int(songs.loc[songs["split"] == split, "artist_key"].nunique()),
            "genres_present": len({g for gs in songs.loc[songs["split"] == split, "genres"] for g in gs}),
        }
        for split in SPLITS
    }
    split_genre_counts = {
        genre: {split: int(sum(genre in gs for gs in songs.loc[songs["split"] == split, "genres"])) for split in SPLITS}
        for genre in vocabulary
    }
    cardinality = songs["genres"].map(len)
    return {
        "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(options).items()},
        "songs": len(songs),
        "artists": int(songs["artist_key"].nunique()),
        "parsed_per_source": {k: int(v) for k, v in parsed_per_source.items()},
        "kept_per_source": {k: int(v) for k, v in songs["source"].value_counts().items()},
        "drop_steps": steps,
        "artist_genre_tables": table_sizes,
        "artist_match": {k or "none": int(v) for k, v in songs["artist_match"].value_counts().items()},
        "vocabulary_size": len(vocabulary),
        "genres_present": len(genre_counts),
        "genres_absent": [g for g in vocabulary if g not in genre_counts],
        "genre_frequencies": {g: int(genre_counts.get(g, 0)) for g in vocabulary},
        "genre_frequencies_per_split": split_genre_counts,
        "label_cardinality": {
            "mean": round(float(cardinality.mean()), 3),
            "median": float(cardinality.median()),
            "max": int(cardinality.max()),
            "mean_all_spotify_genres": round(float(songs["all_genres"].map(len).mean()), 3),
        },
        "splits": per_split,
        "genre_shares_per_split": genre_shares(
            songs["artist_key"],
            songs["genres"],
            songs["split"],
            [g for g, _ in genre_counts.most_common(SHARE_GENRES)],
            options.max_eval_artist_songs,
        ),
        "lyrics_words": _percentiles(songs["n_words"]),
        "likely_non_english": int(songs["likely_non_english"].sum()),
    }


def _percentiles(values: pd.Series) -> dict[str, float]:
    points = [0, 5, 25, 50, 75, 95, 100]
    return {f"p{p}": float(np.percentile(values, p)) for p in points} | {"mean": round(float(values.mean()), 1)}


def compare_with_reference(songs: pd.DataFrame, steps: list[dict], raw: Path, selected: list[str]) -> dict:
    """Rows per source against `joined-candidate.csv.gz`, and how many songs the two share."""
    reference = sources.read_reference_join(raw)
    reference = reference[reference["source"].isin(selected)]
    seeded = reference[reference["seed137_genres"].map(lambda cell: len(json.loads(cell or "[]")) > 0)]
    ours = songs["source"].value_counts()
    known = frozenset(songs["artist_key"])
    reference_keys = {
        (primary_artist_key(a, known), normalize_title(t)) for a, t in zip(seeded["artist"], seeded["title"])
    }
    our_keys = set(zip(songs["artist_key"], songs["title"].map(normalize_title)))
    per_source = {}
    for name in selected:
        ref_rows, ref_seeded, our_rows = (
            int((reference["source"] == name).sum()),
            int((seeded["source"] == name).sum()),
            int(ours.get(name, 0)),
        )
        per_source[name] = {
            "reference_rows": ref_rows,
            "reference_rows_with_seed_genre": ref_seeded,
            "our_rows": our_rows,
            "difference_vs_seeded_pct": round(100 * (our_rows - ref_seeded) / ref_seeded, 1) if ref_seeded else None,
        }
    return {
        "per_source": per_source,
        "reference_rows": len(reference),
        "reference_rows_with_seed_genre": len(seeded),
        "our_rows": len(songs),
        "songs_in_both": len(our_keys & reference_keys),
        "only_in_reference": len(reference_keys - our_keys),
        "only_in_ours": len(our_keys - reference_keys),
        "reference_artists": int(reference["artist"].map(normalize_name).nunique()),
    }


def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def render_markdown(card: dict) -> str:
    """DATACARD.md: the same facts as datacard.json, for people."""
    comparison = card["reference_comparison"]
    top_genres = sorted(card["genre_frequencies"].items(), key=lambda kv: -kv[1])
    sections = [
        "# Data card: lyricgenre training dataset",
        f"{card['songs']:,} songs by {card['artists']:,} artists; {card['genres_present']} of "
        f"{card['vocabulary_size']} vocabulary genres present. Labels are the ARTIST's Spotify genres.\n\n"
        f"Built with: `{json.dumps(card['options'])}`",
        "## Rows per source\n"
        + _table(
            ["source", "parsed", "kept"],
            [[s, n, card["kept_per_source"].get(s, 0)] for s, n in card["parsed_per_source"].items()],
        ),
        "## Why rows were dropped\n"
        + _table(
            ["step", "dropped", "remaining", "dropped per source"],
            [
                [
                    s["step"],
                    s["dropped"],
                    s["remaining"],
                    ", ".join(f"{k} {v}" for k, v in s["dropped_per_source"].items()),
                ]
                for s in card["drop_steps"]
            ],
        ),
        "## Artist genre lookup\n"
        f"Artist tables (normalised names with >= 1 genre): {card['artist_genre_tables']}.\n\n"
        f"How each kept song's genres were found: {card['artist_match']} (`full`: the whole credit is a known "
        "artist; `parts`: union over the artists of a collaboration; `source`: poplyrics-1k's own list).",
        "## Splits (by artist; no artist in two splits)\n"
        + _table(
            ["split", "songs", "artists", "genres present"],
            [[s, v["songs"], v["artists"], v["genres_present"]] for s, v in card["splits"].items()],
        ),
        _render_shares(card["genre_shares_per_split"]),
        "## Labels\n"
        f"Genres per song (vocabulary): mean {card['label_cardinality']['mean']}, median "
        f"{card['label_cardinality']['median']}, max {card['label_cardinality']['max']}; all Spotify genres per "
        f"song: mean {card['label_cardinality']['mean_all_spotify_genres']}.\n\n"
        f"Absent vocabulary genres ({len(card['genres_absent'])}): {', '.join(card['genres_absent']) or 'none'}.\n\n"
        + _table(
            ["genre", "songs", "train", "validation", "test"],
            [[g, n, *card["genre_frequencies_per_split"][g].values()] for g, n in top_genres],
        ),
        "## Lyrics length (words)\n"
        + _table(list(card["lyrics_words"]), [list(card["lyrics_words"].values())])
        + f"\n\nFlagged likely non-English (column `likely_non_english`, kept): {card['likely_non_english']}.",
        "## Comparison with the reference join (`joined-candidate.csv.gz`)\n"
        + _table(
            ["source", "reference rows", "reference rows with a seed genre", "our rows", "difference"],
            [
                [
                    s,
                    v["reference_rows"],
                    v["reference_rows_with_seed_genre"],
                    v["our_rows"],
                    f"{v['difference_vs_seeded_pct']:+.1f}%" if v["difference_vs_seeded_pct"] is not None else "n/a",
                ]
                for s, v in comparison["per_source"].items()
            ],
        )
        + f"\n\nSongs in both: {comparison['songs_in_both']:,}; only in the reference: "
        f"{comparison['only_in_reference']:,}; only in ours: {comparison['only_in_ours']:,}.\n\n"
        + DIFFERENCES_EXPLAINED,
    ]
    return "\n\n".join(sections) + "\n"


def _render_shares(shares: dict[str, dict]) -> str:
    genres = list(next(iter(shares.values())))
    return (
        f"## Genre shares per split ({len(genres)} most common genres)\n"
        "Percentage of each split's artists carrying the genre (artists kept in train for their song count left "
        "out: the splits balance the others by artist), then of its songs.\n\n"
        + _table(
            ["genre", *(f"{s} artists %" for s in shares), *(f"{s} songs %" for s in shares)],
            [
                [g, *(shares[s][g]["artists_pct"] for s in shares), *(shares[s][g]["songs_pct"] for s in shares)]
                for g in genres
            ],
        )
    )


DIFFERENCES_EXPLAINED = """Why the two differ (by design):
- The reference keeps every song with any Spotify genre; this dataset keeps songs with at least one genre of
  the vocabulary, and compares against the reference's rows that have a seed genre.
- Most of the per-source shift is WHERE a duplicate is counted, not whether the song is kept: nearly every
  song of this dataset is also in the reference (see "songs in both"). billboard-1964-2015 charts the same hits
  as billboard-musicbrainz-tags, so its rows fall away as duplicates of the raw-text copy once titles match.
- Titles are normalised more aggressively here (apostrophes removed rather than spaced, "(feat. X)" and
  "- Remastered" suffixes dropped), so more cross-source duplicates are found: billboard-1964-2015's
  lower-cased "cant" now meets "Can't" elsewhere. Duplicates keep the same source priority as the reference.
- Duplicates are keyed on the primary artist (the first act of a credit), so "A featuring B" and "A" versions
  of a song collapse into one row.
- Lyrics are cleaned before the length check and placeholders ("instrumental", "lyrics for this song have
  yet to be released", LyricWikia's licensing notice) are dropped; the reference dropped only texts of at most
  50 characters. Here the minimum is a word count (default 20 words). This removes most of the
  kaggle-song-lyrics-21-artists difference (unreleased songs with a "yet to be released" placeholder, snippets).
"""
