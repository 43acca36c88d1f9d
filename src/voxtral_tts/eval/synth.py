"""What the evaluation drives: anything that turns text into audio, timed the same way."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from .sets import EvalItem


@dataclass
class SynthResult:
    """Audio plus timings. `ttfa_s` is the wall time to the first streamed chunk (the whole synthesis for
    engines that do not stream); `wall_s` is the wall time to the last sample."""

    samples: np.ndarray
    sample_rate: int
    wall_s: float
    ttfa_s: float | None
    voice: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def duration(self) -> float:
        return self.samples.size / self.sample_rate if self.sample_rate else 0.0


@runtime_checkable
class Synthesizer(Protocol):
    name: str

    def synthesize(self, item: EvalItem) -> SynthResult: ...

    def describe(self) -> dict: ...


def pick_voice(voices: list[str], lang: str) -> str | None:
    """The preset voice for a language: one named `<lang>_...`, else the first English-or-neutral one."""
    if not voices:
        return None
    prefix = f"{lang}_"
    for v in sorted(voices):
        if v.startswith(prefix):
            return v
    return voices[0]


class VoxtralSynth:
    """A voxtral-tts model, run through `stream()` so one pass gives both the audio and the time to first audio."""

    name = "voxtral-tts"

    def __init__(
        self, tts, seed: int = 0, max_seconds: float | None = None, voice: str | None = None, warmup: bool = True
    ) -> None:
        self.tts = tts
        self.seed = seed
        self.max_seconds = max_seconds
        self.voice = voice
        if warmup:
            # The first call pays for lazy allocations and kernel selection; keep it out of the timings.
            names = tts.voices()
            if names:
                tts.generate("Warm up.", voice=names[0], seed=0, max_seconds=0.5)

    def voice_for(self, item: EvalItem) -> str | None:
        if item.ref_audio:
            return None
        return item.voice or self.voice or pick_voice(self.tts.voices(), item.lang)

    def synthesize(self, item: EvalItem) -> SynthResult:
        voice = self.voice_for(item)
        chunks = []
        t0 = time.perf_counter()
        ttfa = None
        for chunk in self.tts.stream(
            item.text,
            voice=voice,
            ref_audio=None if voice else item.ref_audio,
            seed=self.seed,
            max_seconds=self.max_seconds,
        ):
            if ttfa is None:
                ttfa = time.perf_counter() - t0
            chunks.append(chunk)
        wall = time.perf_counter() - t0
        samples = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)
        return SynthResult(samples, self.tts.sample_rate, wall, ttfa, voice=voice)

    def describe(self) -> dict:
        import torch

        p = next(self.tts.model.parameters())
        return {
            "name": self.name,
            "path": str(Path(self.tts.folder).resolve()),
            "voices": self.tts.voices(),
            "can_clone": bool(self.tts.can_clone),
            "device": str(p.device),
            "dtype": str(p.dtype).replace("torch.", ""),
            "torch": torch.__version__,
            "threads": torch.get_num_threads(),
            "seed": self.seed,
            "max_seconds": self.max_seconds,
        }
