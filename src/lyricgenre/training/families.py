"""Learning the family scores and the precise fine-genre default on validation (`lyricgenre.decision.Families`).

A genre model scores fine genres; families are scored from those scores by a small logistic model per
family, fitted on the validation songs (the model's weights never saw them). Three aggregations are
candidates — the highest member probability as it is ("max"), a logistic fit on the highest member and the
members' noisy-or ("members"), and the same plus every genre's logit, L2-regularised ("all") — and the one
whose out-of-fold decisions score best (micro + macro F1) across validation ARTISTS is kept, as for the genre
rules. The family decision rule is a global or a per-family threshold, chosen the same way; not top-k, since a
fixed number of families per song is wrong for most songs. On top of it a family may be required to score
a share of the song's best family (`FamilyRule.relative`, from `RELATIVE_GRID`, chosen the same way), which
drops the faint extra families a threshold alone lets through; the share is measured on the scores themselves or
on each score over its family's threshold (`RELATIVE_TO`), whichever scores best out of fold.

Artist-pooled scores (a library tagged by artist) are means over songs, smoother than one song's, so a second
`FamilyRule` (`Families.pooled`) is tuned the same way on the validation songs pooled by artist, its fine genres
with per-genre thresholds among the candidates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from lyricgenre.decision import (
    MOST_GENRES,
    RELATIVE_TO,
    Families,
    FamilyRule,
    family_decisions,
    family_features,
    family_scores,
    fine_cut,
    group_sizes,
    pool_groups,
    precise_mask,
)
from lyricgenre.metrics import f1_macro, f1_micro
from lyricgenre.taxonomy import Taxonomy
from lyricgenre.training.thresholds import GRID, RULE_FOLDS, fit_rules, tune_thresholds

AGGREGATIONS = ("max", "members", "all")
ALL_GENRES_C = 0.1  # L2 strength of the "all" aggregation (107 genre logits from ~1,300 songs)
MAX_GENRES = range(1, 11)
FAMILY_RULES = ("global", "per_genre")
RELATIVE_GRID = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7)
ONE_SIDED_95 = 1.645  # the normal quantile of a one-sided 95% bound


def fit_families(
    genre_truth: np.ndarray, probabilities: np.ndarray, genres: list[str], taxonomy: Taxonomy, groups: np.ndarray
) -> Families:
    """Family weights, family rule and the precise fine rule, all from validation (`groups`: each song's artist)."""
    membership = taxonomy.membership(genres)
    used = membership.any(axis=0)  # families of which the model scores some genre
    names = [f for f, keep in zip(taxonomy.families, used) if keep]
    membership = membership[:, used]
    truth = taxonomy.family_labels(genre_truth, genres)[:, used]
    # With too few artists to cross-validate (tiny test datasets), only the fit-free "max" is judged.
    cross_validate = len(set(groups)) >= RULE_FOLDS
    folds = list(GroupKFold(RULE_FOLDS).split(probabilities, groups=groups)) if cross_validate else []
    judged = {}
    for aggregation in AGGREGATIONS if cross_validate else ("max",):
        out_of_fold = family_scores(probabilities, membership, *_fit_weights("max", truth, probabilities, membership))
        fold_weights = []  # (held rows, weights, bias) per fold: the pooled rule scores the same folds
        for fit_rows, held_rows in folds:
            weights, bias = _fit_weights(aggregation, truth[fit_rows], probabilities[fit_rows], membership)
            out_of_fold[held_rows] = family_scores(probabilities[held_rows], membership, weights, bias)
            fold_weights.append((held_rows, weights, bias))
        rules = tune_thresholds(truth, out_of_fold, groups=groups, candidates=FAMILY_RULES)
        score = rules.validation_scores[rules.strategy].get("cross_validated", rules.validation_scores[rules.strategy])
        judged[aggregation] = (score["f1_micro"] + score["f1_macro"], rules, out_of_fold, score, fold_weights)
    aggregation = max(judged, key=lambda name: judged[name][0])
    _, family_rules, out_of_fold, score, fold_weights = judged[aggregation]
    weights, bias = _fit_weights(aggregation, truth, probabilities, membership)
    families = Families(
        names=names,
        genre_families=[[f for f, member in zip(names, row) if member] for row in membership],
        weights=np.round(weights, 6).tolist(),
        bias=np.round(bias, 6).tolist(),
        thresholds=family_rules,
        fine_threshold=0.0,
        max_genres=1,
        aggregation=aggregation,
        validation_scores={
            "families_cross_validated": {name: judged[name][3] for name in judged},
            "mean_true_families": float(truth.sum(axis=1).mean()),
        },
    )
    if folds:
        _tune_relative(families.single, truth, out_of_fold, folds).apply_to(families)
    family_mask = families.decide(out_of_fold)
    _tune_precise(families, genre_truth, probabilities, membership, family_mask, groups)
    if folds:
        families.pooled = _fit_pooled_rule(families, truth, genre_truth, probabilities, groups, fold_weights)
    return families


def _fit_weights(aggregation: str, truth: np.ndarray, probabilities: np.ndarray, membership: np.ndarray):
    """(families, 2 + genres) weights and (families,) bias of one aggregation, fitted on these songs."""
    n_families, n_genres = membership.shape[1], membership.shape[0]
    weights = np.zeros((n_families, 2 + n_genres))
    bias = np.zeros(n_families)
    weights[:, 0] = 1.0  # "max", and the fallback for a family with one class only in these songs
    if aggregation == "max":
        return weights, bias
    highest, noisy_or, genre_logits = family_features(probabilities, membership)
    for j in range(n_families):
        if truth[:, j].min() == truth[:, j].max():
            continue
        features = np.stack([highest[:, j], noisy_or[:, j]], axis=1)
        if aggregation == "all":
            features = np.concatenate([features, genre_logits], axis=1)
        fitted = LogisticRegression(C=1.0 if aggregation == "members" else ALL_GENRES_C, max_iter=2000)
        fitted.fit(features, truth[:, j])
        weights[j, : features.shape[1]] = fitted.coef_[0]
        bias[j] = fitted.intercept_[0]
    return weights, bias


@dataclass
class RelativeChoice:
    """The share of the best family (`FamilyRule.relative`, `relative_to`) chosen out of fold, and every
    candidate's out-of-fold scores ({relative_to: {share: scores}})."""

    relative: float
    relative_to: str
    judged: dict

    def apply_to(self, rule) -> None:
        """Set on a `Families` or a `FamilyRule`, with the scores in its `validation_scores`."""
        rule.relative, rule.relative_to = self.relative, self.relative_to
        rule.validation_scores["relative_cross_validated"] = self.judged


def _tune_relative(rule: FamilyRule, truth: np.ndarray, scores: np.ndarray, folds: list) -> RelativeChoice:
    """The share of the best family score, and what it is measured on (`RELATIVE_TO`), with the best
    (micro + macro F1) out-of-fold decisions, the family thresholds refitted on each fold's other artists."""
    judged: dict[str, dict] = {relative_to: {} for relative_to in RELATIVE_TO}
    for relative_to in RELATIVE_TO:
        for relative in RELATIVE_GRID:
            decided = np.zeros_like(truth, dtype=bool)
            for fit_rows, held_rows in folds:
                rules = fit_rules(truth[fit_rows], scores[fit_rows])
                rules.strategy = rule.thresholds.strategy
                decided[held_rows] = family_decisions(scores[held_rows], rules, relative, relative_to)
            judged[relative_to][str(relative)] = {
                "f1_micro": f1_micro(truth, decided),
                "f1_macro": f1_macro(truth, decided),
                "mean_predicted_families": float(decided.sum(axis=1).mean()),
            }
    candidates = [(relative_to, relative) for relative_to in RELATIVE_TO for relative in RELATIVE_GRID]
    best = max(candidates, key=lambda c: judged[c[0]][str(c[1])]["f1_micro"] + judged[c[0]][str(c[1])]["f1_macro"])
    return RelativeChoice(best[1], best[0], judged)


def _fit_pooled_rule(
    families: Families,
    truth: np.ndarray,
    genre_truth: np.ndarray,
    probabilities: np.ndarray,
    groups: np.ndarray,
    fold_weights: list,
) -> FamilyRule | None:
    """The rule for artist-pooled scores: the validation songs of artists with two or more, their probabilities
    pooled by artist, family scores out of fold (`fold_weights`: each fold's held rows and the weights fitted on
    the other folds' single songs, as the model's are), then thresholds, share of the best and precise rule tuned
    as for single songs, except that per-genre fine thresholds are candidates and micro + macro F1 choose
    (`_tune_precise`). None when too few artists have two songs to cross-validate."""
    groups = np.unique(groups, return_inverse=True)[1].ravel()  # artist keys as group numbers
    rows = group_sizes(groups) > 1
    if len(set(groups[rows])) < RULE_FOLDS:
        return None
    membership = families.membership()
    pooled = pool_groups(probabilities, groups)
    scores = np.zeros((len(pooled), len(families.names)), dtype=np.float32)
    for held_rows, weights, bias in fold_weights:
        scores[held_rows] = family_scores(pooled[held_rows], membership, weights, bias)
    truth, scores, groups = truth[rows], scores[rows], groups[rows]
    rule = FamilyRule(tune_thresholds(truth, scores, groups=groups, candidates=FAMILY_RULES), 0.0, 1)
    _tune_relative(rule, truth, scores, list(GroupKFold(RULE_FOLDS).split(scores, groups=groups))).apply_to(rule)
    decided = rule.decide(scores)
    _tune_precise(rule, genre_truth[rows], pooled[rows], membership, decided, groups, pooled=True)
    rule.validation_scores["families"] = {
        "f1_micro": f1_micro(truth, decided),
        "f1_macro": f1_macro(truth, decided),
        "songs": int(rows.sum()),
        "artists": len(set(groups)),
    }
    return rule


@dataclass(frozen=True)
class PreciseSetting:
    """A setting of the precise fine rule."""

    threshold: float
    max_genres: int
    per_genre: list[float] | None = None  # each genre's own threshold, or None: `threshold` for all

    def decide(self, probabilities: np.ndarray, membership: np.ndarray, family_mask: np.ndarray) -> np.ndarray:
        cut = fine_cut(self.threshold, self.per_genre)
        return precise_mask(probabilities, membership, family_mask, cut, self.max_genres)


def _tune_precise(
    rule: Families | FamilyRule,
    truth: np.ndarray,
    probabilities: np.ndarray,
    membership: np.ndarray,
    family_mask: np.ndarray,
    groups: np.ndarray,
    pooled: bool = False,
) -> None:
    """The precise rule's threshold and genre cap: best F1 micro among settings predicting, on artists not seen,
    no more genres on average than the validation songs have and no more than `MOST_GENRES` (with the
    out-of-fold family decisions; `groups`: each row's artist).

    For `pooled` scores (rows pooled by artist) the setting is chosen for micro + macro F1, and each genre's
    own threshold (`fit_rules`: its best, shrunk toward the global one as the genre rules are; no cap) competes
    with it, both kinds fitted and judged out of fold across artists: an artist's mean is smooth enough for a
    rare genre's own threshold to name it, where one threshold for all leaves the rare genres out.
    """
    metrics = (f1_micro, f1_macro) if pooled else (f1_micro,)
    per_genre = False
    if pooled and len(set(groups)) >= RULE_FOLDS:
        folds = list(GroupKFold(RULE_FOLDS).split(probabilities, groups=groups))
        judged = {}
        for kind in (False, True):
            predicted = np.zeros_like(truth, dtype=bool)
            for fit, held in folds:
                setting = _fitted_setting(
                    truth[fit], probabilities[fit], membership, family_mask[fit], groups[fit], metrics, kind
                )
                predicted[held] = setting.decide(probabilities[held], membership, family_mask[held])
            judged[kind] = sum(metric(truth, predicted) for metric in metrics)
        per_genre = judged[True] > judged[False]
    chosen = _fitted_setting(truth, probabilities, membership, family_mask, groups, metrics, per_genre)
    rule.fine_threshold, rule.max_genres, rule.fine_thresholds = chosen.threshold, chosen.max_genres, chosen.per_genre
    predicted = chosen.decide(probabilities, membership, family_mask)
    rule.validation_scores["precise"] = {
        "f1_micro": f1_micro(truth, predicted),
        "mean_predicted_genres": float(predicted.sum(axis=1).mean()),
        "mean_predicted_genres_bound": count_bound(predicted, groups),
        "mean_true_genres": float(truth.sum(axis=1).mean()),
        "per_genre": per_genre,
    }


def _fitted_setting(
    truth: np.ndarray,
    probabilities: np.ndarray,
    membership: np.ndarray,
    family_mask: np.ndarray,
    groups: np.ndarray,
    metrics: tuple,
    per_genre: bool,
) -> PreciseSetting:
    """Each genre's own threshold (`per_genre`), or the threshold from `GRID` and cap whose decisions score best
    (the sum of `metrics`) among those whose genres per song (`count_bound`) stay within both what `truth` has on
    average and `MOST_GENRES`."""
    if per_genre:
        own = fit_rules(truth, probabilities)
        return PreciseSetting(own.global_threshold, truth.shape[1], own.per_genre)
    most = min(float(truth.sum(axis=1).mean()), MOST_GENRES)
    best, best_score = PreciseSetting(1.0, 1), -1.0  # if even one genre per song is more than the truth has
    for max_genres in MAX_GENRES:
        for threshold in GRID:
            setting = PreciseSetting(float(threshold), max_genres)
            predicted = setting.decide(probabilities, membership, family_mask)
            score = sum(metric(truth, predicted) for metric in metrics)
            if count_bound(predicted, groups) <= most and score > best_score:
                best, best_score = setting, score
    return best


def count_bound(predicted: np.ndarray, groups: np.ndarray) -> float:
    """The mean number of genres predicted per song, at the top of its one-sided 95% interval over artists
    (`groups`; an artist's songs go together): the mean the songs of artists not seen should stay under, where
    the mean on these songs alone would be exceeded on about every other set of artists."""
    counts = predicted.sum(axis=1).astype(np.float64)
    mean = counts.mean()
    artist = np.unique(groups, return_inverse=True)[1].ravel()
    spread = np.bincount(artist, weights=counts) - np.bincount(artist) * mean
    return float(mean + ONE_SIDED_95 * np.sqrt(np.sum(spread**2)) / len(counts))
