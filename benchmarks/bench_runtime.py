"""Runtime benchmark of an exported model: speed, memory, batch independence, and int8 vs fp32 side by side.

    python benchmarks/bench_runtime.py --json          # the shipped model, on a fresh checkout
    python benchmarks/bench_runtime.py --model models/export/NAME [--data data/build/songs.parquet] [--json]
        [--torch-model models/NAME] [--rounds 10]

Prints songs/s (batched), single-song p50/p95 latency, cold start (a fresh process loading the model and
tagging one song), the size of the shipped (int8) model files, the peak resident memory,
`batch_independent_max_diff` (the largest change of a probability between songs scored alone and inside
shuffled batches of mixed lengths) and `limit_fraction`: the encoder's multiply-adds executed per second over
the int8 matrix-product rate (onnxruntime MatMulInteger on the same cores) measured in the same run, a ratio that
holds across machines. Songs: the test split when a dataset is built, otherwise lyrics-like synthetic text.

With an export folder that still holds the fp32 encoder (`lyricgenre export` writes both), also the
int8/fp32 speed ratio. The machine is shared and noisy, so the two precisions are
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
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import numpy as np

from lyricgenre.defaults import DATASET
from lyricgenre.runtime import GenreClassifier, default_model_path
from lyricgenre.runtime.scorers import component_type
from lyricgenre.text import batch_windows

MATMUL_SHAPE = (256, 384, 1536)  # one window's tokens x hidden x feed-forward: the encoder's commonest product


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


def cold_start_seconds(model: Path, threads: int) -> float:
    """Wall time of a fresh Python process that imports lyricgenre, loads the model and tags one song (what a
    CLI call or a server start pays); it also checks that PyTorch was never imported."""
    code = (
        "import sys; from lyricgenre import GenreClassifier; "
        f"GenreClassifier.load({str(model)!r}, threads={threads}).predict(['love me tender love me true']); "
        "assert 'torch' not in sys.modules, 'the runtime imported torch'"
    )
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - started


def batch_independent_max_diff(classifier: GenreClassifier, texts: list[str], seed: int = 0) -> float:
    """Largest |p(alone) - p(in a batch)| over songs of mixed lengths, in shuffled batches of mixed sizes."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(20, 2000, size=len(texts))
    mixed = [text[:length] for text, length in zip(texts, lengths)]
    alone = np.stack([classifier.predict_proba([text])[0] for text in mixed])
    order = rng.permutation(len(mixed))
    together = np.empty_like(alone)
    start = 0
    for size in (1, 3, 7, 16, 33):
        picked = order[start : start + size]
        if len(picked):
            together[picked] = classifier.predict_proba([mixed[i] for i in picked])
        start += size
    rest = order[start:]
    if len(rest):
        together[rest] = classifier.predict_proba([mixed[i] for i in rest])
    return float(np.abs(alone - together).max())


def window_macs(length: int, architecture: dict) -> float:
    """Multiply-adds of one encoder window of `length` tokens: weight products and attention, every layer."""
    hidden, intermediate = architecture["hidden"], architecture["intermediate"]
    per_layer = length * (4 * hidden * hidden + 2 * hidden * intermediate) + 2 * length * length * hidden
    return float(architecture["layers"] * per_layer)


def encoder_macs_per_second(classifier: GenreClassifier, texts: list[str]) -> float | None:
    """Multiply-adds per second of the int8 encoder's calls, run as the runtime runs them (one window each,
    side by side on the scorer's threads)."""
    scorer = next((s for _, s in classifier.components if hasattr(s, "window_logits")), None)
    spec = next((c for c in classifier.manifest.components if component_type(c) == "transformer"), {})
    if scorer is None or "architecture" not in spec:
        return None
    windows, _, _ = batch_windows(scorer.tokenizer, texts, scorer.max_length, scorer.max_windows)
    scorer.window_logits(windows[:8])
    started = time.perf_counter()
    scorer.window_logits(windows)
    elapsed = time.perf_counter() - started
    return sum(window_macs(len(window), spec["architecture"]) for window in windows) / elapsed


def matmul_integer_macs_per_second(threads: int, repeats: int = 200) -> float | None:
    """onnxruntime's int8 matrix product (MatMulInteger, uint8 x int8) at MATMUL_SHAPE on `threads` cores: the
    better of one call at a time on every thread and one single-threaded call per thread side by side (as the
    runtime runs windows), each the median over `repeats` calls."""
    rows, inner, columns = MATMUL_SHAPE
    weights = np.random.default_rng(0).integers(-127, 128, size=(inner, columns), dtype=np.int8)
    model = matmul_integer_model(weights, rows)
    activations = np.random.default_rng(1).integers(0, 256, size=(rows, inner), dtype=np.uint8)
    macs = rows * inner * columns
    wide = _median_call_seconds(_matmul_session(model, threads), activations, repeats)
    lane = _matmul_session(model, 1)
    with ThreadPoolExecutor(threads) as pool:
        side_by_side = list(pool.map(lambda _: _median_call_seconds(lane, activations, repeats), range(threads)))
    return max(macs / wide, threads * macs / max(side_by_side))


def matmul_integer_model(weights: np.ndarray, rows: int) -> bytes:
    """The one-node ONNX graph `y = MatMulInteger(a, weights)` (a: uint8 (rows, inner), weights int8), written as
    ONNX's protobuf by hand, so the benchmark needs no `onnx` package on a plain runtime install."""
    inner, columns = weights.shape

    def field(number: int, payload: bytes) -> bytes:  # a length-delimited field
        return _varint(number << 3 | 2) + _varint(len(payload)) + payload

    def number(field_number: int, value: int) -> bytes:  # a varint field
        return _varint(field_number << 3) + _varint(value)

    def tensor_type(element: int, shape: tuple[int, ...]) -> bytes:  # TypeProto.Tensor
        dims = b"".join(field(1, number(1, size)) for size in shape)
        return field(1, number(1, element) + field(2, dims))

    def value(name: str, element: int, shape: tuple[int, ...]) -> bytes:  # ValueInfoProto
        return field(1, name.encode()) + field(2, tensor_type(element, shape))

    uint8, int8, int32 = 2, 3, 6  # TensorProto.DataType
    node = field(1, b"a") + field(1, b"b") + field(2, b"y") + field(4, b"MatMulInteger")
    initializer = number(1, inner) + number(1, columns) + number(2, int8) + field(8, b"b") + field(9, weights.tobytes())
    graph = (
        field(1, node)
        + field(2, b"matmul")
        + field(5, initializer)
        + field(11, value("a", uint8, (rows, inner)))
        + field(12, value("y", int32, (rows, columns)))
    )
    return number(1, 8) + field(7, graph) + field(8, field(1, b"") + number(2, 17))  # IR 8, opset 17


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        out.append(value & 0x7F | (0x80 if value > 0x7F else 0))
        value >>= 7
        if not value:
            return bytes(out)


def _matmul_session(model: bytes, threads: int):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
    return onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def _median_call_seconds(session, activations: np.ndarray, repeats: int) -> float:
    session.run(["y"], {"a": activations})
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        session.run(["y"], {"a": activations})
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="export folder (default: the shipped model)")
    parser.add_argument("--data", type=Path, default=DATASET)
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

    model = args.model or default_model_path()
    texts = load_songs(args.data, args.songs)
    cold_start = cold_start_seconds(model, args.threads)
    int8 = GenreClassifier.load(model, threads=args.threads)
    p50, p95 = single_song_latency_ms(int8, texts[: args.single])
    int8.predict_proba(texts[: args.batch_size])  # one batched call, so the peak memory below includes it
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # peak with the int8 model only
    encoder_rate = encoder_macs_per_second(int8, texts)
    matmul_rate = matmul_integer_macs_per_second(args.threads)
    shipped = [p for p in model.iterdir() if p.is_file() and p.name != "encoder.onnx"]
    result = {
        "model": str(model),
        "p50_ms": round(p50, 2),
        "p95_ms": round(p95, 2),
        "cold_start_s": round(cold_start, 2),
        "model_mb": round(sum(p.stat().st_size for p in shipped) / 1e6, 2),
        "rss_mb": round(rss_mb, 1),
        "batch_independent_max_diff": batch_independent_max_diff(int8, texts[: min(len(texts), 96)]),
        "encoder_gmac_per_s": round(encoder_rate / 1e9, 1) if encoder_rate else None,
        "matmul_integer_gmac_per_s": round(matmul_rate / 1e9, 1) if matmul_rate else None,
        "limit_fraction": round(encoder_rate / matmul_rate, 3) if encoder_rate and matmul_rate else None,
        "threads": args.threads,
        "songs": len(texts),
    }
    spec = next((c for c in int8.manifest.components if component_type(c) == "transformer"), None)
    has_fp32 = spec is not None and (model / spec["fp32_file"]).is_file()
    classifiers = [int8] + ([GenreClassifier.load(model, threads=args.threads, precision="fp32")] if has_fp32 else [])
    models = [partial(clf.predict_proba, batch_size=args.batch_size) for clf in classifiers]
    if args.torch_model:
        from lyricgenre.models import load_model

        models.append(load_model(args.torch_model).predict_proba)  # threads: its config's (2 for the transformer)
    batches = [texts[start : start + args.batch_size] for start in range(0, len(texts), args.batch_size)]
    totals = paired_rounds(models, batches, args.rounds)
    best_rate = len(texts) / totals.min(axis=0)
    result["songs_per_s"] = round(best_rate[0], 1)
    if has_fp32:
        result |= {
            "int8_vs_fp32_speedup": round(totals[:, 1].sum() / totals[:, 0].sum(), 3),
            "speedup_ci95": speedup_interval(totals[:, 0], totals[:, 1]),
            "speedup_per_round": [round(f / i, 3) for i, f in totals[:, :2]],
            "fp32_songs_per_s": round(best_rate[1], 1),
        }
    if args.torch_model:
        result["torch_fp32_songs_per_s"] = round(best_rate[-1], 1)
        result["int8_vs_torch_fp32_speedup"] = round(totals[:, -1].sum() / totals[:, 0].sum(), 3)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>22}: {value}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
