"""What marked audio goes through in the wild, as functions (samples, rate, rng) -> (samples, rate).

Used by the robustness tests and by benchmarks/watermark.py, so both measure the same transforms. Codecs go
through libsndfile (the soundfile wheel), so no external encoder is needed.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
import soundfile as sf
import soxr

Attack = Callable[[np.ndarray, int, np.random.Generator], tuple[np.ndarray, int]]

# libsndfile maps compression_level linearly onto the bitrate: MP3 at 16-24 kHz (MPEG-2) spans 160..8 kbps,
# Opus spans 256..6 kbps per channel.
_MP3_RANGE_MPEG2 = (160.0, 8.0)
_MP3_RANGE_MPEG1 = (320.0, 32.0)
_OPUS_RANGE = (256.0, 6.0)


def _level(kbps: float, hi: float, lo: float) -> float:
    return float(np.clip((hi - kbps) / (hi - lo), 0.0, 1.0))


def resample(rate: int) -> Attack:
    def f(x: np.ndarray, sr: int, rng: np.random.Generator) -> tuple[np.ndarray, int]:
        return soxr.resample(x, sr, rate, quality="HQ").astype(np.float32), rate

    return f


def encode(fmt: str, kbps: float, x: np.ndarray, sr: int) -> bytes:
    """`x` as an MP3 (constant bitrate) or Ogg Opus (libopus' variable bitrate around that target) file."""
    buf = io.BytesIO()
    clipped = np.clip(x, -1.0, 1.0)
    if fmt == "mp3":
        lvl = _level(kbps, *(_MP3_RANGE_MPEG1 if sr >= 32000 else _MP3_RANGE_MPEG2))
        sf.write(
            buf, clipped, sr, format="MP3", subtype="MPEG_LAYER_III", compression_level=lvl, bitrate_mode="CONSTANT"
        )
    elif fmt == "opus":
        sf.write(buf, clipped, sr, format="OGG", subtype="OPUS", compression_level=_level(kbps, *_OPUS_RANGE))
    else:
        raise ValueError(f"unknown codec {fmt!r}: use mp3 or opus")
    return buf.getvalue()


def codec(fmt: str, kbps: float) -> Attack:
    """Encode and decode."""

    def f(x: np.ndarray, sr: int, rng: np.random.Generator) -> tuple[np.ndarray, int]:
        y, rate = sf.read(io.BytesIO(encode(fmt, kbps, x, sr)), dtype="float32")
        return (y.mean(axis=1) if y.ndim == 2 else y), rate

    return f


def measure_bitrate(fmt: str, kbps: float, x: np.ndarray, sr: int) -> float:
    """The bitrate in kbps that `codec(fmt, kbps)` really gives for `x` (Opus varies with the content)."""
    return len(encode(fmt, kbps, x, sr)) * 8 / (x.size / sr) / 1000


def white_noise(snr_db: float) -> Attack:
    """Gaussian white noise at `snr_db` below the clip's mean power (pauses included)."""

    def f(x: np.ndarray, sr: int, rng: np.random.Generator) -> tuple[np.ndarray, int]:
        p = float(np.mean(x.astype(np.float64) ** 2))
        noise = rng.standard_normal(x.size) * np.sqrt(p / 10 ** (snr_db / 10))
        return (x + noise).astype(np.float32), sr

    return f


def speed(factor: float) -> Attack:
    """Play faster (factor > 1) or slower, like tape or a resampling player: pitch and tempo change together."""

    def f(x: np.ndarray, sr: int, rng: np.random.Generator) -> tuple[np.ndarray, int]:
        return soxr.resample(x, sr * factor, sr, quality="HQ").astype(np.float32), sr

    return f


def trim(seconds: float) -> Attack:
    """A random `seconds`-long segment (the whole clip if it is shorter)."""

    def f(x: np.ndarray, sr: int, rng: np.random.Generator) -> tuple[np.ndarray, int]:
        n = int(seconds * sr)
        if x.size <= n:
            return x, sr
        a = int(rng.integers(0, x.size - n + 1))
        return x[a : a + n], sr

    return f


def splice(before: np.ndarray, after: np.ndarray, rate: int) -> Attack:
    """The clip between two pieces of other (unmarked) speech at `rate`."""

    def f(x: np.ndarray, sr: int, rng: np.random.Generator) -> tuple[np.ndarray, int]:
        b = soxr.resample(before, rate, sr) if rate != sr else before
        a = soxr.resample(after, rate, sr) if rate != sr else after
        return np.concatenate([b, x, a]).astype(np.float32), sr

    return f
