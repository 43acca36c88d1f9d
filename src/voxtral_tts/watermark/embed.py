"""Marking waveforms, whole or as a stream of chunks, with results that do not depend on the cut."""

from __future__ import annotations

import numpy as np

from .keys import WatermarkKey
from .scheme import Q_IN, Q_TAP, carriers, embed_knots, ripple_filter

_CLIP = 4.0  # inputs beyond +-4 are saturated when computing the ripple (never reached by real audio)


def _fft_convolve_valid(ext: np.ndarray, taps: np.ndarray) -> np.ndarray:
    """(ext * t)[len(t)-1 : len(ext)] for each row t of `taps`, for integer-valued float64 inputs, as exact
    integers.

    Values stay below 2**17 (input) and 2**13 (taps), so every partial sum is an integer far below 2**53 and
    the FFT's rounding error is orders of magnitude under 0.5: rounding recovers the exact integer result,
    the same one a direct sum would give in any order. That is what makes a streamed mark bit-identical to
    a one-shot mark."""
    width = taps.shape[-1]
    size = 1 << int(np.ceil(np.log2(ext.size + width - 1)))
    out = np.fft.irfft(np.fft.rfft(ext, size) * np.fft.rfft(taps, size), size)[..., width - 1 : ext.size]
    return np.rint(out)


class Watermarker:
    """Marks one output stream: feed its chunks in order to `push`; each returns the marked chunk, of the
    same length, with no look-ahead. Joined, the chunks equal `apply_watermark` on the whole waveform, bit
    for bit, however the stream was cut."""

    def __init__(self, key: WatermarkKey, sample_rate: int, model_id: int = 0) -> None:
        self.key, self.sample_rate, self.model_id = key, int(sample_rate), int(model_id) & 0xFFFF
        sync, data = embed_knots(key.secret, self.model_id, key.key_id)
        self.taps = np.stack([ripple_filter(sync, self.sample_rate), ripple_filter(data, self.sample_rate)])
        self.carriers = np.stack(carriers(self.sample_rate))
        self.history = np.zeros(self.taps.shape[1] - 1)
        self.position = 0  # samples marked so far: the carrier's phase is a function of absolute position

    def push(self, samples: np.ndarray) -> np.ndarray:
        x = np.asarray(samples, dtype=np.float32).reshape(-1)
        if x.size == 0:
            return x.copy()
        q = np.rint(np.clip(x.astype(np.float64), -_CLIP, _CLIP) * 2.0**Q_IN)
        ext = np.concatenate([self.history, q])
        ripples = _fft_convolve_valid(ext, self.taps) * 2.0 ** -(Q_IN + Q_TAP)
        self.history = ext[ext.size - self.history.size :]
        idx = (self.position + np.arange(x.size)) % self.carriers.shape[1]
        self.position += x.size
        mark = self.carriers[0, idx] * ripples[0] + self.carriers[1, idx] * ripples[1]
        return (x.astype(np.float64) + mark).astype(np.float32)

    __call__ = push


def apply_watermark(samples: np.ndarray, sample_rate: int, key: WatermarkKey, model_id: int = 0) -> np.ndarray:
    """Mark a whole waveform (float32 mono) as a stream starting at its first sample."""
    return Watermarker(key, sample_rate, model_id).push(samples)
