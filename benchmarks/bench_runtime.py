"""Runtime benchmark: int8 vs fp32 of the same exported model, side by side in one run.

    python benchmarks/bench_runtime.py --model models/export/NAME [--data data/build/songs.parquet] [--json]
        [--torch-model models/NAME] [--rounds 10]

Prints songs/s (batched), single-song p50/p95 latency, the int8/fp32 speed ratio, the size of the shipped
(int8) model files and the peak resident memory. The machine is shared and noisy, so the two precisions are
timed as pairs: each batch of songs runs through both back to back, in alternating order, round after round;
the ratio is total fp32 time over total int8 time, with each round's ratio and a 95% bootstrap interval over
rounds, which says whether "at least 2x" holds beyond the noise. Needs an export folder that still holds the
fp32 encoder (`lyricgenre export` writes both). With `--torch-model` (the trained model the export came
from; needs the `[train]` extras) it also times that PyTorch/scikit-learn model in the same run.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np

from lyricgenre.runtime import GenreClassifier


def load_songs(data: Path | None, count: int) -> list[str]:
    """Test-split lyrics when the dataset is built, otherwise lyrics-like synthetic text."""
    if data and data.is_file():
        import pandas as pd

        songs = pd.read_parquet(data, columns=["lyrics", "split"])
        texts = list(songs.loc[songs["split"] == "test", "lyrics"])
        return (texts * (count // max(len(texts), 1) + 1))[:count]
    words = "love night baby heart road fire money dance home river light cry kiss dream sky".split()
    return [
        "\n".join(" ".join(words[(i + j * k) % len(words)] for k in range(8)) for j in range(40)) for i in range(count)
    ]


def seconds(predict_proba: Callable[[list[str]], object], texts: list[str]) -> float:
    """Wall-clock seconds of one call."""
    started = time.perf_counter()
    predict_proba(texts)
    return time.perf_counter() - started


def paired_rounds(models: list[Callable[[list[str]], object]], batches: list[list[str]], rounds: int) -> np.ndarray:
    """Seconds per (round, model): every batch runs through all models back to back, the order turning each time.

    Interleaving at the batch level (a few hundred ms) lets machine noise hit the models alike, which
    whole-run alternation (several seconds each) does not. The order turns from batch to batch and from
    round to round, so each batch goes first through each model equally often (over an even number of rounds).
    """
    for model in models:  # warm-up: first-call allocations are not part of the speed
        model(batches[0])
    totals = np.zeros((rounds, len(models)))
    for round_index in range(rounds):
        for batch_index, batch in enumerate(batches):
            forward = (round_index + batch_index) % 2 == 0
            for index in range(len(models)) if forward else reversed(range(len(models))):
                totals[round_index, index] += seconds(models[index], batch)
    return totals


def speedup_interval(fast: np.ndarray, slow: np.ndarray, draws: int = 2000) -> tuple[float, float]:
    """95% bootstrap interval (rounds resampled) of the ratio of total times slow / fast."""
    rng = np.random.default_rng(0)
    picks = rng.integers(0, len(fast), size=(draws, len(fast)))
    ratios = slow[picks].sum(axis=1) / fast[picks].sum(axis=1)
    low, high = np.percentile(ratios, [2.5, 97.5])
    return round(float(low), 3), round(float(high), 3)


def single_song_latency_ms(classifier: GenreClassifier, texts: list[str]) -> tuple[float, float]:
    timings = [seconds(classifier.predict_proba, [text]) * 1000 for text in texts]
    quantiles = statistics.quantiles(timings, n=20)
    return statistics.median(timings), quantiles[18]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True, help="export folder with encoder.onnx and int8")
    parser.add_argument("--data", type=Path, default=Path("data/build/songs.parquet"))
    parser.add_argument("--songs", type=int, default=256, help="songs per batch measurement")
    parser.add_argument("--single", type=int, default=100, help="single-song calls for the latency")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=10, help="rounds of paired int8/fp32 batches")
    parser.add_argument("--torch-model", type=Path, help="trained model folder to time as well ([train] extras)")
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")

    texts = load_songs(args.data, args.songs)
    int8 = GenreClassifier.load(args.model, threads=args.threads)
    p50, p95 = single_song_latency_ms(int8, texts[: args.single])
    int8.predict_proba(texts[: args.batch_size])  # one batched call, so the peak memory below includes it
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # peak with the int8 model only
    fp32 = GenreClassifier.load(args.model, threads=args.threads, precision="fp32")
    models = [partial(clf.predict_proba, batch_size=args.batch_size) for clf in (int8, fp32)]
    if args.torch_model:
        from lyricgenre.models import load_model

        models.append(load_model(args.torch_model).predict_proba)  # threads: its config's (2 for the transformer)
    batches = [texts[start : start + args.batch_size] for start in range(0, len(texts), args.batch_size)]
    totals = paired_rounds(models, batches, args.rounds)
    best_rate = len(texts) / totals.min(axis=0)
    shipped = [p for p in args.model.iterdir() if p.is_file() and p.name != "encoder.onnx"]
    result = {
        "int8_vs_fp32_speedup": round(totals[:, 1].sum() / totals[:, 0].sum(), 3),
        "speedup_ci95": speedup_interval(totals[:, 0], totals[:, 1]),
        "speedup_per_round": [round(f / i, 3) for i, f in totals[:, :2]],
        "songs_per_s": round(best_rate[0], 1),
        "fp32_songs_per_s": round(best_rate[1], 1),
        "p50_ms": round(p50, 2),
        "p95_ms": round(p95, 2),
        "model_mb": round(sum(p.stat().st_size for p in shipped) / 1e6, 2),
        "rss_mb": round(rss_mb, 1),
        "threads": args.threads,
        "songs": len(texts),
    }
    if args.torch_model:
        result["torch_fp32_songs_per_s"] = round(best_rate[2], 1)
        result["int8_vs_torch_fp32_speedup"] = round(totals[:, 2].sum() / totals[:, 0].sum(), 3)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>22}: {value}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
