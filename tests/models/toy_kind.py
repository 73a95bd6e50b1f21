"""A model kind written the way docs/extending.md says: one module, registered by one line in a test.

It predicts each genre's training frequency for every song, and exports itself as a TF-IDF component
whose only term never occurs, so the runtime scores it with the intercepts alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lyricgenre.models.base import GenreModel
from lyricgenre.runtime.tfidf import TfidfScorer
from lyricgenre.settings import Settings, setting


@dataclass
class PriorSettings(Settings):
    smoothing: float = setting(1.0, "added to each genre's count of positives and negatives")


class PriorModel(GenreModel):
    kind = "prior"
    Settings = PriorSettings

    def fit(self, texts, labels, validation=None):
        positives = np.asarray(labels).sum(axis=0) + self.settings.smoothing
        self.prior_ = (positives / (len(texts) + 2 * self.settings.smoothing)).astype(np.float32)
        return self

    def predict_proba(self, texts):
        return np.tile(self.prior_, (len(list(texts)), 1))

    def _save_weights(self, folder: Path) -> None:
        np.save(folder / "prior.npy", self.prior_)

    def _load_weights(self, folder: Path) -> None:
        self.prior_ = np.load(folder / "prior.npy")

    def export_components(self, out: Path) -> list[dict]:
        never = {"analyzer": "word", "ngram_range": (1, 1), "vocabulary": {"never-a-word": 0}, "idf": np.ones(1)}
        logits = np.log(self.prior_ / (1 - self.prior_))
        TfidfScorer([never], np.zeros((len(self.genres), 1)), logits).save(out / "prior.npz")
        return [{"type": "tfidf", "weight": 1.0, "description": "genre frequencies", "file": "prior.npz"}]
