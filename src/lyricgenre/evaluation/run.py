"""Evaluate one or more trained or exported models on a split in one run, and compare them side by side."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lyricgenre.data.dataset import label_matrix, load_dataset
from lyricgenre.decision import Families, artist_groups, pool_artists
from lyricgenre.defaults import SEED
from lyricgenre.errors import UserError
from lyricgenre.evaluation.report import (
    ARTIST_POOLED,
    Decisions,
    decide_split,
    evaluate_probabilities,
    write_report,
)
from lyricgenre.manifest import MANIFEST
from lyricgenre.metrics import paired_artist_bootstrap
from lyricgenre.models import load_model
from lyricgenre.models.base import read_description
from lyricgenre.runtime import GenreClassifier
from lyricgenre.training import train_model

BOOTSTRAP_RESAMPLES = 2000


class ExportedModel:
    """An exported model scored through the runtime (int8, as `lyricgenre predict` runs it), with the
    attributes `evaluate_models` reads from a trained model."""

    def __init__(self, folder: Path):
        self.classifier = GenreClassifier.load(folder)
        self.genres, self.thresholds = self.classifier.genres, self.classifier.thresholds
        self.families = self.classifier.families
        self.kind = f"exported {self.classifier.manifest.kind}, int8"
        self.metadata = {"training": self.classifier.manifest.training or {}}

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return self.classifier.predict_proba(texts)


def model_families(model) -> Families | None:
    """An exported or trained model's family scores and precise default, if it has them."""
    if isinstance(model, ExportedModel):
        return model.families
    families = model.metadata.get("families")
    return Families.from_dict(families) if families else None


def is_exported(folder: Path) -> bool:
    """True for `lyricgenre export`'s output, False for a trained model folder (`models/NAME`)."""
    return (Path(folder) / MANIFEST).is_file()


def open_model(folder: Path):
    """A trained model folder or an exported one, with the same attributes for `evaluate_models`."""
    return ExportedModel(folder) if is_exported(folder) else load_model(folder)


@dataclass
class Scored:
    """One model scored under one protocol: its report, and the per-song decisions for paired comparisons."""

    result: dict
    songs: pd.Index
    genres: list[str]
    artists: np.ndarray
    truth: np.ndarray
    decisions: Decisions


def evaluate_models(
    model_folders: list[Path],
    data: Path | None,
    split: str,
    reports: Path,
    random_split: bool = False,
    pool_artist: bool = False,
) -> dict[str, dict]:
    """Artist-disjoint protocol: each model on `split` of the dataset it was trained on (or `data`).

    With `pool_artist`, each model is also scored with every song's probabilities averaged over its
    artist's songs in the split and decided as `lyricgenre predict --pool-artist` decides them (`pool_artists`;
    the model's pooled rule for songs pooled with others, when it has one).
    With `random_split`, each model is also retrained and scored under the original design's protocol;
    `comparison.md` then lists the protocols, labelled. With several models, each is compared with the
    first one scored under the same protocol (`paired_differences`): `comparison.md` and `comparison.json`.
    """
    if random_split and any(map(is_exported, model_folders)):
        raise UserError("--random-split retrains each model: give trained model folders, not exported ones")
    names = report_names(model_folders)
    scored: dict[str, Scored] = {}
    for folder, name in zip(model_folders, names):
        model = open_model(folder)
        dataset = Path(data or _training_data(model, folder))
        songs, _ = load_dataset(dataset)
        subset, probabilities = _predict_split(model, songs, dataset, split)
        scored[name] = _report(model, subset, probabilities, dataset, "artist-disjoint", reports / name)
        if pool_artist:
            pooled, sizes = pool_artists(probabilities, list(subset["artist"]))
            scored[f"{name}-artist-pooled"] = _report(
                model, subset, pooled, dataset, ARTIST_POOLED, reports / f"{name}-artist-pooled", sizes > 1
            )
    if random_split:
        for folder, name in zip(model_folders, names):
            name = f"{name}-random-split"
            scored[name] = evaluate_random_split(folder, data, reports / name, reports / ".work" / name)
    results = {name: s.result for name, s in scored.items()}
    if len(results) > 1:
        differences = paired_differences(scored)
        for name, difference in differences.items():
            results[name]["paired_difference"] = difference
        (reports / "comparison.json").write_text(json.dumps(differences, indent=1) + "\n", encoding="utf-8")
        (reports / "comparison.md").write_text(comparison_markdown(results), encoding="utf-8")
    return results


def paired_differences(scored: dict[str, Scored]) -> dict[str, dict]:
    """Each model's F1 minus that of the first model scored under the same protocol on the same songs and
    genres, with 95% intervals from resampling artists (`paired_artist_bootstrap`), and the same for families when
    both models have them (same genres, so the same families). A model scored on other
    songs or genres (another dataset) is listed as not compared, with the reason."""
    references: dict[str, str] = {}
    differences = {}
    for name, s in scored.items():
        reference = references.setdefault(s.result["protocol"], name)
        r = scored[reference]
        if reference == name:
            continue
        if r.songs.equals(s.songs) and r.genres == s.genres:
            differences[name] = {
                "versus": reference,
                **paired_artist_bootstrap(
                    r.truth, r.decisions.genres, s.decisions.genres, s.artists, BOOTSTRAP_RESAMPLES
                ),
            }
            reference_families, families = r.decisions.families, s.decisions.families
            if reference_families is not None and families is not None:
                differences[name]["families"] = paired_artist_bootstrap(
                    r.decisions.family_truth, reference_families, families, s.artists, BOOTSTRAP_RESAMPLES
                )
        else:
            differences[name] = {"versus": reference, "not_compared": "scored on other songs or genres"}
    return differences


def report_names(model_folders: list[Path]) -> list[str]:
    """Each model's name in reports: its folder's name, with its parent's (then a number) when two are alike."""
    names: list[str] = []
    for folder in map(Path, model_folders):
        name = folder.name if folder.name not in names else f"{folder.parent.name}-{folder.name}"
        number = 2
        while name in names:
            name, number = f"{folder.parent.name}-{folder.name}-{number}", number + 1
        names.append(name)
    return names


def evaluate_random_split(model_folder: Path, data: Path | None, report: Path, work: Path) -> Scored:
    """The original design's protocol: re-split songs at random, retrain the same kind and config, score."""
    dataset = Path(data or read_description(model_folder)["training"]["data"])
    songs, vocabulary = load_dataset(dataset)
    shuffled = np.random.default_rng(SEED).permutation(len(songs))
    songs = songs.assign(
        split=np.select([shuffled < 0.8 * len(songs), shuffled < 0.9 * len(songs)], ["train", "validation"], "test")
    )
    work.mkdir(parents=True, exist_ok=True)
    random_data = work / "songs.parquet"
    songs.to_parquet(random_data, index=False)
    (work / "vocabulary.json").write_text(pd.Series(vocabulary).to_json(orient="values"), encoding="utf-8")
    retrained = retrain(model_folder, random_data, work / "model")
    model = load_model(retrained)
    subset, probabilities = _predict_split(model, songs, random_data, "test")
    return _report(model, subset, probabilities, random_data, "random-split", report)


def retrain(model_folder: Path, data: Path, out: Path) -> Path:
    """Train the same kind with the same settings on `data`; an ensemble's members are retrained first.

    Reusing an ensemble's trained members would score them on songs they were trained on.
    """
    description = read_description(model_folder)
    config = {**description["config"], **description.get("training_options", {})}
    if description["kind"] == "ensemble":
        config["members"] = [
            str(retrain(Path(member), data, out.with_name(f"{out.name}-member{i}")))
            for i, member in enumerate(config["members"])
        ]
    train_model(data, description["kind"], out, config)
    return out


def _training_data(model, folder: Path) -> str:
    recorded = model.metadata["training"].get("data")
    if not recorded:
        raise UserError(f"{folder}: the model does not record its dataset; give --data")
    return recorded


def _predict_split(model, songs: pd.DataFrame, dataset: Path, split: str) -> tuple[pd.DataFrame, np.ndarray]:
    """The split's songs and the model's probabilities for them."""
    subset = songs[songs["split"] == split]
    if subset.empty:
        raise UserError(f"{dataset}: split {split!r} is empty")
    return subset, model.predict_proba(list(subset["lyrics"]))


def _report(
    model,
    subset: pd.DataFrame,
    probabilities: np.ndarray,
    dataset: Path,
    protocol: str,
    folder: Path,
    pooled: np.ndarray | None = None,
) -> Scored:
    """Every metric of `probabilities` against the songs' genres, written to `folder` under `protocol`
    (`pooled`: the rows pooled over several songs, as `GenreClassifier.decide` takes them)."""
    truth = label_matrix(subset["genres"], model.genres)
    families = model_families(model)
    decisions = decide_split(truth, probabilities, model.thresholds, families, pooled)
    result = evaluate_probabilities(truth, probabilities, model.thresholds, model.genres, decisions, families)
    result.update(
        protocol=protocol,
        split=str(subset["split"].iloc[0]),
        data=str(dataset),
        songs=len(subset),
        strategy="precise" if families else model.thresholds.strategy,
        kind=model.kind,
    )
    write_report(folder, folder.name, result)
    artists = artist_groups(list(subset.get("artist_key", subset["artist"])))  # the split's unit: primary artist
    return Scored(result, subset.index, list(model.genres), artists, truth, decisions)


def comparison_markdown(results: dict[str, dict]) -> str:
    lines = [
        "# Model comparison, one run",
        "",
        "Protocols: artist-disjoint (no test artist in training; primary); artist-disjoint, artist-pooled (the",
        "same songs, each song's probabilities averaged over its artist's songs in the split, as `lyricgenre",
        "predict --pool-artist` tags a library); random-split (songs re-split at random, artists leak across",
        "splits; only for comparison with the original design).",
        "",
        "| model | kind | protocol | split | F1 micro | F1 macro | F1 samples | precision | recall |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        s = r["summary"]
        lines.append(
            f"| {name} | {r['kind']} | {r['protocol']} | {r['split']} | {s['f1_micro']:.4f} | {s['f1_macro']:.4f} | "
            f"{s['f1_samples']:.4f} | {s['precision_micro']:.4f} | {s['recall_micro']:.4f} |"
        )
    paired = {name: r["paired_difference"] for name, r in results.items() if "paired_difference" in r}
    if paired:
        lines += [
            "",
            "Differences from the first model scored under the same protocol, on the same songs: F1 of the model",
            "minus F1 of the reference, with a 95% interval from resampling the split's artists (paired bootstrap;",
            "songs of one artist share its labels, so artists, not songs, are the independent draws).",
            "",
            "| model | versus | artists | F1 micro difference | 95% interval | F1 macro difference | 95% interval |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, d in paired.items():
            if "not_compared" in d:
                lines.append(f"| {name} | {d['versus']} | not compared: {d['not_compared']} | | | | |")
                continue
            lines.append(_difference_row(name, d))
            if "families" in d:
                lines.append(_difference_row(f"{name}, families", {"versus": d["versus"], **d["families"]}))
        lines += ["", f"{BOOTSTRAP_RESAMPLES} resamples of the artists each."]
    return "\n".join(lines) + "\n"


def _difference_row(name: str, d: dict) -> str:
    micro, macro = d["f1_micro"], d["f1_macro"]
    return (
        f"| {name} | {d['versus']} | {d['artists']} | {micro['difference']:+.4f} | {interval_text(micro)} | "
        f"{macro['difference']:+.4f} | {interval_text(macro)} |"
    )


def interval_text(difference: dict) -> str:
    """A difference's 95% interval as "-0.0012 to +0.0310"."""
    low, high = difference["ci95"]
    return f"{low:+.4f} to {high:+.4f}"
