"""Artist-grouped, genre-balanced train/validation/test split.

Labels are artist-level, so a song split would let a model score by recognising artists. Whole
artists are assigned to splits by a greedy variant of iterative stratification (Sechidis et al.,
2011): artists carrying the rarest genres are placed first, each into the split that still lacks
most of its genres relative to the target fractions.

Prolific artists (more than `max_eval_artist_songs` songs, e.g. the 21-artist source's 300-500 songs
each) always go to train: one of them in a test split of ~1,400 songs would make a third of it, so the
score would measure that one artist. Evaluation splits then hold many artists with a few songs each,
like the independent artist-disjoint test set.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

SPLITS = ("train", "validation", "test")


def artist_split(
    artists: pd.Series,
    genres: pd.Series,
    fractions: tuple[float, float, float] = (0.8, 0.1, 0.1),
    seed: int = 13,
    max_eval_artist_songs: int | None = 60,
) -> pd.Series:
    """Assign every song a split so that no artist key appears in two splits.

    `artists` holds each song's grouping key (its primary artist), `genres` its genre list.
    Deterministic for a given input and seed.
    """
    if len(fractions) != len(SPLITS) or not np.isclose(sum(fractions), 1.0) or min(fractions) <= 0:
        raise ValueError(f"split fractions must be three positive numbers summing to 1, got {fractions}")
    target = np.asarray(fractions, dtype=float)
    groups = _artist_groups(artists, genres)
    genre_totals = Counter(g for _, song_genres in zip(artists, genres) for g in song_genres)
    wanted_genres = {g: target * total for g, total in genre_totals.items()}
    wanted_songs = target * len(artists)

    have_genres = {g: np.zeros(len(SPLITS)) for g in genre_totals}
    have_songs = np.zeros(len(SPLITS))
    assignment = {}
    for artist, (size, counts) in groups.items():
        if max_eval_artist_songs is not None and size > max_eval_artist_songs:
            assignment[artist] = SPLITS[0]
            have_songs[0] += size
            for genre, count in counts.items():
                have_genres[genre][0] += count
    for artist in _placement_order(groups, genre_totals, seed):
        if artist in assignment:
            continue
        size, counts = groups[artist]
        deficit = np.zeros(len(SPLITS))
        for genre, count in counts.items():
            deficit += count * (wanted_genres[genre] - have_genres[genre]) / wanted_genres[genre]
        deficit /= max(sum(counts.values()), 1)
        # Splits that would overshoot their size are penalised, so the fractions hold.
        room = (wanted_songs - have_songs - size) / wanted_songs
        chosen = int(np.argmax(deficit + 2.0 * np.minimum(room, 0) + 1e-3 * room))
        assignment[artist] = SPLITS[chosen]
        have_songs[chosen] += size
        for genre, count in counts.items():
            have_genres[genre][chosen] += count
    return artists.map(assignment)


def _artist_groups(artists: pd.Series, genres: pd.Series) -> dict[str, tuple[int, Counter]]:
    groups: dict[str, tuple[int, Counter]] = {}
    for artist, song_genres in zip(artists, genres):
        size, counts = groups.get(artist, (0, Counter()))
        counts.update(song_genres)
        groups[artist] = (size + 1, counts)
    return groups


def _placement_order(groups: dict[str, tuple[int, Counter]], genre_totals: Counter, seed: int) -> list[str]:
    """Rarest genre first, bigger artists first among equals, ties broken by a seeded shuffle."""
    names = sorted(groups)
    np.random.default_rng(seed).shuffle(names)

    def rarity(artist: str) -> tuple[int, int]:
        size, counts = groups[artist]
        rarest = min((genre_totals[g] for g in counts), default=0)
        return rarest, -size

    return sorted(names, key=rarity)
