"""Decision rules that turn genre probabilities into predicted genres (numpy only).

Shared by training (which tunes them, `lyricgenre.models.thresholds`) and the runtime (which applies
the stored ones), so neither imports the other's stage.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

STRATEGIES = ("global", "per_genre", "top_k")


@dataclass
class Thresholds:
    strategy: str  # one of STRATEGIES: the rule `predict` uses by default
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
