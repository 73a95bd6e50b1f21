"""Encoder speed of other quantisation recipes, side by side with the shipped fp32 and int8 files.

    python benchmarks/quantisation_variants.py --model models/export/NAME [--songs 128] [--json]

Why the shipped int8 encoder is not ≥ 2x faster than fp32: this builds the alternatives from the
export's `encoder.onnx` and times every variant on the same test-split windows, alternating between
them so machine noise hits all alike (best of `--repeats`). Variants:
- `fp32`, `int8` — the exported files (dynamic per-channel int8 is what ships), run with the
  runtime's session settings (onnxruntime's SkipLayerNormalization fusion off);
- `int8-skip-ln-fused` — the shipped int8 file with that fusion on (onnxruntime's default), which
  shows why the runtime turns it off;
- `fused-fp32`, `fused-int8` — onnxruntime's offline transformer fusion (MultiHeadAttention,
  SkipLayerNormalization, BiasGelu) first, then the same dynamic int8 of the matrix products;
- with `--trained models/NAME`: `masked-add-fp32`, `masked-add-int8` — its transformer exported again
  with transformers' plain attention, which adds the padding mask to the scores in every layer
  (what the export did before `lyricgenre.models.key_padding_attention`).
Prints ms per song and the largest logit difference from fp32. Needs the `[train]` extras (onnx).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx
from bench_runtime import load_songs
from onnxruntime.quantization import QuantType, quantize_dynamic
from onnxruntime.transformers import optimizer
from onnxruntime.transformers.fusion_options import FusionOptions

from lyricgenre.defaults import DATASET
from lyricgenre.manifest import MANIFEST
from lyricgenre.runtime.encoder import encoder_session
from lyricgenre.runtime.scorers import component_type
from lyricgenre.text import batch_windows, encoder_batches, load_tokenizer


def fused_variants(fp32: Path, folder: Path, heads: int, hidden: int) -> dict[str, Path]:
    options = FusionOptions("bert")
    options.use_multi_head_attention = True  # projections stay MatMuls, so int8 still covers them
    fused = optimizer.optimize_model(
        str(fp32), model_type="bert", num_heads=heads, hidden_size=hidden, optimization_options=options, opt_level=0
    )
    paths = {"fused-fp32": folder / "fused.onnx", "fused-int8": folder / "fused.int8.onnx"}
    fused.save_model_to_file(str(paths["fused-fp32"]))
    quantize_dynamic(
        str(paths["fused-fp32"]),
        str(paths["fused-int8"]),
        per_channel=True,
        weight_type=QuantType.QInt8,
        op_types_to_quantize=["MatMul"],
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},  # the fused ops hide some tensor types
    )
    return paths


def masked_add_variants(trained: Path, folder: Path) -> dict[str, Path]:
    from lyricgenre.models import load_model

    model = load_model(trained)
    transformer = next(m for m in getattr(model, "members_", [model]) if m.kind == "transformer")
    spec = transformer.export_onnx(folder, attention="eager")
    return {"masked-add-fp32": folder / spec["fp32_file"], "masked-add-int8": folder / spec["file"]}


def song_batches(model: Path, texts: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    """The windows the runtime would feed the encoder for these songs, in its batches."""
    manifest = json.loads((model / MANIFEST).read_text(encoding="utf-8"))
    spec = next(c for c in manifest["components"] if component_type(c) == "transformer")
    tokenizer = load_tokenizer(model / spec["tokenizer"])
    windows, _, order = batch_windows(tokenizer, texts, spec["max_length"], spec["max_windows"])
    return [(ids, mask) for _, ids, mask in encoder_batches(windows, order)]


def time_variants(paths: dict[str, Path], batches, threads: int, repeats: int) -> dict[str, dict]:
    """Paths' variants with the runtime's session settings, plus the int8 file with all fusions on."""
    sessions = {name: encoder_session(path, threads) for name, path in paths.items()}
    sessions["int8-skip-ln-fused"] = encoder_session(paths["int8"], threads, disabled_optimizers=())
    best, logits = dict.fromkeys(sessions, float("inf")), {}
    for _ in range(repeats):
        for name, session in sessions.items():
            started = time.perf_counter()
            logits[name] = np.concatenate(
                [session.run(["logits"], {"input_ids": ids, "attention_mask": mask})[0] for ids, mask in batches]
            )
            best[name] = min(best[name], time.perf_counter() - started)
    return {
        name: {"seconds": best[name], "max_logit_diff": float(np.abs(logits[name] - logits["fp32"]).max())}
        for name in sessions
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True, help="export folder that still has encoder.onnx")
    parser.add_argument("--data", type=Path, default=DATASET)
    parser.add_argument("--songs", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--heads", type=int, default=12, help="attention heads of the encoder (MiniLM: 12)")
    parser.add_argument("--hidden", type=int, default=384, help="hidden size of the encoder (MiniLM: 384)")
    parser.add_argument("--trained", type=Path, help="the trained model the export came from ([train] extras)")
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args = parser.parse_args()

    texts = load_songs(args.data, args.songs)
    batches = song_batches(args.model, texts)
    with tempfile.TemporaryDirectory() as scratch:
        paths = {"fp32": args.model / "encoder.onnx", "int8": args.model / "encoder.int8.onnx"}
        paths |= fused_variants(paths["fp32"], Path(scratch), args.heads, args.hidden)
        if args.trained:
            paths |= masked_add_variants(args.trained, Path(scratch))
        timings = time_variants(paths, batches, args.threads, args.repeats)
    fp32_seconds = timings["fp32"]["seconds"]
    result = {
        name: {
            "ms_per_song": round(t["seconds"] * 1000 / len(texts), 2),
            "speedup_vs_fp32": round(fp32_seconds / t["seconds"], 3),
            "max_logit_diff": round(t["max_logit_diff"], 4),
        }
        for name, t in timings.items()
    }
    if args.json:
        print(json.dumps(result))
        return
    for name, row in result.items():
        print(f"{name:>18}  " + "  ".join(f"{key} {value}" for key, value in row.items()))


if __name__ == "__main__":
    main()
