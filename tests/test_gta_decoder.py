"""recipes/default/gta_decoder.py: the LM's teacher-forced acoustic values, a decoder trained on them with a
phone-pair codebook, and its export in the official layout."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import torch
from conftest import load_script

from voxtral_tts.checkpoint import load_model
from voxtral_tts.config import N_AUDIO_SPECIALS
from voxtral_tts.data.frames import write_frames

SEM, LEVELS, ACOUSTIC, SPF = 64, 21, 36, 1920


def corpus(tmp_path: Path) -> tuple[Path, Path]:
    """Six clips of two speakers: frames written without a codec, and their audio under a manifest."""
    rng = np.random.default_rng(0)
    clips, rows = [], []
    (tmp_path / "corpus").mkdir()
    for i in range(6):
        T = 18 + 2 * i
        codes = np.empty((T, 1 + ACOUSTIC), np.int16)
        codes[:, 0] = rng.integers(0, SEM, T) + N_AUDIO_SPECIALS
        codes[:, 1:] = rng.integers(0, LEVELS, (T, ACOUSTIC)) + N_AUDIO_SPECIALS
        clips.append((codes, f"clip number {i}.", f"spk{i % 2}", "en"))
        wave = 0.1 * np.sin(2 * np.pi * (120 + 20 * i) * np.arange(T * SPF - 500) / 24000).astype(np.float32)
        sf.write(tmp_path / "corpus" / f"{i}.flac", wave, 24000)
        rows.append({"id": f"{i:08d}", "audio": f"{i}.flac", "text": clips[-1][1], "language": "en",
                     "speaker": clips[-1][2], "duration": len(wave) / 24000})  # fmt: skip
    (tmp_path / "corpus" / "manifest.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return write_frames(tmp_path / "frames", clips), tmp_path / "corpus"


def test_predict_train_resume_and_export(tiny_dir: Path, tmp_path: Path) -> None:
    gta = load_script("recipes/default/gta_decoder.py")
    frames, audio = corpus(tmp_path)
    out = tmp_path / "run"
    gta.main(["predict", "--model", str(tiny_dir), "--frames", str(frames), "--out", str(out / "train.npz")])
    saved = np.load(out / "train.npz")
    lengths = [json.loads(r)["frames"] for r in (frames / "index.jsonl").read_text().splitlines()]
    assert saved["lengths"].tolist() == lengths  # one prediction per frame of every clip, in order
    assert saved["levels"].shape == (sum(lengths), ACOUSTIC) and int(saved["levels"].max()) < LEVELS
    assert saved["ids"].tolist() == [f"{i:08d}" for i in range(6)]

    common = ["--model", str(tiny_dir), "--frames", str(frames), "--gta", str(out / "train.npz"), "--out", str(out)]
    gta.main(["train", *common, "--corpus", str(audio), "--steps", "3", "--lr", "1e-2"])
    first = torch.load(out / "decoder.pt", map_location="cpu")
    assert first["step"] == 3
    table = first["codec"]["quantizer.semantic_codebook.embedding_sum"]
    assert table.shape == (SEM, 16) and torch.all(first["codec"]["quantizer.semantic_codebook.cluster_usage"] == 1)
    gta.main(["train", *common, "--corpus", str(audio), "--steps", "5", "--lr", "1e-2"])
    second = torch.load(out / "decoder.pt", map_location="cpu")
    assert second["step"] == 5  # resumed, not restarted
    moved = second["codec"]["quantizer.semantic_codebook.embedding_sum"]
    assert not torch.equal(moved, table)  # the codebook is trained with the decoder

    gta.main(["export", "--model", str(tiny_dir), "--run", str(out), "--out", str(tmp_path / "model")])
    _, model = load_model(tmp_path / "model")
    assert torch.allclose(model.codec.quantizer.semantic_codebook.codebook, moved)
    _, original = load_model(tiny_dir)
    # The LM is the one it was; only the codec's decoder side changed.
    assert torch.equal(model.backbone.norm.weight, original.backbone.norm.weight)
    assert sorted(p.name for p in (tmp_path / "model" / "voice_embedding").glob("*.pt")) == sorted(
        p.name for p in (tiny_dir / "voice_embedding").glob("*.pt")
    )


def test_predictions_of_other_frames_are_refused(tiny_dir: Path, tmp_path: Path) -> None:
    gta = load_script("recipes/default/gta_decoder.py")
    frames, audio = corpus(tmp_path)
    gta.main(["predict", "--model", str(tiny_dir), "--frames", str(frames), "--out", str(tmp_path / "p.npz")])
    saved = dict(np.load(tmp_path / "p.npz"))
    saved["ids"] = saved["ids"][::-1]
    np.savez(tmp_path / "p.npz", **saved)
    with pytest.raises(SystemExit, match="clip 0 is 00000005, the frames folder has 00000000"):
        gta.Clips(frames, tmp_path / "p.npz", audio)
