"""The transformer component at run time: windows of each song through the ONNX encoder + head."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from lyricgenre.errors import UserError
from lyricgenre.text import batch_windows, encoder_batches, load_tokenizer, song_probabilities

# onnxruntime's SkipLayerNormalization fusion (residual Add + LayerNorm in one kernel) made the int8
# encoder slower here (docs/results.md, "Speed"; benchmarks/quantisation_variants.py). Both precisions
# run with it off.
DISABLED_OPTIMIZERS = ("SkipLayerNormFusion",)


def encoder_session(path: Path, threads: int | None, disabled_optimizers: tuple[str, ...] = DISABLED_OPTIMIZERS):
    """An onnxruntime CPU session for an encoder file, with the runtime's thread and graph settings."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads or min(4, os.cpu_count() or 1)
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
    and of their order (tested to the bit).
    """

    def __init__(self, folder: Path, spec: dict, threads: int | None, precision: str):
        file = spec["fp32_file"] if precision == "fp32" else spec["file"]
        if not (folder / file).is_file():
            raise UserError(f"{folder / file}: model file not found (precision {precision})")
        self.session = encoder_session(folder / file, threads)
        self.tokenizer = load_tokenizer(folder / spec["tokenizer"])
        self.max_length, self.max_windows = spec["max_length"], spec["max_windows"]

    @classmethod
    def from_spec(cls, folder: Path, spec: dict, threads: int | None, precision: str) -> TransformerScorer:
        return cls(folder, spec, threads, precision)

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        windows, owners, order = batch_windows(self.tokenizer, texts, self.max_length, self.max_windows)
        logits = None
        for chunk, input_ids, attention in encoder_batches(windows, order, per_call=1):
            (batch_logits,) = self.session.run(["logits"], {"input_ids": input_ids, "attention_mask": attention})
            if logits is None:
                logits = np.zeros((len(windows), batch_logits.shape[1]), dtype=np.float32)
            logits[chunk] = batch_logits
        return song_probabilities(logits, owners, len(texts))
