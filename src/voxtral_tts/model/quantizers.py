"""The codec's two quantizers: a semantic VQ (Euclidean, EMA statistics) and an acoustic FSQ."""

from __future__ import annotations

import torch
from torch import nn


def fsq_levels(x: torch.Tensor, n_levels: int) -> torch.Tensor:
    """Values in [-1, 1] to integer levels 0..n_levels-1 (torch.round: half to even, as upstream)."""
    return (((x.float() + 1) / 2) * (n_levels - 1)).round().long()


def fsq_values(levels: torch.Tensor, n_levels: int) -> torch.Tensor:
    """Integer levels back to values in [-1, 1]."""
    return levels.float() * 2 / (n_levels - 1) - 1


class SemanticCodebook(nn.Module):
    """Nearest-neighbour VQ whose codebook is stored as EMA sums: entry = embedding_sum / cluster_usage.

    Training (a later issue) updates the two statistics; inference only reads their ratio.
    """

    eps = 1e-5

    def __init__(self, size: int, dim: int) -> None:
        super().__init__()
        self.register_buffer("cluster_usage", torch.ones(size))
        self.register_buffer("embedding_sum", torch.zeros(size, dim))

    @property
    def codebook(self) -> torch.Tensor:
        return self.embedding_sum / self.cluster_usage.clamp(min=self.eps)[:, None]

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """x: [B, dim, T] -> codes [B, T]."""
        B, D, T = x.shape
        flat = x.transpose(1, 2).reshape(B * T, D).float()
        dist = torch.cdist(flat, self.codebook.float())
        return dist.argmin(dim=-1).view(B, T)

    def decode(self, codes: torch.Tensor) -> torch.Tensor:
        """codes [B, T] -> [B, dim, T]."""
        return nn.functional.embedding(codes, self.codebook).transpose(1, 2)


class AcousticFSQ(nn.Module):
    """Finite scalar quantisation: tanh, then a uniform grid of `levels` points per dimension."""

    def __init__(self, levels: int, dim: int) -> None:
        super().__init__()
        self.levels, self.dim = levels, dim

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return fsq_levels(torch.tanh(x), self.levels)

    def decode(self, codes: torch.Tensor) -> torch.Tensor:
        return fsq_values(codes, self.levels)


class Quantizer(nn.Module):
    """Latent [B, semantic_dim + acoustic_dim, T] <-> codes [B, 1 + acoustic_dim, T] (no special offset)."""

    def __init__(self, semantic_size: int, semantic_dim: int, acoustic_levels: int, acoustic_dim: int) -> None:
        super().__init__()
        self.semantic_dim = semantic_dim
        self.semantic_codebook = SemanticCodebook(semantic_size, semantic_dim)
        self.acoustic_codebook = AcousticFSQ(acoustic_levels, acoustic_dim)

    def encode(self, z: torch.Tensor) -> torch.Tensor:
        sem = self.semantic_codebook.encode(z[:, : self.semantic_dim])
        ac = self.acoustic_codebook.encode(z[:, self.semantic_dim :])
        return torch.cat((sem[:, None], ac), dim=1)

    def decode(self, codes: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
        sem = self.semantic_codebook.decode(codes[:, 0]).to(dtype)
        ac = self.acoustic_codebook.decode(codes[:, 1:]).to(dtype)
        return torch.cat((sem, ac), dim=1)
