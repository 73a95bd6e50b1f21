"""Multi-label metrics over a genre vocabulary (numpy only, so the runtime can report them too)."""

from __future__ import annotations

import warnings

import numpy as np

from lyricgenre.decision import group_sums


def _counts(truth: np.ndarray, predicted: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    truth, predicted = truth.astype(bool), predicted.astype(bool)
    tp = (truth & predicted).sum(axis=0)
    fp = (~truth & predicted).sum(axis=0)
    fn = (truth & ~predicted).sum(axis=0)
    return tp, fp, fn


def _f1(tp, fp, fn) -> np.ndarray:
    tp, fp, fn = (np.asarray(x, dtype=float) for x in (tp, fp, fn))
    denominator = 2 * tp + fp + fn
    return np.divide(2 * tp, denominator, out=np.zeros_like(tp), where=denominator > 0)


def _ratio(numerator, denominator) -> np.ndarray:
    numerator, denominator = np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float)
    return np.divide(numerator, denominator, out=np.zeros_like(numerator), where=denominator > 0)


def f1_micro(truth: np.ndarray, predicted: np.ndarray) -> float:
    tp, fp, fn = _counts(truth, predicted)
    return float(_f1(tp.sum(), fp.sum(), fn.sum()))


def f1_macro(truth: np.ndarray, predicted: np.ndarray) -> float:
    """Mean F1 over the genres present in `truth` (absent genres would only add noise or zeros)."""
    present = truth.astype(bool).any(axis=0)
    if not present.any():
        return 0.0
    tp, fp, fn = _counts(truth, predicted)
    return float(_f1(tp, fp, fn)[present].mean())


def f1_samples(truth: np.ndarray, predicted: np.ndarray) -> float:
    truth, predicted = truth.astype(bool), predicted.astype(bool)
    tp = (truth & predicted).sum(axis=1)
    return float(_f1(tp, (~truth & predicted).sum(axis=1), (truth & ~predicted).sum(axis=1)).mean())


def summary(truth: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    tp, fp, fn = _counts(truth, predicted)
    return {
        "f1_micro": f1_micro(truth, predicted),
        "f1_macro": f1_macro(truth, predicted),
        "f1_samples": f1_samples(truth, predicted),
        "precision_micro": float(_ratio(tp.sum(), tp.sum() + fp.sum())),
        "recall_micro": float(_ratio(tp.sum(), tp.sum() + fn.sum())),
        "mean_predicted_genres": float(predicted.astype(bool).sum(axis=1).mean()),
        "mean_true_genres": float(truth.astype(bool).sum(axis=1).mean()),
    }


def per_genre(truth: np.ndarray, predicted: np.ndarray, genres: list[str]) -> list[dict]:
    tp, fp, fn = _counts(truth, predicted)
    precision, recall, f1 = _ratio(tp, tp + fp), _ratio(tp, tp + fn), _f1(tp, fp, fn)
    return [
        {
            "genre": genre,
            "support": int(tp[i] + fn[i]),
            "precision": float(precision[i]),
            "recall": float(recall[i]),
            "f1": float(f1[i]),
        }
        for i, genre in enumerate(genres)
    ]


def calibration(truth: np.ndarray, probabilities: np.ndarray, bins: int = 10) -> dict:
    """Reliability table and expected calibration error over all (song, genre) pairs."""
    flat_p, flat_y = probabilities.ravel(), truth.astype(float).ravel()
    edges = np.linspace(0, 1, bins + 1)
    index = np.clip(np.digitize(flat_p, edges[1:-1]), 0, bins - 1)
    table, ece = [], 0.0
    for b in range(bins):
        mask = index == b
        if mask.any():
            mean_p, rate = float(flat_p[mask].mean()), float(flat_y[mask].mean())
            ece += mask.mean() * abs(mean_p - rate)
            table.append(
                {"bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}", "n": int(mask.sum()), "mean_p": mean_p, "observed": rate}
            )
    return {"ece": float(ece), "bins": table}


def paired_artist_bootstrap(
    truth: np.ndarray,
    predicted_a: np.ndarray,
    predicted_b: np.ndarray,
    groups: np.ndarray,
    resamples: int = 2000,
    seed: int = 0,
) -> dict:
    """F1 micro and macro of model b minus model a on the same songs, with 95% bootstrap intervals.

    Songs of one artist share the artist's labels, so they are not independent draws: the bootstrap
    resamples whole artists (`groups`: an artist number per song), and both models are scored on each
    resample (paired), so the interval shows how much the difference depends on which artists were held
    out. Macro is over the genres present in each resample, as in `f1_macro`. Resample r draws artist i
    `np.random.default_rng(seed).multinomial(artists, [1 / artists] * artists, size=resamples)[r, i]` times
    (artists numbered in sorted order of `groups`).
    """
    groups = np.unique(groups, return_inverse=True)[1]
    artists = int(groups.max()) + 1
    support = group_sums(truth.astype(float), groups)
    counts = [tuple(group_sums(c, groups) for c in _song_counts(truth, p)) for p in (predicted_a, predicted_b)]
    everyone = np.ones((1, artists))
    drawn = np.random.default_rng(seed).multinomial(artists, np.full(artists, 1 / artists), size=resamples)
    (point_a, point_b), (spread_a, spread_b) = (
        [_resampled_f1(w, c, support) for c in counts] for w in (everyone, drawn)
    )
    result = {"resamples": resamples, "artists": artists}
    for k, metric in enumerate(("f1_micro", "f1_macro")):
        low, high = np.percentile(spread_b[k] - spread_a[k], [2.5, 97.5])
        result[metric] = {"difference": float(point_b[k][0] - point_a[k][0]), "ci95": [float(low), float(high)]}
    return result


def per_label_intervals(
    truth: np.ndarray, predicted: np.ndarray, groups: np.ndarray, resamples: int = 2000, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Each label's F1 on these songs and its 95% interval from resampling whole artists (`groups`), as
    `paired_artist_bootstrap` resamples them: (labels,) F1 and (labels, 2) low and high. A label no resample
    holds gets NaN bounds."""
    groups = np.unique(groups, return_inverse=True)[1]
    artists = int(groups.max()) + 1
    tp, fp, fn = (group_sums(c, groups) for c in _song_counts(truth, predicted))
    drawn = np.random.default_rng(seed).multinomial(artists, np.full(artists, 1 / artists), size=resamples)
    spread = _f1(drawn @ tp, drawn @ fp, drawn @ fn)
    spread[(drawn @ group_sums(truth.astype(float), groups)) == 0] = np.nan  # the label absent from the resample
    with warnings.catch_warnings():  # a label absent from every resample: NaN bounds, said in the docstring
        warnings.simplefilter("ignore", RuntimeWarning)
        bounds = np.nanpercentile(spread, [2.5, 97.5], axis=0).T
    return _f1(tp.sum(axis=0), fp.sum(axis=0), fn.sum(axis=0)), bounds


def _song_counts(truth: np.ndarray, predicted: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(songs, genres) indicators of true positives, false positives and false negatives."""
    truth, predicted = truth.astype(bool), predicted.astype(bool)
    return (truth & predicted).astype(float), (~truth & predicted).astype(float), (truth & ~predicted).astype(float)


def _resampled_f1(drawn: np.ndarray, counts: tuple, support: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """F1 micro and macro for each row of `drawn` (how often each artist is drawn), from per-artist
    (artists, genres) true positive, false positive and false negative counts and genre support."""
    tp, fp, fn = (drawn @ c for c in counts)
    micro = _f1(tp.sum(axis=1), fp.sum(axis=1), fn.sum(axis=1))
    present = (drawn @ support) > 0
    per_genre_sum = (_f1(tp, fp, fn) * present).sum(axis=1)
    macro = np.divide(per_genre_sum, present.sum(axis=1), out=np.zeros(len(drawn)), where=present.any(axis=1))
    return micro, macro
