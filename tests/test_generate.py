"""The frame loop: determinism, stopping, batching, streaming."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from voxtral_tts import Request, VoxtralTTS, generate
from voxtral_tts.generate import Engine, FrameLoop, voice_key
from voxtral_tts.streaming import StreamDecoder, decode_frames


def test_same_seed_same_audio_other_seed_other_audio(long_tts: VoxtralTTS) -> None:
    a = long_tts.generate("Good morning.", voice="tiny_male", seed=11, max_seconds=2)
    b = long_tts.generate("Good morning.", voice="tiny_male", seed=11, max_seconds=2)
    c = long_tts.generate("Good morning.", voice="tiny_male", seed=12, max_seconds=2)
    assert a.seed == 11 and np.array_equal(a.samples, b.samples) and np.array_equal(a.frames, b.frames)
    assert not np.array_equal(a.frames[:, 1:], c.frames[:, 1:])
    assert a.frames.shape == (25, 37) and a.samples.shape == (25 * 1920,)
    assert a.stop_reason == "max_frames"


def test_explicit_noise_replaces_the_generator(long_tts: VoxtralTTS) -> None:
    noise = torch.randn(10, 36)
    a = long_tts.generate("Noise in.", voice="tiny_male", seed=1, max_seconds=0.8, noise=noise)
    b = long_tts.generate("Noise in.", voice="tiny_male", seed=2, max_seconds=0.8, noise=noise)
    assert np.array_equal(a.frames, b.frames)
    # The first frame's acoustic codes follow from its noise through the ODE.
    loop = FrameLoop(long_tts.model, [long_tts._request("Noise in.", "tiny_male", None, 0, None, 0.8)[0]])
    alpha = torch.tensor([1.2])
    expect = long_tts.model.acoustic_transformer.frame(loop.engine.h[:1], noise[:1], alpha)
    assert np.array_equal(a.frames[0], expect[0].numpy())


def test_semantic_codes_are_greedy_and_fed_back_as_code_sums(long_tts: VoxtralTTS) -> None:
    m = long_tts.model
    audio = long_tts.generate("Check the loop.", voice="tiny_female", seed=4, max_seconds=0.4)
    frames = torch.from_numpy(audio.frames)
    prompt, _, _ = long_tts._prompt("Check the loop.", "tiny_female", None)
    seq = prompt
    for k in range(frames.shape[0]):
        h = m.backbone(seq[None], m.backbone.new_cache(1, seq.shape[0]))[0, -1]
        assert int(m.acoustic_transformer.semantic_logits(h[None]).argmax()) == int(frames[k, 0])
        seq = torch.cat([seq, m.embed_frames(frames[k : k + 1])])


def test_stops_on_end_audio(long_tts: VoxtralTTS, monkeypatch: pytest.MonkeyPatch) -> None:
    fm = long_tts.model.acoustic_transformer
    real = fm.semantic_logits
    calls = {"n": 0}

    def end_at_step_3(h: torch.Tensor, *args, **kwargs) -> torch.Tensor:
        logits = real(h, *args, **kwargs)
        if calls["n"] == 3:
            logits[:, 1] = 1e9
        calls["n"] += 1
        return logits

    monkeypatch.setattr(fm, "semantic_logits", end_at_step_3)
    audio = long_tts.generate("Stop soon.", voice="tiny_male", seed=0, max_seconds=10)
    assert audio.stop_reason == "end_audio"
    assert audio.frames.shape[0] == 3 and audio.samples.size == 3 * 1920
    assert calls["n"] == 4


def test_immediate_end_gives_empty_audio(long_tts: VoxtralTTS, monkeypatch: pytest.MonkeyPatch) -> None:
    fm = long_tts.model.acoustic_transformer
    real = fm.semantic_logits
    monkeypatch.setattr(
        fm, "semantic_logits", lambda h, *a, **k: real(h, *a, **k).index_fill_(1, torch.tensor([1]), 1e9)
    )
    audio = long_tts.generate("Nothing.", voice="tiny_male", seed=0)
    assert audio.samples.size == 0 and audio.stop_reason == "end_audio"
    assert list(long_tts.stream("Nothing.", voice="tiny_male", seed=0)) == []


def test_batch_rows_equal_single_requests(long_tts: VoxtralTTS, ref_wav) -> None:
    reqs = [
        Request("First one, a little longer.", voice="tiny_male", seed=1, max_seconds=1.2),
        Request("Second.", voice="tiny_female", seed=2, max_seconds=2.0),
        Request("Third, cloned.", ref_audio=ref_wav, seed=3, max_seconds=0.8),
    ]
    batch = long_tts.generate_batch(reqs)
    for r, out in zip(reqs, batch):
        single = long_tts.generate(r.text, voice=r.voice, ref_audio=r.ref_audio, seed=r.seed, max_seconds=r.max_seconds)
        assert np.array_equal(out.frames[:, 0], single.frames[:, 0])
        assert np.array_equal(out.frames, single.frames)
        assert out.samples.shape == single.samples.shape
    assert [b.frames.shape[0] for b in batch] == [15, 25, 10]


def test_rows_in_a_batch_stop_independently(long_tts: VoxtralTTS) -> None:
    reqs = [
        long_tts._request(t, "tiny_male", None, i, None, s)[0]
        for i, (t, s) in enumerate([("a b", 0.4), ("c d e", 1.0)])
    ]
    loop = FrameLoop(long_tts.model, reqs)
    produced_counts = [0, 0]
    while not loop.done:
        _, produced = loop.step()
        for i in range(2):
            produced_counts[i] += int(produced[i])
    assert produced_counts == [5, 13]
    assert loop.stop_reason == ["max_frames", "max_frames"]


@pytest.mark.parametrize("seconds", [0.3, 2.5, 5.0])
def test_stream_joins_to_the_one_shot_waveform(long_tts: VoxtralTTS, seconds: float) -> None:
    one = long_tts.generate("Streaming test sentence.", voice="tiny_female", seed=5, max_seconds=seconds)
    chunks = list(long_tts.stream("Streaming test sentence.", voice="tiny_female", seed=5, max_seconds=seconds))
    assert all(c.dtype == np.float32 for c in chunks)
    n_frames = one.frames.shape[0]
    expected_sizes = (
        [min(5, n_frames)] + [25] * ((n_frames - 5) // 25) + ([(n_frames - 5) % 25] if (n_frames - 5) % 25 else [])
    )
    if n_frames <= 5:
        expected_sizes = [n_frames]
    assert [c.size // 1920 for c in chunks] == expected_sizes
    joined = np.concatenate(chunks)
    assert joined.shape == one.samples.shape
    assert np.abs(joined - one.samples).max() < 1e-4


def test_chunked_decode_with_context_equals_unchunked(long_tts: VoxtralTTS) -> None:
    codec = long_tts.model.codec
    frames = torch.randint(2, 23, (60, 37))
    frames[:, 0] = torch.randint(2, 66, (60,))
    whole = decode_frames(codec, frames, chunk=1000)
    chunked = decode_frames(codec, frames, chunk=7)
    assert (whole - chunked).abs().max() < 1e-4
    # Without context (upstream's non-streaming chunking) the seams differ.
    assert (whole - decode_frames(codec, frames, chunk=7, context=0)).abs().max() > 1e-3
    dec = StreamDecoder(codec, first_chunk=3, chunk=4)
    parts = [p for f in frames if (p := dec.push(f)) is not None]
    parts.append(dec.flush())
    assert (torch.cat(parts) - whole).abs().max() < 1e-4
    assert len(dec.frames) <= dec.context + 4  # old frames are dropped


def test_cfg_alpha_changes_acoustics_only(long_tts: VoxtralTTS) -> None:
    a = long_tts.generate("Guidance.", voice="tiny_male", seed=9, max_seconds=0.4, cfg_alpha=1.2)
    b = long_tts.generate("Guidance.", voice="tiny_male", seed=9, max_seconds=0.4, cfg_alpha=3.0)
    assert np.array_equal(a.frames[0, 0], b.frames[0, 0])
    assert not np.array_equal(a.frames[0, 1:], b.frames[0, 1:])


def test_noise_scale_zero_makes_the_seed_irrelevant_and_bad_scales_are_named(long_tts: VoxtralTTS) -> None:
    def say(seed: int, scale: float | None) -> np.ndarray:
        return long_tts.generate("Noise.", voice="tiny_male", seed=seed, max_seconds=0.4, noise_scale=scale).frames

    assert np.array_equal(say(1, 0.0), say(2, 0.0))  # no start noise: nothing left to draw
    assert not np.array_equal(say(1, 1.0), say(2, 1.0))
    assert np.array_equal(say(1, None), say(1, 1.0))  # the reference's scale by default
    assert not np.array_equal(say(1, 0.5), say(1, 1.0))
    for bad in (-0.1, 2.5, float("nan")):
        with pytest.raises(ValueError, match="noise_scale"):
            say(1, bad)


def test_save_wav_and_flac(long_tts: VoxtralTTS, tmp_path) -> None:
    import soundfile as sf

    audio = long_tts.generate("Save me.", voice="tiny_male", seed=0, max_seconds=0.4)
    for ext in ("wav", "flac"):
        path = audio.save(tmp_path / f"out.{ext}")
        data, sr = sf.read(path)
        assert sr == 24000 and data.shape == audio.samples.shape
    with pytest.raises(ValueError, match="use .wav or .flac"):
        audio.save(tmp_path / "out.ogg")


@pytest.fixture(scope="module")
def long_tts64(long_dir) -> VoxtralTTS:
    """The same tiny model in float64. In fp32 a row's matmul results depend on how many rows share the call
    (by about 1e-7 here), which now and then moves an acoustic level by one, and an autoregressive model then
    goes its own way. In fp64 that cannot happen, so exact comparisons check the engine's bookkeeping alone."""
    return VoxtralTTS.from_pretrained(long_dir, device="cpu", dtype=torch.float64)


def test_requests_joining_and_leaving_mid_stream_get_their_solo_output(long_tts64: VoxtralTTS) -> None:
    long_tts = long_tts64
    specs = [
        ("First request here.", "tiny_male", 1, 1.0),
        ("Second one.", "tiny_female", 2, 0.6),
        ("Third.", "tiny_male", 3, 0.8),
    ]
    reqs = [long_tts._request(t, v, None, s, None, m)[0] for t, v, s, m in specs]
    solo = [long_tts.generate(t, voice=v, seed=s, max_seconds=m).frames for t, v, s, m in specs]
    engine = Engine(long_tts.model, max_batch=2, max_len=200)
    got: dict[int, list] = {0: [], 1: [], 2: []}
    pending = [0, 1, 2]
    step = 0
    while pending or engine.active:
        # Admit one request every 3 steps while a slot is free, so requests overlap at different offsets.
        if pending and engine.free_slots() and step % 3 == 0:
            k = pending.pop(0)
            engine.add(reqs[k], tag=k)
        for r in engine.step():
            if r.frame is not None:
                got[r.tag].append(r.frame.numpy())
        step += 1
    for k in range(3):
        assert np.array_equal(np.stack(got[k]), solo[k]), k


def _count_prefills(m, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The lengths of the backbone's prefill passes (frame steps are one position and not counted)."""
    prefilled: list[int] = []
    real = m.backbone.forward

    def spy(x, cache, lengths=None, rows=None):
        if x.shape[1] > 1:
            prefilled.append(x.shape[1])
        return real(x, cache, lengths=lengths, rows=rows)

    monkeypatch.setattr(m.backbone, "forward", spy)
    return prefilled


def test_a_stored_voice_prefix_gives_the_same_frames_and_prefills_only_the_text(
    long_tts64: VoxtralTTS, monkeypatch: pytest.MonkeyPatch
) -> None:
    tts, m = long_tts64, long_tts64.model
    prefilled = _count_prefills(m, monkeypatch)

    def run(engine: Engine, voice: str = "tiny_female") -> torch.Tensor:
        engine.add(tts._request("Same voice, new words.", voice, None, 5, None, 0.8)[0])
        frames = []
        while engine.active:
            frames += [r.frame for r in engine.step() if r.frame is not None]
        return torch.stack(frames)

    req = tts._request("Same voice, new words.", "tiny_female", None, 5, None, 0.8)[0]
    voice, text = req.prefix, req.prompt.shape[0] - req.prefix
    with torch.inference_mode():
        whole = run(Engine(m, 2, 256, prefix_cache=0))
        engine = Engine(m, 2, 256, prefix_cache=1)
        prefilled.clear()
        miss = run(engine)
        assert prefilled == [voice, text]
        prefilled.clear()
        hit = run(engine)
        assert prefilled == [text]  # the voice came from the store
        assert torch.equal(hit, miss) and torch.equal(miss, whole)
        other = run(engine, voice="tiny_male")
        assert not torch.equal(other, miss)
        prefilled.clear()
        run(engine)  # a store of one: the male voice pushed the female one out
        assert prefilled == [voice, text] and len(engine.prefixes) == 1


def test_a_request_without_a_voice_key_is_stored_by_its_embeddings(
    long_tts64: VoxtralTTS, monkeypatch: pytest.MonkeyPatch
) -> None:
    tts, m = long_tts64, long_tts64.model
    prefills = _count_prefills(m, monkeypatch)
    keyed = tts._request("Same voice, new words.", "tiny_female", None, 5, None, 0.8)[0]
    got = []
    with torch.inference_mode():
        engine = Engine(m, 2, 256, prefix_cache=4)
        for key in (keyed.prefix_key, None, None):
            engine.add(dataclasses.replace(keyed, prefix_key=key, generator=torch.Generator().manual_seed(5)))
            frames = []
            while engine.active:
                frames += [r.frame for r in engine.step() if r.frame is not None]
            got.append(torch.stack(frames))
    # The two kinds of key never meet (the first bare request prefilled its voice), and the second bare
    # request found the first one's entry.
    assert len(prefills) == 5 and len(engine.prefixes) == 2
    assert torch.equal(got[0], got[1]) and torch.equal(got[1], got[2])


def test_voice_key_names_the_content_and_hashes_a_tensor_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bytes] = []
    real = generate._digest
    monkeypatch.setattr(generate, "_digest", lambda tag, t: calls.append(tag) or real(tag, t))
    rows = torch.randn(6, 16).to(torch.bfloat16)
    key = voice_key(rows)
    assert voice_key(rows) == key and len(calls) == 1  # remembered for the same tensor
    assert voice_key(rows.clone()) == key and len(calls) == 2  # a copy: hashed, and the same name
    changed = rows.clone()
    changed[3, 7] += 1
    assert voice_key(changed) != key
    assert voice_key(rows.float()) != key  # another dtype embeds differently
    assert voice_key(rows[:5]) != key
