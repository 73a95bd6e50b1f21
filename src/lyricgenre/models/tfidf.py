"""The baseline every other model must beat: TF-IDF word + character n-grams, one-vs-rest logistic regression."""

from __future__ import annotations

from pathlib import Path

import joblib
import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

from lyricgenre.models.base import GenreModel


class TfidfModel(GenreModel):
    kind = "baseline"

    @classmethod
    def default_config(cls) -> dict:
        return {
            "word_ngrams": [1, 2],
            "char_ngrams": [2, 5],
            "max_features": 200_000,
            "min_df": 2,
            "C": 4.0,
            "class_weight": None,
            "n_jobs": 2,
        }

    def _vectorizers(self) -> list[TfidfVectorizer]:
        common = {
            "sublinear_tf": True,
            "min_df": self.config["min_df"],
            "max_features": self.config["max_features"],
            "lowercase": True,
            "dtype": np.float64,
        }
        vectorizers = [TfidfVectorizer(analyzer="word", ngram_range=tuple(self.config["word_ngrams"]), **common)]
        if self.config["char_ngrams"]:  # null in the config: words only (a much smaller model)
            vectorizers.append(
                TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.config["char_ngrams"]), **common)
            )
        return vectorizers

    def _features(self, texts: list[str]) -> sparse.csr_matrix:
        return sparse.hstack([v.transform(texts) for v in self.vectorizers_]).tocsr()

    def fit(self, texts, labels, validation=None):
        self.vectorizers_ = self._vectorizers()
        features = sparse.hstack([v.fit_transform(texts) for v in self.vectorizers_]).tocsr()
        classifier = LogisticRegression(
            C=self.config["C"], solver="liblinear", class_weight=self.config["class_weight"]
        )
        # No memory-mapping of the inputs: liblinear cannot work on the read-only copies joblib would pass.
        with joblib.parallel_config(max_nbytes=None):
            self.classifier_ = OneVsRestClassifier(classifier, n_jobs=self.config["n_jobs"]).fit(features, labels)
        return self

    def predict_proba(self, texts):
        return self.classifier_.predict_proba(self._features(list(texts))).astype(np.float32)

    def _save_weights(self, folder: Path) -> None:
        joblib.dump({"vectorizers": self.vectorizers_, "classifier": self.classifier_}, folder / "tfidf.joblib")

    def _load_weights(self, folder: Path) -> None:
        parts = joblib.load(folder / "tfidf.joblib")
        self.vectorizers_, self.classifier_ = parts["vectorizers"], parts["classifier"]
