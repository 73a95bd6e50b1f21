"""Decision rules that turn genre probabilities into predicted genres, and artist pooling (numpy only).

Shared by training (which tunes the rules, `lyricgenre.training.thresholds`), evaluation and the runtime
(which apply them), so none imports another's stage.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cached_property

import numpy as np

from lyricgenre.names import artist_identities

STRATEGIES = ("global", "per_genre", "top_k")
RELATIVE_TO = ("best", "threshold")  # what `FamilyRule.relative` is a share of (see FamilyRule)


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


@dataclass(frozen=True)
class AlbumKey:
    """What an album's songs are pooled by (`tag --pool album`): its artist, compared by identity as artists are,
    and the album's name, compared ignoring case and spacing."""

    artist: str
    album: str


PoolKey = str | AlbumKey | None  # an artist's name, an album, or None: a song on its own


def artist_groups(keys: Sequence[PoolKey]) -> np.ndarray:
    """A group number per song, shared by the songs pooled together: by artist (`lyricgenre.names.
    artist_identities`: case, "The", "&"/"and", featured artists and collaborations reduced to the primary
    artist), or by album (`AlbumKey`). A song without a key (None or a blank name) is a group of its own."""
    keys = list(keys)
    albums = [key.album if isinstance(key, AlbumKey) else None for key in keys]
    names = [key.artist if isinstance(key, AlbumKey) else key if isinstance(key, str) else None for key in keys]
    numbers: dict[tuple, int] = {}
    groups = np.empty(len(keys), dtype=np.int64)
    for song, (identity, album) in enumerate(zip(artist_identities(names), albums)):
        key = (identity, " ".join(album.casefold().split()) if album is not None else None)
        groups[song] = numbers.setdefault(key if identity else ("\0song", song), len(numbers))
    return groups


def pool_by_artist(probabilities: np.ndarray, artists: Sequence[PoolKey]) -> np.ndarray:
    """Each song's probabilities replaced by their mean over the songs by the same artist (`artist_groups`).

    The genres are artists' genres, so the songs of one artist are evidence for the same labels: pooled,
    each song gets what all of them say.
    """
    return pool_artists(probabilities, artists)[0]


def pool_artists(probabilities: np.ndarray, artists: Sequence[PoolKey]) -> tuple[np.ndarray, np.ndarray]:
    """`pool_by_artist`, and how many songs each row's pool holds: a row pooled over two or more songs is
    decided by a model's pooled rule (`Families.pooled`)."""
    if len(artists) != len(probabilities):
        raise ValueError(f"{len(artists)} artists for {len(probabilities)} songs")
    groups = artist_groups(artists)
    return pool_groups(probabilities, groups), group_sizes(groups)


def group_sizes(groups: np.ndarray) -> np.ndarray:
    """How many rows share each row's group (`artist_groups`)."""
    return np.bincount(groups)[groups] if len(groups) else np.zeros(0, dtype=np.int64)


def pool_groups(probabilities: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """`pool_by_artist` for group numbers already made by `artist_groups`."""
    pooled = probabilities.copy()
    pool_in_place([pooled], groups)
    return pooled


def pool_in_place(parts: list[np.ndarray], groups: np.ndarray) -> None:
    """`pool_groups` over the rows of `parts` taken in order (one group number each), each row replaced by its
    group's mean in place: a pooled run's scores are pooled without a second copy of them."""
    if len(groups) == 0:
        return
    bounds = np.cumsum([0, *(len(part) for part in parts)])
    sums = np.zeros((groups.max() + 1, parts[0].shape[1]), dtype=np.float64)
    for part, start, stop in zip(parts, bounds, bounds[1:]):
        np.add.at(sums, groups[start:stop], part)
    means = (sums / np.bincount(groups)[:, None]).astype(parts[0].dtype)
    for part, start, stop in zip(parts, bounds, bounds[1:]):
        np.take(means, groups[start:stop], axis=0, out=part)


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
class FamilyRule:
    """How families, and the precise fine default under them, are decided from one kind of scores.

    A family is kept at or above its threshold and, when `relative` is set, at least `relative` times the song's
    best family (0: off), so a clearly rock song is not also given every family its other genres faintly
    suggest. With `relative_to` "best" the share compares the family scores themselves; with "threshold" it
    compares each score divided by its family's threshold, so a family with a low base rate (metal, punk) is not
    judged against the raw score of one with a high base rate (rock, pop). A song keeps at least its leading
    family. The precise fine-genre rule predicts a genre only under a predicted family, at or above
    `fine_threshold` (or its own threshold in `fine_thresholds`, when set), among the `max_genres` most probable:
    tuned to predict on average no more genres than the validation songs have, nor than `MOST_GENRES` (held for
    artists not seen; the per-genre thresholds of pooled songs are not capped).
    """

    thresholds: Thresholds  # over families instead of genres
    fine_threshold: float
    max_genres: int
    relative: float = 0.0
    relative_to: str = "best"  # one of RELATIVE_TO
    validation_scores: dict = field(default_factory=dict)
    # Per genre, in the model's genre order: a rare genre's own threshold lets an artist's mean score name it.
    fine_thresholds: list[float] | None = None

    @property
    def fine_cut(self) -> float | np.ndarray:
        """The precise rule's threshold: one for every genre, or each genre's own."""
        return fine_cut(self.fine_threshold, self.fine_thresholds)

    def decide(self, family_probabilities: np.ndarray) -> np.ndarray:
        """(n, families) decisions from (n, families) family probabilities."""
        return family_decisions(family_probabilities, self.thresholds, self.relative, self.relative_to)

    def to_dict(self) -> dict:
        return {**asdict(self), "thresholds": self.thresholds.to_dict()}

    @classmethod
    def from_dict(cls, data: dict) -> FamilyRule:
        return cls(**{**data, "thresholds": Thresholds.from_dict(data["thresholds"])})


@dataclass
class Families:
    """Genre families scored from the genre probabilities, and the rules that decide them and the fine default.

    A family's score is a logistic function, learnt on validation (`lyricgenre.training.families`), of the
    logits of its member genres' highest probability and of their noisy-or, plus (optionally) every genre's
    logit: a calibrated aggregation, so "rock" can draw on many weak rock subgenres and discount hip hop.
    The fields from `thresholds` to `relative_to` are the `FamilyRule` for a single song's scores; `pooled`, when
    the model has one, is the rule for scores pooled over two or more songs of an artist (`lyricgenre predict
    --pool-artist`, `tag`), tuned on pooled validation scores: a mean over songs is smoother than one song's
    scores, so thresholds tuned on single songs cut it in the wrong places.
    """

    names: list[str]
    genre_families: list[list[str]]  # each model genre's families, in the model's genre order
    weights: list[list[float]]  # per family: [logit(max member), logit(noisy-or of members), *genre logits]
    bias: list[float]
    thresholds: Thresholds  # the family decision rule (over families instead of genres)
    fine_threshold: float
    max_genres: int
    aggregation: str = "members"  # which candidate was chosen on validation (recorded, not used to score)
    relative: float = 0.0
    validation_scores: dict = field(default_factory=dict)
    relative_to: str = "best"
    pooled: FamilyRule | None = None

    @cached_property
    def _membership(self) -> np.ndarray:
        return membership_matrix(self.names, self.genre_families)

    def membership(self) -> np.ndarray:
        """(genres, families) booleans (built once: the runtime asks for it on every call)."""
        return self._membership

    @property
    def single(self) -> FamilyRule:
        """The rule for a single song's scores."""
        return FamilyRule(self.thresholds, self.fine_threshold, self.max_genres, self.relative, self.relative_to)

    def scores(self, probabilities: np.ndarray) -> np.ndarray:
        """(n, families) family probabilities from (n, genres) genre probabilities."""
        return family_scores(probabilities, self.membership(), np.asarray(self.weights), np.asarray(self.bias))

    def decide(self, family_probabilities: np.ndarray, pooled: np.ndarray | None = None) -> np.ndarray:
        """The tuned family rule; a song always gets at least its leading family. `pooled`: a boolean per row,
        True where its scores are an artist's pool of two or more songs (`pool_artists`), decided by the pooled
        rule when the model has one."""
        return self._by_row(pooled, lambda rule: rule.decide(family_probabilities))

    def fine_default(
        self, probabilities: np.ndarray, family_mask: np.ndarray, pooled: np.ndarray | None = None
    ) -> np.ndarray:
        """The precise fine-genre rule given each song's predicted families (see `FamilyRule`)."""
        membership = self.membership()
        return self._by_row(
            pooled,
            lambda rule: precise_mask(probabilities, membership, family_mask, rule.fine_cut, rule.max_genres),
        )

    def default_genres(self, probabilities: np.ndarray, pooled: np.ndarray | None = None) -> np.ndarray:
        """(n, genres) decisions of the precise rule, the families decided from the same probabilities."""
        return self.fine_default(probabilities, self.decide(self.scores(probabilities), pooled), pooled)

    def _by_row(self, pooled: np.ndarray | None, decisions: Callable[[FamilyRule], np.ndarray]) -> np.ndarray:
        """`decisions` of the single-song rule, with the `pooled` rows' from the pooled rule (each rule run only
        when some row needs it)."""
        if self.pooled is None or pooled is None or not np.any(pooled):
            return decisions(self.single)
        rows = np.asarray(pooled, dtype=bool)
        if rows.all():  # a library pooled by artist: no song alone
            return decisions(self.pooled)
        return np.where(rows[:, None], decisions(self.pooled), decisions(self.single))

    def to_dict(self) -> dict:
        return {
            **asdict(self),
            "thresholds": self.thresholds.to_dict(),
            "pooled": self.pooled.to_dict() if self.pooled else None,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Families:
        pooled = data.get("pooled")
        return cls(
            **{
                **data,
                "thresholds": Thresholds.from_dict(data["thresholds"]),
                "pooled": FamilyRule.from_dict(pooled) if pooled else None,
            }
        )


def fine_cut(threshold: float, per_genre: list[float] | None) -> float | np.ndarray:
    """What `precise_mask` compares the genres with: `threshold` for all, or each genre's own (`per_genre`)."""
    return threshold if per_genre is None else np.asarray(per_genre)


@dataclass(frozen=True)
class LabelFamilies:
    """The families of a model whose genres are a user's own labels (`lyricgenre adapt`): each label sits under
    the families of the base model's genre or family its name matched ("Death Metal" under metal). A family
    scores its best label and is predicted where one of its labels is, so a song's families follow its labels.
    """

    names: list[str]
    genre_families: list[list[str]]  # each label's families, in the model's genre (label) order

    @cached_property
    def _membership(self) -> np.ndarray:
        return membership_matrix(self.names, self.genre_families)

    def membership(self) -> np.ndarray:
        """(labels, families) booleans (built once: the runtime asks for it on every call)."""
        return self._membership

    def scores(self, probabilities: np.ndarray) -> np.ndarray:
        """(n, families): each family's most probable label."""
        membership = self.membership()
        return np.stack([probabilities[:, members].max(axis=1) for members in membership.T], axis=1)

    def decide(self, label_decisions: np.ndarray) -> np.ndarray:
        """(n, families) booleans: the families of each song's predicted labels."""
        return (label_decisions.astype(np.int32) @ self.membership().astype(np.int32)) > 0

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> LabelFamilies:
        return cls(**data)


def membership_matrix(families: list[str], genre_families: list[list[str]]) -> np.ndarray:
    """(genres, families) booleans: which of `families` each genre is placed under."""
    index = {name: j for j, name in enumerate(families)}
    matrix = np.zeros((len(genre_families), len(families)), dtype=bool)
    for i, placed in enumerate(genre_families):
        matrix[i, [index[name] for name in placed]] = True
    return matrix


def family_decisions(
    family_probabilities: np.ndarray, thresholds: Thresholds, relative: float, relative_to: str = "best"
) -> np.ndarray:
    """`FamilyRule.decide` for a rule being tuned: thresholds, the share of the best, the leading family kept."""
    if relative_to not in RELATIVE_TO:
        raise ValueError(f"unknown relative_to {relative_to!r}")
    measured = family_probabilities
    if relative_to == "threshold" and thresholds.strategy == "per_genre":
        measured = family_probabilities / np.maximum(np.asarray(thresholds.per_genre), 1e-6)[None, :]
    mask = thresholds.apply(family_probabilities)
    if relative:
        mask &= measured >= relative * measured.max(axis=1, keepdims=True)
    return mask | top_k_mask(measured, 1)


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


# The precise default names at most this many genres per song on average (a genre tag a person reads), held for
# artists not seen (`lyricgenre.training.families.count_bound`).
MOST_GENRES = 5


def precise_mask(
    probabilities: np.ndarray,
    membership: np.ndarray,
    family_mask: np.ndarray,
    threshold: float | np.ndarray,
    max_genres: int,
) -> np.ndarray:
    """Genres at or above `threshold` (one, or one per genre), among the `max_genres` most probable, each under a
    predicted family.

    A song keeps at least its most probable genre under its predicted families, so a song with families
    always has a fine genre too.
    """
    allowed = (family_mask.astype(np.int32) @ membership.T.astype(np.int32)) > 0
    candidates = np.where(allowed, probabilities, -1.0)
    mask = (candidates >= threshold) & top_k_mask(candidates, max_genres)
    return mask | (top_k_mask(candidates, 1) & allowed)
