"""Speech prompts built by mistral-common, the official tokenizer and request format.

Layout (spec §1.2): [BOS] [BEGIN_AUDIO] [AUDIO]xN [NEXT_AUDIO_TEXT] text [REPEAT_AUDIO_TEXT] [BEGIN_AUDIO].
"""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import numpy as np
import soundfile as sf

from ..config import AUDIO_ID
from ..errors import CheckpointError, TextError, VoiceError

log = logging.getLogger(__name__)


class PromptTokenizer:
    def __init__(self, path: str | Path) -> None:
        # Imported here: mistral-common pulls in pydantic and tiktoken, which `import voxtral_tts` should not pay for.
        from mistral_common.tokens.tokenizers.mistral import MistralTokenizer

        path = Path(path)
        if not path.exists():
            raise CheckpointError(f"{path}: not found (a model folder needs tekken.json)")
        try:
            self._tok = MistralTokenizer.from_file(str(path))
        except Exception as e:  # mistral-common raises many types for malformed files
            raise CheckpointError(f"{path}: not a usable tekken tokenizer ({type(e).__name__}: {e})") from None
        audio = self._tok.instruct_tokenizer.audio_encoder
        if audio is None:
            raise CheckpointError(f"{path}: has no 'audio' section, so it cannot build speech prompts")
        self.path = path
        self.sampling_rate = int(audio.audio_config.sampling_rate)
        self.frame_rate = float(audio.audio_config.frame_rate)
        self.voice_slots: dict[str, int] = dict(audio.audio_config.voice_num_audio_tokens or {})

    @property
    def vocab_size(self) -> int:
        return int(json.loads(self.path.read_text())["config"]["default_vocab_size"])

    def text_ids(self, text: str) -> list[int]:
        return self._tok.instruct_tokenizer.tokenizer.encode(text, bos=False, eos=False)

    def speech_ids(self, text: str, voice: str | None = None, ref_audio: np.ndarray | None = None) -> list[int]:
        """Token ids of a speech request for a preset `voice`, or for a 1-D reference waveform at the
        tokenizer's sampling rate (which then takes precedence, as in mistral-common)."""
        from mistral_common.exceptions import InvalidRequestException
        from mistral_common.protocol.speech.request import SpeechRequest

        if not text or not text.strip():
            raise TextError("text is empty: give at least one word to speak")
        if ref_audio is not None:
            buf = io.BytesIO()
            sf.write(buf, np.asarray(ref_audio, dtype=np.float32), self.sampling_rate, format="WAV", subtype="FLOAT")
            request = SpeechRequest(input=text, ref_audio=buf.getvalue())
        elif voice is not None:
            if voice not in self.voice_slots:
                raise VoiceError(
                    f"unknown voice {voice!r}; this model has: {', '.join(sorted(self.voice_slots)) or 'none'}"
                )
            request = SpeechRequest(input=text, voice=voice)
        else:
            raise VoiceError("give a preset voice or reference audio")
        try:
            return list(self._tok.encode_speech_request(request).tokens)
        except InvalidRequestException as e:
            raise VoiceError(str(e)) from None

    @staticmethod
    def audio_slots(ids: list[int]) -> int:
        return sum(1 for i in ids if i == AUDIO_ID)
