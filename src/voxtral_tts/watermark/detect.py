"""Finding the mark: presence, confidence and payload, from any audio the mark may have passed through.

For each candidate speed factor r (the clip may have been sped up or slowed down, which scales both its
frequencies and its timing), the detector
1. takes log-power spectra of 64 ms frames at 8 kHz, minus their smooth envelope (only the fine structure
   the pattern lives in is kept),
2. projects every frame on the key's patterns, warped to r, which gives one time series per pattern,
3. demodulates each series at the carrier (r * CARRIER_HZ), which cancels everything in the host that is
   steady (its average spectrum, a voice's harmonics, a channel's colouring) and keeps the mark.
The presence statistic z is the presence pattern's demodulated magnitude over the noise floor measured on
the decoy patterns, which span the rest of the pattern space and carry no mark. Under no mark, z^2 / 2 follows
an F(2, 2m) law for m decoys, which gives the p-value; it is multiplied by the number of hypotheses tried
(speed factors, windows, keys). The payload bits are read on the cosine carrier at the phase the presence
pattern gives.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from ..errors import VoxtralError
from .keys import WatermarkKey, detector_keys
from .scheme import (
    CARRIER_HZ,
    N_BITS,
    SCHEME,
    SYNC_SHARE,
    model_id_for,
    pattern_at,
    patterns,
    payload_bits,
    split_payload,
)

ANALYSIS_RATE = 8000
N_FFT = 512
HOP = 128
DETREND_BINS = 25  # the envelope removed from each frame: a moving average over 25 bins (390 Hz)
FLOOR = 1e-6  # power floor, relative to the frame's mean power, before the log
SNR_WEIGHT = True
NOISE_PERCENTILE = 25
CLIP = 2.0  # weighted log-power deviations are clipped here (in standard deviations)
ACTIVE_DB = -45.0  # frames this far below the loud ones are left out (pauses, fades)
HIGHPASS_S = 0.5  # slow drifts of each projection are removed before demodulation (2 carrier periods)
SCALES = np.round(np.arange(0.88, 1.1201, 0.004), 4)  # speed factors tried: +-12 %
WINDOW_S = 6.0  # long clips are also searched in windows of this length (a marked part inside other audio)
WINDOW_HOP_S = 3.0
Z_THRESHOLD = 6.5  # presence when the best z reaches this (calibrated on unmarked speech, docs/watermark.md)
# The p-value treats the decoys as this many independent ones: the host correlates them, and this fits the tail
# of z measured on unmarked engine speech (P(z >= 6) near 1e-3 per clip and key) where 28 would be optimistic.
EFFECTIVE_DECOYS = 10
MIN_SECONDS = 1.0
KNOWN_MODELS = ("Voxtral-4B-TTS-2603",)
MAX_MODEL_BIT_ERRORS = 2  # a known model (or the key) is matched with at most this many of its 16 id bits wrong
RELIABLE_BIT = 1.5  # an unknown model's id is trusted when every bit is this many noise deviations from 0


@dataclass
class Detection:
    """What the detector found in one waveform, for one key (the best match over the keys tried)."""

    present: bool
    confidence: float  # 1 - p, where p bounds the chance of a z this high without a mark
    z: float  # the presence statistic; Z_THRESHOLD decides
    p_value: float
    key_id: int | None = None  # the key whose pattern matched best
    model_id: int | None = None  # decoded payload; trustworthy when payload_ok
    model: str | None = None  # the model's name, when the id is one of the names the detector knows
    payload_key_id: int | None = None
    payload_ok: bool = False  # the key id carried in the payload equals the matching key's
    bit_reliability: float = 0.0  # the weakest payload bit's margin, in noise standard deviations
    speed: float = 1.0  # the speed factor the mark was found at
    start_s: float = 0.0  # where in the clip the best window starts
    seconds: float = 0.0
    scheme: str = SCHEME
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        d = asdict(self)
        for k in ("confidence", "z", "p_value", "bit_reliability", "speed", "start_s", "seconds"):
            d[k] = float(round(d[k], 6)) if k != "p_value" else float(f"{d[k]:.3g}")
        return d


def detect_file(path: str | Path, keys: list[WatermarkKey] | None = None, model_names: list[str] | None = None):
    """`detect_watermark` on an audio file of any format libsndfile reads (WAV, FLAC, Ogg Vorbis/Opus, MP3)."""
    try:
        samples, rate = sf.read(str(path), dtype="float32", always_2d=True)
    except Exception as e:
        raise VoxtralError(f"{path}: cannot read audio ({type(e).__name__}: {e})") from None
    return detect_watermark(samples.mean(axis=1), rate, keys, model_names)


def _frames(wave: np.ndarray) -> np.ndarray:
    if wave.size < N_FFT:
        wave = np.pad(wave, (0, N_FFT - wave.size))
    n = 1 + (wave.size - N_FFT) // HOP
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(n)[:, None]
    return wave[idx] * np.hanning(N_FFT)[None, :]


def _features(wave: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(detrended log-power [T, F], activity weights [T], bin frequencies [F]) within the analysed band."""
    power = np.abs(np.fft.rfft(_frames(wave), axis=1)) ** 2
    freqs = np.fft.rfftfreq(N_FFT, 1.0 / ANALYSIS_RATE)
    energy = power.mean(axis=1)
    loud = np.percentile(energy, 95) if energy.size else 0.0
    active = (energy > loud * 10 ** (ACTIVE_DB / 10)) & (energy > 0)
    logp = np.log(power + FLOOR * energy[:, None] + 1e-20)
    # The envelope (formants, tilt) is removed with a moving average far wider than the pattern's knots, so
    # that the pattern itself survives the subtraction.
    csum = np.cumsum(np.pad(logp, ((0, 0), (DETREND_BINS // 2 + 1, DETREND_BINS // 2)), mode="edge"), axis=1)
    smooth = (csum[:, DETREND_BINS:] - csum[:, :-DETREND_BINS]) / DETREND_BINS
    keep = (freqs >= 100) & (freqs <= 3950)
    dev = logp - smooth
    if SNR_WEIGHT:
        # Where noise dominates a bin the mark is diluted by S / (S + N): weight each cell by that share, with
        # the noise level of a bin taken as a low percentile of its power over time.
        # For noise, a bin's power is exponentially distributed: its 10th percentile is 0.105 times its mean.
        noise = np.percentile(power, NOISE_PERCENTILE, axis=0) / -np.log1p(-NOISE_PERCENTILE / 100) + 1e-20
        snr = np.maximum(power / noise[None, :] - 1.0, 0.0)
        dev = dev * (snr / (1.0 + snr))
    return dev[:, keep], active.astype(np.float64), freqs[keep]


def _moving_sum(x: np.ndarray, n: int) -> np.ndarray:
    """Centred moving sum over n rows (axis 0), zero-padded at the ends."""
    c = np.cumsum(
        np.concatenate([np.zeros((n // 2 + 1, *x.shape[1:])), x, np.zeros((n - n // 2 - 1, *x.shape[1:]))]), 0
    )
    return c[n:] - c[:-n]


def _highpass(c: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Remove slow drifts of each column (a weighted moving average over HIGHPASS_S); zero where inactive."""
    n = max(1, int(round(HIGHPASS_S * ANALYSIS_RATE / HOP)))
    num = _moving_sum(c * w[:, None], n)
    den = _moving_sum(w[:, None], n)
    return (c - num / np.maximum(den, 1e-9)) * w[:, None]


@lru_cache(maxsize=8)
def _warped(secret: bytes, freqs_key: bytes) -> list[tuple[float, np.ndarray, np.ndarray]]:
    """For each speed factor: (r, signal patterns [F, 1 + N_BITS], decoys [F, m]) at the analysis bins."""
    freqs = np.frombuffer(freqs_key, dtype=np.float64)
    pats = patterns(secret)
    out = []
    for r in SCALES:
        orig = freqs / r  # a component found at f was at f / r before the speed change
        sig = np.stack([pattern_at(pats.sync, orig), *(pattern_at(b, orig) for b in pats.bits)], axis=1)
        dec = np.stack([pattern_at(d, orig) for d in pats.decoys], axis=1)
        out.append((float(r), sig, dec))
    return out


def _orthonormal_columns(signal: np.ndarray, decoys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit-norm signal columns, and decoys made orthonormal and orthogonal to every signal column (in the
    bin domain, after warping, weighting and band limits, where the knot-domain orthogonality is only
    approximate)."""
    q, _ = np.linalg.qr(signal)
    d = decoys - q @ (q.T @ decoys)
    qd, _ = np.linalg.qr(d)
    return signal / np.linalg.norm(signal, axis=0, keepdims=True), qd


def _p_value(z: float, n_decoys: int) -> float:
    # |D|^2 / (2 sigma_hat^2) ~ F(2, 2m) without a mark: its survival function is (1 + f / m)^-m.
    return float((1.0 + z * z / (2.0 * n_decoys)) ** (-n_decoys))


def _analyse(feats, active, freqs, key: WatermarkKey, windows: list[tuple[int, int]]) -> dict:
    hp = _highpass(feats, active)
    # Bins whose fine structure varies most (strong harmonics, codec noise) are weighted down, and what is
    # left is clipped: a matched filter for unequal noise that shrugs off spectral nulls.
    var = (hp[active > 0] ** 2).mean(axis=0) if active.any() else np.ones(feats.shape[1])
    weight = 1.0 / np.sqrt(var + 1e-6 * np.mean(var) + 1e-12)
    x = np.clip(hp * weight, -CLIP, CLIP)
    t = (np.arange(feats.shape[0]) * HOP + N_FFT / 2) / ANALYSIS_RATE
    # Demodulation is linear, so it runs on the bins before the projection on patterns: [scales, bins].
    osc = np.exp(-2j * np.pi * CARRIER_HZ * SCALES[:, None] * t[None, :])
    per_window = [osc[:, a:b] @ x[a:b] for a, b in windows]
    known = payload_bits(0, key.key_id)[16:]  # the key id half of the payload is known for this key
    a_sync, a_bit = np.sqrt(SYNC_SHARE), np.sqrt((1 - SYNC_SHARE) / N_BITS)
    norm = np.sqrt(a_sync**2 + 16 * a_bit**2)
    best: dict = {"z": -1.0}
    warped = _warped(key.secret, np.ascontiguousarray(freqs, dtype=np.float64).tobytes())
    for i, (r, sig, dec) in enumerate(warped):
        sig_w, dec_w = _orthonormal_columns(sig * weight[:, None], dec * weight[:, None])
        m = np.concatenate([sig_w, dec_w], axis=1)
        for (a, b), y in zip(windows, per_window):
            demod = y[i] @ m
            sigma2 = np.mean(np.abs(demod[sig_w.shape[1] :]) ** 2) / 2
            if sigma2 <= 0:
                continue
            # Presence combines the sine-carrier pattern with the known key-id bits on the cosine carrier
            # (a quarter period later, hence the -1j), each weighted by the share of the ripple it carries.
            combined = (a_sync * demod[0] - 1j * a_bit * (known @ demod[17:33])) / norm
            z = float(np.abs(combined) / np.sqrt(sigma2))
            if z > best["z"]:
                best = {"z": z, "r": r, "demod": demod, "ref": combined, "sigma": np.sqrt(sigma2), "window": (a, b)}
    best["n_decoys"] = warped[0][2].shape[1]
    return best


def _windows(n_frames: int) -> list[tuple[int, int]]:
    per_s = ANALYSIS_RATE / HOP
    size, hop = int(WINDOW_S * per_s), int(WINDOW_HOP_S * per_s)
    out = [(0, n_frames)]
    if n_frames > size + hop // 2:
        out += [(a, min(a + size, n_frames)) for a in range(0, n_frames - size + hop, hop)]
    return out


def detect_watermark(
    samples: np.ndarray, sample_rate: int, keys: list[WatermarkKey] | None = None, model_names: list[str] | None = None
) -> Detection:
    """Look for the mark of any of `keys` (default: this deployment's key and the public key) in `samples`
    (mono or [n, channels], any rate). `model_names` lets a decoded model id be reported by name."""
    keys = detector_keys() if keys is None else keys
    x = np.asarray(samples, dtype=np.float64)
    if x.ndim == 2:
        x = x.mean(axis=1)
    seconds = x.size / sample_rate if sample_rate else 0.0
    if not keys:
        raise ValueError("detect_watermark needs at least one key")
    if seconds < MIN_SECONDS or not np.any(x):
        note = "too short to test (under 1 s)" if seconds < MIN_SECONDS else "silent"
        return Detection(False, 0.0, 0.0, 1.0, seconds=seconds, notes=[note])
    if sample_rate != ANALYSIS_RATE:
        x = soxr.resample(x, sample_rate, ANALYSIS_RATE, quality="HQ")
    feats, active, freqs = _features(x)
    windows = _windows(feats.shape[0])
    hypotheses = len(SCALES) * len(windows) * len(keys)
    found = None
    for key in keys:
        res = _analyse(feats, active, freqs, key, windows)
        if res["z"] >= 0 and (found is None or res["z"] > found[1]["z"]):
            found = (key, res)
    if found is None:
        return Detection(False, 0.0, 0.0, 1.0, seconds=seconds, notes=["no active frames"])
    key, res = found
    z = res["z"]
    p = min(1.0, hypotheses * _p_value(z, min(EFFECTIVE_DECOYS, res["n_decoys"])))
    det = Detection(
        present=z >= Z_THRESHOLD,
        confidence=1.0 - p,
        z=z,
        p_value=p,
        key_id=key.key_id,
        speed=res["r"],
        start_s=res["window"][0] * HOP / ANALYSIS_RATE,
        seconds=seconds,
    )
    if det.present:
        demod, sigma = res["demod"], res["sigma"]
        ref = np.conj(res["ref"]) / np.abs(res["ref"])
        # Payload bits ride the cosine carrier: a quarter period ahead of the presence pattern's sine.
        soft = np.imag(demod[1:33] * ref) / sigma
        det.model_id, det.payload_key_id = split_payload(soft)
        det.bit_reliability = float(np.min(np.abs(soft[:16])))
        # A model the detector knows by name is matched on the soft bits (a maximum-likelihood choice among
        # few candidates), which tolerates a flipped bit or two that hard decisions would not.
        best, best_score = None, -np.inf
        for name in dict.fromkeys([*KNOWN_MODELS, *(model_names or [])]):
            bits = payload_bits(model_id_for(name), 0)[:16]
            if np.sum(np.sign(soft[:16]) != bits) <= MAX_MODEL_BIT_ERRORS and bits @ soft[:16] > best_score:
                best, best_score = name, float(bits @ soft[:16])
        if best is not None:
            det.model, det.model_id = best, model_id_for(best)
        # The key id half is known to a detector holding the key: it is checked, with the same tolerance.
        key_bits = payload_bits(0, key.key_id)[16:]
        key_ok = int(np.sum(np.sign(soft[16:]) != key_bits)) <= MAX_MODEL_BIT_ERRORS
        if key_ok:
            det.payload_key_id = key.key_id
        det.payload_ok = key_ok and (best is not None or det.bit_reliability >= RELIABLE_BIT)
        if not det.payload_ok:
            det.notes.append("payload unreadable (too short or too degraded); presence still holds")
    return det
