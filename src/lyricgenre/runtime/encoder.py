"""The transformer component at run time: windows of each song through the ONNX encoder + head."""

from __future__ import annotations

import copy
import os
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import numpy as np

from lyricgenre.errors import UserError
from lyricgenre.text import batch_windows, load_tokenizer, song_probabilities

# onnxruntime's SkipLayerNormalization fusion (residual Add + LayerNorm in one kernel) made the int8
# encoder slower here (docs/results.md, "Speed"; benchmarks/quantisation_variants.py). Both precisions
# run with it off.
DISABLED_OPTIMIZERS = ("SkipLayerNormFusion",)


def default_threads(threads: int | None) -> int:
    """The threads asked for, or by default one per core up to four."""
    return threads or min(4, os.cpu_count() or 1)


def encoder_session(path: Path, threads: int | None, disabled_optimizers: tuple[str, ...] = DISABLED_OPTIMIZERS):
    """An onnxruntime CPU session for an encoder file, with the runtime's thread and graph settings."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = default_threads(threads)
    options.inter_op_num_threads = 1
    # Threads keep spinning between the operators of one call (faster) but not after it, where they
    # would take the cores from the tokenizer's and TF-IDF's work on the next songs.
    options.add_session_config_entry("session.force_spinning_stop", "1")
    return onnxruntime.InferenceSession(
        str(path), options, providers=["CPUExecutionProvider"], disabled_optimizers=list(disabled_optimizers)
    )


class TransformerScorer:
    """Windows of each song through the ONNX encoder + head; logits averaged over the song's windows.

    Each window is its own call, unpadded: the int8 encoder quantises activations with scales computed
    over the whole call, so this is what makes a song's scores independent of the songs it is batched with
    and of their order (tested to the bit). Many windows run side by side, one single-threaded call per
    thread (`lanes`), which uses the cores better than one call after another on all of them; a lone
    window (one short song) runs on every thread. Both sessions give the same logits to the bit (tested).
    """

    def __init__(self, folder: Path, spec: dict, threads: int | None, precision: str):
        file = spec["fp32_file"] if precision == "fp32" else spec["file"]
        if not (folder / file).is_file():
            raise UserError(f"{folder / file}: model file not found (precision {precision})")
        self.lanes = default_threads(threads)
        self.session = encoder_session(folder / file, self.lanes)
        self.lane_session = encoder_session(folder / file, 1) if self.lanes > 1 else self.session
        self._pool = ThreadPoolExecutor(self.lanes, thread_name_prefix="encoder") if self.lanes > 1 else None
        self.tokenizer = load_tokenizer(folder / spec["tokenizer"])
        self.max_length, self.max_windows = spec["max_length"], spec["max_windows"]
        self.embedding_output: str | None = spec.get("embedding_output")  # exports before it lack it

    @classmethod
    def from_spec(cls, folder: Path, spec: dict, threads: int | None, precision: str) -> TransformerScorer:
        return cls(folder, spec, threads, precision)

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        windows, owners, _ = batch_windows(self.tokenizer, texts, self.max_length, self.max_windows)
        return song_probabilities(self.window_logits(windows), owners, len(texts))

    def scores_and_embeddings(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """`predict_proba` and each song's embedding (the mean of its windows' pooled encoder states), from
        the same encoder calls."""
        if self.embedding_output is None:
            raise UserError("this model's encoder has no embedding output; export it again with this lyricgenre")
        windows, owners, _ = batch_windows(self.tokenizer, texts, self.max_length, self.max_windows)
        if not windows:
            return np.zeros((0, 0), dtype=np.float32), np.zeros((0, 0), dtype=np.float32)
        outputs = ["logits", self.embedding_output]
        logits, embeddings = (np.concatenate(part) for part in zip(*self._map(windows, outputs)))
        song_embeddings = np.zeros((len(texts), embeddings.shape[1]), dtype=np.float64)
        np.add.at(song_embeddings, owners, embeddings)
        song_embeddings /= np.bincount(owners, minlength=len(texts))[:, None]
        return song_probabilities(logits, owners, len(texts)), song_embeddings.astype(np.float32)

    def shortened(self, max_length: int) -> TransformerScorer:
        """This scorer reading windows of at most `max_length` tokens (its sessions shared)."""
        shorter = copy.copy(self)
        shorter.max_length = min(self.max_length, max_length)
        return shorter

    def windows(self, texts: list[str]) -> list[tuple[tuple[int, ...], ...]]:
        """The windows each text is read as (token ids): two texts read alike score alike, without a call."""
        windows, owners, _ = batch_windows(self.tokenizer, texts, self.max_length, self.max_windows)
        read: list[list[tuple[int, ...]]] = [[] for _ in texts]
        for window, owner in zip(windows, owners):
            read[owner].append(tuple(window))
        return [tuple(song) for song in read]

    def window_logits(self, windows: list[list[int]]) -> np.ndarray:
        """(windows, genres) logits, one encoder call per window."""
        rows = [logits for (logits,) in self._map(windows, ["logits"])]
        return np.concatenate(rows) if rows else np.zeros((0, 0), dtype=np.float32)

    def _map(self, windows: list[list[int]], outputs: list[str]) -> list[list[np.ndarray]]:
        """The named outputs of each window's own encoder call, side by side on the lanes."""
        if len(windows) == 1 or self._pool is None:
            return [self._run(self.session, outputs, window) for window in windows]
        return list(self._pool.map(partial(self._run, self.lane_session, outputs), windows))

    @staticmethod
    def _run(session, outputs: list[str], window: list[int]) -> list[np.ndarray]:
        input_ids = np.asarray([window], dtype=np.int64)
        return session.run(outputs, {"input_ids": input_ids, "attention_mask": np.ones_like(input_ids)})
