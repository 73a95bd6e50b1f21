import pandas as pd
import pytest

from lyricgenre.data.split import SPLITS, artist_split, genre_shares


def _songs(n_artists: int = 60, songs_per_artist: int = 5) -> tuple[pd.Series, pd.Series]:
    genres_by_artist = [["pop"] if a % 3 else ["rock", "rare"] if a % 9 == 0 else ["rock"] for a in range(n_artists)]
    artists = pd.Series([f"artist {a}" for a in range(n_artists) for _ in range(songs_per_artist)])
    genres = pd.Series([genres_by_artist[a] for a in range(n_artists) for _ in range(songs_per_artist)])
    return artists, genres


def test_no_artist_in_two_splits_and_fractions_hold():
    artists, genres = _songs()
    split = artist_split(artists, genres)
    assert (split.groupby(artists).nunique() == 1).all()
    shares = split.value_counts(normalize=True)
    assert set(split) == set(SPLITS)
    assert abs(shares["train"] - 0.8) < 0.06
    assert abs(shares["test"] - 0.1) < 0.06


def test_rare_genres_reach_every_split():
    artists, genres = _songs()
    split = artist_split(artists, genres)
    with_rare = split[genres.map(lambda g: "rare" in g)]
    assert set(with_rare) == set(SPLITS)


def test_split_is_deterministic_and_seeded():
    artists, genres = _songs()
    assert artist_split(artists, genres, seed=1).equals(artist_split(artists, genres, seed=1))
    assert not artist_split(artists, genres, seed=1).equals(artist_split(artists, genres, seed=2))


def test_bad_fractions_are_rejected():
    artists, genres = _songs()
    with pytest.raises(ValueError, match="fractions"):
        artist_split(artists, genres, fractions=(0.9, 0.2, 0.1))


def test_prolific_artists_stay_in_train():
    artists, genres = _songs()
    artists = pd.concat([artists, pd.Series(["prolific"] * 80)], ignore_index=True)
    genres = pd.concat([genres, pd.Series([["rare"]] * 80)], ignore_index=True)
    split = artist_split(artists, genres, max_eval_artist_songs=60)
    assert set(split[artists == "prolific"]) == {"train"}
    assert set(artist_split(artists, genres, max_eval_artist_songs=None)[artists == "prolific"]) <= set(SPLITS)


def test_genres_are_balanced_by_artist_not_by_song():
    """Prolific pop artists fill train with pop songs, yet pop artists are shared out like the others."""
    artists, genres = _songs(n_artists=300, songs_per_artist=3)
    prolific = pd.Series([f"prolific {a}" for a in range(6) for _ in range(100)])
    artists = pd.concat([artists, prolific], ignore_index=True)
    genres = pd.concat([genres, pd.Series([["pop"]] * len(prolific))], ignore_index=True)
    split = artist_split(artists, genres, max_eval_artist_songs=60)
    free = ~artists.str.startswith("prolific")
    pop_share = {
        name: artists[free & (split == name) & genres.map(lambda g: "pop" in g)].nunique()
        / artists[free & (split == name)].nunique()
        for name in SPLITS
    }
    assert max(pop_share.values()) - min(pop_share.values()) < 0.05, pop_share


def test_genre_shares_count_each_artist_once():
    artists = pd.Series(["a", "a", "a", "b", "c", "big", "big", "big"])
    genres = pd.Series([["pop"], ["pop"], ["pop"], ["rock"], ["pop", "rock"], ["pop"], ["pop"], ["pop"]])
    split = pd.Series(["train", "train", "train", "train", "validation", "train", "train", "train"])
    shares = genre_shares(artists, genres, split, ["pop", "rock"], max_eval_artist_songs=2)
    assert shares["train"]["rock"] == {"artists_pct": 100.0, "songs_pct": round(100 / 7, 1)}
    assert shares["train"]["pop"]["artists_pct"] == 0.0  # "a" and "big" have more than 2 songs
    assert shares["validation"]["pop"] == {"artists_pct": 100.0, "songs_pct": 100.0}
