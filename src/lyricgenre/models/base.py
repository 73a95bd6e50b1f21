"""What every trainable genre model offers, and how a trained model is stored on disk.

A model folder holds `model.json` (kind, config, genres in output order, thresholds, validation
metrics) plus the files of its kind; `load_model` reads any of them back. A kind is a subclass with
its own `Settings` dataclass, registered in `lyricgenre.models.registry`.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from pathlib import Path

import numpy as np

from lyricgenre.decision import Thresholds
from lyricgenre.errors import UserError
from lyricgenre.settings import Settings

MODEL_FILE = "model.json"


class GenreModel(ABC):
    """scikit-learn style: `fit(texts, labels)` then `predict_proba(texts)` -> (n, len(genres))."""

    kind: str = ""  # its name in the registry, written to model.json
    Settings: type[Settings] = Settings  # the kind's settings dataclass

    def __init__(self, genres: list[str], settings: Settings | dict | None = None):
        self.genres = list(genres)
        if not isinstance(settings, self.Settings):
            settings = self.Settings.from_dict(settings, what=f"{self.kind} setting")
        self.settings = settings
        self.thresholds: Thresholds | None = None
        self.metadata: dict = {}

    @abstractmethod
    def fit(self, texts: list[str], labels: np.ndarray, validation: tuple[list[str], np.ndarray] | None = None):
        """Train on `labels` (n, len(genres)) of 0/1; `validation` may be used for early stopping."""

    @abstractmethod
    def predict_proba(self, texts: list[str]) -> np.ndarray: ...

    @abstractmethod
    def _save_weights(self, folder: Path) -> None: ...

    @abstractmethod
    def _load_weights(self, folder: Path) -> None: ...

    @abstractmethod
    def export_components(self, out: Path) -> list[dict]:
        """Write this model's runtime files into `out`; returns their manifest entries.

        Each entry has a `type` the runtime has a scorer for (`lyricgenre.runtime.scorers`), a `weight`,
        a one-line `description` for the model card, and what that scorer reads.
        """

    def validation_probabilities(self, texts: list[str]) -> np.ndarray:
        """`predict_proba` of the validation songs after `fit` (a kind that computed them in `fit` reuses them)."""
        return self.predict_proba(texts)

    def member_folders(self) -> list[Path]:
        """Trained models this one is made of (refitted first by `lyricgenre refit`); none for most kinds."""
        return []

    def with_members(self, folders: list[Path]) -> GenreModel:
        """This model over other member folders (its refitted members); only kinds with members have it."""
        raise UserError(f"a {self.kind} model has no member models")

    def predict(self, texts: list[str], strategy: str | None = None) -> np.ndarray:
        if self.thresholds is None:
            raise RuntimeError("the model has no tuned thresholds; train it with `lyricgenre train`")
        return self.thresholds.apply(self.predict_proba(texts), strategy)

    def save(self, folder: Path) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self._save_weights(folder)
        self.save_description(folder)

    def save_description(self, folder: Path) -> None:
        """Rewrite `model.json` only (kind, config, genres, thresholds, metadata); weights untouched."""
        description = {
            "kind": self.kind,
            "config": self.settings.to_dict(),
            "genres": self.genres,
            "thresholds": self.thresholds.to_dict() if self.thresholds else None,
            **self.metadata,
        }
        (Path(folder) / MODEL_FILE).write_text(json.dumps(description, indent=1) + "\n", encoding="utf-8")


def read_description(folder: Path) -> dict:
    path = Path(folder) / MODEL_FILE
    if not path.is_file():
        raise UserError(f"{folder}: not a trained model folder (no {MODEL_FILE})")
    return json.loads(path.read_text(encoding="utf-8"))


def described(model_class: type[GenreModel], description: dict) -> GenreModel:
    """A model as `model.json` describes it (config, genres, thresholds, metadata), without its weights."""
    model = model_class(description["genres"], description["config"])
    if description.get("thresholds"):
        model.thresholds = Thresholds.from_dict(description["thresholds"])
    model.metadata = {k: v for k, v in description.items() if k not in ("kind", "config", "genres", "thresholds")}
    return model


def restore(model_class: type[GenreModel], folder: Path, description: dict) -> GenreModel:
    model = described(model_class, description)
    model._load_weights(Path(folder))
    return model
