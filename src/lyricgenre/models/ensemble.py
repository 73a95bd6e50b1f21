"""A weighted average of trained models' probabilities, the weight tuned on validation.

TF-IDF n-grams and a fine-tuned encoder make different mistakes (surface words vs meaning), so their
average beats both. Members are trained separately (`lyricgenre train --model tfidf|transformer`)
and referenced by folder; the ensemble copies nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from lyricgenre.errors import UserError
from lyricgenre.metrics import f1_macro, f1_micro
from lyricgenre.models.base import GenreModel
from lyricgenre.settings import Settings, setting


@dataclass
class EnsembleSettings(Settings):
    members: list[str] = setting([], "trained model folders to average (at least two, same genres)")
    weights: list[float] | None = setting(None, "one weight per member; null: tuned on validation by `train`")


class EnsembleModel(GenreModel):
    kind = "ensemble"
    Settings = EnsembleSettings

    def _load_members(self) -> None:
        from lyricgenre.models import load_model

        if len(self.settings.members) < 2:
            raise UserError("an ensemble needs at least two member model folders in its config ('members')")
        self.members_ = [load_model(Path(folder)) for folder in self.settings.members]
        for member, folder in zip(self.members_, self.settings.members):
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
        self.settings.weights = weights = [round(float(w), 3) for w in best]
        # The members' validation scores are already computed: keep the mix so training need not redo it.
        self._validation_probabilities = sum(w * p for w, p in zip(weights, member_probabilities)).astype(np.float32)
        return self

    def validation_probabilities(self, texts: list[str]) -> np.ndarray:
        return self._validation_probabilities

    def predict_proba(self, texts):
        texts = list(texts)
        mixed = sum(w * m.predict_proba(texts) for w, m in zip(self.settings.weights, self.members_))
        return mixed.astype(np.float32)

    def member_folders(self) -> list[Path]:
        return [Path(folder) for folder in self.settings.members]

    def with_members(self, folders: list[Path]) -> EnsembleModel:
        """The same weights over other members (saving it needs no member loaded)."""
        return EnsembleModel(self.genres, replace(self.settings, members=[str(folder) for folder in folders]))

    def export_components(self, out: Path) -> list[dict]:
        """Each member's components, their weights multiplied by the member's."""
        components = []
        for member, weight in zip(self.members_, self.settings.weights):
            components += [{**c, "weight": weight * c["weight"]} for c in member.export_components(out)]
        files = [c["file"] for c in components]
        if len(set(files)) < len(files):
            raise UserError("members of the same kind would overwrite each other's files; export them separately")
        return components

    def _save_weights(self, folder: Path) -> None:
        (folder / "members.json").write_text(json.dumps(self.settings.members) + "\n")

    def _load_weights(self, folder: Path) -> None:
        self._load_members()


def _weight_grid(n: int, step: float = 0.1) -> list[tuple[float, ...]]:
    if n == 1:
        return [(1.0,)]
    grid = []
    for first in np.arange(0.0, 1.0 + 1e-9, step):
        grid += [(first, *(rest_w * (1 - first) for rest_w in rest)) for rest in _weight_grid(n - 1, step)]
    return grid
