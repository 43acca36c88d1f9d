"""The flow-matching acoustic transformer and the semantic head (spec §1.4–1.6, §3).

Per frame: the semantic head picks one token from the backbone hidden state h; then a 3-token
bidirectional transformer integrates a velocity field from noise to the frame's acoustic values with
explicit Euler and classifier-free guidance, and the result is quantised to FSQ levels.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from ..config import EMPTY_AUDIO, END_AUDIO, N_AUDIO_SPECIALS, AudioModelArgs
from .layers import Block, RMSNorm
from .quantizers import fsq_levels


class TimeEmbedding(nn.Module):
    """Sinusoidal embedding of the flow time t: [cos(t f), sin(t f)] (cos first, spec §1.10d).

    The frequencies are recomputed rather than stored: the official checkpoint lacks them.
    """

    def __init__(self, dim: int, theta: float = 10000.0) -> None:
        super().__init__()
        self.dim, self.theta = dim, theta

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        half = self.dim // 2
        inv_freq = torch.exp(-math.log(self.theta) * torch.arange(half, device=t.device).float() / half)
        ang = t.float()[:, None] * inv_freq[None, :]
        return torch.cat((ang.cos(), ang.sin()), dim=-1)


class AcousticTransformer(nn.Module):
    def __init__(self, args: AudioModelArgs) -> None:
        super().__init__()
        self.args = args
        a = args.acoustic_transformer_args
        self.n_acoustic = args.n_acoustic_codebook
        self.levels = args.acoustic_codebook_size
        self.time_embedding = TimeEmbedding(a.dim)
        self.input_projection = nn.Linear(self.n_acoustic, a.dim, bias=False)
        self.time_projection = nn.Linear(a.dim, a.dim, bias=False)
        self.llm_projection = nn.Linear(a.input_dim, a.dim, bias=False)
        # ModuleDict keyed "0", "1", ... to match the official names `acoustic_transformer.layers.{i}`.
        self.layers = nn.ModuleDict(
            {
                str(i): Block(a.dim, a.n_heads, a.n_kv_heads, a.head_dim, a.hidden_dim, a.norm_eps, bias=a.use_biases)
                for i in range(a.n_layers)
            }
        )
        self.norm = RMSNorm(a.dim, a.norm_eps)
        self.semantic_codebook_output = nn.Linear(a.input_dim, args.semantic_head_rows, bias=a.use_biases)
        self.acoustic_codebook_output = nn.Linear(a.dim, self.n_acoustic, bias=False)

    @property
    def n_steps(self) -> int:
        return self.args.acoustic_transformer_args.n_decoding_steps

    def semantic_logits(self, h: torch.Tensor, allow_end: bool = True) -> torch.Tensor:
        """fp32 logits over the semantic vocabulary with [EMPTY_AUDIO] and the padding rows masked, and
        [END_AUDIO] too when not `allow_end` (benchmarks force every request to its full length).

        fp32 matters: bf16 accumulation can mis-rank [END_AUDIO] (spec §2). Autocast (bf16 training)
        would cast the matmul back down, so it is switched off here.
        """
        w = self.semantic_codebook_output.weight
        with torch.autocast(h.device.type, enabled=False):
            logits = h.float() @ w.float().T
        if self.semantic_codebook_output.bias is not None:
            logits = logits + self.semantic_codebook_output.bias.float()
        logits[..., EMPTY_AUDIO] = -math.inf
        logits[..., N_AUDIO_SPECIALS + self.args.semantic_codebook_size :] = -math.inf
        if not allow_end:
            logits[..., END_AUDIO] = -math.inf
        return logits

    def velocity(self, x: torch.Tensor, t_proj: torch.Tensor, llm_proj: torch.Tensor) -> torch.Tensor:
        """One velocity evaluation. x: [B, n_acoustic]; t_proj, llm_proj: [B, dim], already projected."""
        tokens = torch.stack((self.input_projection(x.to(llm_proj.dtype)), t_proj, llm_proj), dim=1)  # [B, 3, dim]
        *first, last = self.layers.values()
        for layer in first:
            tokens = layer(tokens)
        # Only the acoustic token's output is read, so the last layer computes that position alone (the time
        # and hidden-state tokens still serve as its keys and values): about a third less of the head's work.
        out = last(tokens, keep=slice(0, 1))
        return self.acoustic_codebook_output(self.norm(out)[:, 0])

    def sample(self, h: torch.Tensor, noise: torch.Tensor, cfg_alpha: torch.Tensor) -> torch.Tensor:
        """Integrate the flow from `noise` to acoustic values in [-1, 1].

        h: [B, input_dim] backbone hidden states; noise: [B, n_acoustic]; cfg_alpha: [B].
        The unconditional branch sees a zero hidden state; both branches run as one 2B batch.
        """
        B = h.shape[0]
        dtype = h.dtype
        # Built in fp32 then cast, so a bf16 run uses the same rounded grid as the reference.
        ts = torch.linspace(0, 1, self.n_steps + 1, device=h.device).to(dtype)
        t_proj_all = self.time_projection(self.time_embedding(ts[:-1]).to(dtype))  # [n_steps, dim]
        llm_proj = self.llm_projection(torch.cat((h, torch.zeros_like(h)), dim=0))  # [2B, dim]
        alpha = cfg_alpha.to(dtype=dtype, device=h.device)[:, None]
        x = noise.to(dtype)
        for i in range(self.n_steps):
            t_proj = t_proj_all[i].expand(2 * B, -1)
            v = self.velocity(torch.cat((x, x), dim=0), t_proj, llm_proj)
            v = alpha * v[:B] + (1 - alpha) * v[B:]
            x = x + v * (ts[i + 1] - ts[i])
        return x.clamp(-1, 1)

    def frame(
        self,
        h: torch.Tensor,
        noise: torch.Tensor,
        cfg_alpha: torch.Tensor,
        semantic: torch.Tensor | None = None,
        allow_end: bool = True,
    ) -> torch.Tensor:
        """One whole frame [B, 1 + n_acoustic] of codes with the +2 special offset.

        The semantic token is the argmax of the masked head unless given. Rows that chose [END_AUDIO]
        get [EMPTY_AUDIO] acoustic codes, as upstream does; such frames are never decoded.
        """
        if semantic is None:
            semantic = self.semantic_logits(h, allow_end).argmax(dim=-1)
        levels = fsq_levels(self.sample(h, noise, cfg_alpha), self.levels)
        # torch.where, not masked assignment: no data-dependent shapes, so the step can be graph-captured.
        acoustic = torch.where((semantic == END_AUDIO)[:, None], N_AUDIO_SPECIALS, levels + N_AUDIO_SPECIALS)
        return torch.cat((semantic[:, None], acoustic), dim=1)
