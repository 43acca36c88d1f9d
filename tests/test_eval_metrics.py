"""WER/CER and similarity on strings whose answers are known by hand."""

from __future__ import annotations

import random

import numpy as np
import pytest

from voxtral_tts.eval.metrics import (
    EditCounts,
    cer,
    char_edits,
    corpus_rate,
    cosine,
    edit_counts,
    mean,
    quantile,
    wer,
    word_edits,
)


def levenshtein(a, b) -> int:
    """A plain textbook distance, independent of the counting code under test."""
    d = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, d[0] = d[0], i
        for j, y in enumerate(b, 1):
            prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (x != y))
    return d[-1]


def test_kitten_sitting() -> None:
    c = edit_counts("kitten", "sitting")
    assert (c.substitutions, c.deletions, c.insertions, c.errors, c.ref_len) == (2, 0, 1, 3, 6)


def test_word_error_kinds() -> None:
    c = word_edits("the cat sat on the mat", "the cat sat on mat")
    assert (c.substitutions, c.deletions, c.insertions) == (0, 1, 0)
    assert wer("the cat sat on the mat", "the cat sat on mat") == pytest.approx(1 / 6)
    c = word_edits("a b c d", "a x c d e")
    assert (c.substitutions, c.deletions, c.insertions) == (1, 0, 1)
    assert wer("a b c d", "a x c d e") == 0.5
    assert wer("hello world", "") == 1.0
    assert wer("one", "one two three") == 2.0  # insertions can push WER past 1


def test_empty_reference() -> None:
    assert wer("", "") == 0.0
    assert wer("", "a b") == 2.0
    assert EditCounts(0, 0, 0, 0).rate == 0.0


def test_cer_ignores_word_boundaries() -> None:
    assert cer("river bank", "riverbank") == 0.0
    assert wer("river bank", "riverbank") == 1.0  # 1 substitution + 1 deletion over 2 words
    assert char_edits("abcd", "abxd").substitutions == 1
    assert cer("été", "ete") == pytest.approx(2 / 3)


def test_counts_agree_with_plain_levenshtein() -> None:
    rng = random.Random(0)
    for _ in range(300):
        a = [rng.choice("abcd") for _ in range(rng.randrange(0, 9))]
        b = [rng.choice("abcd") for _ in range(rng.randrange(0, 9))]
        c = edit_counts(a, b)
        assert c.errors == levenshtein(a, b)
        assert len(a) - c.deletions + c.insertions == len(b)


def test_corpus_rate_weights_by_length() -> None:
    short = word_edits("yes please", "yes")  # 1 error in 2 words
    long = word_edits(" ".join("abcdefgh"), " ".join("abcdefgh"))  # 0 in 8
    assert corpus_rate([short, long]) == pytest.approx(0.1)
    assert mean([short.rate, long.rate]) == pytest.approx(0.25)
    assert corpus_rate([]) is None


def test_cosine_and_summaries() -> None:
    assert cosine(np.array([1.0, 0.0]), np.array([2.0, 0.0])) == pytest.approx(1.0)
    assert cosine(np.array([1.0, 0.0]), np.array([0.0, 3.0])) == pytest.approx(0.0)
    assert cosine(np.array([1.0, 1.0]), np.array([-1.0, -1.0])) == pytest.approx(-1.0)
    assert cosine(np.zeros(3), np.ones(3)) == 0.0
    assert mean([1.0, None, 3.0, float("nan")]) == 2.0
    assert mean([None]) is None
    assert quantile([1.0, 2.0, 3.0, None], 0.5) == 2.0
