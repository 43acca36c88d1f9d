"""Codec training losses (spec §7): multi-resolution STFT and mel reconstruction, and a multi-scale
STFT discriminator whose feature maps give the feature-matching loss."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import weight_norm

from ..model.envelope import LogMelEnvelope, mel_filterbank, stft_mag


class ReconstructionLoss(nn.Module):
    """Multi-resolution STFT (spectral convergence + log magnitude) plus multi-scale log-mel L1."""

    def __init__(self, sr: int, scales: list[int], n_mels: int = 64) -> None:
        super().__init__()
        self.scales = scales
        self.n_mels = n_mels
        for n in scales:
            self.register_buffer(f"mel_{n}", mel_filterbank(sr, n, min(n_mels, n // 4)), persistent=False)

    def forward(self, y_hat: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
        sc = logmag = mel = y.new_zeros(())
        for n in self.scales:
            hop = n // 4
            a, b = stft_mag(y_hat.float(), n, hop), stft_mag(y.float(), n, hop)
            sc = (
                sc
                + torch.linalg.norm(b - a, dim=(-2, -1)).div(torch.linalg.norm(b, dim=(-2, -1)).clamp(min=1e-5)).mean()
            )
            logmag = logmag + F.l1_loss(a.log(), b.log())
            fb = getattr(self, f"mel_{n}")
            mel = mel + F.l1_loss((fb @ a).clamp(min=1e-5).log(), (fb @ b).clamp(min=1e-5).log())
        k = len(self.scales)
        return {"stft": (sc + logmag) / k, "mel": mel / k}


def head_frames_mag(wave: torch.Tensor, n_fft: int, hop: int, steps: int) -> torch.Tensor:
    """|STFT| of `wave` [B, L] in the causal iSTFT head's framing (step s's Hann window covers samples
    [s*hop, s*hop + n_fft), zeros past the end) -> [B, n_fft // 2 + 1, steps]."""
    need = (steps - 1) * hop + n_fft
    x = F.pad(wave.float(), (0, max(0, need - wave.shape[-1])))
    window = torch.hann_window(n_fft, periodic=True, device=wave.device)
    frames = x.unfold(-1, n_fft, hop)[:, :steps] * window
    return torch.fft.rfft(frames, dim=-1).abs().transpose(1, 2)


class HeadSpectrumLoss(nn.Module):
    """The iSTFT head's own log-magnitudes against the target's, window by window.

    The waveform losses judge only what the overlap-add of all windows makes, so a decoder is free to emit
    magnitudes that mean nothing by themselves and shape the sound by letting overlapping windows cancel.
    A decoder that does so learns the spectral envelope slowly (the default codec kept formants smeared for
    20k steps, with its head's magnitudes 4 nats off the target's while the output was 0.7 off). Pinning each
    window's magnitude to the target's makes the envelope a plain regression; the waveform losses then only
    have to make the phases agree."""

    def __init__(self, n_fft: int, hop: int, sr: int = 24000, n_mels: int = 80, floor: float = 1e-3) -> None:
        super().__init__()
        self.n_fft, self.hop, self.floor = n_fft, hop, floor
        self.register_buffer("fb", mel_filterbank(sr, n_fft, n_mels), persistent=False)

    def forward(self, y: torch.Tensor, wave: torch.Tensor) -> torch.Tensor:
        """y: the head's output [B, n_fft + 2, S]; wave: the target [B, L]."""
        bins = self.n_fft // 2 + 1
        log_pred = y[:, :bins].float().clamp(max=math.log(1e2))  # the head clamps there too
        target = head_frames_mag(wave, self.n_fft, self.hop, y.shape[-1])
        lo = math.log(self.floor)
        linear = F.l1_loss(log_pred.clamp(min=lo), target.clamp(min=self.floor).log())
        mel = F.l1_loss((self.fb @ log_pred.exp()).clamp(min=1e-5).log(), (self.fb @ target).clamp(min=1e-5).log())
        return (linear + mel) / 2


class EnvelopeProbe(LogMelEnvelope):
    """A linear head that predicts the log-mel envelopes from the frame's acoustic values: the codec's acoustic
    latent must carry the spectral envelope over time."""

    def __init__(self, acoustic_dim: int, samples_per_frame: int, subframes: int, bands: int, sr: int = 24000):
        super().__init__(samples_per_frame, subframes, bands, sr)
        self.head = nn.Linear(acoustic_dim, subframes * bands)

    def forward(self, acoustic: torch.Tensor, wave: torch.Tensor) -> torch.Tensor:
        """acoustic [B, acoustic_dim, T] -> L1 between predicted and measured envelopes."""
        target = self.target(wave, acoustic.shape[-1])
        pred = self.head(acoustic.transpose(1, 2).float())[:, : target.shape[1]]
        return F.l1_loss(pred, target)


class STFTDiscriminator(nn.Module):
    """One resolution: 2-D convolutions over the complex STFT (real and imaginary as channels)."""

    def __init__(self, n_fft: int, channels: int = 32) -> None:
        super().__init__()
        self.n_fft, self.hop = n_fft, n_fft // 4
        c = channels
        self.convs = nn.ModuleList(
            [
                weight_norm(nn.Conv2d(2, c, (3, 9), padding=(1, 4))),
                weight_norm(nn.Conv2d(c, c, (3, 9), stride=(1, 2), dilation=(1, 1), padding=(1, 4))),
                weight_norm(nn.Conv2d(c, c, (3, 9), stride=(1, 2), dilation=(2, 1), padding=(2, 4))),
                weight_norm(nn.Conv2d(c, c, (3, 9), stride=(1, 2), dilation=(4, 1), padding=(4, 4))),
                weight_norm(nn.Conv2d(c, c, (3, 3), padding=(1, 1))),
            ]
        )
        self.out = weight_norm(nn.Conv2d(c, 1, (3, 3), padding=(1, 1)))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        window = torch.hann_window(self.n_fft, device=x.device, dtype=x.dtype)
        spec = torch.stft(x, self.n_fft, self.hop, window=window, return_complex=True, center=True, pad_mode="reflect")
        h = torch.stack([spec.real, spec.imag], dim=1).transpose(2, 3)  # [B, 2, T, F]
        feats = []
        for conv in self.convs:
            h = F.leaky_relu(conv(h), 0.2)
            feats.append(h)
        return self.out(h), feats


class MultiScaleSTFTDiscriminator(nn.Module):
    def __init__(self, scales: list[int], channels: int = 32) -> None:
        super().__init__()
        self.discs = nn.ModuleList(STFTDiscriminator(n, channels) for n in scales)

    def forward(self, x: torch.Tensor) -> list[tuple[torch.Tensor, list[torch.Tensor]]]:
        return [d(x) for d in self.discs]


def discriminator_loss(real, fake) -> torch.Tensor:
    """Hinge loss over all scales."""
    loss = 0.0
    for (lr, _), (lf, _) in zip(real, fake):
        loss = loss + F.relu(1 - lr).mean() + F.relu(1 + lf).mean()
    return loss / len(real)


def feature_matching_loss(real, fake) -> torch.Tensor:
    """L1 between discriminator features of real and generated audio, each layer scaled by the real
    features' mean magnitude so no layer dominates."""
    loss, n = 0.0, 0
    for (_, fr), (_, ff) in zip(real, fake):
        for a, b in zip(fr, ff):
            loss = loss + F.l1_loss(b, a.detach()) / a.detach().abs().mean().clamp(min=1e-5)
            n += 1
    return loss / n


def generator_adv_loss(fake) -> torch.Tensor:
    return sum(F.relu(1 - lf).mean() for lf, _ in fake) / len(fake)


def l1_weight(step: int, base: float, decay_steps: float) -> float:
    """The waveform L1 bootstraps early training, then fades out exponentially."""
    return base * math.exp(-step / decay_steps) if decay_steps > 0 else base
