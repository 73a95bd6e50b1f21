"""Artist-grouped, genre-balanced train/validation/test split, balanced by artist.

Labels are artist-level, so a song split would let a model score by recognising artists. Whole
artists are assigned to splits by a greedy variant of iterative stratification (Sechidis et al.,
2011): artists carrying the rarest genres are placed first, each into the split that still lacks
most of its genres relative to the target fractions.

Genres are balanced by ARTIST: an artist counts once for each genre it carries, however many songs it
has, so every split holds the same share of, say, pop artists — as a real library would. Balancing by
song counts let the few prolific pop artists fill train's pop quota and pushed the other pop artists
into validation and test (the shares per split: DATACARD.md, "Genre shares per split").

Prolific artists (more than `max_eval_artist_songs` songs, e.g. the 21-artist source's 300-500 songs
each) always go to train: one of them in a test split of ~1,300 songs would make a third of it, so the
score would measure that one artist. They are left out of the genre targets, which balance the other
artists among themselves; split sizes are still targeted in songs, over all songs.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from lyricgenre.defaults import SEED

SPLITS = ("train", "validation", "test")


def artist_split(
    artists: pd.Series,
    genres: pd.Series,
    fractions: tuple[float, float, float] = (0.8, 0.1, 0.1),
    seed: int = SEED,
    max_eval_artist_songs: int | None = 60,
) -> pd.Series:
    """Assign every song a split so that no artist key appears in two splits.

    `artists` holds each song's grouping key (its primary artist), `genres` its genre list.
    Deterministic for a given input and seed.
    """
    if len(fractions) != len(SPLITS) or not np.isclose(sum(fractions), 1.0) or min(fractions) <= 0:
        raise ValueError(f"split fractions must be three positive numbers summing to 1, got {fractions}")
    groups = _artist_groups(artists, genres)
    limit = max_eval_artist_songs if max_eval_artist_songs is not None else float("inf")
    forced = {artist for artist, (size, _) in groups.items() if size > limit}
    wanted_songs = np.asarray(fractions, dtype=float) * len(artists)
    have_songs = np.zeros(len(SPLITS))
    have_songs[0] = sum(groups[a][0] for a in forced)
    free = {a: groups[a] for a in groups if a not in forced}
    free_songs = sum(size for size, _ in free.values())
    # The free artists' share of each split, so that genre targets agree with the size targets.
    free_fractions = np.maximum(wanted_songs - have_songs, 0) / max(free_songs, 1)
    free_fractions = free_fractions / free_fractions.sum() if free_fractions.sum() else np.asarray(fractions)
    artist_totals = Counter(g for _, artist_genres in free.values() for g in artist_genres)
    wanted_artists = {g: free_fractions * total for g, total in artist_totals.items()}
    have_artists = {g: np.zeros(len(SPLITS)) for g in artist_totals}

    assignment = dict.fromkeys(forced, SPLITS[0])
    for artist in _placement_order(free, artist_totals, seed):
        size, artist_genres = free[artist]
        deficit = np.zeros(len(SPLITS))
        for genre in artist_genres:
            deficit += (wanted_artists[genre] - have_artists[genre]) / wanted_artists[genre]
        deficit /= max(len(artist_genres), 1)
        # Splits that would overshoot their size are penalised, so the fractions hold.
        room = (wanted_songs - have_songs - size) / wanted_songs
        chosen = int(np.argmax(deficit + 2.0 * np.minimum(room, 0) + 1e-3 * room))
        assignment[artist] = SPLITS[chosen]
        have_songs[chosen] += size
        for genre in artist_genres:
            have_artists[genre][chosen] += 1
    return artists.map(assignment)


def _artist_groups(artists: pd.Series, genres: pd.Series) -> dict[str, tuple[int, frozenset[str]]]:
    """Each artist's song count and the union of its songs' genres."""
    sizes: Counter = Counter()
    genre_sets: dict[str, set[str]] = {}
    for artist, song_genres in zip(artists, genres):
        sizes[artist] += 1
        genre_sets.setdefault(artist, set()).update(song_genres)
    return {artist: (sizes[artist], frozenset(genre_sets[artist])) for artist in sizes}


def _placement_order(groups: dict[str, tuple[int, frozenset[str]]], genre_totals: Counter, seed: int) -> list[str]:
    """Rarest genre first, bigger artists first among equals, ties broken by a seeded shuffle."""
    names = sorted(groups)
    np.random.default_rng(seed).shuffle(names)

    def rarity(artist: str) -> tuple[int, int]:
        size, artist_genres = groups[artist]
        rarest = min((genre_totals[g] for g in artist_genres), default=0)
        return rarest, -size

    return sorted(names, key=rarity)


def genre_shares(
    artists: pd.Series, genres: pd.Series, split: pd.Series, top: list[str], max_eval_artist_songs: int | None
) -> dict[str, dict]:
    """Per split, the percentage of its artists and of its songs carrying each genre of `top`.

    Artists are counted among those the split balances (not the prolific ones kept in train); songs among
    all the split's songs.
    """
    sizes = artists.map(artists.value_counts())
    balanced = sizes <= max_eval_artist_songs if max_eval_artist_songs is not None else sizes > 0
    shares = {}
    for name in SPLITS:
        rows = split == name
        artist_genres = _artist_groups(artists[rows & balanced], genres[rows & balanced])
        artist_counts = Counter(g for _, gs in artist_genres.values() for g in gs)
        song_counts = Counter(g for song_genres in genres[rows] for g in song_genres)
        n_artists, n_songs = max(len(artist_genres), 1), max(int(rows.sum()), 1)
        shares[name] = {
            g: {
                "artists_pct": round(100 * artist_counts[g] / n_artists, 1),
                "songs_pct": round(100 * song_counts[g] / n_songs, 1),
            }
            for g in top
        }
    return shares
