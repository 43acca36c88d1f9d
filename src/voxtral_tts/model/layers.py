"""Building blocks shared by the backbone and the acoustic transformer: RMSNorm, SwiGLU, GQA attention."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float) -> None:
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Normalise in fp32 even for bf16 activations, as mistral-inference does.
        xf = x.float()
        y = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)
        # The gain in x's dtype: under bf16 autocast the fp32 master weight would otherwise promote every
        # activation after a norm back to fp32 (a cast per linear, and fp32 elementwise work).
        return y.type_as(x) * self.weight.to(x.dtype)


class FeedForward(nn.Module):
    """SwiGLU: w2(silu(w1 x) * w3 x)."""

    def __init__(self, dim: int, hidden_dim: int, bias: bool = False) -> None:
        super().__init__()
        self.w1 = nn.Linear(dim, hidden_dim, bias=bias)
        self.w2 = nn.Linear(hidden_dim, dim, bias=bias)
        self.w3 = nn.Linear(dim, hidden_dim, bias=bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


class Rope:
    """Rotary embedding on interleaved pairs (2j, 2j+1), the layout of Mistral-native weights (spec §1.10c).

    The cos/sin table grows on demand instead of being precomputed for 128k positions.
    """

    def __init__(self, head_dim: int, theta: float) -> None:
        self.head_dim = head_dim
        self.theta = theta
        self._cos = torch.empty(0)
        self._sin = torch.empty(0)

    def _table(self, n: int, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
        if self._cos.shape[0] < n or self._cos.device != device:
            size = max(n, 2 * self._cos.shape[0], 256)
            inv = 1.0 / (self.theta ** (torch.arange(0, self.head_dim, 2, dtype=torch.float64) / self.head_dim))
            ang = torch.outer(torch.arange(size, dtype=torch.float64), inv)
            self._cos = ang.cos().float().to(device)
            self._sin = ang.sin().float().to(device)
        return self._cos, self._sin

    def __call__(self, x: torch.Tensor, positions: torch.Tensor, max_pos: int | None = None) -> torch.Tensor:
        """x: [B, S, H, D]; positions: [B, S] absolute positions. `max_pos`, an upper bound on them known
        to the caller, spares reading positions back from the device (a sync a CUDA graph cannot hold)."""
        cos, sin = self._table((int(positions.max()) if max_pos is None else max_pos) + 1, x.device)
        cos = cos[positions].unsqueeze(2)  # [B, S, 1, D/2]
        sin = sin[positions].unsqueeze(2)
        xf = x.float().unflatten(-1, (-1, 2))
        x0, x1 = xf[..., 0], xf[..., 1]
        out = torch.stack((x0 * cos - x1 * sin, x0 * sin + x1 * cos), dim=-1)
        return out.flatten(-2).type_as(x)


def short_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """Unmasked attention over a few tokens (the acoustic transformer's 3) as plain matmuls. q: [B, H, S, D];
    k, v: [B, H_kv, S, D], each KV head shared by H / H_kv consecutive query heads. The fused CPU kernels
    are built for long sequences: on 3 tokens these matmuls made the flow head's training step about 12 %
    faster."""
    if k.shape[1] != q.shape[1]:
        k = k.repeat_interleave(q.shape[1] // k.shape[1], dim=1)
        v = v.repeat_interleave(q.shape[1] // v.shape[1], dim=1)
    scores = (q @ k.transpose(-1, -2)) * q.shape[-1] ** -0.5
    return scores.float().softmax(dim=-1).to(v.dtype) @ v


class KVCache:
    """A preallocated key/value cache for a batch of sequences of different lengths.

    Row b holds `lengths[b]` valid positions. New tokens for a row are written at its current length,
    so rows can be at different points of their prompts or frame loops.
    """

    def __init__(
        self,
        n_layers: int,
        batch: int,
        capacity: int,
        n_kv_heads: int,
        head_dim: int,
        dtype: torch.dtype,
        device: torch.device | str = "cpu",
    ) -> None:
        shape = (batch, n_kv_heads, capacity, head_dim)
        self.k = [torch.zeros(shape, dtype=dtype, device=device) for _ in range(n_layers)]
        self.v = [torch.zeros(shape, dtype=dtype, device=device) for _ in range(n_layers)]
        self.lengths = torch.zeros(batch, dtype=torch.long, device=device)
        self.capacity = capacity

    @property
    def batch(self) -> int:
        return self.lengths.shape[0]


class Attention(nn.Module):
    """Grouped-query attention. Causal with a KV cache when `rope` is given; bidirectional otherwise."""

    def __init__(
        self, dim: int, n_heads: int, n_kv_heads: int, head_dim: int, bias: bool = False, rope: Rope | None = None
    ) -> None:
        super().__init__()
        self.n_heads, self.n_kv_heads, self.head_dim = n_heads, n_kv_heads, head_dim
        self.wq = nn.Linear(dim, n_heads * head_dim, bias=bias)
        self.wk = nn.Linear(dim, n_kv_heads * head_dim, bias=bias)
        self.wv = nn.Linear(dim, n_kv_heads * head_dim, bias=bias)
        self.wo = nn.Linear(n_heads * head_dim, dim, bias=bias)
        self.rope = rope

    def forward(
        self,
        x: torch.Tensor,
        positions: torch.Tensor | None = None,
        cache: tuple[torch.Tensor, torch.Tensor] | None = None,
        mask: torch.Tensor | None = None,
        kv_len: int | None = None,
        causal: bool = False,
        queries: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """x: [B, S, dim]. With a cache, `positions` [B, S] say where each token is written and `mask`
        [B, 1, S, kv_len] says which cached keys each query may see. Without a cache, `causal` selects
        plain causal attention over x itself (training). `queries` [B, Sq, dim] (bidirectional, no cache):
        only these positions ask, all of x answers; the output is [B, Sq, dim]."""
        B, S, _ = x.shape
        if queries is None:
            q = self.wq(x).view(B, S, self.n_heads, self.head_dim)
        else:
            assert self.rope is None and cache is None and not causal
            q = self.wq(queries).view(B, queries.shape[1], self.n_heads, self.head_dim)
        k = self.wk(x).view(B, S, self.n_kv_heads, self.head_dim)
        v = self.wv(x).view(B, S, self.n_kv_heads, self.head_dim)
        if self.rope is not None:
            assert positions is not None
            q = self.rope(q, positions, kv_len)
            k = self.rope(k, positions, kv_len)
        if cache is not None:
            assert positions is not None and kv_len is not None
            k_cache, v_cache = cache
            rows = torch.arange(B, device=x.device)[:, None].expand(B, S)
            k_cache[rows, :, positions] = k.to(k_cache.dtype)
            v_cache[rows, :, positions] = v.to(v_cache.dtype)
            keys, values = k_cache[:, :, :kv_len], v_cache[:, :, :kv_len]
        else:
            keys, values = k.transpose(1, 2), v.transpose(1, 2)
        if mask is None and not causal and S <= 4:
            out = short_attention(q.transpose(1, 2), keys, values)
        else:
            out = F.scaled_dot_product_attention(
                q.transpose(1, 2),
                keys,
                values,
                attn_mask=mask,
                is_causal=causal and mask is None,
                enable_gqa=self.n_heads != self.n_kv_heads,
            )
        return self.wo(out.transpose(1, 2).reshape(B, q.shape[1], self.n_heads * self.head_dim))


class Block(nn.Module):
    """Pre-norm transformer block: x + attn(norm x), then + ffn(norm x)."""

    def __init__(
        self,
        dim: int,
        n_heads: int,
        n_kv_heads: int,
        head_dim: int,
        hidden_dim: int,
        norm_eps: float,
        bias: bool = False,
        rope: Rope | None = None,
    ) -> None:
        super().__init__()
        self.attention = Attention(dim, n_heads, n_kv_heads, head_dim, bias=bias, rope=rope)
        self.feed_forward = FeedForward(dim, hidden_dim, bias=bias)
        self.attention_norm = RMSNorm(dim, norm_eps)
        self.ffn_norm = RMSNorm(dim, norm_eps)

    def forward(self, x: torch.Tensor, keep: slice | None = None, **attn_kwargs) -> torch.Tensor:
        """`keep`: the positions whose outputs are wanted (default: all). The others still serve as keys and
        values, but their queries and feed-forward are skipped."""
        xn = self.attention_norm(x)
        if keep is None:
            h = x + self.attention(xn, **attn_kwargs)
        else:
            h = x[:, keep] + self.attention(xn, queries=xn[:, keep], **attn_kwargs)
        return h + self.feed_forward(self.ffn_norm(h))
