"""Model stage: trainable genre models (training-only dependencies: scikit-learn, torch, transformers).

The kinds are listed in `lyricgenre.models.registry`; `load_model` reads any trained model folder.
"""

from __future__ import annotations

from pathlib import Path

from lyricgenre.models.base import GenreModel, described, read_description, restore
from lyricgenre.models.registry import KINDS, canonical_kind, model_class

__all__ = ["KINDS", "GenreModel", "canonical_kind", "load_description", "load_model", "model_class"]


def load_model(folder: Path) -> GenreModel:
    description = read_description(folder)
    return restore(model_class(description["kind"]), Path(folder), description)


def load_description(folder: Path) -> GenreModel:
    """A trained model's settings, genres, rules and metadata, its weights left on disk."""
    description = read_description(folder)
    return described(model_class(description["kind"]), description)
