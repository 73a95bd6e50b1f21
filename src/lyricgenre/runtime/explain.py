"""Why a song got its families and genres: the lines whose removal lowers each label's score most.

Occlusion, measured through the runtime itself (never a second model): each distinct line of the song is
removed, every occurrence at once, and the song scored again; a line's `effect` on a label is how much that
label's score drops. The model is a weighted sum of its components' probabilities, which makes it cheap:

- the TF-IDF component scores every variant (microseconds each);
- the encoder reads only its windows (the shipped model: the first 256 tokens), so a line whose removal leaves
  the windows as they were changes nothing there, and its effect is exact without an encoder call;
- of the lines that change a window, the TF-IDF effect screens which earn an encoder re-score: the
  `ENCODER_RESCORES` strongest are measured exactly, the others are not reported.

A line of more than `LONG_LINE_WORDS` words (lyrics given without their line breaks, a whole song on one line)
is explained by its parts of about `PART_WORDS` words instead, each removed wherever its words stand; its parts
are reported as lines are, with the line's number.

A line is reported when it lowers the label's score by `MIN_EFFECT` or more, so every interface shows what it
receives: none filters the lines again. A predicted label that no line lowers that much has an empty list: its
score comes from the song as a whole (`WHOLE_SONG` says so to a person).

Every reported effect is measured, not estimated. A song's explanations depend on its text alone (each
encoder window is its own call), so they are the same alone, in a batch, from the CLI or the API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from lyricgenre.runtime.prediction import Explanation, LineEffect, Prediction
from lyricgenre.text import MAX_LYRICS_CHARS

WHOLE_SONG = "no one line lowers it: it comes from the song as a whole"  # a predicted label without lines


class GenreClassifier(Protocol):
    """What explaining needs of `lyricgenre.runtime.GenreClassifier` (which calls it, so it is not imported)."""

    genres: list[str]
    family_names: list[str]
    components: list[tuple[float, object]]

    def family_proba(self, probabilities: np.ndarray) -> np.ndarray: ...


MAX_EXPLAINED_LINES = 80  # distinct lines (passages) tried per song (the first ones): a long song stays bounded
LONG_LINE_WORDS = 24  # a line of more words is explained by parts (a song given as one line would be one passage)
PART_WORDS = 12  # at most this many words a part, about a sung line
ENCODER_RESCORES = 6  # lines changing an encoder window that are re-scored through it, per song
LINES_PER_LABEL = 3  # lines reported per predicted family or genre, strongest first
MIN_EFFECT = 0.001  # a smaller drop shows as 0.000 at the three digits every interface prints: it explains nothing


def explain(
    classifier: GenreClassifier,
    texts: list[str],
    predictions: list[Prediction],
    components: list[tuple[np.ndarray, ...] | None] | None = None,
) -> list[Explanation | None]:
    """An `Explanation` per song (None for a song that could not be classified), from its own text. `components`:
    each song's probabilities by component, as `component_proba` gave them when it was classified (None: scored
    again here)."""
    components = components or [None] * len(texts)
    return [
        None if prediction.error else _explain_song(classifier, text, prediction, known)
        for text, prediction, known in zip(texts, predictions, components)
    ]


@dataclass(frozen=True)
class Passage:
    """What explaining removes at once: a distinct line, or a part of a line too long to say anything by itself
    (lyrics given without their line breaks: a whole song on one line)."""

    line: int  # the (first) line it is on, 1-based, blank lines counted
    text: str
    part: bool = False  # a part of a long line: its words are removed wherever they stand


def passages(text: str) -> list[Passage]:
    """The distinct passages of a song in order, at most MAX_EXPLAINED_LINES: each non-blank line, or for a line of
    more than LONG_LINE_WORDS words, its parts of about PART_WORDS words (as the web page splits it, app.js)."""
    seen: dict[str, Passage] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split()
        if len(words) <= LONG_LINE_WORDS:
            found = [Passage(number, line.strip())] if words else []
        else:
            count = -(-len(words) // PART_WORDS)  # parts of equal size, PART_WORDS at most
            bounds = [k * len(words) // count for k in range(count + 1)]
            found = [Passage(number, " ".join(words[a:b]), part=True) for a, b in zip(bounds, bounds[1:])]
        for passage in found:
            seen.setdefault(passage.text, passage)
            if len(seen) == MAX_EXPLAINED_LINES:
                return list(seen.values())
    return list(seen.values())


def without(text: str, passage: Passage) -> str:
    """The text with every occurrence of a passage removed: every line equal to it, or a part's words wherever
    they stand in that order."""
    if not passage.part:
        return "\n".join(kept for kept in text.splitlines() if kept.strip() != passage.text)
    words = r"\s+".join(re.escape(word) for word in passage.text.split())
    return re.sub(rf"(?<!\S){words}(?!\S)", " ", text)


def _explain_song(
    classifier: GenreClassifier, text: str, prediction: Prediction, known: tuple[np.ndarray, ...] | None
) -> Explanation:
    text = text[:MAX_LYRICS_CHARS]  # what the model reads of it
    lines = passages(text)
    labels = _labels(classifier, prediction)
    base, scores, measured = _scores(classifier, text, [without(text, line) for line in lines], labels, known)
    effects = base - scores  # (passages, labels): how much each label drops without each passage
    found = {}
    for column, (kind, name, _) in enumerate(labels):
        order = sorted((k for k in range(len(lines)) if measured[k]), key=lambda k: (-effects[k, column], k))
        chosen = [k for k in order if effects[k, column] >= MIN_EFFECT][:LINES_PER_LABEL]
        found[kind, name] = [LineEffect(lines[k].line, lines[k].text, float(effects[k, column])) for k in chosen]
    return Explanation(
        families={name: found["family", name] for name in prediction.families},
        genres={name: found["genre", name] for name in prediction.genres},
    )


def _labels(classifier: GenreClassifier, prediction: Prediction) -> list[tuple[str, str, int]]:
    """(kind, name, column) of each predicted family and genre; families are columns after the genres."""
    families = {name: j for j, name in enumerate(classifier.family_names)}
    genres = {name: j for j, name in enumerate(classifier.genres)}
    return [("family", name, len(genres) + families[name]) for name in prediction.families] + [
        ("genre", name, genres[name]) for name in prediction.genres
    ]


def _scores(
    classifier: GenreClassifier,
    text: str,
    variants: list[str],
    labels: list[tuple[str, str, int]],
    known: tuple[np.ndarray, ...] | None,
):
    """The song's scores of `labels`, each variant's, and whether a variant was measured exactly (the module's
    docstring says which are). `known`: the song's probabilities by component, if already scored."""
    total = np.zeros((1 + len(variants), len(classifier.genres)), dtype=np.float32)  # the song, then its variants
    encoders = []  # (weight, scorer, its probabilities of the song, the variants whose windows it reads otherwise)
    for index, (weight, scorer) in enumerate(classifier.components):
        if hasattr(scorer, "windows") and variants:
            song_windows, *variant_windows = scorer.windows([text, *variants])
            song = known[index] if known is not None else scorer.predict_proba([text])[0]
            total += weight * song  # exact where the windows are the song's; an estimate elsewhere, for now
            encoders.append((weight, scorer, song, {k for k, w in enumerate(variant_windows) if w != song_windows}))
        else:
            total += weight * scorer.predict_proba([text, *variants])
    columns = [column for *_, column in labels]
    scores = _label_scores(classifier, total, columns)
    changed = sorted(set().union(*(indices for *_, indices in encoders)))
    if changed and columns:  # the strongest estimated effect on any label screens which earn a re-score
        strength = (scores[0] - scores[[1 + k for k in changed]]).max(axis=1)
        chosen = [changed[i] for i in np.argsort(-strength, kind="stable")[:ENCODER_RESCORES]]
        for weight, scorer, song, indices in encoders:
            redo = [k for k in chosen if k in indices]
            if redo:
                total[[1 + k for k in redo]] += weight * (scorer.predict_proba([variants[k] for k in redo]) - song)
        scores = _label_scores(classifier, total, columns)
    else:
        chosen = []
    measured = [k not in changed or k in chosen for k in range(len(variants))]
    return scores[0], scores[1:], measured


def _label_scores(classifier: GenreClassifier, probabilities: np.ndarray, columns: list[int]) -> np.ndarray:
    """(rows, labels) scores: genre probabilities, then family scores, at the labels' columns."""
    every = np.concatenate([probabilities, classifier.family_proba(probabilities)], axis=1)
    return every[:, columns]
