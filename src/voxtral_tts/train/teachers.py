"""Teachers for the codec's semantic distillation: frozen models whose hidden states the semantic
branch learns to predict, so that semantic codes carry what is said (spec §7).

A teacher maps a 16 kHz waveform to features at 50 Hz, [frames, dim]; the trainer averages them to
the codec frame rate. The paper distils Whisper decoder states aligned by cross-attention; we use
Whisper *encoder* states, which are frame-aligned by construction (a documented simplification).
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np
import soxr
import torch

from ..errors import VoxtralError
from .losses import mel_filterbank

TEACHER_RATE = 50  # frames per second


class Teacher(Protocol):
    name: str
    dim: int

    def features(self, wave_24k: np.ndarray) -> np.ndarray:
        """[ceil(seconds * 50), dim] float32."""


class MelTeacher:
    """Log-mel frames: not semantic, but needs nothing installed. For tests and ablations."""

    name = "mel"
    dim = 80

    def __init__(self) -> None:
        self.fb = mel_filterbank(16000, 400, self.dim)

    def features(self, wave_24k: np.ndarray) -> np.ndarray:
        x = torch.from_numpy(soxr.resample(wave_24k, 24000, 16000).astype(np.float32))
        n = int(np.ceil(len(wave_24k) / 24000 * TEACHER_RATE))
        spec = torch.stft(x, 400, 320, window=torch.hann_window(400), return_complex=True, center=True).abs() ** 2
        mel = (self.fb @ spec).clamp(min=1e-8).log10().T  # [frames, 80]
        mel = (mel - mel.mean()) / (mel.std() + 1e-5)
        out = np.zeros((n, self.dim), np.float32)
        m = min(n, mel.shape[0])
        out[:m] = mel[:m].numpy()
        return out


class WhisperEncoderTeacher:
    """Whisper's encoder through faster-whisper (CTranslate2), with a model folder on disk."""

    name = "whisper"

    def __init__(self, model_dir: str | Path | None = None, threads: int = 0) -> None:
        try:
            from faster_whisper import WhisperModel
        except ImportError:
            raise VoxtralError("the whisper teacher needs faster-whisper: pip install 'voxtral-tts[eval]'") from None
        if model_dir is None:
            from ..eval.asr import whisper_base_dir  # raises a clear error naming the packages to install

            model_dir = whisper_base_dir()
        # int8 matches the eval judge and runs ~2x faster; the targets need no more precision.
        self.model = WhisperModel(str(model_dir), device="cpu", compute_type="int8", cpu_threads=threads)
        self.dim = self._encode(np.zeros(16000, np.float32)).shape[-1]

    def _encode(self, wave_16k: np.ndarray) -> np.ndarray:
        import ctranslate2

        fe = self.model.feature_extractor
        feats = fe(wave_16k, padding=fe.n_samples - len(wave_16k) if len(wave_16k) < fe.n_samples else 0)
        feats = feats[:, : fe.nb_max_frames]
        out = self.model.model.encode(ctranslate2.StorageView.from_array(feats[None].astype(np.float32)))
        return np.array(out)[0]  # [1500, dim] for 30 s

    def features(self, wave_24k: np.ndarray) -> np.ndarray:
        wave = soxr.resample(wave_24k, 24000, 16000).astype(np.float32)
        n = int(np.ceil(len(wave_24k) / 24000 * TEACHER_RATE))
        chunk = 30 * 16000
        parts = [self._encode(wave[i : i + chunk]) for i in range(0, max(1, len(wave)), chunk)]
        return np.concatenate(parts)[:n].astype(np.float32)


def packed_features(teacher: Teacher, waves: list[np.ndarray], window_s: float = 30.0) -> list[np.ndarray]:
    """Teacher features for many utterances, several per teacher call.

    Whisper's encoder always processes a 30 s window, so one short clip per call wastes most of it;
    packing clips back to back (each padded to a whole teacher frame, so the split is exact) costs one
    call per 30 s of audio. A clip then sees its neighbours through attention, which is harmless for
    a distillation target."""
    hop = 24000 // TEACHER_RATE
    out: list[np.ndarray | None] = [None] * len(waves)
    batch: list[int] = []
    limit = int(window_s * 24000)

    def flush() -> None:
        if not batch:
            return
        parts = [np.pad(waves[i], (0, (-len(waves[i])) % hop)) for i in batch]
        feats = teacher.features(np.concatenate(parts))
        start = 0
        for i, p in zip(batch, parts):
            n = len(p) // hop
            out[i] = feats[start : start + n]
            start += n
        batch.clear()

    used = 0
    for i, w in enumerate(waves):
        n = len(w) + (-len(w)) % hop
        if n > limit:  # long clips go alone; the teacher chunks them itself
            flush()
            out[i] = teacher.features(w)
            used = 0
            continue
        if used + n > limit:
            flush()
            used = 0
        batch.append(i)
        used += n
    flush()
    return out  # type: ignore[return-value]


def make_teacher(name: str, model_dir: str = "") -> Teacher | None:
    if name in ("", "none"):
        return None
    if name == "mel":
        return MelTeacher()
    if name == "whisper":
        return WhisperEncoderTeacher(model_dir or None)
    raise VoxtralError(f"unknown teacher {name!r}; choose whisper, mel or none")
