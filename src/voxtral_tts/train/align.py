"""Guided attention: a diagonal prior on where the backbone's frames look in the text (training only).

A decoder-only TTS model must discover by itself which text position each audio frame speaks. On a few hours
of audio a small backbone finds it late or never: it lowers its training loss faster by memorising clips,
and at inference it babbles. Tachibana et al. (2017, "guided attention") showed that penalising attention far
from the diagonal of the (text, audio) plane makes alignment appear within a few thousand steps, because
speech reads text left to right at a roughly even pace.

Here a few query heads of a few backbone layers carry the prior. For frame k of T and text position j of N,
the penalty weight is

    W[k, j] = 1 - exp(-((j + 0.5) / N - (k + 0.5) / T)^2 / (2 width^2))

and the loss is the mean over frames and heads of sum_j A[k, j] W[k, j], where A is the head's attention
renormalised over the text positions alone (its logits against the text keys, softmaxed). The head stays
free to put as much of its mass on the voice prompt and the earlier frames as it likes; what it takes from
the text must come from near where the frame should be. Nothing of this reaches the model files: inference
runs the same attention with or without it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import torch

from ..model.backbone import Backbone


@dataclass(frozen=True)
class TextSpan:
    """Where one example's text and frames sit in its training sequence."""

    text_start: int  # first text token
    text_end: int  # one past the last text token
    first_query: int  # the position whose hidden state predicts frame 0
    frames: int  # T


def diagonal_penalty(frames: int, tokens: int, width: float, device: torch.device | None = None) -> torch.Tensor:
    """W [frames, tokens]: 0 on the diagonal of the (audio, text) plane, towards 1 away from it."""
    t = (torch.arange(frames, device=device, dtype=torch.float32) + 0.5) / frames
    n = (torch.arange(tokens, device=device, dtype=torch.float32) + 0.5) / tokens
    return 1.0 - torch.exp(-((n[None, :] - t[:, None]) ** 2) / (2.0 * width**2))


@contextmanager
def tap_attention_inputs(backbone: Backbone, layers: Sequence[int]) -> Iterator[dict[int, torch.Tensor]]:
    """Record the normalised input of the chosen layers' attention during one training forward.

    A hook rather than a change to the attention module, so the inference path (and its CUDA graphs) is the
    official one. Positions are not recorded: training sequences start at position 0 (`forward_train`)."""
    seen: dict[int, torch.Tensor] = {}
    handles = []
    for i in layers:
        if not 0 <= i < len(backbone.layers):
            raise ValueError(f"align_layers: layer {i} does not exist (the backbone has {len(backbone.layers)})")

        def hook(module: torch.nn.Module, args: tuple, index: int = i) -> None:
            seen[index] = args[0]

        handles.append(backbone.layers[i].attention.register_forward_pre_hook(hook))
    try:
        yield seen
    finally:
        for h in handles:
            h.remove()


def text_attention(
    backbone: Backbone, layer: int, x: torch.Tensor, spans: Sequence[TextSpan], heads: int
) -> list[torch.Tensor]:
    """For each example, the first `heads` query heads' attention from its frames to its text, renormalised
    over the text: [heads, T, N] each. `x` is the layer's recorded attention input [B, S, dim]."""
    attn = backbone.layers[layer].attention
    if not 0 < heads <= attn.n_heads:
        raise ValueError(f"align_heads: {heads} is not between 1 and the layer's {attn.n_heads} heads")
    B, S, _ = x.shape
    D = attn.head_dim
    positions = torch.arange(S, device=x.device)[None].expand(B, S)
    q = attn.wq(x).view(B, S, attn.n_heads, D)[:, :, :heads]
    group = attn.n_heads // attn.n_kv_heads  # query head h reads key head h // group
    k = attn.wk(x).view(B, S, attn.n_kv_heads, D)
    k = k[:, :, torch.arange(heads, device=x.device) // group]
    q = attn.rope(q, positions)
    k = attn.rope(k, positions)
    out = []
    for b, span in enumerate(spans):
        qb = q[b, span.first_query : span.first_query + span.frames].float()  # [T, h, D]
        kb = k[b, span.text_start : span.text_end].float()  # [N, h, D]
        out.append((torch.einsum("thd,nhd->htn", qb, kb) / D**0.5).softmax(-1))
    return out


def off_diagonal_mass(attention: torch.Tensor, width: float) -> torch.Tensor:
    """[heads, T, N] text attention -> [heads, T]: how much of each frame's text attention is off the diagonal."""
    _, T, N = attention.shape
    return (attention * diagonal_penalty(T, N, width, attention.device)).sum(-1)


def guided_attention_loss(
    backbone: Backbone,
    inputs: dict[int, torch.Tensor],
    spans: Sequence[TextSpan],
    heads: int,
    width: float,
) -> torch.Tensor:
    """Mean off-diagonal text attention of the first `heads` query heads of each tapped layer."""
    losses = [
        off_diagonal_mass(a, width).mean(0)
        for i, x in inputs.items()
        for a in text_attention(backbone, i, x, spans, heads)
    ]
    if not losses:
        raise ValueError("guided attention: no layer was tapped")
    return torch.cat(losses).mean()


__all__ = [
    "TextSpan",
    "diagonal_penalty",
    "guided_attention_loss",
    "off_diagonal_mass",
    "tap_attention_inputs",
    "text_attention",
]
