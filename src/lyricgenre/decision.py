"""Decision rules that turn genre probabilities into predicted genres, and artist pooling (numpy only).

Shared by training (which tunes the rules, `lyricgenre.training.thresholds`), evaluation and the runtime
(which apply them), so none imports another's stage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import cached_property

import numpy as np

from lyricgenre.names import artist_identities

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
    """A group number per song, shared by the songs of one artist (`lyricgenre.names.artist_identities`: case,
    "The", "&"/"and", featured artists and collaborations reduced to the primary artist).

    A song without an artist (None or blank) is a group of its own. An album's pool key ("artist\0album", from
    the interfaces) is its artist's identity with the album compared ignoring case and spacing.
    """
    artists = list(artists)
    albums = [a.partition("\0")[2] if isinstance(a, str) and "\0" in a else None for a in artists]
    names = [a.partition("\0")[0] if isinstance(a, str) else None for a in artists]
    numbers: dict[tuple, int] = {}
    groups = np.empty(len(artists), dtype=np.int64)
    for song, (identity, album) in enumerate(zip(artist_identities(names), albums)):
        key = (identity, " ".join(album.casefold().split()) if album is not None else None)
        groups[song] = numbers.setdefault(key if identity else ("\0song", song), len(numbers))
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


def logit(probabilities: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    clipped = np.clip(np.asarray(probabilities, dtype=np.float64), eps, 1 - eps)
    return np.log(clipped / (1 - clipped))


def _sigmoid(values: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-values))


@dataclass
class Families:
    """Genre families scored from the genre probabilities, their decision rule, and the precise fine default.

    A family's score is a logistic function, learnt on validation (`lyricgenre.training.families`), of the
    logits of its member genres' highest probability and of their noisy-or, plus (optionally) every genre's
    logit: a calibrated aggregation, so "rock" can draw on many weak rock subgenres and discount hip hop.
    The family rule keeps a family at or above its threshold and, when `relative` is set, at least `relative`
    times the song's best family score, so a clearly rock song is not also given every family its other
    genres faintly suggest (tuned on validation; 0: off). The precise fine-genre rule predicts a genre only
    with one of its predicted families, at or above `fine_threshold`, among the `max_genres` most probable:
    tuned to predict on average no more genres than the validation songs have.
    """

    names: list[str]
    genre_families: list[list[str]]  # each model genre's families, in the model's genre order
    weights: list[list[float]]  # per family: [logit(max member), logit(noisy-or of members), *genre logits]
    bias: list[float]
    thresholds: Thresholds  # the family decision rule (over families instead of genres)
    fine_threshold: float
    max_genres: int
    aggregation: str = "members"  # which candidate was chosen on validation (recorded, not used to score)
    relative: float = 0.0  # a family also needs this share of the song's best family score (0: no such rule)
    validation_scores: dict = field(default_factory=dict)

    @cached_property
    def _membership(self) -> np.ndarray:
        index = {name: j for j, name in enumerate(self.names)}
        matrix = np.zeros((len(self.genre_families), len(self.names)), dtype=bool)
        for i, placed in enumerate(self.genre_families):
            matrix[i, [index[name] for name in placed]] = True
        return matrix

    def membership(self) -> np.ndarray:
        """(genres, families) booleans (built once: the runtime asks for it on every call)."""
        return self._membership

    def scores(self, probabilities: np.ndarray) -> np.ndarray:
        """(n, families) family probabilities from (n, genres) genre probabilities."""
        return family_scores(probabilities, self.membership(), np.asarray(self.weights), np.asarray(self.bias))

    def decide(self, family_probabilities: np.ndarray) -> np.ndarray:
        """The tuned family rule; a song always gets at least its most probable family."""
        return family_decisions(family_probabilities, self.thresholds, self.relative)

    def fine_default(self, probabilities: np.ndarray, family_mask: np.ndarray) -> np.ndarray:
        """The precise fine-genre rule given each song's predicted families (see the class docstring)."""
        return precise_mask(probabilities, self.membership(), family_mask, self.fine_threshold, self.max_genres)

    def default_genres(self, probabilities: np.ndarray) -> np.ndarray:
        """(n, genres) decisions of the precise rule, the families decided from the same probabilities."""
        return self.fine_default(probabilities, self.decide(self.scores(probabilities)))

    def to_dict(self) -> dict:
        return {**asdict(self), "thresholds": self.thresholds.to_dict()}

    @classmethod
    def from_dict(cls, data: dict) -> Families:
        return cls(**{**data, "thresholds": Thresholds.from_dict(data["thresholds"])})


def family_decisions(family_probabilities: np.ndarray, thresholds: Thresholds, relative: float) -> np.ndarray:
    """`Families.decide` for a rule being tuned: thresholds, the share of the best score, the best kept."""
    mask = thresholds.apply(family_probabilities)
    if relative:
        mask &= family_probabilities >= relative * family_probabilities.max(axis=1, keepdims=True)
    return mask | top_k_mask(family_probabilities, 1)


def family_features(probabilities: np.ndarray, membership: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(n, families) logits of each family's most probable member and of its members' noisy-or, and the
    (n, genres) genre logits: what the family scores are a weighted sum of (fitted and applied alike)."""
    probabilities = np.asarray(probabilities, dtype=np.float64)
    highest = np.stack([probabilities[:, members].max(axis=1) for members in membership.T], axis=1)
    noisy_or = 1 - np.exp(np.log1p(-np.clip(probabilities, 0, 1 - 1e-6)) @ membership.astype(np.float64))
    return logit(highest), logit(noisy_or), logit(probabilities)


def family_scores(probabilities: np.ndarray, membership: np.ndarray, weights: np.ndarray, bias: np.ndarray):
    """`Families.scores` for arrays: weights (families, 2 + genres), bias (families,)."""
    highest, noisy_or, genre_logits = family_features(probabilities, membership)
    logits = highest * weights[:, 0] + noisy_or * weights[:, 1] + genre_logits @ weights[:, 2:].T
    return _sigmoid(logits + bias).astype(np.float32)


def precise_mask(
    probabilities: np.ndarray, membership: np.ndarray, family_mask: np.ndarray, threshold: float, max_genres: int
) -> np.ndarray:
    """Genres at or above `threshold`, among the `max_genres` most probable, each under a predicted family.

    A song keeps at least its most probable genre under its predicted families, so a song with families
    always has a fine genre too.
    """
    allowed = (family_mask.astype(np.int32) @ membership.T.astype(np.int32)) > 0
    candidates = np.where(allowed, probabilities, -1.0)
    mask = (candidates >= threshold) & top_k_mask(candidates, max_genres)
    return mask | (top_k_mask(candidates, 1) & allowed)
