"""Reading reference audio and writing results: any format soundfile reads, resampled with soxr."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from .errors import ReferenceAudioError

log = logging.getLogger(__name__)

MIN_REF_SECONDS = 1.0
MAX_REF_SECONDS = 25.0
SILENCE_PEAK = 1e-3


def load_audio(source: str | Path | bytes | np.ndarray, sample_rate: int, source_rate: int | None = None) -> np.ndarray:
    """Decode `source` (a path, encoded bytes, or an array with `source_rate`) to float32 mono at `sample_rate`."""
    name = "<bytes>" if isinstance(source, bytes) else "<array>" if isinstance(source, np.ndarray) else str(source)
    if isinstance(source, np.ndarray):
        if source_rate is None:
            raise ReferenceAudioError("a reference waveform given as an array needs its sample rate")
        data, rate = np.asarray(source, dtype=np.float32), int(source_rate)
    else:
        if not isinstance(source, bytes) and not Path(source).exists():
            raise ReferenceAudioError(f"{name}: reference audio not found")
        try:
            data, rate = sf.read(io.BytesIO(source) if isinstance(source, bytes) else str(source), dtype="float32")
        except Exception as e:
            raise ReferenceAudioError(f"{name}: cannot decode audio ({type(e).__name__}: {e})") from None
    if data.ndim == 2:
        data = data.mean(axis=1)
    if data.ndim != 1:
        raise ReferenceAudioError(f"{name}: expected mono or multi-channel audio, got shape {data.shape}")
    if not np.all(np.isfinite(data)):
        raise ReferenceAudioError(f"{name}: audio contains NaN or infinite samples")
    if rate != sample_rate and data.size:
        data = soxr.resample(data, rate, sample_rate, quality="HQ").astype(np.float32)
    return data


def check_reference(wave: np.ndarray, sample_rate: int, name: str = "reference audio") -> np.ndarray:
    """Validate a cloning reference; longer clips are cut to the 25 s the model was designed for."""
    seconds = wave.size / sample_rate
    if seconds < MIN_REF_SECONDS:
        raise ReferenceAudioError(f"{name}: {seconds:.2f} s is too short; give 3 to 25 s of speech")
    peak = float(np.abs(wave).max())
    if peak < SILENCE_PEAK:
        raise ReferenceAudioError(f"{name}: audio is silent (peak {peak:.1e}); give 3 to 25 s of speech")
    if seconds < 3.0:
        log.warning("%s: %.1f s is short; cloning works best with 3 to 25 s", name, seconds)
    if seconds > MAX_REF_SECONDS:
        log.warning(
            "%s: %.1f s is longer than %.0f s; using the first %.0f s", name, seconds, MAX_REF_SECONDS, MAX_REF_SECONDS
        )
        wave = wave[: int(MAX_REF_SECONDS * sample_rate)]
    if peak > 1.0:
        wave = wave / peak
    return wave


@dataclass
class Audio:
    """Generated speech: float32 samples in [-1, 1] at `sample_rate`, plus what produced them."""

    samples: np.ndarray
    sample_rate: int
    seed: int | None = None
    frames: np.ndarray | None = field(default=None, repr=False)
    stop_reason: str = ""
    # Tags written by `save` (generator, model, time, watermark); see watermark.output.provenance_tags.
    provenance: dict[str, str] | None = field(default=None, repr=False)

    @property
    def duration(self) -> float:
        return self.samples.size / self.sample_rate

    def save(self, path: str | Path) -> Path:
        return save_audio(path, self.samples, self.sample_rate, tags=self.provenance)


def save_audio(path: str | Path, samples: np.ndarray, sample_rate: int, tags: dict[str, str] | None = None) -> Path:
    """Write WAV or FLAC (by extension) as 16-bit PCM, clipping to [-1, 1]. `tags` (soundfile's string
    fields: title, artist, comment, date, software, ...) go into the RIFF INFO chunk or Vorbis comments."""
    path = Path(path)
    fmt = {".wav": "WAV", ".flac": "FLAC"}.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(f"{path}: unsupported output format; use .wav or .flac")
    with sf.SoundFile(str(path), "w", sample_rate, 1, format=fmt, subtype="PCM_16") as f:
        for name, value in (tags or {}).items():
            setattr(f, name, value)  # before any audio: FLAC writes its comments in the header
        f.write(np.clip(samples, -1.0, 1.0))
    return path
