"""The log-mel envelope a pinned codec's acoustic values are made of.

A codec trained with a pinned latent (`loss.pin_weight`, docs/default-model.md) does not learn its acoustic
values: they are tanh of the standardised log-mel envelope, `subframes` sub-frames x `bands` bands a frame. Its
export writes the definition and the statistics to `pinned_latent.json` beside the official files, and
`load_model` reads it back, so the acoustic values of any audio (the LM's training frames, a cloned voice's
prompt) are computed exactly rather than estimated by the encoder. The official checkpoint has no such file.
"""

from __future__ import annotations

import json

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def mel_filterbank(sr: int, n_fft: int, n_mels: int, fmin: float = 0.0, fmax: float | None = None) -> torch.Tensor:
    """Triangular filters on the HTK mel scale, [n_mels, n_fft // 2 + 1], each normalised to unit area (Slaney)."""
    fmax = fmax or sr / 2

    def hz_to_mel(f):
        return 2595.0 * np.log10(1.0 + np.asarray(f) / 700.0)

    def mel_to_hz(m):
        return 700.0 * (10 ** (np.asarray(m) / 2595.0) - 1.0)

    freqs = np.linspace(0, sr / 2, n_fft // 2 + 1)
    edges = mel_to_hz(np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2))
    fb = np.zeros((n_mels, freqs.size))
    for i in range(n_mels):
        lo, mid, hi = edges[i], edges[i + 1], edges[i + 2]
        rise = (freqs - lo) / max(mid - lo, 1e-9)
        fall = (hi - freqs) / max(hi - mid, 1e-9)
        fb[i] = np.maximum(0.0, np.minimum(rise, fall)) * 2.0 / max(hi - lo, 1e-9)
    return torch.tensor(fb, dtype=torch.float32)


def stft_mag(x: torch.Tensor, n_fft: int, hop: int) -> torch.Tensor:
    window = torch.hann_window(n_fft, device=x.device, dtype=x.dtype)
    spec = torch.stft(x, n_fft, hop, window=window, return_complex=True, center=True, pad_mode="reflect")
    return spec.abs().clamp(min=1e-7)


PINNED_FILE = "pinned_latent.json"  # beside an exported pinned codec: its targets' definition and statistics


class LogMelEnvelope(nn.Module):
    """Log-mel envelopes of `subframes` sub-frames per codec frame, standardised per band."""

    def __init__(self, samples_per_frame: int, subframes: int, bands: int, sr: int = 24000):
        super().__init__()
        self.hop = samples_per_frame // subframes
        self.n_fft = 1024
        self.subframes, self.bands = subframes, bands
        self.register_buffer("fb", mel_filterbank(sr, self.n_fft, bands), persistent=False)
        # Targets are standardised per band with the first batch's statistics (kept in the checkpoint), so
        # what is learnt starts at the right scale and means the same thing for the whole run.
        self.register_buffer("mean", torch.zeros(bands))
        self.register_buffer("std", torch.zeros(bands))

    def target(self, wave: torch.Tensor, frames: int) -> torch.Tensor:
        """wave [B, L] -> [B, frames, subframes * bands] standardised log-mel, sub-frame s of frame t centred
        at sample (t * subframes + s) * hop."""
        mag = stft_mag(wave.float(), self.n_fft, self.hop)[..., : frames * self.subframes]
        if mag.shape[-1] < frames * self.subframes:  # a crop shorter than its frames: silence past the end
            mag = F.pad(mag, (0, frames * self.subframes - mag.shape[-1]), value=1e-7)
        logmel = (self.fb @ mag).clamp(min=1e-5).log()  # [B, bands, frames * subframes]
        if not bool(self.std.any()):
            self.mean.copy_(logmel.mean(dim=(0, 2)))
            self.std.copy_(logmel.std(dim=(0, 2)).clamp(min=1e-3))
        logmel = (logmel - self.mean[:, None]) / self.std[:, None]
        B = wave.shape[0]
        return logmel.transpose(1, 2).reshape(B, frames, self.subframes * self.bands)


class PinnedLatent(LogMelEnvelope):
    """The acoustic values a pinned codec must produce: tanh(scale x the standardised log-mel envelope), one
    value per band and sub-frame, in FSQ's range.

    A small codec trained end to end on a CPU budget learned a latent its decoder could not make intelligible
    (docs/default-model.md); a decoder fed these envelopes was understood after minutes. So the encoder learns
    to measure the envelope (a regression), and the decoder learns to voice it. Wherever audio is at hand (the
    LM's frames, a cloned voice's prompt) the envelope itself is used, so the estimates only train the
    decoder before the encoder freezes."""

    def __init__(self, samples_per_frame: int, subframes: int, bands: int, scale: float = 0.5, sr: int = 24000):
        super().__init__(samples_per_frame, subframes, bands, sr)
        self.scale = scale

    def forward(self, wave: torch.Tensor, frames: int) -> torch.Tensor:
        """-> [B, subframes * bands, frames] in (-1, 1)."""
        return torch.tanh(self.scale * self.target(wave, frames)).transpose(1, 2)

    def to_json(self) -> str:
        """What defines the targets, for `data encode --acoustic envelope` beside an exported codec."""
        return json.dumps(
            {
                "samples_per_frame": self.hop * self.subframes,
                "subframes": self.subframes,
                "bands": self.bands,
                "scale": self.scale,
                "mean": self.mean.tolist(),
                "std": self.std.tolist(),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> PinnedLatent:
        d = json.loads(text)
        pin = cls(d["samples_per_frame"], d["subframes"], d["bands"], d["scale"])
        pin.mean.copy_(torch.tensor(d["mean"]))
        pin.std.copy_(torch.tensor(d["std"]))
        return pin
