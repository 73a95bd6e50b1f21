"""A weighted average of trained models' probabilities, the weight tuned on validation.

TF-IDF n-grams and a fine-tuned encoder make different mistakes (surface words vs meaning), so their
average beats both. Members are trained separately (`lyricgenre train --model baseline|transformer`)
and referenced by folder; the ensemble copies nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from lyricgenre.errors import UserError
from lyricgenre.evaluation.metrics import f1_macro, f1_micro
from lyricgenre.models.base import GenreModel


class EnsembleModel(GenreModel):
    kind = "ensemble"

    @classmethod
    def default_config(cls) -> dict:
        return {"members": [], "weights": None}

    def _load_members(self) -> None:
        from lyricgenre.models import load_model

        if len(self.config["members"]) < 2:
            raise UserError("an ensemble needs at least two member model folders in its config ('members')")
        self.members_ = [load_model(Path(folder)) for folder in self.config["members"]]
        for member, folder in zip(self.members_, self.config["members"]):
            if member.genres != self.genres:
                raise UserError(f"{folder}: its genres differ from the ensemble's; train members on the same data")

    def fit(self, texts, labels, validation=None):
        """Members are already trained; tune the mixing weight on validation (grid over the simplex)."""
        self._load_members()
        if validation is None:
            raise UserError("an ensemble is tuned on the validation split; none was given")
        member_probabilities = [m.predict_proba(validation[0]) for m in self.members_]
        truth = validation[1]
        best, best_score = None, -1.0
        for weights in _weight_grid(len(self.members_)):
            mixed = sum(w * p for w, p in zip(weights, member_probabilities))
            score = max(f1_micro(truth, mixed >= t) + f1_macro(truth, mixed >= t) for t in np.arange(0.05, 0.6, 0.01))
            if score > best_score:
                best, best_score = weights, score
        self.config["weights"] = [round(float(w), 3) for w in best]
        # The members' validation scores are already computed: keep the mix so training need not redo it.
        weights = self.config["weights"]
        self.validation_probabilities_ = sum(w * p for w, p in zip(weights, member_probabilities)).astype(np.float32)
        return self

    def predict_proba(self, texts):
        texts = list(texts)
        return sum(w * m.predict_proba(texts) for w, m in zip(self.config["weights"], self.members_)).astype(np.float32)

    def _save_weights(self, folder: Path) -> None:
        (folder / "members.json").write_text(json.dumps(self.config["members"]) + "\n")

    def _load_weights(self, folder: Path) -> None:
        self._load_members()


def _weight_grid(n: int, step: float = 0.1) -> list[tuple[float, ...]]:
    if n == 1:
        return [(1.0,)]
    grid = []
    for first in np.arange(0.0, 1.0 + 1e-9, step):
        grid += [(first, *(rest_w * (1 - first) for rest_w in rest)) for rest in _weight_grid(n - 1, step)]
    return grid
