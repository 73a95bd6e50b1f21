"""`ScoredSongs`: songs scored as they are read and decided once every one is in, as pooling needs them.

An artist's (album's) pooled answer needs all of its songs, so a pooled run scores a whole library before it
writes the first answer. Meanwhile it holds, per song, its probabilities (one float32 per genre), its pool key
and its notes: not its text (unless it is to be explained), nor its answer, which is made a batch at a time as the
answers are read out (docs/results.md, "Memory of long runs"). `GenreClassifier.classify` is this in one call.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Protocol

import numpy as np

from lyricgenre.decision import PoolKey, artist_groups, group_sizes, pool_in_place
from lyricgenre.errors import UserError
from lyricgenre.runtime.prediction import Prediction
from lyricgenre.runtime.saved import SavedScores
from lyricgenre.text import input_notes, lyrics_problem


class GenreClassifier(Protocol):
    """What scoring songs needs of `lyricgenre.runtime.GenreClassifier` (which calls it, so it is not imported)."""

    genres: list[str]
    scores_identity: str

    def predict_proba(self, texts: list[str]) -> np.ndarray: ...

    def component_proba(self, texts: list[str]) -> list[np.ndarray]: ...

    def combined(self, parts: list[np.ndarray]) -> np.ndarray: ...

    def predictions(
        self,
        probabilities: np.ndarray,
        notes: list[list[str]],
        threshold: float | None,
        top_k: int | None,
        pooled: np.ndarray | None,
    ) -> list[Prediction]: ...


BATCH = 64  # songs scored, and answers decided, at a time


class ScoredSongs:
    """Songs added a batch at a time (`add`), answered in the order added once all are in (`predictions`).

    `pooled`: each song is answered with the mean scores of the songs added under the same pool key (artist
    identity or `AlbumKey`; None: alone), decided by the model's pooled rule where the pool holds two or more.
    `threshold` / `top_k`: as in `GenreClassifier.decide`. `explain`: answers carry the lines behind their labels,
    which needs every text kept until it is answered. `saved`: a file the scores are kept in as they are made, and
    read back from by a later run of the same songs (`SavedScores`): a stopped run goes on without scoring again.
    """

    def __init__(
        self,
        classifier: GenreClassifier,
        threshold: float | None = None,
        top_k: int | None = None,
        pooled: bool = False,
        explain: bool = False,
        saved: Path | None = None,
    ):
        self.classifier = classifier
        self.threshold, self.top_k = threshold, top_k
        self.pooled, self.explain = pooled, explain
        self._count = 0
        self._parts: list[np.ndarray] = []  # the probabilities of the songs that can be classified, a batch each
        self._starts: list[int] = [0]  # each part's first row among them, then their count
        self._keys: list[PoolKey] = []  # their pool keys, when pooled
        self._problems: dict[int, str] = {}  # why a song (by position) cannot be classified
        self._failed: list[int] = []  # those positions, in order: a song's row among the probabilities
        self._notes: dict[int, list[str]] = {}  # the songs with notes (most have none)
        # Explained: each song's text and its components' probabilities (None when read back), until answered.
        self._explained: dict[int, tuple[str, tuple[np.ndarray, ...] | None]] | None = {} if explain else None
        self._read = False  # whether the answers are being read (every song is in, and pooled)
        self._sizes: np.ndarray | None = None  # pooled: how many songs each song's pool holds
        self.saved = SavedScores(saved, classifier.scores_identity, len(classifier.genres)) if saved else None

    def __len__(self) -> int:
        return self._count

    def add(
        self, texts: list, keys: list[PoolKey] | None = None, progress: Callable[[int], None] | None = None
    ) -> None:
        """Score `texts` (one pool key each, when pooled); `progress` is told how many were scored per batch. A
        text that cannot be classified (not text, blank, no words) is answered with its `error`."""
        if self._read:
            raise RuntimeError("songs added after the answers were read")
        check_keys(keys, texts)
        for first in range(0, len(texts), BATCH):
            batch_keys = None if keys is None else keys[first : first + BATCH]
            scored = self._add_batch(texts[first : first + BATCH], batch_keys)
            if progress and scored:
                progress(scored)

    def _add_batch(self, texts: list, keys: list[PoolKey] | None) -> int:
        lyrics, positions = [], []
        for offset, text in enumerate(texts):
            position = self._count + offset
            if problem := lyrics_problem(text):
                self._problems[position] = problem
                self._failed.append(position)
                continue
            lyrics.append(text)
            positions.append(position)
            if self.pooled:
                self._keys.append(None if keys is None else keys[offset])
            if notes := input_notes(text):
                self._notes[position] = notes
        if lyrics:
            probabilities, components = self._probabilities(lyrics)
            self._parts.append(probabilities)
            self._starts.append(self._starts[-1] + len(probabilities))
            if self._explained is not None:
                self._explained.update(zip(positions, zip(lyrics, components)))
        self._count += len(texts)
        return len(lyrics)

    def _probabilities(self, lyrics: list[str]) -> tuple[np.ndarray, list[tuple[np.ndarray, ...] | None]]:
        """The songs' probabilities, saved by an earlier run or else scored now (and saved); and, to be explained,
        each song's components' probabilities (None for those read back)."""
        earlier = self.saved.take(lyrics) if self.saved else np.zeros((0, len(self.classifier.genres)), np.float32)
        rest = lyrics[len(earlier) :]
        if not rest:
            return earlier, [None] * len(earlier)
        if self.explain:  # kept apart: explaining re-scores lines through each component
            parts = self.classifier.component_proba(rest)
            scored, components = self.classifier.combined(parts), list(zip(*parts))
        else:
            scored, components = self.classifier.predict_proba(rest), [None] * len(rest)
        if self.saved:
            self.saved.save(rest, scored)
        if len(earlier):
            return np.concatenate([earlier, scored]), [None] * len(earlier) + components
        return scored, components

    def predictions(self) -> Iterator[Prediction]:
        """Every song's answer, in the order added, decided a batch at a time."""
        for first in range(0, self._count, BATCH):
            positions = range(first, min(first + BATCH, self._count))
            answers = self._answers(positions)
            if self._explained is not None:
                from lyricgenre.runtime.explain import explain

                # Answered: the texts are let go. A song that cannot be classified has no explanation.
                texts, components = zip(*(self._explained.pop(p, ("", None)) for p in positions))
                explanations = explain(self.classifier, list(texts), answers, list(components))
                answers = [replace(answer, explanation=e) for answer, e in zip(answers, explanations)]
            yield from answers

    def prediction(self, position: int) -> Prediction:
        """The answer of the song added at `position` (0-based), without explanations."""
        if not 0 <= position < self._count:
            raise IndexError(f"no song at {position}: {self._count} added")
        return self._answers(range(position, position + 1))[0]

    def _answers(self, positions: range) -> list[Prediction]:
        """The answers of consecutive songs: the probabilities' rows of those that can be classified, decided."""
        self._pool()
        classified = [position for position in positions if position not in self._problems]
        first = classified[0] - bisect_left(self._failed, classified[0]) if classified else 0
        rows = slice(first, first + len(classified))
        sizes = None if self._sizes is None else self._sizes[rows]
        notes = [self._notes.get(position, []) for position in classified]
        pooled = None if sizes is None else sizes > 1
        decided = self.classifier.predictions(self._rows(rows), notes, self.threshold, self.top_k, pooled)
        if sizes is not None:
            decided = [replace(answer, pooled_songs=int(size)) for answer, size in zip(decided, sizes)]
        found = iter(decided)
        return [Prediction.failed(self._problems[p]) if p in self._problems else next(found) for p in positions]

    def _pool(self) -> None:
        """Once every song is in: pooled, each song's probabilities replaced by its pool's mean, in place."""
        if self._read:
            return
        self._read = True
        if self.saved:
            self.saved.close()  # nothing more to read back or save
        if self.pooled:
            groups = artist_groups(self._keys)
            pool_in_place(self._parts, groups)
            self._sizes = group_sizes(groups)

    def _rows(self, rows: slice) -> np.ndarray:
        """The probabilities of the classified songs `rows` (consecutive), gathered from the parts that hold them."""
        pieces, part = [], bisect_right(self._starts, rows.start) - 1
        while rows.start < rows.stop:
            offset = rows.start - self._starts[part]
            pieces.append(self._parts[part][offset : offset + rows.stop - rows.start])
            rows, part = slice(rows.start + len(pieces[-1]), rows.stop), part + 1
        if not pieces:
            return np.zeros((0, len(self.classifier.genres)), dtype=np.float32)
        return pieces[0] if len(pieces) == 1 else np.concatenate(pieces)


def check_keys(keys: list | None, texts: list) -> None:
    """UserError unless there is one pool key (artist, `AlbumKey` or None) per text."""
    if keys is not None and len(keys) != len(texts):
        raise UserError(f"{len(keys)} artists for {len(texts)} songs: give one artist (or None) per song")
