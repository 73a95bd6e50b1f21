"""`lyricgenre adapt`: a head over a base model that answers in the user's own labels, chosen honestly.

The user's songs come with their labels. Labels with too few songs or artists are left out (a head cannot
learn them, and their scores would be noise). The rest are learnt by a `LinearHead` over what the base model
computes of each song; its setting (regularisation, how far rare labels are up-weighted, whether the encoder's
embedding is used) is chosen by cross-validation grouped by artist, because labels, like Spotify's, are mostly
an artist's: a song's label is easy to guess from another song by the same artist, which tells nothing about
the artists the model will meet. The chosen setting's out-of-fold answers are the report the user sees, beside
what the base model alone gets on the same songs where its names match the user's.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lyricgenre.adapt.fit import fit_linear
from lyricgenre.adapt.report import AdaptReport, best_label_accuracy, decide
from lyricgenre.decision import artist_groups, pool_groups
from lyricgenre.errors import UserError
from lyricgenre.metrics import f1_macro
from lyricgenre.runtime.head import BaseOutputs, LinearHead, base_outputs, head_features, label_priors
from lyricgenre.settings import Settings, setting
from lyricgenre.taxonomy import name_key

# The settings cross-validation chooses among (docs/experiments.md, "Adapt").
L2_STRENGTHS = (0.1, 0.3, 1.0, 3.0, 10.0)
BALANCE_POWERS = (0.0, 0.5)  # a song's weight: (mean label size / its label's size) ** power
EMBEDDINGS = (False, True)
CUTS = tuple(round(0.05 * k, 2) for k in range(2, 19))  # a multi-label model's global threshold, chosen likewise
JOINED_NAME = (" & ", "/", ";", ",")  # "R&B/Soul" is matched by its parts too ("r&b & soul" likewise)


@dataclass
class AdaptSettings(Settings):
    """What `lyricgenre adapt` learns from, and how it checks what it learnt."""

    what = "adapt setting"

    min_songs: int = setting(8, "a label with fewer songs is left out (and listed)")
    min_artists: int = setting(2, "a label sung by fewer artists is left out (and listed)")
    folds: int = setting(5, "cross-validation folds, grouped by artist (fewer when there are fewer artists)")
    seed: int = setting(0, "how artists are dealt into folds")


@dataclass(frozen=True)
class LabelledSong:
    """One song the user has labelled: its lyrics, its labels as the user writes them, its artist."""

    lyrics: str
    labels: tuple[str, ...]
    artist: str | None = None


@dataclass(frozen=True)
class Candidate:
    """One setting of the head that cross-validation tries."""

    l2: float
    balance: float
    embedding: bool


@dataclass(frozen=True)
class Adapted:
    """What `adapt` learnt: the head, its labels (the order of its scores), the decision rule and the report."""

    head: LinearHead
    labels: list[str]
    threshold: float | None  # a multi-label model's global cut; None: one label per song, the best
    report: AdaptReport


def adapt(
    songs: list[LabelledSong],
    base,
    settings: AdaptSettings | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Adapted:
    """A head over the `base` GenreClassifier answering in the labels of `songs`, its setting chosen by
    cross-validation grouped by artist; UserError when fewer than two labels are left to learn. `progress` is
    told, batch by batch, how many songs the base model just scored and how many it scores in all (the songs
    with a learnable label); the cross-validation that follows reports nothing."""
    settings = settings or AdaptSettings()
    labels, left_out = learnable_labels(songs, settings)
    if len(labels) < 2:
        raise UserError(
            f"fewer than two labels have {settings.min_songs} songs by {settings.min_artists} artists "
            f"(--min-songs, --min-artists), so there is nothing to tell apart; labels found: {_counted(songs)}"
        )
    kept = [song for song in songs if set(song.labels) & set(labels)]
    counted = (lambda batch: progress(batch, len(kept))) if progress else None
    outputs = base_outputs(base, [song.lyrics for song in kept], counted)
    targets = np.array([[label in song.labels for label in labels] for song in kept], dtype=np.float64)
    groups = artist_groups([song.artist for song in kept])
    multilabel = bool((targets.sum(axis=1) > 1).any())
    columns = matched_columns(labels, base.genres, base.family_names)
    folds = artist_folds(groups, settings.folds, settings.seed)
    candidates = [Candidate(*values) for values in itertools.product(L2_STRENGTHS, BALANCE_POWERS, EMBEDDINGS)]
    out_of_fold = {c: cross_validated(outputs, targets, columns, folds, c, multilabel) for c in candidates}
    cuts = CUTS if multilabel else (None,)
    best, cut = max(
        itertools.product(candidates, cuts),
        key=lambda pair: selection_score(out_of_fold[pair[0]], targets, groups, pair[1]),
    )
    scores = out_of_fold[best]
    report = AdaptReport.build(
        labels=labels,
        left_out=left_out,
        truth=targets,
        scores=scores,
        pooled_scores=pool_groups(scores, groups),
        cut=cut,
        groups=groups,
        baseline=baseline_answers(outputs, columns),
        matched=[(label, (base.genres + base.family_names)[c]) for label, c in zip(labels, columns) if c >= 0],
        setting={"l2": best.l2, "balance": best.balance, "embedding": best.embedding, "threshold": cut},
        folds=int(folds.max()) + 1,
    )
    return Adapted(fit_head(outputs, targets, columns, best, multilabel), labels, cut, report)


def learnable_labels(songs: list[LabelledSong], settings: AdaptSettings) -> tuple[list[str], dict[str, tuple]]:
    """The labels with enough songs and artists (most songs first), and {label: (songs, artists)} of the rest."""
    songs_of, artists_of = Counter(), {}
    groups = artist_groups([song.artist for song in songs])
    for song, group in zip(songs, groups):
        for label in set(song.labels):
            songs_of[label] += 1
            artists_of.setdefault(label, set()).add(int(group))
    enough = [
        label
        for label, count in songs_of.most_common()
        if count >= settings.min_songs and len(artists_of[label]) >= settings.min_artists
    ]
    left_out = {label: (songs_of[label], len(artists_of[label])) for label in songs_of if label not in enough}
    return enough, left_out


def matched_columns(labels: list[str], genres: list[str], families: list[str]) -> np.ndarray:
    """Per label, the base model's column its name matches, -1 for none: a family before a genre (the user's
    words are mostly coarse), each by its whole name before a part of a joined one ("R&B/Soul" and "r&b & soul"
    share "r&b"); case, hyphens and spacing ignored. Columns count the genres first, then the families."""
    family_columns = [(len(genres) + j, name) for j, name in enumerate(families)]
    found = []
    for label in labels:
        wanted = _name_parts(label)
        matches = (
            column
            for names in (family_columns, list(enumerate(genres)))
            for whole in (True, False)
            for column, name in names
            if (name_key(name) == name_key(label) if whole else wanted & _name_parts(name))
        )
        found.append(next(matches, -1))
    return np.array(found, dtype=np.int64)


def _name_parts(name: str) -> set[str]:
    """A name's keys: whole, each part of it joined by `JOINED_NAME`, and its parts read as one name
    ("Singer/Songwriter" as "singer songwriter")."""
    parts = [name]
    for joint in JOINED_NAME:
        parts = [piece for part in parts for piece in part.split(joint)]
    return {name_key(part) for part in parts if part.strip()} | {name_key(name), name_key(" ".join(parts))}


def artist_folds(groups: np.ndarray, folds: int, seed: int) -> np.ndarray:
    """A fold number per song: whole artists dealt round-robin in a shuffled order, so no artist is ever on
    both sides of a split."""
    artists = np.unique(groups)
    np.random.default_rng(seed).shuffle(artists)
    count = max(2, min(folds, len(artists)))
    fold_of = {int(artist): k % count for k, artist in enumerate(artists)}
    return np.array([fold_of[int(group)] for group in groups], dtype=np.int64)


def song_weights(targets: np.ndarray, power: float) -> np.ndarray:
    """Weights that lift songs of small labels by (mean label size / label size) ** power, summing to the
    number of songs (a multi-label song by its smallest label)."""
    sizes = targets.sum(axis=0)
    lift = (sizes.mean() / np.maximum(sizes, 1)) ** power
    weights = (targets * lift).max(axis=1)
    return weights * len(weights) / weights.sum()


def fit_head(
    outputs: BaseOutputs, targets: np.ndarray, columns: np.ndarray, candidate: Candidate, multilabel: bool
) -> LinearHead:
    features = head_features(outputs, candidate.embedding)
    mean, scale = features.mean(axis=0), features.std(axis=0) + 1e-6
    priors = label_priors(outputs, columns)
    weights = song_weights(targets, candidate.balance)
    coef, intercept, prior_weight = fit_linear(
        (features - mean) / scale, priors, targets, weights, candidate.l2, multilabel
    )
    return LinearHead(mean, scale, coef, intercept, columns, prior_weight, multilabel, candidate.embedding)


def cross_validated(
    outputs: BaseOutputs,
    targets: np.ndarray,
    columns: np.ndarray,
    folds: np.ndarray,
    candidate: Candidate,
    multilabel: bool,
) -> np.ndarray:
    """(songs, labels) out-of-fold scores: each fold scored by a head fitted on the other folds' artists."""
    scores = np.zeros_like(targets)
    for fold in np.unique(folds):
        train, held = folds != fold, folds == fold
        head = fit_head(_rows(outputs, train), targets[train], columns, candidate, multilabel)
        scores[held] = head.predict_proba(_rows(outputs, held))
    return scores


def _rows(outputs: BaseOutputs, rows: np.ndarray) -> BaseOutputs:
    return BaseOutputs(
        [part[rows] for part in outputs.components],
        outputs.genres[rows],
        outputs.families[rows],
        outputs.embeddings[rows],
    )


def selection_score(scores: np.ndarray, targets: np.ndarray, groups: np.ndarray, cut: float | None) -> float:
    """What settings are chosen by: accuracy of the best label plus macro-F1, per song and pooled by artist,
    since the tagger pools by default and a single song is what `predict` is asked."""
    total = 0.0
    for answer_scores in (scores, pool_groups(scores, groups)):
        total += best_label_accuracy(answer_scores, targets) + f1_macro(targets, decide(answer_scores, cut))
    return total


def baseline_answers(outputs: BaseOutputs, columns: np.ndarray) -> np.ndarray | None:
    """(songs, labels) the base model's own scores of the labels its names match (-inf for the others), so the
    report can show what adapting added; None when no label matches."""
    if not (columns >= 0).any():
        return None
    priors = label_priors(outputs, columns)
    return np.where(columns[None, :] >= 0, priors, -np.inf)


def _counted(songs: list[LabelledSong]) -> str:
    counts = Counter(label for song in songs for label in set(song.labels))
    return ", ".join(f"{label} ({n})" for label, n in counts.most_common(12)) or "none"
