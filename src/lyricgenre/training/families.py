"""Learning the family scores and the precise fine-genre default on validation (`lyricgenre.decision.Families`).

A genre model scores fine genres; families are scored from those scores by a small logistic model per
family, fitted on the validation songs (the model's weights never saw them). Three aggregations are
candidates — the highest member probability as it is ("max"), a logistic fit on the highest member and the
members' noisy-or ("members"), and the same plus every genre's logit, L2-regularised ("all") — and the one
whose out-of-fold decisions score best (micro + macro F1) across validation ARTISTS is kept, as for the genre
rules. The family decision rule is a global or a per-family threshold, chosen the same way; not top-k, since a
fixed number of families per song is wrong for most songs. On top of it a family may be required to score
a share of the song's best family (`Families.relative`, from `RELATIVE_GRID`, chosen the same way), which
drops the faint extra families a threshold alone lets through.
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from lyricgenre.decision import Families, family_decisions, family_features, family_scores, precise_mask
from lyricgenre.metrics import f1_macro, f1_micro
from lyricgenre.taxonomy import Taxonomy
from lyricgenre.training.thresholds import GRID, RULE_FOLDS, fit_rules, tune_thresholds

AGGREGATIONS = ("max", "members", "all")
ALL_GENRES_C = 0.1  # L2 strength of the "all" aggregation (107 genre logits from ~1,300 songs)
MAX_GENRES = range(1, 11)
FAMILY_RULES = ("global", "per_genre")
RELATIVE_GRID = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7)


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
        for fit_rows, held_rows in folds:
            weights, bias = _fit_weights(aggregation, truth[fit_rows], probabilities[fit_rows], membership)
            out_of_fold[held_rows] = family_scores(probabilities[held_rows], membership, weights, bias)
        rules = tune_thresholds(truth, out_of_fold, groups=groups, candidates=FAMILY_RULES)
        score = rules.validation_scores[rules.strategy].get("cross_validated", rules.validation_scores[rules.strategy])
        judged[aggregation] = (score["f1_micro"] + score["f1_macro"], rules, out_of_fold, score)
    aggregation = max(judged, key=lambda name: judged[name][0])
    _, family_rules, out_of_fold, score = judged[aggregation]
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
        _tune_relative(families, truth, out_of_fold, folds)
    family_mask = families.decide(out_of_fold)
    _tune_precise(families, genre_truth, probabilities, membership, family_mask)
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


def _tune_relative(families: Families, truth: np.ndarray, scores: np.ndarray, folds: list) -> None:
    """`Families.relative`: the share of the best family score with the best (micro + macro F1) out-of-fold
    decisions, the family thresholds refitted on each fold's other artists."""
    judged = {}
    for relative in RELATIVE_GRID:
        decided = np.zeros_like(truth, dtype=bool)
        for fit_rows, held_rows in folds:
            rules = fit_rules(truth[fit_rows], scores[fit_rows])
            rules.strategy = families.thresholds.strategy
            decided[held_rows] = family_decisions(scores[held_rows], rules, relative)
        judged[relative] = {
            "f1_micro": f1_micro(truth, decided),
            "f1_macro": f1_macro(truth, decided),
            "mean_predicted_families": float(decided.sum(axis=1).mean()),
        }
    families.relative = max(RELATIVE_GRID, key=lambda r: judged[r]["f1_micro"] + judged[r]["f1_macro"])
    families.validation_scores["relative_cross_validated"] = {str(r): score for r, score in judged.items()}


def _tune_precise(
    families: Families, truth: np.ndarray, probabilities: np.ndarray, membership: np.ndarray, family_mask: np.ndarray
) -> None:
    """The precise rule's threshold and genre cap: best F1 micro among settings predicting no more genres on
    average than the validation songs have (with the out-of-fold family decisions)."""
    true_count = float(truth.sum(axis=1).mean())
    best = None
    for max_genres in MAX_GENRES:
        for threshold in GRID:
            predicted = precise_mask(probabilities, membership, family_mask, float(threshold), max_genres)
            count = float(predicted.sum(axis=1).mean())
            if count > true_count:
                continue
            micro = f1_micro(truth, predicted)
            if best is None or micro > best[0]:
                best = (micro, float(threshold), max_genres, count)
    if best is None:  # even one genre per song is more than the truth has: keep one
        best = (f1_micro(truth, precise_mask(probabilities, membership, family_mask, 1.0, 1)), 1.0, 1, 1.0)
    micro, families.fine_threshold, families.max_genres, count = best
    families.validation_scores["precise"] = {
        "f1_micro": micro,
        "mean_predicted_genres": count,
        "mean_true_genres": true_count,
    }
