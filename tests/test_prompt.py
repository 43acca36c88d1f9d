"""Prompts are built by mistral-common and filled with voice or reference rows."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import torch
from mistral_common.protocol.speech.request import SpeechRequest
from mistral_common.tokens.tokenizers.mistral import MistralTokenizer

from voxtral_tts import VoxtralTTS

TEXTS = ["Hello, the world!", "Bonjour à tous.", "مرحبا بالعالم", "नमस्ते दुनिया", "3.14 is 22/7?"]


@pytest.mark.parametrize("text", TEXTS)
def test_preset_prompt_ids_equal_mistral_common(tts: VoxtralTTS, tiny_dir: Path, text: str) -> None:
    reference = MistralTokenizer.from_file(str(tiny_dir / "tekken.json"))
    expected = reference.encode_speech_request(SpeechRequest(input=text, voice="tiny_female")).tokens
    ids = tts.tokenizer.speech_ids(text, voice="tiny_female")
    assert ids == expected
    n = tts.tokenizer.voice_slots["tiny_female"]
    assert ids[: 2 + n] == [1, 25] + [24] * n
    assert ids[2 + n] == 36 and ids[-2:] == [35, 25]
    assert all(i >= 1000 for i in ids[3 + n : -2])  # text ids are rank + 1000


def test_prompt_embeddings_splice_voice_rows_into_audio_slots(tts: VoxtralTTS) -> None:
    emb, prefix, _ = tts._prompt("Hi there", "tiny_male", None)
    ids = tts.tokenizer.speech_ids("Hi there", voice="tiny_male")
    assert ids[prefix - 1] == 36 and ids[prefix - 2] == 24  # the voice part ends at [NEXT_AUDIO_TEXT]
    rows = tts.voice_bank.rows("tiny_male").float()
    torch.testing.assert_close(emb[2:6], rows)
    table = tts.model.backbone.tok_embeddings.weight
    torch.testing.assert_close(emb[:2], table[ids[:2]])
    torch.testing.assert_close(emb[6:], table[ids[6:]])


@pytest.mark.parametrize("seconds", [1.6, 3.0, 4.37])
def test_reference_prompt_has_ceil_seconds_times_rate_plus_one_slots(
    tts: VoxtralTTS, tmp_path: Path, seconds: float
) -> None:
    n = int(seconds * 24000)
    wave = (0.2 * np.sin(np.arange(n) * 0.05)).astype(np.float32)
    path = tmp_path / "r.wav"
    sf.write(path, wave, 24000, subtype="FLOAT")
    emb, prefix, _ = tts._prompt("Copy my voice.", None, path)
    ids = tts.tokenizer.speech_ids("Copy my voice.", ref_audio=wave[: n - 1] if n % 1920 == 0 else wave)
    slots = sum(1 for i in ids if i == 24)
    assert slots == math.ceil(seconds * 12.5) + 1
    assert emb.shape[0] == len(ids)
    assert prefix == slots + 3 and ids[prefix - 1] == 36
    # The last slot holds the end-of-audio frame: semantic [END_AUDIO], acoustic [EMPTY_AUDIO].
    eoa = torch.zeros(1, 37, dtype=torch.long)
    eoa[0, 0] = 1
    torch.testing.assert_close(emb[1 + slots], tts.model.embed_frames(eoa)[0])


def test_reference_rows_come_from_the_encoder(tts: VoxtralTTS) -> None:
    wave = np.random.default_rng(0).standard_normal(24000 * 2).astype(np.float32) * 0.1
    _, rows = tts._reference_rows((wave, 24000))
    codes = tts.model.codec.encode(torch.from_numpy(wave)[None])[0].T + 2
    torch.testing.assert_close(rows[:-1], tts.model.embed_frames(codes))
