"""Speaker-similarity judges.

The default is Resemblyzer's GE2E encoder (3-layer LSTM, 256-d embeddings, 16 kHz), whose weights ship inside
its PyPI wheel. It is not the WavLM-large verification model that Seed-TTS-eval uses, so SIM numbers here
compare our runs with each other and with the engines benchmark, not with published SIM-o values.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from typing import Protocol, runtime_checkable

import numpy as np
import soxr

from .errors import JudgeMissingError
from .plugins import load_factory, package_version

RESEMBLYZER_INSTALL = "pip install librosa webrtcvad-wheels && pip install --no-deps resemblyzer"
SPK_RATE = 16000
MIN_SPEECH_SECONDS = 0.3


@runtime_checkable
class SpeakerEncoder(Protocol):
    """What a speaker-similarity judge provides."""

    name: str

    def embed(self, samples: np.ndarray, sample_rate: int) -> np.ndarray | None:
        """A fixed-size speaker embedding of mono float32 `samples`, or None if there is no speech to embed."""
        ...

    def describe(self) -> dict: ...


class ResemblyzerEncoder:
    """Resemblyzer's VoiceEncoder with its own preprocessing (volume normalisation, VAD trimming)."""

    name = "resemblyzer"

    def __init__(self) -> None:
        try:
            # It prints a load message, and its scipy import warns of a deprecation that is not ours to fix.
            with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                from resemblyzer import VoiceEncoder, preprocess_wav

                self._encoder = VoiceEncoder(device="cpu")
        except ImportError as e:
            raise JudgeMissingError(f"resemblyzer (the speaker-similarity judge; {e})", RESEMBLYZER_INSTALL) from None
        self._preprocess = preprocess_wav

    def embed(self, samples: np.ndarray, sample_rate: int) -> np.ndarray | None:
        wav = np.asarray(samples, dtype=np.float32)
        if sample_rate != SPK_RATE and wav.size:
            wav = soxr.resample(wav, sample_rate, SPK_RATE).astype(np.float32)
        if wav.size < SPK_RATE * MIN_SPEECH_SECONDS or not np.any(wav):
            return None
        trimmed = self._preprocess(wav)
        # VAD trimming can remove nearly everything from noise-like audio; embed the untrimmed clip then.
        if trimmed.size < SPK_RATE * MIN_SPEECH_SECONDS:
            trimmed = wav
        return self._encoder.embed_utterance(trimmed.astype(np.float32))

    def describe(self) -> dict:
        return {"name": self.name, "version": package_version("resemblyzer"), "model": "GE2E LSTM, 256-d, 16 kHz"}


def load_speaker(spec: str | None = "resemblyzer") -> SpeakerEncoder | None:
    """`resemblyzer` (default), `module:factory`, or `none`."""
    if spec is None or spec == "none":
        return None
    if spec == "resemblyzer":
        return ResemblyzerEncoder()
    if ":" in spec:
        return load_factory(spec)()
    raise ValueError(f"unknown speaker encoder {spec!r}: use resemblyzer, module:factory or none")
