"""Training: each trainer learns, resumes exactly, runs under torchrun, and exports a usable model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import torch
import torch.nn.functional as F
from safetensors.torch import load_file

from voxtral_tts import CheckpointError, VoxtralTTS
from voxtral_tts.checkpoint import load_model
from voxtral_tts.errors import VoxtralError
from voxtral_tts.train.codec_run import build_codec_model, train_codec
from voxtral_tts.train.config import (
    LM_PRESETS,
    CodecConfig,
    CodecDataConfig,
    CodecLossConfig,
    ConfigError,
    LMConfig,
    LMDataConfig,
    OptimConfig,
    RunConfig,
    dump_config,
    lm_params,
    load_config,
)
from voxtral_tts.train.export import export_run
from voxtral_tts.train.lm import FrameItem, noisy_history, prompt_ids
from voxtral_tts.train.lm_run import train_lm
from voxtral_tts.train.loop import load_state


def _metrics(run: Path) -> list[dict]:
    return [json.loads(x) for x in (run / "metrics.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def corpus() -> list[FrameItem]:
    """Frames with learnable structure: each speaker's semantic tokens follow its own cycle."""
    rng = np.random.default_rng(0)
    items = []
    for i in range(12):
        T = int(rng.integers(20, 36))
        c = np.zeros((T, 37), np.int16)
        c[:, 0] = 2 + (np.arange(T) * (i % 3 + 1)) % 64
        c[:, 1:] = 2 + (np.arange(T)[:, None] + np.arange(36) * (i % 3)) % 21
        items.append(FrameItem(c, f"utterance number {i}", f"spk{i % 3}", "en"))
    return items


def lm_config(out: Path, codec: Path, steps: int = 30) -> LMConfig:
    return LMConfig(
        run=RunConfig(out_dir=str(out), steps=steps, batch_size=4, log_every=100, ckpt_every=10, seed=3),
        optim=OptimConfig(lr=3e-3, warmup_steps=5),
        data=LMDataConfig(min_ref_frames=4, max_ref_frames=8),
        codec=str(codec),
    )


def test_training_prompt_equals_the_inference_prompt(tts: VoxtralTTS) -> None:
    text = "Same prompt, twice."
    assert prompt_ids(tts.tokenizer.text_ids(text), 6) == tts.tokenizer.speech_ids(text, voice="tiny_female")


def test_lm_loss_falls(tiny_dir: Path, tmp_path: Path, corpus) -> None:
    run = train_lm(lm_config(tmp_path / "lm", tiny_dir, steps=40), corpus=corpus)
    m = _metrics(run)
    first, last = np.mean([r["ce"] for r in m[:5]]), np.mean([r["ce"] for r in m[-5:]])
    assert last < 0.7 * first, (first, last)
    assert np.mean([r["fm"] for r in m[-5:]]) < np.mean([r["fm"] for r in m[:5]])


def test_lm_logs_held_out_losses_without_changing_its_training(tiny_dir: Path, tmp_path: Path, corpus) -> None:
    plain = _metrics(train_lm(lm_config(tmp_path / "plain", tiny_dir, steps=12), corpus=corpus))
    held = [FrameItem(it.codes[::-1].copy(), f"a sentence never trained on {k}", it.speaker, "en")
            for k, it in enumerate(corpus[:5])]  # fmt: skip
    cfg = lm_config(tmp_path / "val", tiny_dir, steps=12)
    cfg.data.val_every, cfg.data.val_items = 5, 4
    m = _metrics(train_lm(cfg, corpus=corpus, val_corpus=held))
    assert [r["step"] for r in m if "val_ce" in r] == [5, 10]
    assert all(np.isfinite(r["val_ce"]) and 0 <= r["val_acc"] <= 1 for r in m if "val_ce" in r)
    assert m[4]["val_ce"] != m[9]["val_ce"]  # the model moved; the held-out items and noise did not
    for a, b in zip(plain, m):  # the held-out pass draws on its own random state
        assert a["ce"] == b["ce"] and a["fm"] == b["fm"]
    # best.pt keeps the weights of the lowest held-out loss, for `export --best`; last.pt remembers the mark
    vals = {r["step"]: r["val_ce"] for r in m if "val_ce" in r}
    best_step = min(vals, key=vals.get)
    best = load_state(tmp_path / "val" / "best.pt")
    assert best["step"] == best_step and best["val_ce"] == pytest.approx(vals[best_step])
    assert load_state(tmp_path / "val" / "last.pt")["best_value"] == pytest.approx(vals[best_step])
    out = export_run(tmp_path / "val", tmp_path / "best-model", best=True)
    assert json.loads((out / "training.json").read_text())["steps"] == best_step
    last = load_state(tmp_path / "val" / "last.pt")["model"]["backbone.norm.weight"]
    assert not torch.equal(last, best["model"]["backbone.norm.weight"])  # steps 5 or 10, not the last (12)
    with pytest.raises(CheckpointError, match="best.pt: not there; no held-out losses"):
        export_run(tmp_path / "plain", tmp_path / "nothing", best=True)
    # best_by: val_fm picks the step of the lowest held-out flow-matching loss instead
    cfg = lm_config(tmp_path / "by-fm", tiny_dir, steps=12)
    cfg.data.val_every, cfg.data.val_items, cfg.best_by = 5, 4, "val_fm"
    m = _metrics(train_lm(cfg, corpus=corpus, val_corpus=held))
    fms = {r["step"]: r["val_fm"] for r in m if "val_fm" in r}
    assert load_state(tmp_path / "by-fm" / "best.pt")["step"] == min(fms, key=fms.get)
    cfg.best_by = "val_wer"
    with pytest.raises(ConfigError, match="best_by is 'val_wer'; choose one of val_ce, val_fm"):
        train_lm(cfg, corpus=corpus, val_corpus=held)


def test_lm_resume_matches_uninterrupted_run(tiny_dir: Path, tmp_path: Path, corpus) -> None:
    full = train_lm(lm_config(tmp_path / "full", tiny_dir, steps=12), corpus=corpus)
    part = lm_config(tmp_path / "part", tiny_dir, steps=12)
    train_lm(part, stop_after=7, corpus=corpus)  # an interrupted run: the checkpoint is at step 7
    assert load_state(tmp_path / "part" / "last.pt")["step"] == 7
    train_lm(part, corpus=corpus)
    a = load_state(full / "last.pt")["model"]
    b = load_state(tmp_path / "part" / "last.pt")["model"]
    assert a.keys() == b.keys()
    for k in a:
        assert torch.equal(a[k], b[k]), k


def test_time_budget_stops_with_a_checkpoint_and_the_next_piece_resumes(tiny_dir: Path, tmp_path: Path, corpus) -> None:
    cfg = lm_config(tmp_path / "lm", tiny_dir, steps=12)
    cfg.run.max_minutes = 1e-9  # spent after the first step
    train_lm(cfg, corpus=corpus)
    assert load_state(tmp_path / "lm" / "last.pt")["step"] == 1
    cfg.run.max_minutes = 0.0
    train_lm(cfg, corpus=corpus)
    assert load_state(tmp_path / "lm" / "last.pt")["step"] == 12


def test_lm_trains_from_params_alone_and_resumes_without_optimizer_state(
    tiny_dir: Path, tmp_path: Path, corpus
) -> None:
    # A run elsewhere carries neither the codec's weights nor Adam's moments (recipes/default/gpu_piece.py).
    codec = tmp_path / "codec"
    codec.mkdir()
    for name in ("params.json", "tekken.json"):
        (codec / name).write_bytes((tiny_dir / name).read_bytes())
    cfg = lm_config(tmp_path / "lm", codec, steps=8)
    cfg.codec_weights = False
    cfg.optim.rewarm_steps = 4
    train_lm(cfg, stop_after=4, corpus=corpus)
    state = load_state(tmp_path / "lm" / "last.pt")
    del state["optim"]
    torch.save(state, tmp_path / "lm" / "last.pt")
    train_lm(cfg, corpus=corpus)
    m = _metrics(tmp_path / "lm")
    assert [r["step"] for r in m] == list(range(1, 9))
    full = lm_config(tmp_path / "ref", codec, steps=8)
    lr5 = m[4]["lr"]  # step index 4, the first after the resume: a quarter of the schedule's lr
    from voxtral_tts.train.loop import lr_at

    assert abs(lr5 - lr_at(4, 8, full.optim) / 4) < 1e-9
    assert abs(m[7]["lr"] - lr_at(7, 8, full.optim)) < 1e-9


def test_lm_export_speaks(tiny_dir: Path, tmp_path: Path, corpus, ref_wav: Path) -> None:
    run = train_lm(lm_config(tmp_path / "lm", tiny_dir, steps=3), corpus=corpus)
    out = export_run(run, tmp_path / "model")
    weights = load_file(str(out / "consolidated.safetensors"))
    trained = load_state(run / "last.pt")["model"]
    torch.testing.assert_close(
        weights["layers.0.attention.wq.weight"].float(),
        trained["backbone.layers.0.attention.wq.weight"].to(torch.bfloat16).float(),
    )
    # The codec is the frozen one the frames came from.
    codec = load_file(str(tiny_dir / "consolidated.safetensors"))
    key = "audio_tokenizer.decoder_blocks.1.layers.0.attention.wq.weight"
    assert torch.equal(weights[key], codec[key].to(torch.bfloat16))
    tts = VoxtralTTS.from_pretrained(out)
    assert tts.voices() == []
    tts.create_voice("newvoice", ref_wav)
    assert VoxtralTTS.from_pretrained(out).voices() == ["newvoice"]
    audio = tts.generate("Hello from a trained model.", voice="newvoice", seed=0, max_seconds=1)
    assert audio.sample_rate == 24000 and np.isfinite(audio.samples).all()


def _write_corpus(folder: Path, n: int = 6, seconds: float = 1.5) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    rows = []
    for i in range(n):
        t = np.arange(int(24000 * seconds)) / 24000
        f0 = 110 + 25 * i
        w = 0.3 * np.sign(np.sin(2 * np.pi * f0 * t)) * (
            0.5 + 0.5 * np.sin(2 * np.pi * 3 * t)
        ) + 0.01 * rng.standard_normal(t.size)
        p = folder / f"{i}.flac"
        sf.write(p, w.astype(np.float32), 24000)
        rows.append(
            {
                "id": f"c{i}",
                "audio": p.name,
                "text": f"clip {i}",
                "speaker": f"s{i % 2}",
                "language": "en",
                "duration": seconds,
            }
        )
    manifest = folder / "manifest.jsonl"
    manifest.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return manifest


def codec_config(out: Path, manifest: Path, steps: int, **loss) -> CodecConfig:
    kw = dict(teacher="mel", disc_start=10_000, stft_scales=[512, 256, 128], disc_scales=[256, 128], disc_channels=8)
    kw.update(loss)
    return CodecConfig(
        run=RunConfig(out_dir=str(out), steps=steps, batch_size=3, log_every=100, ckpt_every=5, seed=1),
        optim=OptimConfig(lr=2e-3, warmup_steps=3),
        data=CodecDataConfig(manifest=str(manifest), segment_seconds=0.48),
        loss=CodecLossConfig(**kw),
    )


def test_codec_loss_falls_and_export_clones(tmp_path: Path) -> None:
    manifest = _write_corpus(tmp_path / "data")
    run = train_codec(codec_config(tmp_path / "codec", manifest, steps=30))
    m = _metrics(run)
    assert np.mean([r["mel"] for r in m[-5:]]) < 0.8 * np.mean([r["mel"] for r in m[:5]])
    assert all(np.isfinite(r["distill"]) for r in m)
    out = export_run(run, tmp_path / "model")
    tts = VoxtralTTS.from_pretrained(out)
    assert tts.can_clone
    audio = tts.generate("Clone me.", ref_audio=tmp_path / "data" / "0.flac", seed=0, max_seconds=0.5)
    assert np.isfinite(audio.samples).all()


def test_codec_encoder_freeze_keeps_the_codes_and_needs_no_teacher(tmp_path: Path, monkeypatch) -> None:
    manifest = _write_corpus(tmp_path / "data")
    cfg = codec_config(tmp_path / "codec", manifest, steps=4, freeze_encoder_at=3)
    cfg.run.ckpt_every = 3
    train_codec(cfg, stop_after=3)
    before = load_state(tmp_path / "codec" / "last.pt")["model"]
    import voxtral_tts.train.codec_run as codec_run

    def no_teacher(*a, **k):
        raise AssertionError("a run past the freeze must not load the teacher")

    monkeypatch.setattr(codec_run, "make_teacher", no_teacher)
    cfg.run.steps = 7
    train_codec(cfg)
    after = load_state(tmp_path / "codec" / "last.pt")["model"]
    encoder = ("codec.input_proj.", "codec.encoder_blocks.", "codec.quantizer.")
    for k in before:
        same = torch.equal(before[k], after[k])
        assert same if k.startswith(encoder) else True, k
    assert any(not torch.equal(before[k], after[k]) for k in before if k.startswith("codec.decoder")), "decoder trains"

    # Carried without optimizer state (a GPU piece), it resumes with fresh moments and a re-warmed lr.
    state = load_state(tmp_path / "codec" / "last.pt")
    del state["optim"], state["optim_d"]
    torch.save(state, tmp_path / "codec" / "last.pt")
    cfg.run.steps, cfg.optim.rewarm_steps = 9, 4
    # Once frozen, always frozen: a config that now freezes later must not thaw the encoder under the frames.
    cfg.loss.freeze_encoder_at = 50
    train_codec(cfg)
    m = _metrics(tmp_path / "codec")
    assert m[-1]["step"] == 9
    final = load_state(tmp_path / "codec" / "last.pt")
    assert final["frozen_at"] == 3
    assert all(torch.equal(before[k], final["model"][k]) for k in before if k.startswith(encoder))


def test_codec_discriminator_phase_runs_and_resumes(tmp_path: Path) -> None:
    manifest = _write_corpus(tmp_path / "data", n=3, seconds=1.0)
    cfg = codec_config(tmp_path / "codec", manifest, steps=4, disc_start=2)
    train_codec(cfg, stop_after=2)
    train_codec(cfg)
    m = _metrics(tmp_path / "codec")
    assert [r["step"] for r in m] == [1, 2, 3, 4]
    assert "disc" in m[-1] and "feat" in m[-1] and "disc" not in m[0]
    full = train_codec(codec_config(tmp_path / "full", manifest, steps=4, disc_start=2))
    a, b = load_state(tmp_path / "codec" / "last.pt"), load_state(full / "last.pt")
    for k in a["model"]:
        assert torch.equal(a["model"][k], b["model"][k]), k


def test_encoder_only_training_keeps_the_decoder_and_unlocks_cloning(tiny_no_encoder_dir: Path, tmp_path: Path) -> None:
    manifest = _write_corpus(tmp_path / "data", n=3, seconds=1.0)
    cfg = codec_config(tmp_path / "enc", manifest, steps=6)
    cfg.decoder_from = str(tiny_no_encoder_dir)
    run = train_codec(cfg)
    out = export_run(run, tmp_path / "model", dtype=torch.float32)
    before = load_file(str(tiny_no_encoder_dir / "consolidated.safetensors"))
    after = load_file(str(out / "consolidated.safetensors"))
    assert set(after) - set(before) and all(k.startswith("audio_tokenizer.") for k in set(after) - set(before))
    for k in before:
        assert torch.equal(before[k], after[k]), k  # decoder, codebook, LM and embeddings untouched
    tts = VoxtralTTS.from_pretrained(out)
    assert tts.can_clone and tts.voices() == ["tiny_female", "tiny_male"]


def test_yaml_config_and_overrides(tmp_path: Path) -> None:
    cfg = lm_config(tmp_path / "r", tmp_path, steps=5)
    dump_config(cfg, tmp_path / "c.yaml")
    again = load_config(LMConfig, tmp_path / "c.yaml", ["run.steps=9", "optim.lr=0.01"])
    assert again.run.steps == 9 and again.optim.lr == 0.01 and again.optim.betas == (0.9, 0.95)
    (tmp_path / "bad.yaml").write_text("run:\n  stepz: 3\n")
    with pytest.raises(ConfigError, match="run: unknown key.*stepz"):
        load_config(LMConfig, tmp_path / "bad.yaml")
    with pytest.raises(ConfigError, match="not found"):
        load_config(LMConfig, tmp_path / "none.yaml")


@pytest.mark.parametrize("preset", list(LM_PRESETS))
def test_every_lm_preset_gives_a_loadable_params_json(preset: str) -> None:
    import copy

    from voxtral_tts.config import ModelArgs
    from voxtral_tts.tiny import TINY_PARAMS

    p = lm_params(preset, copy.deepcopy(TINY_PARAMS), TINY_PARAMS["vocab_size"])
    args = ModelArgs.from_dict(p)
    at = p["multimodal"]["audio_model_args"]["acoustic_transformer_args"]
    # Upstream builds the flow-matching head on the backbone's width; a preset that broke that would not load there.
    assert at["input_dim"] == at["dim"] == args.backbone.dim == LM_PRESETS[preset]["dim"]
    assert p["multimodal"]["audio_tokenizer_args"] == TINY_PARAMS["multimodal"]["audio_tokenizer_args"]


def test_torchrun_two_processes_on_cpu(tiny_dir: Path, tmp_path: Path) -> None:
    from voxtral_tts.data.encode import encode_manifest

    manifest = _write_corpus(tmp_path / "data", n=4, seconds=1.0)
    encode_manifest(tiny_dir, manifest, tmp_path / "frames", device="cpu", progress=False)
    cfg = lm_config(tmp_path / "ddp", tiny_dir, steps=3)
    cfg.data.frames = str(tmp_path / "frames")
    dump_config(cfg, tmp_path / "ddp.yaml")
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_port", "29517"]
    cmd += ["-m", "voxtral_tts.cli", "train", "lm", "--config", str(tmp_path / "ddp.yaml")]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    state = load_state(tmp_path / "ddp" / "last.pt")
    assert state["step"] == 3 and len(state["sampler"]) == 2


def test_lm_export_can_take_a_later_decoder(tiny_dir: Path, tmp_path: Path, corpus) -> None:
    import shutil

    from safetensors.torch import save_file

    from voxtral_tts.train.lm_run import export_lm

    run = train_lm(lm_config(tmp_path / "lm", tiny_dir, steps=2), corpus=corpus)
    later = tmp_path / "codec-later"
    shutil.copytree(tiny_dir, later)
    weights = load_file(str(later / "consolidated.safetensors"))
    key = "audio_tokenizer.decoder_blocks.1.layers.0.attention.wq.weight"
    weights[key] = weights[key] + 1
    save_file(weights, str(later / "consolidated.safetensors"))
    out = load_file(str(export_lm(run, tmp_path / "model", codec=later) / "consolidated.safetensors"))
    assert torch.equal(out[key], weights[key].to(torch.bfloat16))
    default = load_file(str(export_lm(run, tmp_path / "model2") / "consolidated.safetensors"))
    assert not torch.equal(default[key], out[key])


def test_lm_refuses_frames_from_another_codec(tiny_dir: Path, tmp_path: Path) -> None:
    from voxtral_tts.data.frames import write_frames
    from voxtral_tts.data.manifest import DataError

    write_frames(tmp_path / "frames", [(np.full((12, 37), 3, np.int16), "text", "s", "en")] * 3)
    cfg = lm_config(tmp_path / "lm", tiny_dir, steps=2)
    cfg.data.frames = str(tmp_path / "frames")
    with pytest.raises(DataError, match="encode them again"):
        train_lm(cfg)


@pytest.mark.parametrize("path", sorted(Path(__file__).parent.parent.glob("configs/*.yaml")), ids=lambda p: p.name)
def test_shipped_configs_parse(path: Path) -> None:
    cfg = load_config(LMConfig if path.name.startswith("lm-") else CodecConfig, path)
    assert cfg.run.steps > 0


def test_packed_teacher_features_equal_per_clip_features_for_a_framewise_teacher() -> None:
    from voxtral_tts.train.teachers import packed_features

    class Framewise:
        name, dim = "fw", 2

        def features(self, wave: np.ndarray) -> np.ndarray:  # one row per 480 samples: mean and index
            n = -(-len(wave) // 480)
            padded = np.pad(wave, (0, n * 480 - len(wave)))
            return np.stack([padded.reshape(n, 480).mean(1), np.zeros(n)], 1).astype(np.float32)

    rng = np.random.default_rng(0)
    waves = [rng.standard_normal(int(rng.integers(1000, 60000))).astype(np.float32) for _ in range(9)]
    waves.append(rng.standard_normal(24000 * 31).astype(np.float32))  # longer than a window
    packed = packed_features(Framewise(), waves, window_s=2.0)
    for w, f in zip(waves, packed):
        np.testing.assert_allclose(f, Framewise().features(w), atol=1e-6)


def test_codec_eval_reports_per_language(tiny_dir: Path, tmp_path: Path) -> None:
    from voxtral_tts.train.codec_eval import evaluate_codec, format_table

    manifest = _write_corpus(tmp_path / "data", n=3, seconds=1.0)
    result = evaluate_codec(tiny_dir, manifest, tmp_path / "eval", limit=3, asr="none", speaker="none")
    assert result["all"]["n"] == 3 and result["en"]["mel"] > 0 and result["all"]["wer_codec"] is None
    assert len(list((tmp_path / "eval" / "audio").glob("*.wav"))) == 3
    assert "| all | 3 |" in format_table(result)
    quantized = {p.name: sf.read(p)[0] for p in (tmp_path / "eval" / "audio").glob("*.wav")}
    raw = evaluate_codec(tiny_dir, manifest, tmp_path / "raw", limit=3, asr="none", speaker="none", unquantized=True)
    assert raw["unquantized"] and "WER autoencoder (unquantized)" in format_table(raw)
    for path in (tmp_path / "raw" / "audio").glob("*.wav"):
        assert not np.allclose(sf.read(path)[0], quantized[path.name], atol=1e-4)  # the codes were skipped


def test_codec_warm_start_widens_the_latent_and_the_wider_model_speaks(tmp_path: Path) -> None:
    manifest = _write_corpus(tmp_path / "data")
    src = export_run(train_codec(codec_config(tmp_path / "narrow", manifest, steps=6)), tmp_path / "narrow-model")
    cfg = codec_config(tmp_path / "wide", manifest, steps=6)
    cfg.overrides, cfg.warm_from = {"acoustic_dim": 72}, str(src)
    model, _ = build_codec_model(cfg, tmp_path / "wide")
    _, narrow = load_model(src)
    wide, old = model.codec.eval(), narrow.codec.eval()
    assert wide.args.acoustic_dim == 72 and old.args.acoustic_dim == 36
    # The grown decoder ignores the new latent values until it learns them, so it starts where the narrow one was.
    z = torch.randn(1, old.args.latent_dim, 5)
    z_wide = torch.cat([z, torch.randn(1, 36, 5)], dim=1)
    with torch.no_grad():
        assert torch.allclose(wide.decode_latent(z_wide), old.decode_latent(z), atol=1e-5)
        wave = torch.randn(1, 24000)
        assert torch.allclose(wide.encode_latent(wave)[:, : old.args.latent_dim], old.encode_latent(wave), atol=1e-5)
    out = export_run(train_codec(cfg), tmp_path / "wide-model")
    tts = VoxtralTTS.from_pretrained(out)
    assert json.loads((out / "params.json").read_text())["multimodal"]["audio_model_args"]["n_acoustic_codebook"] == 72
    from voxtral_tts.generate import Engine

    # Random weights may end at once; forced to its limit, the frame loop must carry 1 + 72 codes a frame.
    req = tts._request("Wider frames.", None, tmp_path / "data" / "0.flac", 0, None, 0.5)[0]
    engine = Engine(tts.model, max_batch=1, max_len=400, allow_end=False)
    engine.add(req)
    frames = []
    while engine.active:
        frames += [r.frame for r in engine.step() if r.frame is not None]
    codes = torch.stack(frames)
    assert codes.shape[1] == 73 and len(frames) > 1
    assert int(codes[:, 1:].min()) >= 2 and int(codes[:, 1:].max()) < 2 + 21
    wave = tts.model.codec.decode((codes - 2).T[None])
    assert wave.shape[-1] == len(frames) * 1920 and torch.isfinite(wave).all()


def test_envelope_probe_learns_and_can_join_or_leave_a_running_codec(tmp_path: Path, capsys) -> None:
    from voxtral_tts.train.losses import EnvelopeProbe

    probe = EnvelopeProbe(acoustic_dim=8, samples_per_frame=1920, subframes=4, bands=12)
    wave = torch.randn(2, 1920 * 5)
    assert probe.target(wave, 5).shape == (2, 5, 4 * 12)
    manifest = _write_corpus(tmp_path / "data")
    # No distillation, whose standardised targets pull on the same small latent; steps enough that the fall
    # stands well clear of the batch-to-batch noise (about 0.1 per step).
    cfg = codec_config(tmp_path / "codec", manifest, steps=150, envelope_weight=1.0, distill_weight=0.0)
    train_codec(cfg)
    env = [r["envelope"] for r in _metrics(tmp_path / "codec")]
    assert len(env) == 150 and np.mean(env[-20:]) < 0.88 * np.mean(env[:20])
    assert load_state(tmp_path / "codec" / "last.pt")["envelope"] is not None
    cfg.run.steps, cfg.loss.envelope_weight = 153, 0.0
    train_codec(cfg)  # resumed without the probe the checkpoint has: fresh moments, no crash
    assert "fresh optimizer moments" in capsys.readouterr().out
    assert _metrics(tmp_path / "codec")[-1]["step"] == 153


def test_head_spectrum_loss_reads_the_heads_own_framing() -> None:
    from voxtral_tts.train.losses import HeadSpectrumLoss, head_frames_mag

    n_fft, hop, S = 256, 64, 30
    wave = torch.randn(2, S * hop) * 0.1
    mag = head_frames_mag(wave, n_fft, hop, S)
    assert mag.shape == (2, n_fft // 2 + 1, S)
    loss = HeadSpectrumLoss(n_fft, hop, n_mels=20)
    phase = torch.rand_like(mag)  # the loss judges each window's magnitude, whatever its phase
    exact = torch.cat([mag.clamp(min=1e-9).log(), phase], dim=1)
    assert float(loss(exact, wave)) < 1e-4
    louder = torch.cat([mag.clamp(min=1e-9).log() + 1.0, phase], dim=1)
    assert float(loss(louder, wave)) > 0.5


def _fit(module: torch.nn.Module, loss_fn, lr: float, steps: int = 40) -> list[float]:
    """Adam on one fixed batch: the losses, step by step."""
    opt = torch.optim.Adam(module.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        loss = loss_fn()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def test_head_spectrum_loss_teaches_the_istft_head_and_runs_in_training(tmp_path: Path) -> None:
    import copy

    from voxtral_tts.config import ModelArgs
    from voxtral_tts.model import VoxtralModel
    from voxtral_tts.tiny import TINY_PARAMS
    from voxtral_tts.train.losses import HeadSpectrumLoss

    p = copy.deepcopy(TINY_PARAMS)
    p["multimodal"]["audio_tokenizer_args"].update(output_head="istft", istft_n_fft=960)
    torch.manual_seed(0)
    codec = VoxtralModel(ModelArgs.from_dict(p)).codec
    t = torch.arange(1920 * 4) / 24000
    wave = (0.1 * torch.sin(2 * torch.pi * 220 * t) * torch.sin(2 * torch.pi * 3 * t))[None]
    z = torch.randn(1, codec.args.latent_dim, 4)
    loss_fn = HeadSpectrumLoss(960, 240)
    losses = _fit(codec, lambda: loss_fn(codec.decode_head(z), wave), lr=3e-3)
    assert losses[-1] < 0.6 * losses[0]

    manifest = _write_corpus(tmp_path / "data")
    cfg = codec_config(tmp_path / "codec", manifest, steps=3, head_spectrum_weight=1.0)
    cfg.overrides = {"output_head": "istft", "istft_n_fft": 960}
    train_codec(cfg)
    assert all(np.isfinite(r["head_spectrum"]) for r in _metrics(tmp_path / "codec"))


def test_pinned_latent_makes_the_acoustic_values_the_envelope(tmp_path: Path) -> None:
    from voxtral_tts.model.envelope import PinnedLatent

    pin = PinnedLatent(1920, subframes=4, bands=9)
    wave = torch.randn(2, 1920 * 5)
    target = pin(wave, 5)
    assert target.shape == (2, 36, 5) and float(target.abs().max()) < 1
    louder = pin(wave * 4, 5)  # a louder input reads higher in every band, through the same statistics
    assert bool((louder > target).all())

    # The encoder can learn to measure it: a fixed clip, the pin loss alone.
    torch.manual_seed(0)
    model, _ = build_codec_model(codec_config(tmp_path / "c0", tmp_path / "none", steps=1), tmp_path / "c0")
    codec = model.codec
    t = torch.arange(1920 * 5) / 24000
    clip = (0.1 * torch.sin(2 * torch.pi * (150 + 400 * t) * t) * (1 + torch.sin(2 * torch.pi * 4 * t)))[None]
    target = PinnedLatent(1920, 4, 9)(clip, 5)
    sd = codec.args.semantic_dim
    losses = _fit(codec, lambda: F.l1_loss(torch.tanh(codec.encode_latent(clip)[:, sd:]), target), lr=2e-3)
    assert losses[-1] < 0.5 * losses[0]

    manifest = _write_corpus(tmp_path / "data")
    cfg = codec_config(tmp_path / "codec", manifest, steps=4, pin_weight=1.0, envelope_subframes=4, envelope_bands=9)
    train_codec(cfg)
    assert all(np.isfinite(r["pin"]) for r in _metrics(tmp_path / "codec"))
    stats = load_state(tmp_path / "codec" / "last.pt")["pinned"]
    assert stats["std"].gt(0).all()
    cfg.run.steps = 6
    train_codec(cfg)  # resumed: the targets keep the statistics they started with
    torch.testing.assert_close(load_state(tmp_path / "codec" / "last.pt")["pinned"]["mean"], stats["mean"])

    bad = codec_config(tmp_path / "bad", manifest, steps=1, pin_weight=1.0, envelope_subframes=4, envelope_bands=8)
    with pytest.raises(ConfigError, match="acoustic_dim"):
        train_codec(bad)


def test_pinned_decoder_learns_from_true_envelopes_alone_once_the_encoder_froze() -> None:
    from voxtral_tts.train.codec_run import pinned_decoder_input

    estimate = torch.randn(64, 36, 5, requires_grad=True)
    target = torch.rand(64, 36, 5)
    gen = torch.Generator().manual_seed(0)
    assert torch.equal(pinned_decoder_input(estimate, target, 0.0, True, gen), target)
    assert torch.equal(pinned_decoder_input(estimate, target, 1.0, False, gen), target)
    fed = pinned_decoder_input(estimate, target, 0.5, False, gen)
    mixed = [torch.equal(fed[i], target[i]) for i in range(64)]
    assert 10 < sum(mixed) < 54 and not fed.requires_grad  # some of each; the estimate gets no gradient here
    assert torch.equal(pinned_decoder_input(estimate, target, 0.0, False, gen), estimate.detach())


def test_a_moved_codec_run_still_exports(tmp_path: Path) -> None:
    import shutil

    manifest = _write_corpus(tmp_path / "data", n=2)
    run = train_codec(codec_config(tmp_path / "here", manifest, steps=1))
    moved = Path(shutil.move(run, tmp_path / "there"))  # as a run carried to another machine or renamed
    model = export_run(moved, tmp_path / "model")
    assert (model / "tekken.json").read_bytes() == (moved / "tekken.json").read_bytes()


def test_envelope_frames_come_from_a_pinned_codec_export(tmp_path: Path) -> None:
    from voxtral_tts.data.encode import encode_manifest
    from voxtral_tts.data.frames import CodeStore
    from voxtral_tts.data.manifest import DataError
    from voxtral_tts.model.envelope import PINNED_FILE, PinnedLatent
    from voxtral_tts.model.quantizers import fsq_levels

    manifest = _write_corpus(tmp_path / "data", n=2)
    cfg = codec_config(tmp_path / "codec", manifest, steps=2, pin_weight=1.0, envelope_subframes=4, envelope_bands=9)
    model = export_run(train_codec(cfg), tmp_path / "model")
    pin = PinnedLatent.from_json((model / PINNED_FILE).read_text())
    encode_manifest(model, manifest, tmp_path / "c", progress=False, acoustic="codec")
    by_codec = CodeStore(tmp_path / "c")
    encode_manifest(model, manifest, tmp_path / "e", progress=False, acoustic="envelope")
    by_env = CodeStore(tmp_path / "e")
    assert by_env.meta["acoustic"] == "envelope"
    for i in range(len(by_env)):
        env, enc = by_env.codes(i), by_codec.codes(i)
        np.testing.assert_array_equal(env[:, 0], enc[:, 0])  # the semantic codes are the encoder's either way
        wave, _ = sf.read(tmp_path / "data" / f"{i}.flac", dtype="float32")
        T = env.shape[0]
        x = torch.from_numpy(np.pad(wave, (0, T * 1920 - wave.size)))[None]
        want = fsq_levels(pin(x, T)[0].T, 21).numpy() + 2
        np.testing.assert_array_equal(env[:, 1:], want)
        assert not np.array_equal(env[:, 1:], enc[:, 1:])
    with pytest.raises(DataError, match="acoustic"):  # one folder holds one kind of frames
        encode_manifest(model, manifest, tmp_path / "e", progress=False, acoustic="codec")
    encode_manifest(model, manifest, tmp_path / "e", progress=False)  # auto: a pinned codec's frames are envelopes
    # The gate judges what the LM will speak: codec-eval's envelope path decodes exactly these frames.
    from voxtral_tts.checkpoint import load_model
    from voxtral_tts.streaming import decode_frames
    from voxtral_tts.train.codec_eval import evaluate_codec, format_table

    judged = evaluate_codec(model, manifest, tmp_path / "ev", 2, "none", "none", acoustic="envelope")
    assert judged["acoustic"] == "envelope" and "codec on true envelopes" in format_table(judged)
    _, net = load_model(model)
    for i in range(len(by_env)):
        got, _ = sf.read(tmp_path / "ev" / "audio" / f"{by_env.items[i]['id']}.wav", dtype="float32")
        with torch.inference_mode():
            want = decode_frames(net.codec, torch.from_numpy(by_env.codes(i).astype(np.int64)))
        np.testing.assert_allclose(got, np.clip(want.numpy()[: got.size], -1, 1), atol=1e-4)
    with pytest.raises(ValueError, match="unquantized"):
        evaluate_codec(model, manifest, tmp_path / "ev2", 2, "none", "none", unquantized=True, acoustic="envelope")
    with pytest.raises(DataError, match=PINNED_FILE):
        (model / PINNED_FILE).unlink()
        encode_manifest(model, manifest, tmp_path / "e2", progress=False, acoustic="envelope")


def test_loss_curves_put_held_out_losses_beside_training_ones(tmp_path: Path) -> None:
    from voxtral_tts.train.plot import curves, plot_run

    rows = [{"step": s, "time": 0.0, "lr": 1e-3, "ce": 5.0 - s / 10, "fm": 1.0} for s in range(1, 11)]
    rows[4]["val_ce"] = 6.0
    rows[9]["val_ce"] = 5.5
    for r in rows[6:]:
        r["disc"] = 0.5  # a metric that starts late, absent from the first rows
    rows.append({**rows[2], "ce": 9.0})  # a resumed run re-logs step 3: the later value wins
    panels = {k: (series, held) for k, series, held in curves(rows)}
    assert list(panels) == ["ce", "fm", "disc"]
    (xs, ys), held = panels["ce"]
    assert xs == list(range(1, 11)) and ys[2] == 9.0
    assert held == ([5, 10], [6.0, 5.5])
    assert panels["disc"][0][0] == [7, 8, 9, 10] and panels["fm"][1] is None
    (tmp_path / "metrics.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert plot_run(tmp_path).read_bytes()[:4] == b"\x89PNG"


def test_codec_run_hands_each_clip_its_transcript_to_a_text_teacher(tmp_path: Path, monkeypatch) -> None:
    """A teacher that reads transcripts (whisper-decoder) gets each clip's own text and language, both when
    the cache is filled before training (packed) and when a crop finds a clip uncached."""
    import voxtral_tts.train.codec_run as codec_run

    manifest = _write_corpus(tmp_path / "data", n=4)
    seen: dict[str, tuple[int, str]] = {}

    class Reader:
        name, dim, needs_text = "reader", 8, True

        def features(self, wave: np.ndarray, text: str = "", lang: str = "") -> np.ndarray:
            seen[text] = (len(wave), lang)
            return np.full((-(-len(wave) // 480), 8), float(text.split()[-1]), np.float32)

        def features_many(self, waves, texts, langs):
            return [self.features(w, t, la) for w, t, la in zip(waves, texts, langs)]

    monkeypatch.setattr(codec_run, "make_teacher", lambda *a: Reader())
    run = train_codec(codec_config(tmp_path / "codec", manifest, steps=2))
    assert seen == {f"clip {i}": (36000, "en") for i in range(4)}
    cached = sorted(float(np.load(p)[0, 0]) for p in (run / "teacher_cache").glob("*.npy"))
    assert cached == [0.0, 1.0, 2.0, 3.0]  # one clip's features under its own key


def test_codec_restored_without_its_tokenizer_still_exports(tmp_path: Path) -> None:
    """A checkpoint brought back from the shelf on a fresh machine arrives without the run's tekken.json."""
    manifest = _write_corpus(tmp_path / "data")
    run = train_codec(codec_config(tmp_path / "codec", manifest, steps=2))
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    (run / "last.pt").rename(moved / "last.pt")
    import shutil

    shutil.rmtree(run)
    out = export_run(moved, tmp_path / "model")
    tts = VoxtralTTS.from_pretrained(out)
    assert tts.can_clone


def test_lm_residual_dropout_trains_only_and_leaves_the_files_alone(tiny_dir: Path) -> None:
    from voxtral_tts.model.layers import Block
    from voxtral_tts.train.lm_run import add_residual_dropout

    _, model = load_model(tiny_dir)
    keys = set(model.state_dict())
    in_acoustic = sum(isinstance(m, Block) for m in model.acoustic_transformer.modules())
    assert in_acoustic > 0
    assert add_residual_dropout(model, 0.5) == len(model.backbone.layers) + in_acoustic  # not the codec's
    block = model.backbone.layers[0]
    assert set(model.state_dict()) == keys  # nothing new to save or load
    ff = block.feed_forward
    h = torch.randn(2, 7, model.args.backbone.dim)
    model.train()
    torch.manual_seed(0)
    dropped = ff(h)
    assert (dropped == 0).float().mean() > 0.3  # about half the outputs are dropped while training
    model.eval()
    torch.testing.assert_close(ff(h), ff(h))
    assert (ff(h) == 0).float().mean() < 0.01


def test_lm_trains_with_dropout(tiny_dir: Path, tmp_path: Path, corpus) -> None:
    cfg = lm_config(tmp_path / "lm", tiny_dir, steps=30)
    cfg.dropout = 0.1
    m = _metrics(train_lm(cfg, corpus=corpus))
    assert np.mean([r["ce"] for r in m[-5:]]) < 0.8 * np.mean([r["ce"] for r in m[:5]])


def test_codec_distillation_targets_are_standardised_once_per_run(tmp_path: Path, monkeypatch) -> None:
    """A teacher dimension with a hundred times the spread of the others must not own the cosine loss: the
    targets are standardised with statistics measured once and kept, so a resumed run sees the same."""
    import voxtral_tts.train.codec_run as codec_run

    manifest = _write_corpus(tmp_path / "data", n=4)
    crops: list[np.ndarray] = []

    class Lopsided:
        name, dim, needs_text = "lopsided", 4, False

        def features(self, wave: np.ndarray, text: str = "", lang: str = "") -> np.ndarray:
            n = -(-len(wave) // 480)
            rng = np.random.default_rng(len(wave) + int(1e4 * abs(wave[:100]).sum()))
            return (rng.standard_normal((n, 4)) * [100.0, 1.0, 1.0, 1.0] + [50.0, 0, 0, 0]).astype(np.float32)

    monkeypatch.setattr(codec_run, "make_teacher", lambda *a: Lopsided())
    real_crop = codec_run.SegmentSource.crop

    def spy(self, i, rng):
        seg, feats = real_crop(self, i, rng)
        crops.append(feats)
        return seg, feats

    monkeypatch.setattr(codec_run.SegmentSource, "crop", spy)
    run = train_codec(codec_config(tmp_path / "codec", manifest, steps=3))
    stats = np.load(run / "teacher_stats.npz")
    assert stats["scale"][0] > 30 * stats["scale"][1:].max()
    feats = np.concatenate(crops)
    assert np.abs(feats[:, 0]).mean() < 3  # standardised, not 50 +- 100
    before = stats["mean"].copy()
    cfg = codec_config(tmp_path / "codec", manifest, steps=5)
    train_codec(cfg)
    np.testing.assert_array_equal(np.load(run / "teacher_stats.npz")["mean"], before)


def test_semantic_latent_can_be_shut_off_from_the_decoder(tiny_dir: Path) -> None:
    from voxtral_tts.train.codec_run import quantize_for_training
    from voxtral_tts.train.loop import Dist

    _, model = load_model(tiny_dir)
    sd = model.codec.args.semantic_dim
    z = torch.randn(2, sd + model.codec.args.acoustic_dim, 5, requires_grad=True)
    cfg = CodecConfig()
    grads = {}
    for flag in (True, False):
        cfg.loss.semantic_recon_grad = flag
        z.grad = None
        latent, *_ = quantize_for_training(model, z, cfg, torch.Generator().manual_seed(0), False, Dist(RunConfig()))
        latent.square().sum().backward()
        grads[flag] = z.grad.clone()
    assert grads[True][:, :sd].abs().sum() > 0 and grads[False][:, :sd].abs().sum() == 0
    torch.testing.assert_close(grads[True][:, sd:], grads[False][:, sd:])


def test_latent_distillation_targets_the_semantic_channels_only() -> None:
    from voxtral_tts.train.codec_run import latent_distill

    basis = torch.randn(12, 4)
    target = torch.randn(2, 5, 12)
    z = torch.randn(2, 4 + 6, 5)
    z[:, :4] = (target @ basis).transpose(1, 2)
    assert latent_distill(z, target, basis) < 1e-10  # the latent holds the projected teacher: nothing to learn
    z = torch.randn(2, 10, 5, requires_grad=True)
    latent_distill(z, target, basis).backward()
    assert z.grad[:, :4].abs().sum() > 0 and z.grad[:, 4:].abs().sum() == 0


def test_codec_latent_space_distillation_runs_and_keeps_its_basis(tmp_path: Path) -> None:
    manifest = _write_corpus(tmp_path / "data")
    cfg = codec_config(tmp_path / "codec", manifest, steps=4, distill_space="latent", semantic_recon_grad=False)
    run = train_codec(cfg)
    stats = np.load(run / "teacher_stats.npz")
    model, _ = build_codec_model(cfg, tmp_path / "codec")
    assert stats["basis"].shape == (80, model.codec.args.semantic_dim)  # the mel teacher's 80 bands
    assert all(np.isfinite(r["distill"]) for r in _metrics(run))
    cfg.loss.distill_space = "nowhere"
    with pytest.raises(ConfigError, match="distill_space"):
        train_codec(cfg)


def test_codec_export_without_its_base_model_when_the_run_holds_the_whole_codec(
    tiny_dir: Path, tmp_path: Path, capsys
) -> None:
    import shutil

    manifest = _write_corpus(tmp_path / "data", n=3, seconds=1.0)
    base = tmp_path / "base"
    shutil.copytree(tiny_dir, base)
    cfg = codec_config(tmp_path / "codec", manifest, steps=2)
    cfg.init_from = str(base)
    train_codec(cfg)
    shutil.rmtree(base)  # as on a machine the run was carried to (the recipe's shelf)
    out = export_run(tmp_path / "codec", tmp_path / "model")
    assert "exported without it" in capsys.readouterr().out
    trained = load_state(tmp_path / "codec" / "last.pt")["model"]
    exported = load_file(str(out / "consolidated.safetensors"))
    key = "audio_tokenizer.decoder_blocks.1.layers.0.attention.wq.weight"
    assert torch.equal(exported[key], trained["codec." + key.split(".", 1)[1]].to(torch.bfloat16))

    state = load_state(tmp_path / "codec" / "last.pt")
    state["model"] = {k: v for k, v in state["model"].items() if ".decoder_blocks." not in k}
    torch.save(state, tmp_path / "codec" / "last.pt")
    with pytest.raises(VoxtralError, match="did not train the whole codec"):
        export_run(tmp_path / "codec", tmp_path / "model2")


def test_lm_export_keeps_its_codecs_pinned_envelope(tiny_dir: Path, tmp_path: Path, corpus) -> None:
    import shutil

    from voxtral_tts.model.envelope import PINNED_FILE, PinnedLatent
    from voxtral_tts.train.lm_run import export_lm

    codec = tmp_path / "codec"
    shutil.copytree(tiny_dir, codec)
    spf = load_model(codec)[1].args.codec.samples_per_frame
    pin = PinnedLatent(spf, 4, 9)  # 36 values, the tiny codec's
    pin(torch.randn(1, spf * 3) * 0.1, 3)  # the first call sets the envelope statistics
    (codec / PINNED_FILE).write_text(pin.to_json())
    run = train_lm(lm_config(tmp_path / "lm", tiny_dir, steps=1), corpus=corpus)
    out = export_lm(run, tmp_path / "model", codec=codec)
    assert (out / PINNED_FILE).read_text() == (codec / PINNED_FILE).read_text()
    assert load_model(out)[1].pinned is not None


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("I have 3 cats", "en"),
        ("Il a 23 ans, n'est-ce pas ?", "fr"),
        ("Das kostet 5 € und 20 %", "de"),
        ("Hallo", "nl"),
    ],
)
def test_lm_trains_on_the_text_inference_sends(tts: VoxtralTTS, text: str, lang: str) -> None:
    from voxtral_tts.longform import LongFormJob
    from voxtral_tts.train.lm import spoken_transcripts

    job = LongFormJob(tts, text, voice=tts.voices()[0], seed=0, language=lang)
    codes = np.zeros((5, 37), np.int16)
    trained = spoken_transcripts([FrameItem(codes, text, "spk", lang)])[0].text
    assert job.texts == [trained]
    assert not any(ch.isdigit() for ch in trained)


def test_lm_fine_tunes_from_a_model_whose_codec_gained_preset_voices(tiny_dir: Path, tmp_path: Path, corpus) -> None:
    import json
    import shutil

    # The codec folder predates the presets; the model to start from has them in its codec's params.json.
    codec = tmp_path / "codec"
    shutil.copytree(tiny_dir, codec)
    params = json.loads((codec / "params.json").read_text())
    assert params["multimodal"]["audio_tokenizer_args"]["voice"]
    params["multimodal"]["audio_tokenizer_args"]["voice"] = {}
    (codec / "params.json").write_text(json.dumps(params))
    cfg = lm_config(tmp_path / "lm", codec, steps=1)
    cfg.init_from = str(tiny_dir)
    trained = load_state(train_lm(cfg, corpus=corpus) / "last.pt")["model"]
    start = load_model(tiny_dir)[1].state_dict()
    key = "backbone.layers.0.attention.wq.weight"
    # One warm-up step moves each weight by about lr / 5: it started from the given model, not a fresh init.
    assert 0 < float((trained[key] - start[key]).abs().max()) < 0.01

    params["multimodal"]["audio_tokenizer_args"]["attn_sliding_window_size"] += 1  # another codec: refused
    (codec / "params.json").write_text(json.dumps(params))
    cfg.run.out_dir = str(tmp_path / "lm2")
    with pytest.raises(ConfigError, match="its codec differs"):
        train_lm(cfg, corpus=corpus)


def test_noisy_history_moves_only_the_acoustic_levels_within_range() -> None:
    from voxtral_tts.config import N_AUDIO_SPECIALS

    g = torch.Generator().manual_seed(0)
    target = torch.cat([torch.full((50, 1), 7), torch.randint(0, 21, (50, 36)) + N_AUDIO_SPECIALS], 1)
    assert torch.equal(noisy_history(target, g, 0.0, 21), target)
    moved = [noisy_history(target, torch.Generator().manual_seed(s), 4.0, 21) for s in range(8)]
    for m in moved:
        assert torch.equal(m[:, 0], target[:, 0])  # the semantic codes are read back as they are
        assert int(m[:, 1:].min()) >= N_AUDIO_SPECIALS and int(m[:, 1:].max()) < 21 + N_AUDIO_SPECIALS
    changed = [float((m != target).float().mean()) for m in moved]
    assert max(changed) > 0.3 and len(set(changed)) > 1  # a spread drawn per example, not one fixed amount
    again = noisy_history(target, torch.Generator().manual_seed(3), 4.0, 21)
    assert torch.equal(again, moved[3])  # from the step's generator: a resumed run sees the same noise


def test_lm_trains_with_input_noise_and_refuses_a_negative_one(tiny_dir: Path, tmp_path: Path, corpus) -> None:
    cfg = lm_config(tmp_path / "lm", tiny_dir, steps=3)
    cfg.input_noise = 2.0
    assert all(np.isfinite(r["fm"]) for r in _metrics(train_lm(cfg, corpus=corpus)))
    cfg.input_noise, cfg.run.out_dir = -1.0, str(tmp_path / "lm2")
    with pytest.raises(ConfigError, match="input_noise"):
        train_lm(cfg, corpus=corpus)


def test_lm_trains_with_several_flow_draws_and_refuses_none(tiny_dir: Path, tmp_path: Path, corpus) -> None:
    cfg = lm_config(tmp_path / "lm", tiny_dir, steps=3)
    cfg.fm_samples = 4
    assert all(np.isfinite(r["fm"]) for r in _metrics(train_lm(cfg, corpus=corpus)))
    cfg.fm_samples, cfg.run.out_dir = 0, str(tmp_path / "lm2")
    with pytest.raises(ConfigError, match="fm_samples"):
        train_lm(cfg, corpus=corpus)


def test_held_out_losses_of_several_runs_share_one_figure(tmp_path: Path) -> None:
    from voxtral_tts.train.plot import plot_compare

    for name, scale in (("a", 1.0), ("b", 0.9)):
        rows = [{"step": s, "ce": 5.0, "fm": 1.0} for s in range(1, 11)]
        for r in rows[4::5]:
            r.update(val_ce=6.0 * scale, val_fm=0.3 * scale)
        (tmp_path / name).mkdir()
        (tmp_path / name / "metrics.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = plot_compare([tmp_path / "a", tmp_path / "b"], tmp_path / "cmp.png")
    assert out.read_bytes()[:4] == b"\x89PNG"
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "metrics.jsonl").write_text(json.dumps({"step": 1, "ce": 5.0}) + "\n")  # no held-out losses
    with pytest.raises(VoxtralError, match=r"c \(val_fm\)"):
        plot_compare([tmp_path / "a", tmp_path / "c"], tmp_path / "cmp2.png")


def test_precision_auto_follows_the_hardware_and_emulated_bf16_warns(monkeypatch) -> None:
    from voxtral_tts.train import loop

    cpu = torch.device("cpu")
    for native in (True, False):
        monkeypatch.setattr(loop, "cpu_has_bf16", lambda native=native: native)
        assert loop.resolve_precision("auto", cpu) == ("bf16" if native else "fp32")
        assert loop.resolve_precision("fp32", cpu) == "fp32"
    assert loop.resolve_precision("auto", torch.device("cuda")) == "bf16"
    with pytest.warns(UserWarning, match="emulated"):
        assert loop.resolve_precision("bf16", cpu) == "bf16"  # asked for explicitly: kept, but said
    with pytest.raises(ValueError, match="fp32, bf16 or auto"):
        loop.resolve_precision("fp16", cpu)


def test_progress_gives_the_pieces_eta_when_the_invocation_stops_early(capsys) -> None:
    from voxtral_tts.train.loop import Progress

    piece = Progress(total=300_000, start=0, log_path=None, every=1, stop=1_000)
    piece.t0 -= 10.0  # as if 10 s had passed: 50 steps at 5 steps/s
    piece.update(50, {"loss": 1.0})
    line = capsys.readouterr().err
    assert "ETA 3m10s to step 1000" in line  # 950 steps at 5/s, not the 60,000 s left of the run
    assert "run 16h39m50s" in line

    whole = Progress(total=1_000, start=0, log_path=None, every=1, stop=1_000)
    whole.t0 -= 10.0
    whole.update(50, {"loss": 1.0})
    line = capsys.readouterr().err
    assert "ETA 3m10s" in line and "to step" not in line


def test_a_resumed_runs_metrics_start_on_a_line_of_their_own_after_a_torn_one(tmp_path: Path) -> None:
    from voxtral_tts.train.loop import Progress

    log = tmp_path / "metrics.jsonl"
    log.write_text('{"step": 1, "loss": 2.0}\n{"step": 2, "lo')  # killed mid-write
    p = Progress(total=10, start=2, log_path=log, every=100)
    p.update(3, {"loss": 1.5})
    p.close()
    lines = log.read_text().splitlines()
    assert lines[1] == '{"step": 2, "lo'  # left as it was, for read_metrics to name and skip
    assert json.loads(lines[2])["step"] == 3
