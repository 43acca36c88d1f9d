"""Checkpoint I/O in the official layout, and the errors malformed checkpoints give."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

from voxtral_tts import CheckpointError, EncoderMissingError, VoiceError, VoxtralTTS
from voxtral_tts.checkpoint import load_model, official_state_dict, save_model
from voxtral_tts.tiny import make_tiny_checkpoint

WEIGHTS = "consolidated.safetensors"


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def test_files_are_in_the_official_layout(tiny_dir: Path) -> None:
    assert sorted(p.name for p in tiny_dir.iterdir()) == [WEIGHTS, "params.json", "tekken.json", "voice_embedding"]
    voice = torch.load(tiny_dir / "voice_embedding" / "tiny_male.pt", weights_only=True)
    assert voice.dtype == torch.bfloat16 and voice.shape == (4, 64)


def test_save_load_round_trip_is_exact(tiny_dir: Path, tmp_path: Path) -> None:
    _, model = load_model(tiny_dir)
    original = load_file(str(tiny_dir / WEIGHTS))
    assert set(original) == set(official_state_dict(model))
    for name, t in official_state_dict(model).items():
        assert torch.equal(t, original[name]), name
    voices = {"a": torch.randn(3, 64), "b": torch.randn(5, 64)}
    out = save_model(tmp_path / "copy", model, tiny_dir / "tekken.json", voices=voices, dtype=torch.float32)
    _, again = load_model(out)
    for (n1, t1), (n2, t2) in zip(official_state_dict(model).items(), official_state_dict(again).items()):
        assert n1 == n2 and torch.equal(t1, t2)
    tts = VoxtralTTS.from_pretrained(out)
    assert tts.voices() == ["a", "b"]
    assert tts.args.codec.voice == {"a": 0, "b": 1}
    assert torch.equal(tts.voice_bank.rows("b"), voices["b"].to(torch.bfloat16))


def test_bf16_checkpoint_loads_in_any_dtype(tiny_dir: Path, tmp_path: Path) -> None:
    _, model = load_model(tiny_dir)
    out = save_model(tmp_path / "bf16", model, tiny_dir / "tekken.json", dtype=torch.bfloat16)
    assert all(t.dtype == torch.bfloat16 for t in load_file(str(out / WEIGHTS)).values())
    _, m32 = load_model(out, dtype=torch.float32)
    _, m16 = load_model(out, dtype=torch.bfloat16)
    assert m32.dtype == torch.float32 and m16.dtype == torch.bfloat16
    w = model.backbone.layers[0].attention.wq.weight
    torch.testing.assert_close(m32.backbone.layers[0].attention.wq.weight, w.to(torch.bfloat16).float())


def test_corrupt_safetensors(tiny_dir: Path, tmp_path: Path) -> None:
    d = _copy(tiny_dir, tmp_path / "m")
    (d / WEIGHTS).write_bytes(b"\x00\x01garbage" * 10)
    with pytest.raises(CheckpointError, match="corrupt or truncated") as e:
        load_model(d)
    assert str(d / WEIGHTS) in str(e.value)


def test_truncated_safetensors(tiny_dir: Path, tmp_path: Path) -> None:
    d = _copy(tiny_dir, tmp_path / "m")
    data = (d / WEIGHTS).read_bytes()
    (d / WEIGHTS).write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="corrupt or truncated"):
        load_model(d)


def test_missing_unexpected_and_misshaped_tensors_are_listed_together(tiny_dir: Path, tmp_path: Path) -> None:
    d = _copy(tiny_dir, tmp_path / "m")
    state = load_file(str(d / WEIGHTS))
    del state["layers.1.attention.wq.weight"]
    del state["norm.weight"]
    state["output.weight"] = torch.zeros(2, 2)
    state["layers.0.feed_forward.w1.weight"] = torch.zeros(3, 64)
    save_file(state, str(d / WEIGHTS))
    with pytest.raises(CheckpointError) as e:
        load_model(d)
    msg = str(e.value)
    assert "2 missing (layers.1.attention.wq.weight, norm.weight)" in msg
    assert "1 unexpected (output.weight)" in msg
    assert "layers.0.feed_forward.w1.weight [3, 64] != [128, 64]" in msg
    assert "\n" not in msg


def test_partial_encoder_is_an_error_not_a_silent_fallback(tiny_dir: Path, tmp_path: Path) -> None:
    d = _copy(tiny_dir, tmp_path / "m")
    state = load_file(str(d / WEIGHTS))
    for k in [k for k in state if k.startswith("audio_tokenizer.encoder_blocks.3")]:
        del state[k]
    save_file(state, str(d / WEIGHTS))
    with pytest.raises(CheckpointError, match="missing .*encoder_blocks.3"):
        load_model(d)


def test_missing_files(tiny_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match="model folder not found"):
        VoxtralTTS.from_pretrained(tmp_path / "nowhere")
    for name, pattern in [
        ("params.json", "needs params.json"),
        ("tekken.json", "needs tekken.json"),
        (WEIGHTS, WEIGHTS),
    ]:
        d = _copy(tiny_dir, tmp_path / name)
        (d / name).unlink()
        with pytest.raises(CheckpointError, match=pattern):
            VoxtralTTS.from_pretrained(d)


def test_malformed_tokenizer(tiny_dir: Path, tmp_path: Path) -> None:
    d = _copy(tiny_dir, tmp_path / "m")
    (d / "tekken.json").write_text('{"config": {}}')
    with pytest.raises(CheckpointError, match="tekken.json: not a usable tekken tokenizer"):
        VoxtralTTS.from_pretrained(d)


def test_no_encoder_checkpoint_serves_presets_and_explains_cloning(tiny_no_encoder_dir: Path, ref_wav: Path) -> None:
    names = load_file(str(tiny_no_encoder_dir / WEIGHTS)).keys()
    assert not any(k.startswith(("audio_tokenizer.input_proj", "audio_tokenizer.encoder_blocks")) for k in names)
    tts = VoxtralTTS.from_pretrained(tiny_no_encoder_dir)
    assert not tts.can_clone
    audio = tts.generate("Hello.", voice="tiny_female", seed=0, max_seconds=1)
    assert audio.samples.size > 0 or audio.stop_reason == "end_audio"
    with pytest.raises(EncoderMissingError, match="no codec encoder weights"):
        tts.generate("Hello.", ref_audio=ref_wav)


def test_voice_file_problems(tiny_dir: Path, tmp_path: Path) -> None:
    d = _copy(tiny_dir, tmp_path / "m")
    torch.save(torch.zeros(5, 64), d / "voice_embedding" / "tiny_male.pt")  # tekken says N = 4
    (d / "voice_embedding" / "tiny_female.pt").write_bytes(b"not a torch file")
    tts = VoxtralTTS.from_pretrained(d)
    with pytest.raises(VoiceError, match=r"shape \[5, 64\] does not match \[N=4"):
        tts.generate("Hi", voice="tiny_male")
    with pytest.raises(VoiceError, match="cannot read voice embedding"):
        tts.generate("Hi", voice="tiny_female")


def test_tiny_checkpoints_are_reproducible(tmp_path: Path) -> None:
    a = load_file(str(make_tiny_checkpoint(tmp_path / "a", seed=5) / WEIGHTS))
    b = load_file(str(make_tiny_checkpoint(tmp_path / "b", seed=5) / WEIGHTS))
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_a_pinned_codec_prompts_with_true_envelopes_and_its_file_travels(tiny_dir: Path, tmp_path: Path) -> None:
    from voxtral_tts.config import END_AUDIO
    from voxtral_tts.model.envelope import PINNED_FILE, PinnedLatent
    from voxtral_tts.model.quantizers import fsq_levels

    folder = _copy(tiny_dir, tmp_path / "m")
    args, model = load_model(folder)
    assert model.pinned is None
    c = args.codec
    pin = PinnedLatent(c.samples_per_frame, 4, c.acoustic_dim // 4)
    t = torch.arange(c.samples_per_frame * 6) / c.sampling_rate
    wave = 0.2 * torch.sin(2 * torch.pi * 220 * t) * torch.linspace(0, 1, t.numel())
    want = fsq_levels(pin(wave[None], 6)[0].T, c.acoustic_codebook_size) + 2  # also sets the statistics
    model.use_pinned(pin)
    save_model(folder, model, folder / "tekken.json")
    _, again = load_model(folder)
    assert again.pinned is not None
    assert set(again.state_dict()) == set(load_model(tiny_dir)[1].state_dict())  # the official tensors only
    prompt, plain = again.reference_codes(wave), again.audio_codes(wave, envelope=False)
    assert prompt.shape == (7, 37) and int(prompt[-1, 0]) == END_AUDIO
    assert torch.equal(prompt[:-1, 0], plain[:, 0])  # the semantic code is the encoder's
    assert torch.equal(prompt[:-1, 1:], want) and not torch.equal(plain[:, 1:], want)

    (folder / PINNED_FILE).write_text("{")
    with pytest.raises(CheckpointError, match=PINNED_FILE):
        load_model(folder)
    (folder / PINNED_FILE).write_text(PinnedLatent(c.samples_per_frame, 4, 8).to_json())
    with pytest.raises(CheckpointError, match="do not fit"):
        load_model(folder)
    again.use_pinned(None)  # a model saved without one must not keep a stale file
    save_model(folder, again, folder / "tekken.json")
    assert not (folder / PINNED_FILE).exists() and load_model(folder)[1].pinned is None


def test_saved_weights_are_as_readable_as_the_umask_allows(tiny_dir: Path, tmp_path: Path) -> None:
    import os

    _, model = load_model(tiny_dir)
    old = os.umask(0o022)
    try:
        out = save_model(tmp_path / "m", model, tiny_dir / "tekken.json", voices={})
    finally:
        os.umask(old)
    # safetensors alone creates 0600: a model exported by one user could not be served by another
    assert (out / WEIGHTS).stat().st_mode & 0o777 == 0o644
    assert (out / WEIGHTS).stat().st_mode & 0o777 == (out / "params.json").stat().st_mode & 0o777
