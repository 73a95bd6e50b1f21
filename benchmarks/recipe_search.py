"""Transformer training recipes judged as the shipped ensemble is judged: on validation, across artists.

    python benchmarks/recipe_search.py --grid configs/recipe_grid.json --member models/baseline-compact \\
        --out models/search [--data data/build/songs.parquet] [--workers 1] [--set device=cuda …]

Each recipe of the grid (name → settings over `configs/transformer.json`) is trained with
`lyricgenre train --model transformer`, then mixed with the `--member` model by `lyricgenre train
--model ensemble` (mixing weight and decision rule tuned on validation). Prints one JSON line per recipe
with both models' cross-validated F1 (the rule chosen across validation artists) and writes
`OUT/results.json`. Seeds are recipes too: the spread between seeds of one recipe is the noise floor.
A GPU (`--set device=cuda`) runs the grid in minutes; on 2 CPU cores each recipe takes ~45–90 minutes.
"""

from __future__ import annotations

import argparse
import json
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path

from lyricgenre.defaults import DATASET
from lyricgenre.training import train_model


def cross_validated(description: dict) -> dict:
    """The decision rule the model uses and its validation F1: out of fold across artists where there
    were enough validation artists to fold, else in sample (`judged` says which)."""
    thresholds = description["thresholds"]
    scores = thresholds["validation_scores"][thresholds["strategy"]]
    judged = "across artists" if "cross_validated" in scores else "in sample"
    scores = scores.get("cross_validated", scores)
    return {
        "rule": thresholds["strategy"],
        "judged": judged,
        "f1_micro": round(scores["f1_micro"], 4),
        "f1_macro": round(scores["f1_macro"], 4),
    }


def run_recipe(name: str, config: dict, data: Path, member: Path, out: Path) -> dict:
    transformer = train_model(data, "transformer", out / name, config)
    ensemble = train_model(data, "ensemble", out / f"{name}-ensemble", {"members": [str(out / name), str(member)]})
    return {
        "recipe": name,
        "settings": config,
        "train_songs": transformer["training"]["train_songs"],
        "train_seconds": transformer["training"]["seconds"],
        "transformer": cross_validated(transformer),
        "ensemble_weights": ensemble["config"]["weights"],
        "ensemble": cross_validated(ensemble),
    }


def parse_setting(text: str) -> tuple[str, object]:
    key, _, value = text.partition("=")
    try:
        return key, json.loads(value)
    except json.JSONDecodeError:
        return key, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", type=Path, required=True, help="JSON: recipe name -> settings")
    parser.add_argument("--member", type=Path, required=True, help="trained model mixed with each transformer")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--data", type=Path, default=DATASET)
    parser.add_argument("--base-config", type=Path, default=Path("configs/transformer.json"))
    parser.add_argument("--workers", type=int, default=1, help="recipes trained at once")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="setting for every recipe")
    args = parser.parse_args()

    base = json.loads(args.base_config.read_text()) | dict(parse_setting(s) for s in args.set)
    recipes = {name: base | settings for name, settings in json.loads(args.grid.read_text()).items()}
    args.out.mkdir(parents=True, exist_ok=True)
    results = {}
    with ProcessPoolExecutor(args.workers, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(run_recipe, n, c, args.data, args.member, args.out) for n, c in recipes.items()]
        for future in as_completed(futures):  # printed as they finish, so a cut-short run still reports
            row = future.result()
            results[row["recipe"]] = row
            print(json.dumps(row), flush=True)
    ordered = [results[name] for name in recipes]
    (args.out / "results.json").write_text(json.dumps(ordered, indent=1) + "\n")


if __name__ == "__main__":
    main()
