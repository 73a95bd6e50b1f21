"""Decision rules tuned on validation: a global threshold, per-genre thresholds shrunk toward it, top-k.

A fixed 0.5 is poor for multi-label F1 with ~4 true genres out of 100+; each rule is tuned on the
validation split only and stored with the model.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from lyricgenre.evaluation.metrics import f1_macro, f1_micro

GRID = np.round(np.arange(0.02, 0.81, 0.01), 2)


@dataclass
class Thresholds:
    strategy: str  # "global", "per_genre" or "top_k": the rule `predict` uses by default
    global_threshold: float
    per_genre: list[float]
    top_k: int
    validation_scores: dict = field(default_factory=dict)

    def apply(self, probabilities: np.ndarray, strategy: str | None = None) -> np.ndarray:
        strategy = strategy or self.strategy
        if strategy == "global":
            return probabilities >= self.global_threshold
        if strategy == "per_genre":
            return probabilities >= np.asarray(self.per_genre)[None, :]
        if strategy == "top_k":
            return top_k_mask(probabilities, self.top_k)
        raise ValueError(f"unknown threshold strategy {strategy!r}")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Thresholds:
        return cls(**data)


def top_k_mask(probabilities: np.ndarray, k: int) -> np.ndarray:
    k = max(1, min(k, probabilities.shape[1]))
    order = np.argsort(-probabilities, axis=1)[:, :k]
    mask = np.zeros_like(probabilities, dtype=bool)
    np.put_along_axis(mask, order, True, axis=1)
    return mask


def _objective(truth: np.ndarray, predicted: np.ndarray) -> float:
    """What the rules are tuned for: micro and macro F1 equally."""
    return 0.5 * f1_micro(truth, predicted) + 0.5 * f1_macro(truth, predicted)


def tune_thresholds(truth: np.ndarray, probabilities: np.ndarray, shrinkage: float = 20.0) -> Thresholds:
    """Tune every rule on validation and pick the best by (micro + macro) / 2.

    Per-genre thresholds move from the global one toward each genre's own best in proportion to its
    validation positives n: t = (n * t_own + shrinkage * t_global) / (n + shrinkage), so rare genres,
    whose own optimum is noise, stay near the global threshold.
    """
    global_threshold = float(max(GRID, key=lambda t: f1_micro(truth, probabilities >= t)))
    per_genre = []
    for j in range(truth.shape[1]):
        column_truth, column_p = truth[:, [j]], probabilities[:, [j]]
        positives = int(column_truth.sum())
        own = float(max(GRID, key=lambda t: f1_micro(column_truth, column_p >= t))) if positives else global_threshold
        per_genre.append(round((positives * own + shrinkage * global_threshold) / (positives + shrinkage), 4))
    top_k = int(max(range(1, 16), key=lambda k: _objective(truth, top_k_mask(probabilities, k))))
    rules = Thresholds("global", global_threshold, per_genre, top_k)
    scores = {
        name: {
            "f1_micro": f1_micro(truth, rules.apply(probabilities, name)),
            "f1_macro": f1_macro(truth, rules.apply(probabilities, name)),
        }
        for name in ("global", "per_genre", "top_k")
    }
    rules.strategy = max(scores, key=lambda name: scores[name]["f1_micro"] + scores[name]["f1_macro"])
    rules.validation_scores = scores
    return rules
