"""`lyricgenre export`: a trained model -> a runtime artifact (ONNX int8 encoder and/or TF-IDF arrays).

The artifact folder holds `manifest.json` (genres, rules, families, and the components each model
kind writes with `export_components`: `encoder.onnx`/`encoder.int8.onnx` + `tokenizer.json` for a
transformer, `tfidf.npz` for TF-IDF) and `MODEL_CARD.md`. The runtime reads it with onnxruntime,
tokenizers and numpy only.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from lyricgenre.errors import check_output_folder
from lyricgenre.export.embedding import with_embedding_outputs
from lyricgenre.export.model_card import model_card
from lyricgenre.manifest import MANIFEST, Manifest
from lyricgenre.models import load_model


def export_model(model_folder: Path, out: Path, test_report: Path | None = None) -> Manifest:
    """Export `model_folder` into `out` with its model card; returns the manifest.

    `test_report` is a `metrics.json` written by `lyricgenre evaluate`, quoted in the model card.
    """
    out = Path(out)
    check_output_folder(out, MANIFEST, "export")
    model = load_model(Path(model_folder))
    out.mkdir(parents=True, exist_ok=True)
    components = with_embedding_outputs(out, model.export_components(out))
    manifest = Manifest(
        name=Path(model_folder).name,
        kind=model.kind,
        genres=model.genres,
        thresholds=model.thresholds.to_dict(),
        families=model.metadata.get("families"),
        genre_support=model.metadata.get("genre_support"),
        components=components,
        validation_metrics=model.metadata.get("validation_metrics"),
        training=model.metadata.get("training"),
    )
    manifest.write(out)
    test_metrics = json.loads(Path(test_report).read_text(encoding="utf-8")) if test_report else None
    (out / "MODEL_CARD.md").write_text(model_card(manifest, test_metrics), encoding="utf-8")
    return manifest


def copy_for_package(artifact: Path, package_folder: Path) -> None:
    """Copy an artifact without its fp32 encoder (the shipped model is the int8 one)."""
    shutil.rmtree(package_folder, ignore_errors=True)
    shutil.copytree(artifact, package_folder, ignore=shutil.ignore_patterns("encoder.onnx"))
