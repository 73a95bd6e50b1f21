"""Runtime benchmark: int8 vs fp32 of the same exported model, side by side in one run.

    python benchmarks/bench_runtime.py --model models/export/NAME [--data data/build/songs.parquet] [--json]
        [--torch-model models/NAME] [--rounds 3]

Prints songs/s (batched), single-song p50/p95 latency, the int8/fp32 speed ratio (best against best, and
per round of back-to-back int8 and fp32 runs, to show how steady it is on a noisy machine), the size of the
shipped (int8) model files and the peak resident memory. Needs an export folder that still holds the
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


def songs_per_second(predict_proba: Callable[[list[str]], object], texts: list[str], warm_up: int) -> float:
    """Songs per second of one batched call, after a warm-up call on the first `warm_up` songs."""
    predict_proba(texts[:warm_up])
    started = time.perf_counter()
    predict_proba(texts)
    return len(texts) / (time.perf_counter() - started)


def single_song_latency_ms(classifier: GenreClassifier, texts: list[str]) -> tuple[float, float]:
    timings = []
    for text in texts:
        started = time.perf_counter()
        classifier.predict_proba([text])
        timings.append((time.perf_counter() - started) * 1000)
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
    parser.add_argument("--rounds", type=int, default=3, help="alternating int8/fp32 rounds")
    parser.add_argument("--torch-model", type=Path, help="trained model folder to time as well ([train] extras)")
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")

    texts = load_songs(args.data, args.songs)
    int8 = GenreClassifier.load(args.model, threads=args.threads)
    p50, p95 = single_song_latency_ms(int8, texts[: args.single])
    songs_per_second(partial(int8.predict_proba, batch_size=args.batch_size), texts, args.batch_size)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # peak with the int8 model only
    fp32 = GenreClassifier.load(args.model, threads=args.threads, precision="fp32")
    if args.torch_model:
        from lyricgenre.models import load_model

        torch_model = load_model(args.torch_model)  # threads: its own config's (2 in configs/transformer.json)
    # Alternate the models so that machine noise hits all alike; keep the best of each, and the ratio of
    # each round (int8 and fp32 timed back to back) to show how steady the speed-up is.
    int8_rates, fp32_rates, torch_rates = [], [], []
    warm_up = args.batch_size
    for _ in range(args.rounds):
        int8_rates.append(songs_per_second(partial(int8.predict_proba, batch_size=args.batch_size), texts, warm_up))
        fp32_rates.append(songs_per_second(partial(fp32.predict_proba, batch_size=args.batch_size), texts, warm_up))
        if args.torch_model:
            torch_rates.append(songs_per_second(torch_model.predict_proba, texts, warm_up))
    shipped = [p for p in args.model.iterdir() if p.is_file() and p.name != "encoder.onnx"]
    result = {
        "int8_vs_fp32_speedup": round(max(int8_rates) / max(fp32_rates), 3),
        "speedup_per_round": [round(i / f, 3) for i, f in zip(int8_rates, fp32_rates)],
        "songs_per_s": round(max(int8_rates), 1),
        "fp32_songs_per_s": round(max(fp32_rates), 1),
        "p50_ms": round(p50, 2),
        "p95_ms": round(p95, 2),
        "model_mb": round(sum(p.stat().st_size for p in shipped) / 1e6, 2),
        "rss_mb": round(rss_mb, 1),
        "threads": args.threads,
        "songs": len(texts),
    }
    if torch_rates:
        result["torch_fp32_songs_per_s"] = round(max(torch_rates), 1)
        result["int8_vs_torch_fp32_speedup"] = round(max(int8_rates) / max(torch_rates), 3)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>22}: {value}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
