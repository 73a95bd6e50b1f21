"""Speed vs accuracy of the encoder's prediction windows, measured on the VALIDATION split.

    python benchmarks/windows_tradeoff.py --model models/export/NAME [--settings 256x4,256x1,512x1] [--json]

For each setting LENGTHxWINDOWS (tokens per window, windows per song) the exported model scores every
validation song: songs/s (batched, int8) and F1 micro/macro at the global threshold that is best on
validation for that setting. This is how `predict_length`/`predict_windows` in configs/transformer.json
were chosen; the test split is never used.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from lyricgenre.data.dataset import label_matrix
from lyricgenre.defaults import DATASET
from lyricgenre.manifest import MANIFEST
from lyricgenre.metrics import f1_macro, f1_micro
from lyricgenre.runtime import GenreClassifier
from lyricgenre.runtime.scorers import component_type
from lyricgenre.training.thresholds import GRID


def read_validation(data: Path, columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """The dataset's validation songs (lyrics, genres, `columns`): benchmarks that judge accuracy never read test."""
    songs = pd.read_parquet(data, columns=["lyrics", "genres", "split", *columns])
    return songs[songs["split"] == "validation"].reset_index(drop=True)


def print_rows(rows: list[dict], as_json: bool) -> None:
    """One JSON line, or one line of `key value` pairs per row."""
    if as_json:
        print(json.dumps(rows))
        return
    for row in rows:
        print("  ".join(f"{key} {value}" for key, value in row.items()))


def parse_settings(text: str) -> list[tuple[int, int]]:
    return [tuple(int(part) for part in setting.split("x")) for setting in text.split(",")]


def best_global_threshold(truth: np.ndarray, probabilities: np.ndarray) -> dict:
    """The threshold on training's grid that is best for micro + macro, the objective rules are chosen by."""
    scores = [(f1_micro(truth, probabilities >= t), f1_macro(truth, probabilities >= t), t) for t in GRID]
    micro, macro, threshold = max(scores, key=lambda s: s[0] + s[1])
    return {"f1_micro": round(micro, 4), "f1_macro": round(macro, 4), "threshold": float(threshold)}


def with_windows(model: Path, length: int, windows: int, folder: Path) -> Path:
    """A view of the exported model (files linked, not copied) whose manifest sets other windows."""
    manifest = json.loads((model / MANIFEST).read_text(encoding="utf-8"))
    encoders = [c for c in manifest["components"] if component_type(c) == "transformer"]
    if not encoders:
        raise SystemExit(f"{model}: no ONNX encoder component")
    for component in encoders:
        component["max_length"], component["max_windows"] = length, windows
    folder.mkdir()
    for file in model.iterdir():
        if file.name != MANIFEST:
            (folder / file.name).symlink_to(file.resolve())
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True, help="an exported model with an ONNX encoder")
    parser.add_argument("--data", type=Path, default=DATASET)
    parser.add_argument("--settings", default="256x4,256x2,256x1,384x1,512x1")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args = parser.parse_args()

    validation = read_validation(args.data)
    texts = list(validation["lyrics"])
    genres = json.loads((args.model / MANIFEST).read_text(encoding="utf-8"))["genres"]
    truth = label_matrix(validation["genres"], genres)  # the same for every setting
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        for length, windows in parse_settings(args.settings):
            view = with_windows(args.model, length, windows, Path(scratch) / f"{length}x{windows}")
            classifier = GenreClassifier.load(view, threads=args.threads)
            classifier.predict_proba(texts[:32])  # warm-up
            started = time.perf_counter()
            probabilities = classifier.predict_proba(texts)
            rate = len(texts) / (time.perf_counter() - started)
            row = {"setting": f"{length}x{windows}", "songs_per_s": round(rate, 1)}
            results.append({**row, **best_global_threshold(truth, probabilities)})
    print_rows(results, args.json)


if __name__ == "__main__":
    main()
