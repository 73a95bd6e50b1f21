"""Decision rules that turn genre probabilities into predicted genres, and artist pooling (numpy only).

Shared by training (which tunes the rules, `lyricgenre.models.thresholds`), evaluation and the runtime
(which apply them), so none imports another's stage.
"""

from __future__ import annotations

from collections.abc import Sequence
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


def artist_groups(artists: Sequence[str | None]) -> np.ndarray:
    """A group number per song, shared by songs whose artist names match ignoring case and spacing.

    A song without an artist (None or blank) is a group of its own.
    """
    numbers: dict[str, int] = {}
    groups = np.empty(len(artists), dtype=np.int64)
    for song, artist in enumerate(artists):
        key = " ".join(artist.casefold().split()) if isinstance(artist, str) else ""
        groups[song] = numbers.setdefault(key or f"\0song {song}", len(numbers))
    return groups


def pool_by_artist(probabilities: np.ndarray, artists: Sequence[str | None]) -> np.ndarray:
    """Each song's probabilities replaced by their mean over the songs by the same artist (`artist_groups`).

    The genres are artists' genres, so the songs of one artist are evidence for the same labels: pooled,
    each song gets what all of them say.
    """
    if len(artists) != len(probabilities):
        raise ValueError(f"{len(artists)} artists for {len(probabilities)} songs")
    return pool_groups(probabilities, artist_groups(artists))


def pool_groups(probabilities: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """`pool_by_artist` for group numbers already made by `artist_groups`."""
    if len(groups) == 0:
        return probabilities.copy()
    return (group_sums(probabilities, groups) / np.bincount(groups)[:, None])[groups].astype(probabilities.dtype)


def group_sums(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """(groups, columns) float64 sums of the (rows, columns) `values` over each group's rows (groups 0…max)."""
    sums = np.zeros((groups.max() + 1, values.shape[1]), dtype=np.float64)
    np.add.at(sums, groups, values)
    return sums
