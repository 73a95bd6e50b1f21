"""`GenreClassifier`: the runtime's public API over an exported artifact.

Needs onnxruntime, tokenizers and numpy only; never torch, transformers or scikit-learn. Every
interface (CLI, web, library tagger) goes through this class.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import numpy as np

from lyricgenre.decision import Families, LabelFamilies, PoolKey, Thresholds, pool_artists, top_k_mask
from lyricgenre.errors import UserError
from lyricgenre.manifest import ADAPTED, Manifest
from lyricgenre.runtime.prediction import LabelScores, Prediction, Ranked
from lyricgenre.runtime.scored import ScoredSongs, check_keys
from lyricgenre.runtime.scorers import load_scorer
from lyricgenre.text import MAX_LYRICS_CHARS, lyrics_problem
from lyricgenre.version import __version__

FAST_MAX_LENGTH = 128  # tokens the encoder reads of a song with `fast` (docs/results.md, "The fast option")


def default_model_path() -> Path:
    return Path(str(resources.files("lyricgenre") / "default_model"))


class GenreClassifier:
    """Multi-label genre tagger: `predict_proba(texts)` and `predict(texts, threshold=None, top_k=None)`."""

    def __init__(self, folder: Path, threads: int | None = None, precision: str = "int8"):
        self.folder = Path(folder)
        self.precision = precision
        self.window: int | None = None  # tokens the encoder reads when shortened by `fast` (None: the model's own)
        self.manifest = manifest = Manifest.read(self.folder)
        self.genres: list[str] = list(manifest.genres)
        # Training songs and artists per genre ({genre: {"songs": n, "artists": m}}), when the export has them.
        self.genre_support: dict | None = manifest.genre_support
        try:
            self.thresholds = Thresholds.from_dict(manifest.thresholds)
            # Exports made before families existed (or of a vocabulary the taxonomy does not cover) have none.
            self.families: Families | None = Families.from_dict(manifest.families) if manifest.families else None
            # An adapted model's labels under our families, when every label has one (else it has no families).
            self.label_families = LabelFamilies.from_dict(manifest.label_families) if manifest.label_families else None
            self.components: list[tuple[float, object]] = [
                (spec["weight"], load_scorer(self.folder, spec, threads, precision)) for spec in manifest.components
            ]  # (weight, scorer): `predict_proba` is their weighted sum of probabilities
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as error:
            problem = f"missing {error}" if isinstance(error, KeyError) else str(error).splitlines()[0][:200]
            raise UserError(f"{self.folder / 'manifest.json'}: not a valid lyricgenre manifest ({problem})") from None

    @classmethod
    def load(
        cls, path: str | Path | None = None, threads: int | None = None, precision: str = "int8", fast: bool = False
    ):
        """The shipped default model, or the exported model folder at `path`; `fast`: reading a shorter window
        (`fast()`)."""
        classifier = cls(Path(path) if path else default_model_path(), threads=threads, precision=precision)
        return classifier.fast() if fast else classifier

    def fast(self, max_length: int = FAST_MAX_LENGTH) -> GenreClassifier:
        """The same model with its encoder reading the first FAST_MAX_LENGTH tokens of a song instead of its
        window (the shipped model: 256): about twice as fast, a little less accurate (docs/results.md, "The fast
        option"). It shares this classifier's sessions."""
        faster = copy.copy(self)
        faster.window = max_length
        faster.components = [
            (weight, scorer.shortened(max_length) if hasattr(scorer, "shortened") else scorer)
            for weight, scorer in self.components
        ]
        return faster

    @property
    def scores_identity(self) -> str:
        """A digest of what this classifier's probabilities depend on: the package version, every file of the
        model folder (an adapted model's base included), the encoder's precision and window. The same identity
        gives the same probabilities to the same text (`ScoredSongs` reuses saved scores only under it)."""
        digest = hashlib.sha256(f"{__version__} {self.precision} {self.window}".encode())
        for path in sorted(p for p in self.folder.rglob("*") if p.is_file()):
            digest.update(path.relative_to(self.folder).as_posix().encode() + b"\0")
            with path.open("rb") as handle:
                digest.update(hashlib.file_digest(handle, "sha256").digest())
        return digest.hexdigest()

    @property
    def info(self) -> dict:
        return {
            "name": self.manifest.name,
            "kind": self.manifest.kind,
            "genres": len(self.genres),
            "strategy": "precise" if self.families else self.thresholds.strategy,
            "families": len(self.family_names),
        }

    @property
    def adapted(self) -> bool:
        """A model adapted to a user's labels (`lyricgenre adapt`): its genres are their words, its families ours."""
        return self.manifest.kind == ADAPTED

    @property
    def _placed(self) -> Families | LabelFamilies | None:
        """What puts this model's genres under families: its learnt families, an adapted model's label families,
        or nothing."""
        return self.families or self.label_families

    @property
    def genre_families(self) -> dict[str, list[str]]:
        """Each genre's families ({} for a model without families)."""
        return dict(zip(self.genres, self._placed.genre_families)) if self._placed else {}

    @property
    def family_names(self) -> list[str]:
        return list(self._placed.names) if self._placed else []

    def family_proba(self, probabilities: np.ndarray) -> np.ndarray:
        """(n, families) family probabilities from `predict_proba`'s genre probabilities ((n, 0) without families)."""
        if self._placed is None:
            return np.zeros((len(probabilities), 0), dtype=np.float32)
        return self._placed.scores(probabilities)

    def rank_families(self, probabilities: np.ndarray, pooled: np.ndarray | None = None) -> list[list[Ranked]]:
        """Every family per song as (family, probability, predicted), most probable first (`pooled`: as in
        `decide`)."""
        return _ranked(self.family_names, *self._decided_families(probabilities, pooled))

    def _decided_families(
        self, probabilities: np.ndarray, pooled: np.ndarray | None, decided: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(n, families) family scores and decisions: the tuned rule's, or for an adapted model's labels the
        families of the labels `decided` (by default, its own rule's)."""
        scores = self.family_proba(probabilities)
        if self.families is not None:
            return scores, self.families.decide(scores, pooled)
        if self.label_families is not None:
            decided = self.decide(probabilities, pooled=pooled) if decided is None else decided
            return scores, self.label_families.decide(decided)
        return scores, np.zeros_like(scores, dtype=bool)

    def predict_proba(self, texts: list[str], batch_size: int = 64, artists: list[PoolKey] | None = None) -> np.ndarray:
        """(len(texts), len(genres)) probabilities; long lyrics are windowed exactly as in training.

        With `artists` (one name, `AlbumKey` or None per text), the songs by the same artist (of the same album)
        are tagged together: each gets the mean probabilities of those songs in `texts`
        (`lyricgenre.decision.pool_by_artist`).
        """
        check_keys(artists, _as_list(texts))  # before any song is scored
        probabilities = self.combined(self.component_proba(texts, batch_size))
        return probabilities if artists is None else pool_artists(probabilities, artists)[0]

    def component_proba(self, texts: list[str], batch_size: int = 64) -> list[np.ndarray]:
        """Each component's (len(texts), len(genres)) probabilities, in `components` order: what `predict_proba`
        sums (`combined`), kept apart by explaining (`lyricgenre.runtime.explain`), which re-scores lines through
        each component."""
        texts = [_checked(text) for text in _as_list(texts)]
        if not texts:
            return [np.zeros((0, len(self.genres)), dtype=np.float32) for _ in self.components]
        batches = [texts[first : first + batch_size] for first in range(0, len(texts), batch_size)]
        return [np.concatenate([scorer.predict_proba(batch) for batch in batches]) for _, scorer in self.components]

    def combined(self, parts: list[np.ndarray]) -> np.ndarray:
        """The model's probabilities from its components' (`component_proba`): their weighted sum."""
        probabilities = np.zeros((len(parts[0]), len(self.genres)), dtype=np.float32)
        probabilities[:] = sum(weight * part for (weight, _), part in zip(self.components, parts))
        return probabilities

    def classify(
        self,
        texts: list,
        threshold: float | None = None,
        top_k: int | None = None,
        artists: list[PoolKey] | None = None,
        progress: Callable[[int], None] | None = None,
        explain: bool = False,
    ) -> list[Prediction]:
        """One `Prediction` per text, in order. A text that cannot be classified (not text, blank, no words)
        gets a Prediction with its `error` instead of failing the others.

        With `artists` (one name, `AlbumKey` or None per text), each artist's (album's) songs are tagged
        together (their mean scores; `pooled_songs` says how many). `progress` is told how many songs each scored
        batch held. With `explain`, each prediction carries the lines behind its labels
        (`lyricgenre.runtime.explain`; measured on the song's own text, pooled or not).
        """
        songs = ScoredSongs(self, threshold, top_k, pooled=artists is not None, explain=explain)
        songs.add(texts, artists, progress)
        return list(songs.predictions())

    def predictions(
        self,
        probabilities: np.ndarray,
        notes: list[list[str]],
        threshold: float | None = None,
        top_k: int | None = None,
        pooled: np.ndarray | None = None,
    ) -> list[Prediction]:
        """A `Prediction` per row of `probabilities` (from `predict_proba`, pooled or not) with its song's notes
        (`lyricgenre.text.input_notes`; `pooled`: as in `decide`)."""
        if self.families is None:  # families, if any, follow the labels decided
            decided = self.decide(probabilities, threshold, top_k, pooled)
            family_scores, family_mask = self._decided_families(probabilities, pooled, decided)
        else:  # the fine genres follow the families decided
            family_scores, family_mask = self._decided_families(probabilities, pooled)
            decided = self.decide(probabilities, threshold, top_k, pooled, family_mask)
        family_names = self.family_names  # one list for every song's answer (the property makes a new one)
        return [
            Prediction(
                LabelScores(family_names, np.array(family_row), np.array(family_chosen)),
                LabelScores(self.genres, np.array(row), np.array(chosen)),
                song_notes,
            )
            for family_row, family_chosen, row, chosen, song_notes in zip(
                family_scores, family_mask, probabilities, decided, notes
            )
        ]

    def decide(
        self,
        probabilities: np.ndarray,
        threshold: float | None = None,
        top_k: int | None = None,
        pooled: np.ndarray | None = None,
        family_mask: np.ndarray | None = None,
    ):
        """Boolean (n, genres) decisions: the tuned rule by default, else a global threshold and/or top-k cut.

        The tuned rule of a model with families is the precise one: a genre only under a predicted family,
        on average no more genres than validation songs have nor than `MOST_GENRES` (`lyricgenre.decision.Families`).
        `pooled` (booleans per row): the rows whose scores are an artist's pool of two or more songs, decided by
        the model's pooled rule when it has one. `family_mask`: the families already decided for these rows.
        """
        if threshold is None and top_k is None:
            if self.families is None:
                return self.thresholds.apply(probabilities)
            if family_mask is None:
                return self.families.default_genres(probabilities, pooled)
            return self.families.fine_default(probabilities, family_mask, pooled)
        mask = np.ones_like(probabilities, dtype=bool)
        if threshold is not None:
            mask &= probabilities >= threshold
        if top_k is not None:
            if top_k < 1:
                raise UserError(f"top_k must be at least 1, got {top_k}")
            mask &= top_k_mask(probabilities, top_k)
        return mask

    def rank(
        self,
        texts: list[str],
        threshold: float | None = None,
        top_k: int | None = None,
        artists: list[PoolKey] | None = None,
    ) -> list[list[Ranked]]:
        """Every genre per text as (genre, probability, predicted), most probable first (`artists`: as in
        `predict_proba`, the pooled songs decided by the pooled rule)."""
        check_keys(artists, texts)
        probabilities, sizes = self.predict_proba(texts), None
        if artists is not None:
            probabilities, sizes = pool_artists(probabilities, artists)
        return self.rank_probabilities(probabilities, threshold, top_k, None if sizes is None else sizes > 1)

    def rank_probabilities(
        self,
        probabilities: np.ndarray,
        threshold: float | None = None,
        top_k: int | None = None,
        pooled: np.ndarray | None = None,
    ) -> list[list[Ranked]]:
        """`rank` for probabilities already computed by `predict_proba` (`pooled`: as in `decide`)."""
        return _ranked(self.genres, probabilities, self.decide(probabilities, threshold, top_k, pooled))

    def predict(
        self,
        texts: list[str],
        threshold: float | None = None,
        top_k: int | None = None,
        artists: list[PoolKey] | None = None,
    ) -> list[list[str]]:
        """Predicted genres per text, most confident first (`artists`: as in `predict_proba`)."""
        ranked_texts = self.rank(texts, threshold, top_k, artists)
        return [[genre for genre, _, predicted in ranked if predicted] for ranked in ranked_texts]


def _ranked(names: list[str], scores: np.ndarray, decisions: np.ndarray) -> list[list[Ranked]]:
    return [LabelScores(names, row, chosen).ranked() for row, chosen in zip(scores, decisions)]


def _as_list(texts):
    """The texts, refused when they are one string: iterating it would classify each character as a song."""
    if isinstance(texts, str):
        raise UserError("give a list of lyrics, one text per song (for one song: [lyrics])")
    return texts


def _checked(text) -> str:
    """The text as the model reads it (at most MAX_LYRICS_CHARS characters); UserError if it is not lyrics."""
    problem = lyrics_problem(text)
    if problem:
        raise UserError(problem)
    return text[:MAX_LYRICS_CHARS]
