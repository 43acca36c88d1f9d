"""The audio-code embedding table: a frame enters the backbone as the sum of its 37 code embeddings."""

from __future__ import annotations

import torch
from torch import nn

from ..config import AudioModelArgs


class AudioCodeEmbedding(nn.Module):
    """One table for all codebooks; codebook k starts at the exclusive cumulative sum of the sizes
    (specials included, spec §1.7). Rows past the last codebook pad the table to a multiple of 128."""

    def __init__(self, args: AudioModelArgs, dim: int) -> None:
        super().__init__()
        self.embeddings = nn.Embedding(args.code_table_rows, dim)
        self.offsets = args.codebook_offsets

    def forward(self, codes: torch.Tensor) -> torch.Tensor:
        """codes: [..., n_codebooks] with the +2 special offset -> [..., dim]."""
        offsets = torch.tensor(self.offsets, device=codes.device, dtype=codes.dtype)
        return self.embeddings(codes + offsets).sum(dim=-2)
