"""Fitting a `LinearHead`: L2-regularised softmax (or per-label logistic) regression in numpy.

Full-batch Adam on standardised features: a few thousand songs and a few hundred features take well under a
second, so cross-validation can try several settings on a laptop without scipy or scikit-learn.
"""

from __future__ import annotations

import numpy as np

from lyricgenre.runtime.head import probabilities

STEPS = 400
LEARNING_RATE = 0.05


def fit_linear(
    features: np.ndarray,
    priors: np.ndarray,
    targets: np.ndarray,
    weights: np.ndarray,
    l2: float,
    multilabel: bool,
) -> tuple[np.ndarray, np.ndarray, float]:
    """(coef, intercept, prior_weight) minimising the weighted cross-entropy + l2/2 ‖coef‖² (per song).

    `features` are standardised (songs, features); `priors` (songs, labels) each label's prior log-odds (0
    where a label has none); `targets` (songs, labels) 0/1; `weights` (songs,) sum to the number of songs.
    """
    songs, width = features.shape
    labels = targets.shape[1]
    coef, intercept, prior_weight = np.zeros((width, labels)), np.zeros(labels), np.zeros(1)
    parameters = [coef, intercept, prior_weight]
    moments = [(np.zeros_like(p), np.zeros_like(p)) for p in parameters]
    weights = weights[:, None] / songs
    for step in range(1, STEPS + 1):
        logits = features @ coef + intercept + prior_weight[0] * priors
        error = (probabilities(logits, multilabel) - targets) * weights  # d loss / d logits
        gradients = [features.T @ error + l2 * coef, error.sum(axis=0), [np.sum(error * priors)]]
        for parameter, gradient, (first, second) in zip(parameters, gradients, moments):
            gradient = np.asarray(gradient, dtype=np.float64)
            first *= 0.9
            first += 0.1 * gradient
            second *= 0.999
            second += 0.001 * gradient**2
            parameter -= LEARNING_RATE * (first / (1 - 0.9**step)) / (np.sqrt(second / (1 - 0.999**step)) + 1e-8)
    return coef, intercept, float(prior_weight[0])
