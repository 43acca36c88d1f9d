"""Tiny random checkpoints in the official layout, built once per test session."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file, save_file

from voxtral_tts import VoxtralTTS
from voxtral_tts.tiny import make_tiny_checkpoint

WEIGHTS = "consolidated.safetensors"

# Outputs are watermarked with the deployment's key, which is created in ~/.config on first use. Tests
# (and the servers and commands they start) mark with a key of their own instead, so that nothing is
# written to the home folder. Set before any test runs: subprocesses inherit it.
if "VOXTRAL_WATERMARK_KEY" not in os.environ:
    from voxtral_tts.watermark.keys import new_key, save_key

    _key_dir = tempfile.mkdtemp(prefix="voxtral-test-key-")
    os.environ["VOXTRAL_WATERMARK_KEY"] = str(save_key(new_key(0x7E57), Path(_key_dir) / "key.json"))


@pytest.fixture(scope="session")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_checkpoint(tmp_path_factory.mktemp("tiny"), seed=0)


@pytest.fixture(scope="session")
def tiny_no_encoder_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_checkpoint(tmp_path_factory.mktemp("tiny_noenc"), seed=0, with_encoder=False)


@pytest.fixture(scope="session")
def long_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny model that never chooses [END_AUDIO], so outputs run to the frame limit."""
    folder = make_tiny_checkpoint(tmp_path_factory.mktemp("tiny_long"), seed=1)
    state = load_file(str(folder / WEIGHTS))
    # With a zero END row, END would win only if all 64 code logits were negative at once.
    state["acoustic_transformer.semantic_codebook_output.weight"][1] = 0.0
    save_file(state, str(folder / WEIGHTS))
    return folder


@pytest.fixture(scope="session")
def tts(tiny_dir: Path) -> VoxtralTTS:
    return VoxtralTTS.from_pretrained(tiny_dir, device="cpu")


@pytest.fixture(scope="session")
def long_tts(long_dir: Path) -> VoxtralTTS:
    return VoxtralTTS.from_pretrained(long_dir, device="cpu")


@pytest.fixture()
def ref_wav(tmp_path: Path) -> Path:
    """4 s of a voiced-like test signal at 16 kHz stereo, to exercise resampling and downmixing."""
    import numpy as np
    import soundfile as sf

    sr = 16000
    t = np.arange(4 * sr) / sr
    f0 = 120 + 20 * np.sin(2 * np.pi * 0.5 * t)
    sig = 0.3 * np.sin(2 * np.pi * np.cumsum(f0) / sr) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t))
    path = tmp_path / "ref.flac"
    sf.write(path, np.stack([sig, 0.8 * sig], axis=1), sr)
    return path


def frames_of(tts_: VoxtralTTS, *args, **kw) -> torch.Tensor:
    return torch.from_numpy(tts_.generate(*args, **kw).frames)


def tone_corpus(folder: Path, n: int = 4, seconds: float = 2.0) -> Path:
    """A manifest of `n` 24 kHz tones of different pitch, enough for a codec to take a few steps on."""
    import json

    import soundfile as sf

    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    t = np.arange(round(24000 * seconds)) / 24000
    for i in range(n):
        sf.write(folder / f"{i}.flac", (0.2 * np.sin(2 * np.pi * (110 + 30 * i) * t)).astype(np.float32), 24000)
        rows.append({"id": str(i), "audio": f"{i}.flac", "text": "x", "language": "en", "speaker": "s", "duration": seconds})  # fmt: skip
    (folder / "manifest.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return folder / "manifest.jsonl"


REPO = Path(__file__).resolve().parents[1]


def load_script(relpath: str):
    """A script of the repository (recipes/, benchmarks/) imported as a module, its folder on the path
    for the modules beside it."""
    import importlib.util
    import sys

    path = REPO / relpath
    sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod
