"""`lyricgenre evaluate`: score trained models on a split and write metrics.json, report.md and plots.

Protocols, labelled in every report: `artist-disjoint` (the dataset's own split; the honest score),
its artist-pooled variant (the same songs, probabilities averaged over each artist's songs: what tagging a
library by artist gives) and `random-split` (songs split at random, as the original design did: artists
leak across splits, so the score partly measures artist recognition).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from lyricgenre import metrics  # noqa: E402
from lyricgenre.decision import Families  # noqa: E402

ARTIST_POOLED = "artist-disjoint, artist-pooled"
PROTOCOLS = {
    "artist-disjoint": "artist-disjoint split: no test artist was seen in training (primary, honest score)",
    ARTIST_POOLED: "the artist-disjoint split, each song's probabilities averaged over its artist's songs in the "
    "split, then decided by the model's rule for pooled scores where it has one (uses the artist's other songs at "
    "prediction time, as `lyricgenre predict --pool-artist` does)",
    "random-split": "random song split as in the original design: artists leak across splits (leaky, "
    "for comparison with its F1 micro 0.5965 / macro 0.2607 only)",
}


@dataclass(frozen=True)
class Decisions:
    """What a model decides on a split, made once: its metrics and the paired comparisons both read them."""

    genres: np.ndarray  # (songs, genres) the default rule's genres
    family_truth: np.ndarray | None = None  # (songs, families) a family is a song's when any of its genres is
    families: np.ndarray | None = None  # (songs, families) the model's family rule; None without families


def decide_split(
    truth: np.ndarray, probabilities: np.ndarray, thresholds, families: Families | None, pooled: np.ndarray | None
) -> Decisions:
    """The genres a user gets by default (the precise rule with families, `pooled` rows by the pooled rule; else
    the tuned threshold rule) and, with families, the family truth and decisions."""
    if not families:
        return Decisions(thresholds.apply(probabilities))
    family_truth = (truth.astype(np.int32) @ families.membership().astype(np.int32)) > 0
    decided = families.decide(families.scores(probabilities), pooled)
    return Decisions(families.default_genres(probabilities, pooled), family_truth, decided)


def evaluate_probabilities(
    truth: np.ndarray,
    probabilities: np.ndarray,
    thresholds,
    genres: list[str],
    decisions: Decisions,
    families: Families | None = None,
) -> dict:
    """Every metric of one model on one split; `thresholds` are the model's tuned rules, `decisions` what it
    decides (`decide_split`), `families` its family scores and precise default (None for a model without them)."""
    predicted = decisions.genres
    present = truth.any(axis=0)
    by_strategy = {"precise": metrics.summary(truth, predicted)} if families else {}
    by_strategy |= {
        name: metrics.summary(truth, thresholds.apply(probabilities, name)) for name in ("global", "per_genre", "top_k")
    }
    result = {
        "summary": metrics.summary(truth, predicted),
        "threshold_rule": thresholds.strategy,
        "by_strategy": by_strategy,
        "fixed_0.5": metrics.summary(truth, probabilities >= 0.5),
        "per_genre": metrics.per_genre(truth, predicted, genres),
        "genres_present": int(present.sum()),
        "calibration": metrics.calibration(truth, probabilities),
        "precision_recall_curve": _precision_recall_curve(truth, probabilities),
    }
    if families:
        result["families"] = family_metrics(decisions, thresholds.apply(probabilities), families)
    return result


def family_metrics(decisions: Decisions, tuned: np.ndarray, families: Families) -> dict:
    """Family-level scores of the learnt family rule, and of families rolled up from the tuned genre rule
    (a family predicted when any of its genres is: what the model gave before it had families)."""
    family_truth, decided = decisions.family_truth, decisions.families
    rolled_up = (tuned.astype(np.int32) @ families.membership().astype(np.int32)) > 0
    return {
        "summary": metrics.summary(family_truth, decided),
        "rolled_up_from_genres": metrics.summary(family_truth, rolled_up),
        "per_family": metrics.per_genre(family_truth, decided, families.names),
        "families_present": int(family_truth.any(axis=0).sum()),
    }


def _precision_recall_curve(truth: np.ndarray, probabilities: np.ndarray) -> list[dict]:
    points = []
    for threshold in np.round(np.arange(0.02, 0.96, 0.02), 2):
        s = metrics.summary(truth, probabilities >= threshold)
        points.append({"threshold": float(threshold), "precision": s["precision_micro"], "recall": s["recall_micro"]})
    return points


def write_report(folder: Path, name: str, result: dict) -> None:
    """metrics.json, report.md and three PNGs in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "metrics.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    _plot_per_genre(folder / "per_genre_f1.png", result["per_genre"])
    _plot_precision_recall(folder / "precision_recall.png", result["precision_recall_curve"])
    _plot_calibration(folder / "calibration.png", result["calibration"])
    if "families" in result:
        _plot_per_genre(folder / "per_family_f1.png", result["families"]["per_family"], "families")
    (folder / "report.md").write_text(_markdown(name, result), encoding="utf-8")


def _markdown(name: str, result: dict) -> str:
    s = result["summary"]
    rows = "\n".join(
        f"| {g['genre']} | {g['support']} | {g['precision']:.3f} | {g['recall']:.3f} | {g['f1']:.3f} |"
        for g in sorted(result["per_genre"], key=lambda g: -g["support"])
        if g["support"] > 0
    )
    strategies = "\n".join(
        f"| {k} | {v['f1_micro']:.4f} | {v['f1_macro']:.4f} | {v['f1_samples']:.4f} | {v['precision_micro']:.4f} | "
        f"{v['mean_predicted_genres']:.2f} |"
        for k, v in {**result["by_strategy"], "fixed 0.5": result["fixed_0.5"]}.items()
    )
    return f"""# Evaluation: {name}

Protocol: **{result["protocol"]}** — {PROTOCOLS[result["protocol"]]}.
Split `{result["split"]}` of `{result["data"]}`: {result["songs"]} songs, {result["genres_present"]} genres present.
Thresholds: `{result["strategy"]}` (tuned on validation; the default rule chosen across validation artists).

| metric | value |
|---|---|
| F1 micro | {s["f1_micro"]:.4f} |
| F1 macro (genres present) | {s["f1_macro"]:.4f} |
| F1 samples | {s["f1_samples"]:.4f} |
| precision / recall (micro) | {s["precision_micro"]:.4f} / {s["recall_micro"]:.4f} |
| genres per song, predicted / true | {s["mean_predicted_genres"]:.2f} / {s["mean_true_genres"]:.2f} |
| expected calibration error | {result["calibration"]["ece"]:.4f} |

Every decision rule (all tuned on validation, the model uses `{result["strategy"]}`):

| rule | F1 micro | F1 macro | F1 samples | precision | genres per song |
|---|---|---|---|---|---|
{strategies}

![per-genre F1](per_genre_f1.png) ![precision-recall](precision_recall.png) ![calibration](calibration.png)
{_families_markdown(result.get("families"))}
## Per genre (test support > 0)

| genre | support | precision | recall | F1 |
|---|---|---|---|---|
{rows}
"""


def _families_markdown(families: dict | None) -> str:
    if not families:
        return ""
    learnt, rolled = families["summary"], families["rolled_up_from_genres"]
    rows = "\n".join(
        f"| {f['genre']} | {f['support']} | {f['precision']:.3f} | {f['recall']:.3f} | {f['f1']:.3f} |"
        for f in sorted(families["per_family"], key=lambda f: -f["support"])
    )
    line = (
        "| {name} | {s[f1_micro]:.4f} | {s[f1_macro]:.4f} | {s[precision_micro]:.4f} | {s[recall_micro]:.4f} | "
        "{s[mean_predicted_genres]:.2f} / {s[mean_true_genres]:.2f} |"
    )
    return f"""
## Families ({families["families_present"]} present)

| family rule | F1 micro | F1 macro | precision | recall | families per song, predicted / true |
|---|---|---|---|---|---|
{line.format(name="learnt family scores (default)", s=learnt)}
{line.format(name="rolled up from the tuned genre rule", s=rolled)}

![per-family F1](per_family_f1.png)

| family | support | precision | recall | F1 |
|---|---|---|---|---|
{rows}
"""


def _plot_per_genre(path: Path, per_genre: list[dict], what: str = "genres") -> None:
    rows = sorted((g for g in per_genre if g["support"] > 0), key=lambda g: -g["support"])[:40]
    figure, axis = plt.subplots(figsize=(8, 9 if len(rows) > 20 else 4.5))
    labels = [f"{g['genre']} ({g['support']})" for g in rows]
    axis.barh(labels[::-1], [g["f1"] for g in rows][::-1], color="#4c72b0")
    axis.set_xlabel("F1")
    axis.set_xlim(0, 1)
    axis.set_title(f"F1 of the {len(rows)} most frequent {what} (support)")
    figure.tight_layout()
    figure.savefig(path, dpi=70)
    plt.close(figure)


def _plot_precision_recall(path: Path, curve: list[dict]) -> None:
    figure, axis = plt.subplots(figsize=(5, 4))
    axis.plot([p["recall"] for p in curve], [p["precision"] for p in curve], marker=".")
    axis.set_xlabel("recall (micro)")
    axis.set_ylabel("precision (micro)")
    axis.set_title("Precision-recall over a global threshold")
    axis.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=70)
    plt.close(figure)


def _plot_calibration(path: Path, calibration: dict) -> None:
    figure, axis = plt.subplots(figsize=(5, 4))
    axis.plot([0, 1], [0, 1], color="grey", linestyle="--", label="perfect")
    axis.plot(
        [b["mean_p"] for b in calibration["bins"]],
        [b["observed"] for b in calibration["bins"]],
        marker="o",
        label=f"model (ECE {calibration['ece']:.3f})",
    )
    axis.set_xlabel("predicted probability")
    axis.set_ylabel("observed frequency")
    axis.legend()
    axis.set_title("Calibration (all song-genre pairs)")
    figure.tight_layout()
    figure.savefig(path, dpi=70)
    plt.close(figure)
