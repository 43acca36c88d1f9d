"""LM training data: voice prompts built from a speaker's other utterances, and length-bucketed batches."""

from __future__ import annotations

import random

import numpy as np
import pytest

from voxtral_tts.train.lm import ExampleBuilder, FrameItem
from voxtral_tts.train.loop import EpochSampler


def item(speaker: str, n: int, mark: int) -> FrameItem:
    codes = np.full((n, 37), 2 + mark, np.int16)
    return FrameItem(codes, f"text {mark}", speaker)


def builder(items: list[FrameItem]) -> ExampleBuilder:
    return ExampleBuilder(items, lambda text: [100 + len(text)] * 3, min_ref=10, max_ref=40)


def test_voice_prompt_joins_other_utterances_to_reach_the_length_and_never_uses_the_target() -> None:
    items = [item("a", 12, m) for m in range(6)] + [item("b", 30, 9)]
    b = builder(items)
    rng = random.Random(0)
    for _ in range(20):
        ex = b.build(0, rng, ref_length=40)  # longer than any single clip of speaker a
        ref = ex.ref[:-1]  # the last row is the end-of-audio frame
        assert ref.shape[0] == 40
        marks = set(ref[:, 0].tolist())
        assert 2 not in marks  # item 0 is the target
        assert marks <= {3, 4, 5, 6, 7} and len(marks) >= 4  # 40 frames need at least four 12-frame clips


def test_voice_prompt_is_capped_by_what_the_speaker_has_and_falls_back_to_the_target_alone() -> None:
    items = [item("a", 12, 0), item("a", 8, 1), item("solo", 15, 5)]
    b = builder(items)
    rng = random.Random(1)
    ex = b.build(0, rng, ref_length=30)
    assert ex.ref.shape[0] - 1 == 8  # only the one other clip of speaker a
    ex = b.build(2, rng, ref_length=30)
    assert ex.ref.shape[0] - 1 == 15 and set(ex.ref[:-1, 0].tolist()) == {7}


def test_drawn_prompt_length_is_within_the_configured_range() -> None:
    items = [item("a", 50, m) for m in range(4)]
    b = builder(items)
    rng = random.Random(2)
    lengths = {b.build(0, rng).ref.shape[0] - 1 for _ in range(200)}
    assert min(lengths) >= 10 and max(lengths) <= 40 and len(lengths) > 10


def test_bucketed_sampler_is_a_permutation_with_tight_batches_and_resumes_exactly() -> None:
    rng = np.random.default_rng(0)
    lengths = rng.integers(10, 200, size=1000).tolist()
    s = EpochSampler(1000, seed=4, lengths=lengths, batch=16, pool=10)
    epoch = s.take(1000)
    assert sorted(epoch) == list(range(1000))
    spread = [np.ptp([lengths[i] for i in epoch[k : k + 16]]) for k in range(0, 992, 16)]
    plain = EpochSampler(1000, seed=4).take(1000)
    plain_spread = [np.ptp([lengths[i] for i in plain[k : k + 16]]) for k in range(0, 992, 16)]
    assert np.mean(spread) < 0.25 * np.mean(plain_spread)
    # Batches are shuffled: the first batches are not simply the shortest items.
    assert np.mean([lengths[i] for i in epoch[:64]]) > 30

    a = EpochSampler(1000, seed=4, lengths=lengths, batch=16, pool=10)
    a.take(1500)  # into the second epoch
    b = EpochSampler(1000, seed=4, lengths=lengths, batch=16, pool=10)
    b.load_state_dict(a.state_dict())
    assert a.take(300) == b.take(300)


def test_bucketed_sampler_checks_its_lengths() -> None:
    with pytest.raises(ValueError, match="lengths has 3 entries for 4 items"):
        EpochSampler(4, seed=0, lengths=[1, 2, 3], batch=2)
