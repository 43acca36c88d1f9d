"""Error rates and similarity, computed here so that the numbers do not depend on a library's version.

WER and CER are Levenshtein distances over words and characters, divided by the reference length.
Corpus figures sum the edits and the reference lengths over all items (as jiwer does for a list), so a
long sentence weighs more than a one-word one; per-item figures are kept for the tables.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class EditCounts:
    """Substitutions, deletions and insertions that turn a reference into a hypothesis."""

    substitutions: int
    deletions: int
    insertions: int
    ref_len: int

    @property
    def errors(self) -> int:
        return self.substitutions + self.deletions + self.insertions

    @property
    def rate(self) -> float:
        """errors / ref_len; an empty reference scores 0 against an empty hypothesis, else 1 per inserted token."""
        if self.ref_len == 0:
            return float(self.insertions)
        return self.errors / self.ref_len


def edit_counts(ref: Sequence, hyp: Sequence) -> EditCounts:
    """Minimum edits (substitution, deletion, insertion all cost 1) from `ref` to `hyp`, with the kinds counted."""
    n, m = len(ref), len(hyp)
    # Each cell holds (total, subs, dels, ins); ties prefer substitutions, as jiwer/rapidfuzz do.
    prev = [(j, 0, 0, j) for j in range(m + 1)]
    for i in range(1, n + 1):
        cur = [(i, 0, i, 0)] + [(0, 0, 0, 0)] * m
        r = ref[i - 1]
        for j in range(1, m + 1):
            d = prev[j - 1]
            if r == hyp[j - 1]:
                best = d
            else:
                best = (d[0] + 1, d[1] + 1, d[2], d[3])
            up = prev[j]
            if up[0] + 1 < best[0]:
                best = (up[0] + 1, up[1], up[2] + 1, up[3])
            left = cur[j - 1]
            if left[0] + 1 < best[0]:
                best = (left[0] + 1, left[1], left[2], left[3] + 1)
            cur[j] = best
        prev = cur
    _, s, d, ins = prev[m]
    return EditCounts(s, d, ins, n)


def word_edits(ref: str, hyp: str) -> EditCounts:
    """Edits between the whitespace-separated words of two normalised strings."""
    return edit_counts(ref.split(), hyp.split())


def char_edits(ref: str, hyp: str) -> EditCounts:
    """Edits between the characters of two normalised strings, spaces removed (so word splits cost nothing)."""
    return edit_counts(list(ref.replace(" ", "")), list(hyp.replace(" ", "")))


def wer(ref: str, hyp: str) -> float:
    return word_edits(ref, hyp).rate


def cer(ref: str, hyp: str) -> float:
    return char_edits(ref, hyp).rate


def corpus_rate(counts: Iterable[EditCounts]) -> float | None:
    """Summed errors over summed reference lengths; None when there is nothing to score."""
    counts = list(counts)
    total = sum(c.ref_len for c in counts)
    if not counts:
        return None
    if total == 0:
        return float(sum(c.insertions for c in counts))
    return sum(c.errors for c in counts) / total


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of two embeddings."""
    a = np.asarray(a, dtype=np.float64).ravel()
    b = np.asarray(b, dtype=np.float64).ravel()
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 or nb == 0:
        return 0.0
    return float(a @ b / (na * nb))


def mean(values: Iterable[float | None]) -> float | None:
    vals = [v for v in values if v is not None and math.isfinite(v)]
    return float(np.mean(vals)) if vals else None


def quantile(values: Iterable[float | None], q: float) -> float | None:
    vals = [v for v in values if v is not None and math.isfinite(v)]
    return float(np.quantile(vals, q)) if vals else None
