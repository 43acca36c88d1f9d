"""Speech prompts for the scheduler, from a preset voice, a reference clip or a stored cloned voice.

Builds requests as `VoxtralTTS._request` does, through the same `_embed_prompt` (so a request's audio
equals `VoxtralTTS.generate` with the same seed), with one difference: a voice's rows are computed once
per request (a clip is encoded once, a stored voice is read from disk), however many requests a
generation makes of it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from ..api import DEFAULT_CFG_ALPHA, VoxtralTTS
from ..errors import TextError
from ..generate import FrameRequest, check_noise_scale, voice_key, voice_prefix
from .scheduler import SinglePass


@dataclass
class VoiceRows:
    """What a prompt needs of a voice: its rows, and how the tokenizer names it (a preset name, or the
    reference length that fixes the slot count)."""

    rows: torch.Tensor
    preset: str | None = None
    ref_samples: int = 0

    def wave(self) -> np.ndarray | None:
        """A stand-in for the reference clip: the tokenizer reads only its length, to count its [AUDIO] slots."""
        return None if self.preset is not None else np.zeros(self.ref_samples, np.float32)


def preset_rows(tts: VoxtralTTS, name: str) -> VoiceRows:
    return VoiceRows(tts.voice_bank.rows(name), preset=name)


def clip_rows(tts: VoxtralTTS, wave: np.ndarray) -> tuple[VoiceRows, int]:
    """Encode a reference clip at the model's rate; also returns the samples the model used."""
    used, rows = tts._reference_rows((wave, tts.sample_rate))
    return VoiceRows(rows, ref_samples=int(used.size)), int(used.size)


@dataclass
class GenerationSpec:
    """One speech request, resolved: what a `Generation` factory is given."""

    text: str
    voice: VoiceRows
    seed: int
    cfg_alpha: float | None
    max_seconds: float
    max_len: int  # cache positions per slot: prompt + frames + 1 must fit
    noise_scale: float | None = None


def single_pass(tts: VoxtralTTS, spec: GenerationSpec) -> SinglePass:
    """The default generation: the text in one request (up to the 1024 tokens one pass reads)."""
    req = frame_request(
        tts, spec.text, spec.voice, spec.seed, spec.cfg_alpha, spec.max_seconds, spec.max_len, spec.noise_scale
    )
    return SinglePass(req, tts.model.codec)


def frame_request(
    tts: VoxtralTTS,
    text: str,
    voice: VoiceRows,
    seed: int,
    cfg_alpha: float | None,
    max_seconds: float,
    max_len: int,
    noise_scale: float | None = None,
) -> FrameRequest:
    emb = tts._embed_prompt(text, voice.preset, voice.wave(), voice.rows)
    n = emb.shape[0]
    # As `_request`, and within the engine's cache: prompt + frames + 1 positions.
    room = min(tts.args.backbone.max_seq_len - n - 2, max_len - n - 1)
    if room < 1:
        raise TextError(f"the prompt ({n} positions) leaves no room to speak in this server's context of {max_len}")
    return FrameRequest(
        prompt=emb,
        max_frames=min(max(1, math.ceil(max_seconds * tts.frame_rate)), room),
        cfg_alpha=DEFAULT_CFG_ALPHA if cfg_alpha is None else float(cfg_alpha),
        generator=torch.Generator().manual_seed(int(seed)),
        noise_scale=check_noise_scale(noise_scale),
        prefix=voice_prefix(voice.rows.shape[0]),
        prefix_key=voice_key(voice.rows),
    )
