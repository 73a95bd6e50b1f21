"""An adapted model's head: the user's labels scored from what the base model computes of a song.

`lyricgenre adapt` (`lyricgenre.adapt`) learns it; this is the numpy side the runtime needs. The features are
the base model's own outputs: each component's genre probabilities and the family scores (as log-odds), and,
when cross-validation chose it, the encoder's pooled song embedding. Labels the user's names match in the base
vocabulary also get a `prior` column: the log-odds of the matched family or genre, weighted by one coefficient
shared by every label, which is what lets a label with a dozen songs lean on what the base model knows of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lyricgenre.decision import logit
from lyricgenre.errors import UserError

BATCH_SONGS = 64


@dataclass(frozen=True)
class BaseOutputs:
    """What the base model computes of each song, from one pass (`base_outputs`)."""

    components: list[np.ndarray]  # per component, (songs, base genres) probabilities
    genres: np.ndarray  # (songs, base genres) the base model's probabilities (the components' weighted sum)
    families: np.ndarray  # (songs, base families) family scores of the weighted sum
    embeddings: np.ndarray  # (songs, hidden) pooled encoder states


@dataclass(frozen=True)
class LinearHead:
    """Standardised features → one logit per label (+ `prior_weight` × the label's prior log-odds) →
    softmax (one label per song) or sigmoids (several)."""

    mean: np.ndarray  # (features,)
    scale: np.ndarray  # (features,)
    coef: np.ndarray  # (features, labels)
    intercept: np.ndarray  # (labels,)
    prior_columns: np.ndarray  # (labels,) the column of `prior_scores` each label is matched to, -1 for none
    prior_weight: float
    multilabel: bool
    embedding: bool  # whether the features include the embedding

    def logits(self, base: BaseOutputs) -> np.ndarray:
        features = (head_features(base, self.embedding) - self.mean) / self.scale
        return features @ self.coef + self.intercept + self.prior_weight * label_priors(base, self.prior_columns)

    def predict_proba(self, base: BaseOutputs) -> np.ndarray:
        return probabilities(self.logits(base), self.multilabel)

    def save(self, path: Path) -> None:
        arrays = {name: np.asarray(getattr(self, name)) for name in self.__dataclass_fields__}
        np.savez(path, **arrays)

    @classmethod
    def load(cls, path: Path) -> LinearHead:
        with np.load(path) as arrays:
            values = {name: arrays[name] for name in cls.__dataclass_fields__}
        flags = {name: bool(values[name]) for name in ("multilabel", "embedding")}
        return cls(**{**values, **flags, "prior_weight": float(values["prior_weight"])})


def head_features(base: BaseOutputs, embedding: bool) -> np.ndarray:
    """(songs, features): each component's genre log-odds, the family log-odds, and optionally the embedding."""
    parts = [logit(p) for p in base.components] + [logit(base.families)]
    return np.concatenate(parts + ([base.embeddings] if embedding else []), axis=1).astype(np.float64)


def prior_scores(base: BaseOutputs) -> np.ndarray:
    """(songs, base genres + families) the log-odds a label can be matched to: the weighted genre
    probabilities' columns first, then the families'."""
    return np.concatenate([logit(base.genres), logit(base.families)], axis=1)


def label_priors(base: BaseOutputs, columns: np.ndarray) -> np.ndarray:
    """(songs, labels) each label's prior log-odds; 0 for a label matched to nothing."""
    scores = prior_scores(base)
    priors = np.zeros((len(scores), len(columns)))
    matched = columns >= 0
    priors[:, matched] = scores[:, columns[matched]]
    return priors


def probabilities(logits: np.ndarray, multilabel: bool) -> np.ndarray:
    if multilabel:
        return 1.0 / (1.0 + np.exp(-logits))
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def base_outputs(classifier, texts: list[str], progress: Callable[[int], None] | None = None) -> BaseOutputs:
    """What the base `GenreClassifier` computes of each text, from one pass over its components (the encoder's
    logits and embedding come from the same calls). `progress` is told how many songs each batch held."""
    encoder = next((s for _, s in classifier.components if hasattr(s, "scores_and_embeddings")), None)
    if encoder is None:
        raise UserError(f"{classifier.folder}: this model has no encoder, so no song embedding to learn on")
    parts: list[list[np.ndarray]] = [[] for _ in classifier.components]
    embeddings = []
    for first in range(0, len(texts), BATCH_SONGS):
        batch = texts[first : first + BATCH_SONGS]
        for index, (_, scorer) in enumerate(classifier.components):
            if scorer is encoder:
                scores, embedded = scorer.scores_and_embeddings(batch)
                embeddings.append(embedded)
            else:
                scores = scorer.predict_proba(batch)
            parts[index].append(scores)
        if progress:
            progress(len(batch))
    components = [np.concatenate(part) for part in parts]
    genres = sum(weight * scores for (weight, _), scores in zip(classifier.components, components))
    return BaseOutputs(components, genres, classifier.family_proba(genres), np.concatenate(embeddings))


class HeadScorer:
    """The runtime component of an adapted model (`"type": "head"`): the base model folder it was learnt on
    (a copy inside the adapted folder) scores each song, and the `LinearHead` turns that into the user's labels."""

    def __init__(self, base, head: LinearHead):
        self.base, self.head = base, head

    @classmethod
    def from_spec(cls, folder: Path, spec: dict, threads: int | None, precision: str) -> HeadScorer:
        from lyricgenre.runtime.classifier import GenreClassifier  # the base is a model folder like any other

        base = GenreClassifier(folder / spec["base"], threads=threads, precision=precision)
        return cls(base, LinearHead.load(folder / spec["file"]))

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(self.head.intercept)), dtype=np.float32)
        return self.head.predict_proba(base_outputs(self.base, texts)).astype(np.float32)

    def shortened(self, max_length: int) -> HeadScorer:
        """This head over its base reading shorter windows (`GenreClassifier.fast`)."""
        return HeadScorer(self.base.fast(max_length), self.head)
