"""`Prediction`: what the runtime answers for one song, the typed record every interface passes on.

Batch files, the Ray engine, the web API and the CLI all receive these from `GenreClassifier.classify` and
turn them into JSON in one place, `Prediction.to_record`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

Ranked = tuple[str, float, bool]  # (name, probability, predicted)
SCORE_DIGITS = 4  # scores are written rounded: more digits are noise between machines
SHOWN_CHARACTERS = 200  # an explaining line's text is cut to this many characters


@dataclass(frozen=True)
class LineEffect:
    line: int  # the line's first line number in the song (1-based, blank lines counted)
    text: str
    effect: float  # how much the label's score drops without every occurrence of the line

    def to_record(self) -> dict:
        return {"line": self.line, "text": self.text[:SHOWN_CHARACTERS], "effect": round(self.effect, SCORE_DIGITS)}


@dataclass(frozen=True)
class Explanation:
    """For each predicted family and genre, the lines that raise its score most, strongest first."""

    families: dict[str, list[LineEffect]]
    genres: dict[str, list[LineEffect]]

    def to_record(self) -> dict:
        return {
            "families": {name: [e.to_record() for e in effects] for name, effects in self.families.items()},
            "genres": {name: [e.to_record() for e in effects] for name, effects in self.genres.items()},
        }


@dataclass(frozen=True, eq=False)
class LabelScores:
    """One song's probability and decision for every label of a vocabulary, as arrays beside the model's own list
    of names, ranked when asked: an answer stays small for whoever holds many of them (docs/results.md, "Memory
    of long runs")."""

    names: Sequence[str]  # the model's labels (one list shared by every song)
    probabilities: np.ndarray  # (labels,)
    predicted: np.ndarray  # (labels,) booleans

    @classmethod
    def empty(cls) -> LabelScores:
        """No labels (a song that could not be classified)."""
        return cls((), np.zeros(0, dtype=np.float32), np.zeros(0, dtype=bool))

    def ranked(self) -> list[Ranked]:
        """Every label as (name, probability, predicted), most probable first."""
        order = np.argsort(-self.probabilities, kind="stable")
        return [(self.names[j], float(self.probabilities[j]), bool(self.predicted[j])) for j in order]

    def __eq__(self, other) -> bool:
        return isinstance(other, LabelScores) and self.ranked() == other.ranked()


@dataclass(frozen=True)
class Prediction:
    """One song's answer: every family and genre with its probability and decision, and notes on how reliable
    it is; or, for a text that cannot be classified, only `error`."""

    families_scored: LabelScores = field(default_factory=LabelScores.empty)  # every family
    genres_scored: LabelScores = field(default_factory=LabelScores.empty)  # every genre
    notes: list[str] = field(default_factory=list)  # why the tags may be less reliable (short, not English…)
    error: str | None = None  # why the text could not be classified (then nothing else is set)
    pooled_songs: int | None = None  # songs whose scores were averaged into this one (pooling), else None
    explanation: Explanation | None = None  # the lines behind each predicted label, when asked for

    @classmethod
    def failed(cls, error: str) -> Prediction:
        return cls(error=error)

    @property
    def ranked_families(self) -> list[Ranked]:
        """Every family as (name, probability, predicted), most probable first."""
        return self.families_scored.ranked()

    @property
    def ranked_genres(self) -> list[Ranked]:
        """Every genre as (name, probability, predicted), most probable first."""
        return self.genres_scored.ranked()

    @property
    def families(self) -> list[str]:
        """The predicted families, best first."""
        return _chosen(self.ranked_families)

    @property
    def genres(self) -> list[str]:
        """The predicted genres, best first."""
        return _chosen(self.ranked_genres)

    @property
    def family_scores(self) -> dict[str, float]:
        return _rounded(self.ranked_families)

    @property
    def scores(self) -> dict[str, float]:
        return _rounded(self.ranked_genres)

    def to_record(self) -> dict:
        """The song's JSON record as `lyricgenre predict` writes it: predicted families and genres, every score,
        the notes; a failed song gets null answers and its `error`."""
        if self.error is not None:
            return {"families": None, "genres": None, "scores": None, "error": self.error}
        families, genres = self.ranked_families, self.ranked_genres  # each vocabulary ranked once
        record = {
            "families": _chosen(families),
            "genres": _chosen(genres),
            "family_scores": _rounded(families),
            "scores": _rounded(genres),
            "notes": self.notes,
        }
        return record if self.explanation is None else {**record, "explanations": self.explanation.to_record()}


def _chosen(ranked: list[Ranked]) -> list[str]:
    return [name for name, _, predicted in ranked if predicted]


def _rounded(ranked: list[Ranked]) -> dict[str, float]:
    return {name: round(score, SCORE_DIGITS) for name, score, _ in ranked}
