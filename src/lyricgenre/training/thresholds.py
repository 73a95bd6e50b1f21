"""Tuning the decision rules on validation: a global threshold, per-genre thresholds shrunk toward it, top-k.

A fixed 0.5 is poor for multi-label F1 with ~4 true genres out of 100+. Each rule is tuned on the
validation split only; which rule becomes the default is decided by cross-validation over the
validation ARTISTS, because a rule's in-sample score flatters it in proportion to its free
parameters (per-genre thresholds: one per genre, fitted on a few artists each).
"""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import GroupKFold

from lyricgenre.decision import STRATEGIES, Thresholds, top_k_mask
from lyricgenre.metrics import f1_macro, f1_micro

GRID = np.round(np.arange(0.02, 0.81, 0.01), 2)
RULE_FOLDS = 5


def _objective(truth: np.ndarray, predicted: np.ndarray) -> float:
    """What the rules are chosen for: micro and macro F1 equally."""
    return 0.5 * f1_micro(truth, predicted) + 0.5 * f1_macro(truth, predicted)


def fit_rules(truth: np.ndarray, probabilities: np.ndarray, shrinkage: float = 20.0) -> Thresholds:
    """Every rule's parameters tuned on (truth, probabilities); the default strategy is left to the caller.

    Per-genre thresholds move from the global one toward each genre's own best in proportion to its
    positives n: t = (n * t_own + shrinkage * t_global) / (n + shrinkage), so rare genres, whose own
    optimum is noise, stay near the global threshold.
    """
    global_threshold = float(max(GRID, key=lambda t: f1_micro(truth, probabilities >= t)))
    per_genre = []
    for j in range(truth.shape[1]):
        column_truth, column_p = truth[:, [j]], probabilities[:, [j]]
        positives = int(column_truth.sum())
        own = float(max(GRID, key=lambda t: f1_micro(column_truth, column_p >= t))) if positives else global_threshold
        per_genre.append(round((positives * own + shrinkage * global_threshold) / (positives + shrinkage), 4))
    top_k = int(max(range(1, 16), key=lambda k: _objective(truth, top_k_mask(probabilities, k))))
    return Thresholds("global", global_threshold, per_genre, top_k)


def _scores(truth: np.ndarray, decisions: dict[str, np.ndarray]) -> dict:
    return {
        name: {"f1_micro": f1_micro(truth, predicted), "f1_macro": f1_macro(truth, predicted)}
        for name, predicted in decisions.items()
    }


def tune_thresholds(
    truth: np.ndarray,
    probabilities: np.ndarray,
    groups=None,
    shrinkage: float = 20.0,
    candidates: tuple[str, ...] = STRATEGIES,
    objective: tuple[str, ...] = ("f1_micro", "f1_macro"),
) -> Thresholds:
    """Fit every rule on all of validation; choose the default among `candidates` by the sum of `objective`'s
    scores (micro + macro F1 unless told otherwise).

    With `groups` (each validation song's artist) the choice uses out-of-fold decisions: rules fitted
    on 4/5 of the artists decide for the other 1/5. Without, it uses the in-sample scores.
    """
    rules = fit_rules(truth, probabilities, shrinkage)
    in_sample = _scores(truth, {name: rules.apply(probabilities, name) for name in STRATEGIES})
    rules.validation_scores = in_sample
    judged = in_sample
    if groups is not None and len(set(groups)) >= RULE_FOLDS:
        out_of_fold = {name: np.zeros_like(truth, dtype=bool) for name in STRATEGIES}
        for fit_rows, held_rows in GroupKFold(RULE_FOLDS).split(probabilities, groups=groups):
            fold_rules = fit_rules(truth[fit_rows], probabilities[fit_rows], shrinkage)
            for name in STRATEGIES:
                out_of_fold[name][held_rows] = fold_rules.apply(probabilities[held_rows], name)
        judged = _scores(truth, out_of_fold)
        rules.validation_scores = {name: {**in_sample[name], "cross_validated": judged[name]} for name in STRATEGIES}
    rules.strategy = max(candidates, key=lambda name: sum(judged[name][metric] for metric in objective))
    return rules
