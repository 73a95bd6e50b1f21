"""A TF-IDF + linear scorer in numpy that reproduces scikit-learn's `TfidfVectorizer` + logistic regression.

The runtime must not need scikit-learn, so the export writes the vocabulary, idf weights and
coefficients to one `.npz` file and this module recomputes the same features from text.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np

_WORD_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def word_ngrams(text: str, low: int, high: int) -> list[str]:
    tokens = _WORD_TOKEN.findall(text.lower())
    grams = list(tokens) if low == 1 else []
    for n in range(max(low, 2), min(high, len(tokens)) + 1):
        grams += map(" ".join, zip(*(tokens[k:] for k in range(n))))
    return grams


def char_wb_ngrams(text: str, low: int, high: int) -> list[str]:
    grams = []
    for word in text.lower().split():
        padded = f" {word} "
        for n in range(low, high + 1):
            if len(padded) <= n:  # a short word is counted once, whole
                grams.append(padded)
                break
            grams += [padded[i : i + n] for i in range(len(padded) - n + 1)]
    return grams


ANALYZERS = {"word": word_ngrams, "char_wb": char_wb_ngrams}


class TfidfScorer:
    """Sublinear TF-IDF per analyzer, L2-normalised, concatenated, then one logistic unit per genre."""

    def __init__(self, analyzers: list[dict], coef: np.ndarray, intercept: np.ndarray):
        self.analyzers = analyzers  # each: {"analyzer", "ngram_range", "vocabulary": {term: column}, "idf"}
        # (n_features, n_genres): a song's few hundred features are then contiguous rows to gather.
        self.coef_by_feature = np.ascontiguousarray(coef.T, dtype=np.float32)
        self.intercept = intercept.astype(np.float32)

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(column indices, values) of one text's sparse feature vector."""
        columns, values, offset = [], [], 0
        for spec in self.analyzers:
            counts = Counter(ANALYZERS[spec["analyzer"]](text, *spec["ngram_range"]))
            index = [(spec["vocabulary"][term], count) for term, count in counts.items() if term in spec["vocabulary"]]
            if index:
                cols = np.fromiter((c for c, _ in index), dtype=np.int64, count=len(index))
                tf = 1.0 + np.log(np.fromiter((n for _, n in index), dtype=np.float64, count=len(index)))
                weights = tf * spec["idf"][cols]
                weights /= np.linalg.norm(weights) or 1.0
                columns.append(cols + offset)
                values.append(weights)
            offset += len(spec["idf"])
        if not columns:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return np.concatenate(columns), np.concatenate(values)

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        logits = np.tile(self.intercept, (len(texts), 1))
        for row, text in enumerate(texts):
            columns, values = self.features(text)
            logits[row] += values.astype(np.float32) @ self.coef_by_feature[columns]
        return 1.0 / (1.0 + np.exp(-logits))

    def save(self, path: Path) -> None:
        # Coefficients as int8 with one scale per genre: a quarter of float32 (its effect: docs/results.md).
        coef = np.ascontiguousarray(self.coef_by_feature.T)
        scale = np.abs(coef).max(axis=1, keepdims=True) / 127.0
        scale[scale == 0] = 1.0
        quantized = np.round(coef / scale).astype(np.int8)
        arrays = {"coef_int8": quantized, "coef_scale": scale.astype(np.float32), "intercept": self.intercept}
        for i, spec in enumerate(self.analyzers):
            terms = sorted(spec["vocabulary"], key=spec["vocabulary"].__getitem__)
            arrays[f"terms_{i}"] = np.array(terms, dtype=str)
            arrays[f"idf_{i}"] = spec["idf"].astype(np.float32)
            arrays[f"config_{i}"] = np.array([spec["analyzer"], *map(str, spec["ngram_range"])], dtype=str)
        np.savez_compressed(path, **arrays)

    @classmethod
    def from_spec(cls, folder: Path, spec: dict, threads: int | None, precision: str) -> TfidfScorer:
        """The component of an artifact (numpy only: `threads` and `precision` do not apply)."""
        return cls.load(folder / spec["file"])

    @classmethod
    def load(cls, path: Path) -> TfidfScorer:
        with np.load(path, allow_pickle=False) as data:
            analyzers = []
            for i in range(sum(key.startswith("terms_") for key in data.files)):
                name, low, high = data[f"config_{i}"].tolist()
                terms = data[f"terms_{i}"].tolist()
                analyzers.append(
                    {
                        "analyzer": name,
                        "ngram_range": (int(low), int(high)),
                        "vocabulary": {t: c for c, t in enumerate(terms)},
                        "idf": data[f"idf_{i}"],
                    }
                )
            coef = data["coef_int8"].astype(np.float32) * data["coef_scale"]
            return cls(analyzers, coef, data["intercept"])
