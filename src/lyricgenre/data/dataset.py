"""The built dataset as the later stages read it: songs.parquet + vocabulary.json, and label matrices."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from lyricgenre.errors import UserError


def load_dataset(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """songs.parquet and the vocabulary.json beside it."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: dataset not found (build it with `lyricgenre data build`)")
    vocabulary_path = path.parent / "vocabulary.json"
    if not vocabulary_path.is_file():
        raise UserError(f"{vocabulary_path}: vocabulary not found beside the dataset")
    songs = pd.read_parquet(path)
    missing = {"lyrics", "genres", "split", "artist_key"} - set(songs.columns)
    if missing:
        raise UserError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
    return songs, json.loads(vocabulary_path.read_text(encoding="utf-8"))


def label_matrix(genre_lists, genres: list[str]) -> np.ndarray:
    index = {genre: i for i, genre in enumerate(genres)}
    matrix = np.zeros((len(genre_lists), len(genres)), dtype=np.int8)
    for row, song_genres in enumerate(genre_lists):
        for genre in song_genres:
            if genre in index:
                matrix[row, index[genre]] = 1
    return matrix
