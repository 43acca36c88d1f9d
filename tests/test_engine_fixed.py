"""The fixed-shape step that CUDA graphs capture (graphs.py), checked eagerly on the CPU: it must give
the frames of the variable-shape step, with requests joining and leaving, and the batched prefill must
give what one-at-a-time prefill gives."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from voxtral_tts import VoxtralTTS
from voxtral_tts.config import END_AUDIO
from voxtral_tts.generate import Engine
from voxtral_tts.graphs import batch_bucket, kv_bucket

SPECS = [
    ("First request here.", "tiny_male", 1, 1.0),
    ("Second one.", "tiny_female", 2, 0.6),
    ("Third.", "tiny_male", 3, 0.8),
    ("A fourth, rather longer request to make the prompts differ in length.", "tiny_female", 4, 0.5),
]


def run(tts: VoxtralTTS, graphs: bool, admit_every: int, batched: bool = False, **engine) -> dict[int, np.ndarray]:
    reqs = [tts._request(t, v, None, s, None, m)[0] for t, v, s, m in SPECS]
    eng = Engine(tts.model, max_batch=3, max_len=300, graphs=graphs, **engine)
    got: dict[int, list] = {k: [] for k in range(len(reqs))}
    pending = list(range(len(reqs)))
    if batched:
        first = pending[: eng.free_slots()]
        eng.add_many([reqs[k] for k in first], first)
        pending = pending[len(first) :]
    step = 0
    while pending or eng.active:
        if pending and eng.free_slots() and step % admit_every == 0:
            k = pending.pop(0)
            eng.add(reqs[k], tag=k)
        for r in eng.step():
            if r.frame is not None:
                got[r.tag].append(r.frame.cpu().numpy())
        step += 1
    return {k: np.stack(v) if v else np.zeros((0, 37), np.int64) for k, v in got.items()}


@pytest.mark.parametrize("admit_every", [1, 3])
def test_fixed_shape_step_gives_the_frames_of_the_eager_step(long_tts: VoxtralTTS, admit_every: int) -> None:
    eager = run(long_tts, graphs=False, admit_every=admit_every)
    fixed = run(long_tts, graphs=True, admit_every=admit_every)
    assert [len(v) for v in eager.values()] == [13, 8, 10, 7]
    for k in eager:
        assert np.array_equal(eager[k][:, 0], fixed[k][:, 0]), k  # semantic codes
        assert np.array_equal(eager[k], fixed[k]), k


def test_batched_prefill_equals_one_at_a_time(long_tts: VoxtralTTS) -> None:
    one = run(long_tts, graphs=False, admit_every=1)
    for graphs in (False, True):
        many = run(long_tts, graphs=graphs, admit_every=1, batched=True)
        for k in one:
            assert np.array_equal(one[k], many[k]), (graphs, k)


def test_forced_length_never_ends_early(tts: VoxtralTTS, monkeypatch: pytest.MonkeyPatch) -> None:
    fm = tts.model.acoustic_transformer
    real = fm.semantic_logits

    def end_wins(h: torch.Tensor, allow_end: bool = True) -> torch.Tensor:
        logits = real(h, allow_end)
        logits[:, END_AUDIO] += 1e4  # END would win every time, unless it is masked (-inf stays -inf)
        return logits

    monkeypatch.setattr(fm, "semantic_logits", end_wins)
    for graphs in (False, True):
        assert all(len(v) == 0 for v in run(tts, graphs=graphs, admit_every=1).values())
        forced = run(tts, graphs=graphs, admit_every=1, allow_end=False)
        assert [len(v) for v in forced.values()] == [13, 8, 10, 7]
        assert all((v[:, 0] != END_AUDIO).all() for v in forced.values())


def test_buckets() -> None:
    assert [batch_bucket(n, 64) for n in (1, 3, 5, 17, 33, 64)] == [1, 4, 8, 24, 48, 64]
    assert batch_bucket(20, 10) == 10
    assert [kv_bucket(n, 1000) for n in (1, 128, 129, 999)] == [128, 128, 256, 1000]


def test_free_slots_error(long_tts: VoxtralTTS) -> None:
    req = long_tts._request("Hi.", "tiny_male", None, 0, None, 0.5)[0]
    eng = Engine(long_tts.model, max_batch=1, max_len=100, graphs=True)
    eng.add(req)
    with pytest.raises(ValueError, match="free slots"):
        eng.add_many([req])


def test_offline_calls_reuse_one_pooled_engine(long_tts: VoxtralTTS, monkeypatch: pytest.MonkeyPatch) -> None:
    import voxtral_tts.generate as gen

    want = long_tts.generate("Pool me.", voice="tiny_male", seed=5, max_seconds=0.8).frames
    monkeypatch.setattr(gen, "graphs_by_default", lambda model: True)  # as on a GPU
    made = []
    real_engine = gen.Engine
    monkeypatch.setattr(gen, "Engine", lambda *a, **k: made.append(real_engine(*a, **k)) or made[-1])
    try:
        for _ in range(3):
            got = long_tts.generate("Pool me.", voice="tiny_male", seed=5, max_seconds=0.8).frames
            assert np.array_equal(got, want)
        assert len(made) == 1 and made[0].fixed  # one engine, captured once, reused by every call
    finally:
        long_tts.model.__dict__.pop("_idle_engines", None)
