"""The baseline every other model must beat: TF-IDF word + character n-grams, one-vs-rest logistic regression."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import joblib
import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

from lyricgenre.models.base import GenreModel
from lyricgenre.runtime.tfidf import TfidfScorer
from lyricgenre.settings import Settings, setting


@dataclass
class TfidfSettings(Settings):
    word_ngrams: list[int] = setting([1, 2], "smallest and largest word n-gram")
    char_ngrams: list[int] | None = setting(
        [2, 5], "smallest and largest character n-gram within words; null: words only (a much smaller model)"
    )
    max_features: int = setting(200_000, "most n-grams kept per analyzer (the most frequent)")
    min_df: int = setting(2, "an n-gram must occur in at least this many training songs")
    C: float = setting(4.0, "inverse regularisation strength of each genre's logistic regression")
    class_weight: str | None = setting(None, "scikit-learn's class_weight: null or 'balanced'")
    n_jobs: int = setting(2, "genres fitted in parallel")


class TfidfModel(GenreModel):
    kind = "tfidf"
    Settings = TfidfSettings

    def _vectorizers(self) -> list[TfidfVectorizer]:
        common = {
            "sublinear_tf": True,
            "min_df": self.settings.min_df,
            "max_features": self.settings.max_features,
            "lowercase": True,
            "dtype": np.float64,
        }
        vectorizers = [TfidfVectorizer(analyzer="word", ngram_range=tuple(self.settings.word_ngrams), **common)]
        if self.settings.char_ngrams:
            vectorizers.append(
                TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.settings.char_ngrams), **common)
            )
        return vectorizers

    def _features(self, texts: list[str]) -> sparse.csr_matrix:
        return sparse.hstack([v.transform(texts) for v in self.vectorizers_]).tocsr()

    def fit(self, texts, labels, validation=None):
        self.vectorizers_ = self._vectorizers()
        features = sparse.hstack([v.fit_transform(texts) for v in self.vectorizers_]).tocsr()
        classifier = LogisticRegression(C=self.settings.C, solver="liblinear", class_weight=self.settings.class_weight)
        # No memory-mapping of the inputs: liblinear cannot work on the read-only copies joblib would pass.
        with joblib.parallel_config(max_nbytes=None):
            self.classifier_ = OneVsRestClassifier(classifier, n_jobs=self.settings.n_jobs).fit(features, labels)
        return self

    def predict_proba(self, texts):
        return self.classifier_.predict_proba(self._features(list(texts))).astype(np.float32)

    def _save_weights(self, folder: Path) -> None:
        joblib.dump({"vectorizers": self.vectorizers_, "classifier": self.classifier_}, folder / "tfidf.joblib")

    def _load_weights(self, folder: Path) -> None:
        parts = joblib.load(folder / "tfidf.joblib")
        self.vectorizers_, self.classifier_ = parts["vectorizers"], parts["classifier"]

    def scorer(self) -> TfidfScorer:
        """The numpy equivalent the runtime uses (no scikit-learn needed there)."""
        analyzers = [
            {
                "analyzer": v.analyzer,
                "ngram_range": tuple(v.ngram_range),
                "vocabulary": dict(v.vocabulary_),
                "idf": v.idf_.astype(np.float32),
            }
            for v in self.vectorizers_
        ]
        estimators = self.classifier_.estimators_
        coef = np.vstack([e.coef_.ravel() for e in estimators])
        intercept = np.array([e.intercept_[0] for e in estimators], dtype=np.float32)
        return TfidfScorer(analyzers, coef, intercept)

    def export_components(self, out: Path) -> list[dict]:
        self.scorer().save(out / "tfidf.npz")
        return [
            {
                "type": "tfidf",
                "weight": 1.0,
                "description": "TF-IDF n-grams + one-vs-rest logistic regression",
                "file": "tfidf.npz",
            }
        ]
