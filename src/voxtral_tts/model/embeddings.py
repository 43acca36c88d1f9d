"""The audio-code embedding table: a frame enters the backbone as the sum of its 37 code embeddings."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..config import AudioModelArgs


class AudioCodeEmbedding(nn.Module):
    """One table for all codebooks; codebook k starts at the exclusive cumulative sum of the sizes
    (specials included, spec §1.7). Rows past the last codebook pad the table to a multiple of 128."""

    def __init__(self, args: AudioModelArgs, dim: int) -> None:
        super().__init__()
        self.embeddings = nn.Embedding(args.code_table_rows, dim)
        self.offsets = args.codebook_offsets
        self._offsets = torch.empty(0, dtype=torch.long)

    def forward(self, codes: torch.Tensor) -> torch.Tensor:
        """codes: [..., n_codebooks] with the +2 special offset -> [..., dim]."""
        # Made once per device, not per call: a host-to-device copy cannot be replayed from a CUDA graph
        # (graph capture warms up first, so this exists before capturing).
        if self._offsets.device != codes.device or self._offsets.numel() != len(self.offsets):
            self._offsets = torch.tensor(self.offsets, device=codes.device)
        rows = codes + self._offsets.to(codes.dtype)
        weight = self.embeddings.weight
        if weight.dtype == torch.float32 and (codes.device.type == "cpu" or torch.is_grad_enabled()):
            # A bag sum never materialises the [..., n_codebooks, dim] gather: with 145 codebooks the gather
            # and sum took 6x its time, forward and backward (LM training on the CPU). bf16 tables keep the
            # gather, whose sum accumulates in fp32, and so does CUDA inference, whose graphs were checked with it.
            flat = F.embedding_bag(rows.reshape(-1, rows.shape[-1]), weight, mode="sum")
            return flat.reshape(*rows.shape[:-1], weight.shape[1])
        return self.embeddings(rows).sum(dim=-2)
