"""The model shipped inside the package is what loads when no model is named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from voxtral_tts import api
from voxtral_tts.errors import CheckpointError


def test_no_model_named_loads_the_shipped_one(tiny_dir: Path, tmp_path: Path, monkeypatch) -> None:
    shipped = tmp_path / "models" / "default"
    monkeypatch.setattr(api, "DEFAULT_MODEL", shipped)
    with pytest.raises(CheckpointError, match="no default model is installed"):
        api.VoxtralTTS.from_pretrained(device="cpu")
    shutil.copytree(tiny_dir, shipped)
    tts = api.VoxtralTTS.from_pretrained(device="cpu")
    assert tts.folder == shipped and tts.voices()
    assert tts.generate("Hi.", voice=tts.voices()[0], seed=0, max_seconds=0.5).samples.size > 0
