"""int8 vs fp32 parity of an exported model on a split: F1 of each and how many genre sets change."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lyricgenre.data.dataset import label_matrix, load_dataset
from lyricgenre.metrics import f1_macro, f1_micro
from lyricgenre.runtime import GenreClassifier


def check_parity(artifact: Path, data: Path, split: str = "test") -> dict:
    songs, _ = load_dataset(data)
    texts = list(songs.loc[songs["split"] == split, "lyrics"])
    results = {}
    for precision in ("fp32", "int8"):
        classifier = GenreClassifier.load(artifact, precision=precision)
        probabilities = classifier.predict_proba(texts)
        results[precision] = (probabilities, classifier.decide(probabilities))
    truth = label_matrix(songs.loc[songs["split"] == split, "genres"], classifier.genres)
    (p32, d32), (p8, d8) = results["fp32"], results["int8"]
    return {
        "split": split,
        "songs": len(texts),
        "fp32": {"f1_micro": f1_micro(truth, d32), "f1_macro": f1_macro(truth, d32)},
        "int8": {"f1_micro": f1_micro(truth, d8), "f1_macro": f1_macro(truth, d8)},
        "f1_micro_difference": abs(f1_micro(truth, d32) - f1_micro(truth, d8)),
        "changed_genre_sets": float((d32 != d8).any(axis=1).mean()),
        "max_probability_difference": float(np.abs(p32 - p8).max()),
    }
