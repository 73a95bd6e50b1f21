"""Model stage: trainable genre models (training-only dependencies: scikit-learn, torch, transformers)."""

from __future__ import annotations

from pathlib import Path

from lyricgenre.errors import UserError
from lyricgenre.models.base import GenreModel, described, read_description, restore


def model_class(kind: str) -> type[GenreModel]:
    """The class of a model kind; imported lazily so that the baseline never needs torch."""
    if kind == "baseline":
        from lyricgenre.models.tfidf import TfidfModel

        return TfidfModel
    if kind == "transformer":
        from lyricgenre.models.transformer import TransformerModel

        return TransformerModel
    if kind == "ensemble":
        from lyricgenre.models.ensemble import EnsembleModel

        return EnsembleModel
    raise UserError(f"unknown model kind {kind!r}; choose baseline, transformer or ensemble")


MODEL_KINDS = ("baseline", "transformer", "ensemble")


def load_model(folder: Path) -> GenreModel:
    description = read_description(folder)
    return restore(model_class(description["kind"]), Path(folder), description)


def load_description(folder: Path) -> GenreModel:
    """A trained model's settings, genres, rules and metadata, its weights left on disk."""
    description = read_description(folder)
    return described(model_class(description["kind"]), description)
