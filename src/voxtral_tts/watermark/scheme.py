"""The watermark scheme `voxtral-stft-v1`: a keyed spectral pattern whose sign follows a slow carrier.

The mark is a linear, causal, time-varying filter: y[n] = x[n] + s[n] * (g * x)[n], where g is a short
minimum-phase filter whose magnitude response is a keyed pseudo-random ripple of a fraction of a dB across
200-3800 Hz, and s[n] is a sinusoid of a few Hz. In every STFT frame the log-spectrum of y is the host's
plus s(t) * P(f): a patchwork of raised and lowered narrow bands whose sign swings with the carrier.
See docs/watermark.md for the reasoning, the detector and what the mark does and does not resist.

Everything here is derived from the key with SHAKE-256, never from numpy's random generators, whose streams
may change between numpy versions: a mark made today must be detectable by any later release.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

SCHEME = "voxtral-stft-v1"

BAND_HZ = (200.0, 3800.0)  # below the 4 kHz Nyquist of 8 kHz telephone audio, above mains hum
KNOT_HZ = 60.0  # spacing of the pattern's random knots; the filter rings for about 1 / KNOT_HZ
EDGE_HZ = 100.0  # raised-cosine taper at each band edge
CARRIER_HZ = 12.0  # the pattern's sign swings at this rate (faster than syllables, whose modulation is the noise)
DEPTH_DB = 2.0  # rms of the log-magnitude ripple, in dB
SYNC_SHARE = 0.6  # fraction of the ripple's power in the presence pattern (sine carrier); the rest, on the
# cosine carrier, carries the payload
N_BITS = 32  # payload: 16-bit model id, then 16-bit key id
FILTER_SECONDS = 0.04  # taps of g; the ripple's impulse response has decayed well before that

# Fixed-point convolution: the input is quantised to Q_IN fractional bits and the taps to Q_TAP, so that the
# filter's output is an exact integer however a stream is cut into chunks (see embed.Watermarker).
Q_IN = 15
Q_TAP = 15


def _shake(secret: bytes, label: str, n: int) -> bytes:
    return hashlib.shake_256(SCHEME.encode() + b"\0" + label.encode() + b"\0" + secret).digest(n)


def knot_signs(secret: bytes, label: str, n: int) -> np.ndarray:
    """n keyed values in {-1, +1}."""
    bits = np.unpackbits(np.frombuffer(_shake(secret, label, (n + 7) // 8), dtype=np.uint8))[:n]
    return bits.astype(np.float64) * 2.0 - 1.0


def n_knots() -> int:
    return int(np.ceil((BAND_HZ[1] - BAND_HZ[0]) / KNOT_HZ)) + 1


def band_taper(freqs: np.ndarray) -> np.ndarray:
    """1 inside the band, a raised-cosine fall to 0 over EDGE_HZ outside it."""
    lo, hi = BAND_HZ
    w = np.zeros_like(freqs, dtype=np.float64)
    inside = (freqs >= lo) & (freqs <= hi)
    w[inside] = 1.0
    for edge, sign in ((lo, -1.0), (hi, 1.0)):
        d = (freqs - edge) * sign
        ramp = (d > 0) & (d < EDGE_HZ)
        w[ramp] = 0.5 * (1 + np.cos(np.pi * d[ramp] / EDGE_HZ))
    return w


def pattern_at(knots: np.ndarray, freqs: np.ndarray) -> np.ndarray:
    """The smooth pattern through `knots` (one per KNOT_HZ from the band's low edge) at `freqs` in Hz:
    raised-cosine interpolation, so the ripple has no sharp corners (and the filter no long tail)."""
    pos = (np.asarray(freqs, dtype=np.float64) - BAND_HZ[0]) / KNOT_HZ
    i = np.clip(np.floor(pos).astype(np.int64), 0, knots.size - 2)
    t = np.clip(pos - i, 0.0, 1.0)
    w = 0.5 * (1 - np.cos(np.pi * t))
    return ((1 - w) * knots[i] + w * knots[i + 1]) * band_taper(freqs)


@dataclass(frozen=True)
class Patterns:
    """A key's patterns, as knot values, orthonormal to each other: the presence pattern, one per payload bit,
    and decoys that span the rest of the pattern space (the detector measures each clip's noise floor on them)."""

    sync: np.ndarray  # [K]
    bits: np.ndarray  # [N_BITS, K]
    decoys: np.ndarray  # [K - 1 - N_BITS, K]


@lru_cache(maxsize=64)
def patterns(secret: bytes) -> Patterns:
    k = n_knots()
    raw = np.stack([knot_signs(secret, f"pattern{i}", k) for i in range(k)])
    # Gram-Schmidt in a fixed order keeps the signs' randomness and makes every pattern independent of the others.
    basis: list[np.ndarray] = []
    for v in raw:
        for b in basis:
            v = v - (v @ b) * b
        basis.append(v / np.linalg.norm(v))
    q = np.stack(basis) * np.sqrt(k)  # rms 1 per knot
    return Patterns(sync=q[0], bits=q[1 : 1 + N_BITS], decoys=q[1 + N_BITS :])


def model_id_for(model_name: str) -> int:
    """The 16-bit model id a mark carries: the first two bytes of sha256(model name)."""
    return int.from_bytes(hashlib.sha256(model_name.encode()).digest()[:2], "big")


def payload_bits(model_id: int, key_id: int) -> np.ndarray:
    """The 32 payload bits as +-1: model id then key id, most significant bit first."""
    word = ((model_id & 0xFFFF) << 16) | (key_id & 0xFFFF)
    return np.array([1.0 if (word >> (N_BITS - 1 - b)) & 1 else -1.0 for b in range(N_BITS)])


def split_payload(bits: np.ndarray) -> tuple[int, int]:
    word = 0
    for b in bits:
        word = (word << 1) | int(b > 0)
    return word >> 16, word & 0xFFFF


def embed_knots(secret: bytes, model_id: int, key_id: int) -> tuple[np.ndarray, np.ndarray]:
    """The log-magnitude ripples (dB, at the knots) on the sine carrier (presence) and the cosine carrier
    (payload). Over time and frequency their rms is DEPTH_DB."""
    p = patterns(secret)
    data = payload_bits(model_id, key_id) @ p.bits / np.sqrt(N_BITS)
    # Carrier power averages 1/2, so rms over time is sqrt((a0^2 + a1^2) / 2).
    a0 = DEPTH_DB * np.sqrt(2 * SYNC_SHARE)
    a1 = DEPTH_DB * np.sqrt(2 * (1 - SYNC_SHARE))
    return a0 * p.sync, a1 * data / np.sqrt(np.mean(data**2))


@lru_cache(maxsize=32)
def _ripple_filter(knots_key: bytes, sample_rate: int) -> np.ndarray:
    knots = np.frombuffer(knots_key, dtype=np.float64)
    n_fft = 1 << int(np.ceil(np.log2(sample_rate / 0.5)))  # 0.5 Hz grid or finer
    freqs = np.fft.rfftfreq(n_fft, 1.0 / sample_rate)
    log_mag = pattern_at(knots, freqs) * (np.log(10) / 20)
    # Minimum phase from the real cepstrum: the causal filter with this magnitude and the least delay.
    cep = np.fft.irfft(log_mag, n_fft)
    fold = np.zeros(n_fft)
    fold[0] = cep[0]
    fold[1 : n_fft // 2] = 2 * cep[1 : n_fft // 2]
    fold[n_fft // 2] = cep[n_fft // 2]
    h = np.fft.irfft(np.exp(np.fft.rfft(fold)), n_fft)
    taps = max(16, int(round(FILTER_SECONDS * sample_rate)))
    g = h[:taps].copy()
    g[0] -= 1.0  # the direct path is added exactly, outside the filter
    fade = taps // 4
    g[-fade:] *= 0.5 * (1 + np.cos(np.pi * np.arange(1, fade + 1) / fade))
    return np.rint(g * 2.0**Q_TAP)


def ripple_filter(knots: np.ndarray, sample_rate: int) -> np.ndarray:
    """Integer taps (scaled by 2**Q_TAP) of the filter g whose response 1 + G has the ripple `knots` (dB)."""
    return _ripple_filter(np.ascontiguousarray(knots, dtype=np.float64).tobytes(), int(sample_rate))


@lru_cache(maxsize=32)
def carriers(sample_rate: int) -> tuple[np.ndarray, np.ndarray]:
    """One period of the sine and cosine carriers, indexed by absolute sample position modulo its length."""
    period = max(4, int(round(sample_rate / CARRIER_HZ)))
    phase = 2 * np.pi * np.arange(period) / period
    return np.sin(phase), np.cos(phase)
