"""The encoder's attention as traced for ONNX export: the padding mask rides inside the score product.

Plain ("eager") attention adds a (windows, 1, tokens, tokens) mask to the (windows, heads, tokens,
tokens) scores in every layer: an extra pass over the largest tensor of the network, in fp32 for
both the fp32 and the int8 encoder. Here each query gets one more feature fixed at 1 and each key
one more feature holding its mask bias (0, or -1e9 for padding), so `q·k` already
includes the mask and that pass disappears: the scores are bit-identical (adding 0 changes no
float; padding keys still get exactly zero weight) and the encoder runs faster (docs/results.md, "Speed";
`benchmarks/quantisation_variants.py --trained`). Training keeps PyTorch's own attention.
"""

from __future__ import annotations

import torch
from transformers import AttentionInterface, AttentionMaskInterface, PreTrainedConfig

KEY_PADDING_ATTENTION = "lyricgenre_key_padding"
PADDING_SCORE = -1e9  # even after scaling by 1/sqrt(head size), exp() of it is exactly 0 next to any real score


def key_padding_bias(
    batch_size: int,
    q_length: int,
    kv_length: int,
    attention_mask: torch.Tensor | None = None,
    dtype: torch.dtype = torch.float32,
    config: PreTrainedConfig | None = None,
    **kwargs,
) -> torch.Tensor | None:
    """(windows, heads, tokens, 1): the score bias of each key; None without a mask.

    Built once per forward pass from the (windows, tokens) padding mask, in place of the 4D mask.
    """
    if attention_mask is None:
        return None
    padding = 1.0 - attention_mask[:, None, :, None].to(dtype)
    return (padding * PADDING_SCORE).expand(-1, config.num_attention_heads, -1, 1)


def key_padding_attention(
    module: torch.nn.Module,
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    attention_mask: torch.Tensor | None,
    scaling: float | None = None,
    dropout: float = 0.0,
    **kwargs,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Softmax attention (inference: no dropout) with `key_padding_bias` as an extra q·k feature."""
    scaling = query.size(-1) ** -0.5 if scaling is None else scaling
    if attention_mask is not None:
        query = torch.cat([query, torch.ones_like(attention_mask)], dim=-1)
        key = torch.cat([key, attention_mask], dim=-1)
    weights = torch.softmax(torch.matmul(query, key.transpose(2, 3)) * scaling, dim=-1)
    return torch.matmul(weights, value).transpose(1, 2).contiguous(), weights


AttentionInterface.register(KEY_PADDING_ATTENTION, key_padding_attention)
AttentionMaskInterface.register(KEY_PADDING_ATTENTION, key_padding_bias)
