"""Runtime stage: classify lyrics with an exported model (onnxruntime + tokenizers + numpy only)."""

from lyricgenre.decision import AlbumKey, PoolKey, artist_groups, pool_artists, pool_by_artist, pool_groups
from lyricgenre.runtime.classifier import GenreClassifier, default_model_path
from lyricgenre.runtime.explain import WHOLE_SONG
from lyricgenre.runtime.prediction import Prediction, Ranked
from lyricgenre.runtime.scored import ScoredSongs
from lyricgenre.text import input_notes

__all__ = [
    "AlbumKey",
    "GenreClassifier",
    "PoolKey",
    "Prediction",
    "Ranked",
    "ScoredSongs",
    "WHOLE_SONG",
    "artist_groups",
    "default_model_path",
    "input_notes",
    "pool_artists",
    "pool_by_artist",
    "pool_groups",
]
