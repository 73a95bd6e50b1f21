"""Evaluate one or more trained models on a split in one run, and compare them side by side."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from lyricgenre.errors import UserError
from lyricgenre.evaluation.report import evaluate_probabilities, write_report
from lyricgenre.models import load_model
from lyricgenre.training import label_matrix, load_dataset, train_model

RANDOM_SPLIT_SEED = 13


def evaluate_models(model_folders: list[Path], data: Path | None, split: str, reports: Path) -> dict[str, dict]:
    """Artist-disjoint protocol: each model on `split` of the dataset it was trained on (or `data`)."""
    results = {}
    for folder in model_folders:
        model = load_model(folder)
        dataset = Path(data or model.metadata["training"]["data"])
        songs, _ = load_dataset(dataset)
        results[Path(folder).name] = _score(
            model, songs, dataset, split, "artist-disjoint", reports / Path(folder).name
        )
    if len(results) > 1:
        (reports / "comparison.md").write_text(comparison_markdown(results, split), encoding="utf-8")
    return results


def evaluate_random_split(model_folder: Path, data: Path | None, reports: Path, work: Path) -> dict:
    """The original design's protocol: re-split songs at random, retrain the same kind and config, score."""
    model = load_model(model_folder)
    dataset = Path(data or model.metadata["training"]["data"])
    songs, vocabulary = load_dataset(dataset)
    shuffled = np.random.default_rng(RANDOM_SPLIT_SEED).permutation(len(songs))
    songs = songs.assign(
        split=np.select([shuffled < 0.8 * len(songs), shuffled < 0.9 * len(songs)], ["train", "validation"], "test")
    )
    work.mkdir(parents=True, exist_ok=True)
    random_data = work / "songs.parquet"
    songs.to_parquet(random_data, index=False)
    (work / "vocabulary.json").write_text(pd.Series(vocabulary).to_json(orient="values"), encoding="utf-8")
    config = {**model.config, **model.metadata.get("training_options", {})}
    train_model(random_data, model.kind, work / "model", config)
    name = f"{Path(model_folder).name}-random-split"
    return _score(load_model(work / "model"), songs, random_data, "test", "random-split", reports / name)


def _score(model, songs: pd.DataFrame, dataset: Path, split: str, protocol: str, folder: Path) -> dict:
    subset = songs[songs["split"] == split]
    if subset.empty:
        raise UserError(f"{dataset}: split {split!r} is empty")
    truth = label_matrix(subset["genres"], model.genres)
    result = evaluate_probabilities(truth, model.predict_proba(list(subset["lyrics"])), model.thresholds, model.genres)
    result.update(
        protocol=protocol,
        split=split,
        data=str(dataset),
        songs=len(subset),
        strategy=model.thresholds.strategy,
        kind=model.kind,
    )
    write_report(folder, folder.name, result)
    return result


def comparison_markdown(results: dict[str, dict], split: str) -> str:
    lines = [
        f"# Model comparison on the `{split}` split (artist-disjoint), one run",
        "",
        "| model | kind | F1 micro | F1 macro | F1 samples | precision | recall |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        s = r["summary"]
        lines.append(
            f"| {name} | {r['kind']} | {s['f1_micro']:.4f} | {s['f1_macro']:.4f} | {s['f1_samples']:.4f} | "
            f"{s['precision_micro']:.4f} | {s['recall_micro']:.4f} |"
        )
    return "\n".join(lines) + "\n"
