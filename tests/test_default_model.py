"""The model shipped inside the package is what loads when no model is named."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
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


SHIPPED = Path(api.__file__).parent / "models" / "default"


@pytest.mark.skipif(not (SHIPPED / "params.json").is_file(), reason="no default model in this checkout")
def test_the_shipped_model_keeps_its_promises() -> None:
    """What issue 5 asks of the package's model: small, preset voices in every language, cloning, and speech."""
    import json

    size = sum(f.stat().st_size for f in SHIPPED.rglob("*") if f.is_file())
    assert size < 60e6
    tts = api.VoxtralTTS.from_pretrained(device="cpu")
    assert tts.folder == SHIPPED and tts.can_clone
    assert (SHIPPED / "pinned_latent.json").is_file()  # cloning prompts carry the envelopes the LM learnt from
    voices = json.loads((SHIPPED / "voices.json").read_text())
    assert len(voices) >= 10 and {v["lang"] for v in voices} == set("en fr de es it pt nl ar hi".split())
    assert {v["voice"] for v in voices} <= set(tts.voices())
    audio = tts.generate("Hello.", voice=voices[0]["voice"], seed=0, max_seconds=2.0)
    assert np.isfinite(audio.samples).all() and np.abs(audio.samples).max() > 1e-3
