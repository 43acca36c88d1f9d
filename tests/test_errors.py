"""Bad input gets one clear line, naming what and where."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from voxtral_tts import ReferenceAudioError, TextError, VoiceError, VoxtralTTS


def test_unknown_voice_lists_the_known_ones(tts: VoxtralTTS) -> None:
    with pytest.raises(VoiceError, match="unknown voice 'nobody'.*tiny_female, tiny_male"):
        tts.generate("Hello", voice="nobody")


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_text(tts: VoxtralTTS, text: str) -> None:
    with pytest.raises(TextError, match="text is empty"):
        tts.generate(text, voice="tiny_male")


def test_huge_text(tts: VoxtralTTS) -> None:
    # generate() reads long text in chunks (tests/test_longform.py); one prompt still has its limit.
    with pytest.raises(TextError, match="tokens, more than the 1024 one pass reads"):
        tts._prompt("word " * 3000, "tiny_male", None)


def test_unreadable_reference_audio(tts: VoxtralTTS, tmp_path: Path) -> None:
    bad = tmp_path / "broken.wav"
    bad.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunkjunkjunk")
    with pytest.raises(ReferenceAudioError, match=f"{bad}: cannot decode audio"):
        tts.generate("Hello", ref_audio=bad)
    with pytest.raises(ReferenceAudioError, match="not found"):
        tts.generate("Hello", ref_audio=tmp_path / "missing.wav")


def test_silent_and_too_short_reference(tts: VoxtralTTS, tmp_path: Path) -> None:
    silent = tmp_path / "silent.wav"
    sf.write(silent, np.zeros(24000 * 4, dtype=np.float32), 24000)
    with pytest.raises(ReferenceAudioError, match="silent"):
        tts.generate("Hello", ref_audio=silent)
    short = tmp_path / "short.wav"
    sf.write(short, 0.3 * np.ones(4000, dtype=np.float32), 8000)
    with pytest.raises(ReferenceAudioError, match="too short"):
        tts.generate("Hello", ref_audio=short)
    with pytest.raises(ReferenceAudioError, match="NaN"):
        tts.generate("Hello", ref_audio=(np.full(48000, np.nan, dtype=np.float32), 24000))


def test_any_rate_and_channel_count_is_accepted(tts: VoxtralTTS, ref_wav: Path) -> None:
    wave, rows = tts._reference_rows(ref_wav)  # 16 kHz stereo FLAC
    assert abs(wave.size - 4 * 24000) <= 1
    assert rows.shape == (50 + 1, 64)


def test_bad_generation_settings(tts: VoxtralTTS) -> None:
    with pytest.raises(ValueError, match="max_seconds must be positive"):
        tts.generate("Hello", voice="tiny_male", max_seconds=0)
