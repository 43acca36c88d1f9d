"""The autoregressive backbone: a Mistral decoder (GQA, interleaved RoPE, RMSNorm, SwiGLU, tied embeddings)."""

from __future__ import annotations

import torch
from torch import nn

from ..config import BackboneArgs
from .layers import Block, KVCache, RMSNorm, Rope


class Backbone(nn.Module):
    def __init__(self, args: BackboneArgs) -> None:
        super().__init__()
        self.args = args
        self.rope = Rope(args.head_dim, args.rope_theta)
        self.tok_embeddings = nn.Embedding(args.vocab_size, args.dim)
        self.layers = nn.ModuleList(
            Block(
                args.dim,
                args.n_heads,
                args.n_kv_heads,
                args.head_dim,
                args.hidden_dim,
                args.norm_eps,
                rope=self.rope,
            )
            for _ in range(args.n_layers)
        )
        self.norm = RMSNorm(args.dim, args.norm_eps)

    def new_cache(self, batch: int, capacity: int, dtype: torch.dtype | None = None) -> KVCache:
        p = self.norm.weight
        a = self.args
        return KVCache(a.n_layers, batch, capacity, a.n_kv_heads, a.head_dim, dtype or p.dtype, p.device)

    def forward(
        self,
        x: torch.Tensor,
        cache: KVCache,
        lengths: torch.Tensor | None = None,
        rows: slice | None = None,
    ) -> torch.Tensor:
        """Append tokens to the cached sequences and return the final-norm hidden states.

        x: [B, S, dim] input embeddings for the cache rows `rows` (default: all rows).
        lengths: [B] how many of the S positions are real for each row (default: all). Padding
        positions at the end of a row are written to the cache but never attended to, and are
        overwritten by that row's next tokens.
        """
        B, S, _ = x.shape
        device = x.device
        rows = rows or slice(0, cache.batch)
        if lengths is None:
            lengths = torch.full((B,), S, dtype=torch.long, device=device)
        start = cache.lengths[rows]
        positions = start[:, None] + torch.arange(S, device=device)[None, :]  # [B, S]
        end = int((start + S).max())
        if end > cache.capacity:
            raise RuntimeError(f"KV cache overflow: need {end} positions, capacity {cache.capacity}")
        # Query s of row b sees keys 0..start[b]+s: the cached prefix plus itself, causally.
        keys = torch.arange(end, device=device)
        mask = (keys[None, None, :] <= positions[:, :, None]).unsqueeze(1)  # [B, 1, S, end]
        h = x
        for i, layer in enumerate(self.layers):
            h = layer(h, positions=positions, cache=(cache.k[i][rows], cache.v[i][rows]), mask=mask, kv_len=end)
        cache.lengths[rows] = start + lengths
        return self.norm(h)

    def decode_step(self, x: torch.Tensor, cache: KVCache, kv_len: int) -> torch.Tensor:
        """One position for each of the cache's first B rows, with shapes fixed by (B, kv_len) alone, so the
        step can be captured in a CUDA graph: x [B, dim] is written at each row's current length, attention
        reads the first `kv_len` cached positions under a mask, and nothing is read back to the host.
        `cache.lengths` is left as it is: the caller decides which rows keep their new position.
        Every row's length must be below kv_len."""
        B = x.shape[0]
        positions = cache.lengths[:B, None]  # [B, 1]
        keys = torch.arange(kv_len, device=x.device)
        mask = (keys[None, None, :] <= positions[:, :, None]).unsqueeze(1)  # [B, 1, 1, kv_len]
        h = x[:, None]
        for i, layer in enumerate(self.layers):
            h = layer(h, positions=positions, cache=(cache.k[i][:B], cache.v[i][:B]), mask=mask, kv_len=kv_len)
        return self.norm(h)[:, 0]

    def forward_train(self, x: torch.Tensor) -> torch.Tensor:
        """Causal forward over whole sequences [B, S, dim] from position 0, without a cache (training).

        Right padding is harmless: causal attention never lets a real position see a later pad.
        """
        B, S, _ = x.shape
        positions = torch.arange(S, device=x.device)[None].expand(B, S)
        h = x
        for layer in self.layers:
            h = layer(h, positions=positions, causal=True)
        return self.norm(h)

    def text_logits(self, hidden: torch.Tensor) -> torch.Tensor:
        """Tied LM head over the text vocabulary. TTS never needs it; it is here for completeness."""
        return hidden.float() @ self.tok_embeddings.weight.float().T
