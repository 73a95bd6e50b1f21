"""Labelled songs in four styles by several artists each, and the shipped model to adapt."""

import pytest

from lyricgenre.adapt import AdaptSettings, LabelledSong, adapt
from lyricgenre.runtime import GenreClassifier
from tests.conftest import synthetic_lyrics

LABELS = {"rap": "Hip-Hop", "country": "Country", "pop": "Pop", "rock": "Rock"}


def labelled_songs(artists: int = 5, songs: int = 3, rare: bool = True) -> list[LabelledSong]:
    made = [
        LabelledSong(synthetic_lyrics(style, k * 10 + s), (label,), f"{label} Artist {k}")
        for style, label in LABELS.items()
        for k in range(artists)
        for s in range(songs)
    ]
    if rare:  # a label of one artist: left out
        made += [LabelledSong(synthetic_lyrics("rock", 90 + s), ("Polka",), "Polka Artist") for s in range(9)]
    return made


@pytest.fixture(scope="session")
def shipped() -> GenreClassifier:
    return GenreClassifier.load()


@pytest.fixture(scope="session")
def adapted(shipped):
    return adapt(labelled_songs(), shipped, AdaptSettings(min_songs=6))
