"""Signal checks and fixes for training audio, in numpy only: loudness, clipping, silence trimming.

Loudness follows ITU-R BS.1770-4: K-weighting (a high shelf and a high pass, re-derived for any sample
rate as libebur128 does), mean square over 400 ms blocks with 75 % overlap, an absolute gate at
-70 LUFS and a relative gate 10 LU below the ungated mean. The K-filter is applied as its complex
frequency response on a zero-padded FFT rather than sample by sample, because numpy has no IIR filter
and a Python loop would cost seconds per clip; with the padding this is the same linear filter, up to
the part of its impulse response that decays beyond the pad (far below 0.01 dB).
"""

from __future__ import annotations

import functools
import math

import numpy as np

ABS_GATE_LUFS = -70.0


@functools.lru_cache(maxsize=8)
def _k_weighting(n_fft: int, sr: int) -> np.ndarray:
    """The complex response of the two BS.1770 K-weighting biquads at the rfft bins of `n_fft`.
    Cached: FFT sizes are powers of two, so clips of similar length share one."""
    # High shelf (+4 dB above ~1.7 kHz), then an RLB high pass at ~38 Hz.
    f0, gain_db, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / sr)
    vh = 10 ** (gain_db / 20)
    vb = vh**0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf_b = ((vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0)
    shelf_a = (1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0)
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / sr)
    a0 = 1 + k / q + k * k
    hp_b = (1.0, -2.0, 1.0)
    hp_a = (1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0)
    z = np.exp(-1j * np.linspace(0.0, np.pi, n_fft // 2 + 1))  # e^{-jw} per bin
    z2 = z * z

    def poly(c: tuple[float, float, float]) -> np.ndarray:
        return c[0] + c[1] * z + c[2] * z2

    return poly(shelf_b) * poly(hp_b) / (poly(shelf_a) * poly(hp_a))


def k_weight(x: np.ndarray, sr: int) -> np.ndarray:
    """`x` through the K-weighting filter (causal, zero initial state)."""
    pad = int(0.5 * sr)  # the filter's impulse response has decayed far below float precision by then
    n_fft = 1 << (x.size + pad - 1).bit_length()
    spec = np.fft.rfft(x.astype(np.float64), n_fft) * _k_weighting(n_fft, sr)
    return np.fft.irfft(spec, n_fft)[: x.size]


def block_powers(x: np.ndarray, sr: int) -> np.ndarray:
    """Mean square of the K-weighted signal per 400 ms block, hop 100 ms (one block for shorter clips)."""
    y = k_weight(x, sr)
    block, hop = int(round(0.4 * sr)), int(round(0.1 * sr))
    if y.size < block:
        return np.array([float(np.mean(y * y))]) if y.size else np.zeros(0)
    csum = np.concatenate(([0.0], np.cumsum(y * y)))
    starts = np.arange(0, y.size - block + 1, hop)
    return (csum[starts + block] - csum[starts]) / block


def integrated_loudness(x: np.ndarray, sr: int) -> float:
    """BS.1770-4 integrated loudness of a mono signal in LUFS; -inf when every block is below -70 LUFS."""
    z = block_powers(x, sr)
    with np.errstate(divide="ignore"):
        lk = -0.691 + 10 * np.log10(np.maximum(z, 1e-300))
    z = z[lk > ABS_GATE_LUFS]
    if not z.size:
        return -math.inf
    rel = -0.691 + 10 * math.log10(float(z.mean())) - 10.0
    z = z[-0.691 + 10 * np.log10(z) > rel]
    return -0.691 + 10 * math.log10(float(z.mean()))


def normalize_loudness(
    x: np.ndarray, sr: int, target_lufs: float, peak_dbfs: float = -1.0, loudness: float | None = None
) -> tuple[np.ndarray, float]:
    """Scale `x` to `target_lufs`, but never so far that its sample peak exceeds `peak_dbfs`: a limiter
    would change the waveform, and a little less loudness on a few very dynamic clips is harmless.
    `loudness` is the measured loudness of `x`, when the caller has it. Returns the scaled signal and
    the gain applied in dB."""
    loud = integrated_loudness(x, sr) if loudness is None else loudness
    if not math.isfinite(loud):
        return x, 0.0
    gain_db = target_lufs - loud
    peak = float(np.abs(x).max())
    if peak > 0:
        gain_db = min(gain_db, peak_dbfs - 20 * math.log10(peak))
    return (x * 10 ** (gain_db / 20)).astype(np.float32), gain_db


def clipped_fraction(x: np.ndarray, min_run: int = 3, tol: float = 1e-5) -> float:
    """The share of samples that sit in flat runs of at least `min_run` samples at the signal's peak
    magnitude. Measured against the peak rather than full scale so that clipping followed by a gain
    change is still found; flat runs, not single peak samples, so that loud clean audio is not. `tol`
    is below one 16-bit step: a clipped run is exactly flat, while even a 50 Hz sine at 24 kHz moves
    more than that from one sample to the next near its crest. Lossy codecs (MP3) ring around a flat
    top, so clipping that went through one is mostly not seen."""
    if x.size == 0:
        return 0.0
    a = np.abs(x)
    peak = float(a.max())
    if peak <= 0:
        return 0.0
    at_peak = a >= peak * (1 - tol)
    # Run lengths of consecutive True values.
    edges = np.diff(np.concatenate(([0], at_peak.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    runs = ends - starts
    return float(runs[runs >= min_run].sum()) / x.size


def trim_silence(
    x: np.ndarray, sr: int, rel_db: float = -40.0, floor_dbfs: float = -60.0, pad_s: float = 0.1
) -> np.ndarray:
    """Cut leading and trailing stretches quieter than `rel_db` below the loudest 20 ms window, or than
    `floor_dbfs` where that is higher (hiss in a quiet recording is not speech), keeping `pad_s` of
    margin so that soft onsets and final consonants survive."""
    win = max(1, int(0.02 * sr))
    hop = max(1, win // 2)
    if x.size < win:
        return x
    csum = np.concatenate(([0.0], np.cumsum(x.astype(np.float64) ** 2)))
    starts = np.arange(0, x.size - win + 1, hop)
    with np.errstate(divide="ignore"):
        db = 10 * np.log10(np.maximum((csum[starts + win] - csum[starts]) / win, 1e-20))
    thresh = min(max(float(db.max()) + rel_db, floor_dbfs), float(db.max()))
    loud = np.flatnonzero(db >= thresh)
    pad = int(pad_s * sr)
    a = max(0, int(starts[loud[0]]) - pad)
    b = min(x.size, int(starts[loud[-1]]) + win + pad)
    return x[a:b]
