"""Frames to waveform, in one go or as frames arrive (spec §1.8).

The codec decoder is causal with a bounded receptive field, so a chunk decoded together with enough
frames of left context, whose samples are then cut, equals the same span of a one-shot decode.
Both paths below use that, so streamed and one-shot audio agree for any length.

vLLM-Omni decodes long outputs in independent 375-frame chunks with no context, which leaves a seam
every 30 s; `decode_frames(..., context=0)` reproduces that exactly for parity checks.
"""

from __future__ import annotations

import torch

from .config import N_AUDIO_SPECIALS
from .model.codec import Codec

ONE_SHOT_CHUNK = 375  # frames per decode call for long outputs (30 s at 12.5 Hz), as upstream
STREAM_FIRST_CHUNK = 5  # a small first chunk for low time to first audio
STREAM_CHUNK = 25  # then 2 s chunks
STREAM_CONTEXT = 25  # upstream's left context; raised to the decoder's lookback when that is larger


def default_context(codec: Codec) -> int:
    return max(STREAM_CONTEXT, codec.decoder_lookback_frames())


@torch.inference_mode()
def _decode_span(codec: Codec, frames: torch.Tensor, start: int, end: int, context: int) -> torch.Tensor:
    """Samples of frames[start:end], decoded with up to `context` frames before `start`."""
    c0 = max(0, start - context)
    codes = (frames[c0:end] - N_AUDIO_SPECIALS).T[None].to(codec.output_proj.conv.weight.device)
    wave = codec.decode(codes)[0].float()
    return wave[(start - c0) * codec.samples_per_frame :]


def decode_frames(
    codec: Codec, frames: torch.Tensor, chunk: int = ONE_SHOT_CHUNK, context: int | None = None
) -> torch.Tensor:
    """frames [T, 37] with the +2 offset and no END frame -> waveform [T * samples_per_frame] (fp32, CPU)."""
    if context is None:
        context = default_context(codec)
    if frames.shape[0] == 0:
        return torch.zeros(0)
    parts = [
        _decode_span(codec, frames, s, min(s + chunk, frames.shape[0]), context)
        for s in range(0, frames.shape[0], chunk)
    ]
    return torch.cat(parts).cpu()


class StreamDecoder:
    """Collects frames and emits audio once a chunk is complete: first `first_chunk` frames, then
    every `chunk` frames, then whatever is left at `flush()`."""

    def __init__(
        self,
        codec: Codec,
        first_chunk: int = STREAM_FIRST_CHUNK,
        chunk: int = STREAM_CHUNK,
        context: int | None = None,
    ) -> None:
        self.codec = codec
        self.first_chunk, self.chunk = first_chunk, chunk
        self.context = default_context(codec) if context is None else context
        self.frames: list[torch.Tensor] = []
        self.dropped = 0  # frames discarded from the front of `frames` (older than any context)
        self.emitted = 0  # frames already turned into audio, counted from the start of the stream

    @property
    def total(self) -> int:
        return self.dropped + len(self.frames)

    def push(self, frame: torch.Tensor) -> torch.Tensor | None:
        """Add one frame [37]; returns a waveform chunk when one is ready."""
        self.frames.append(frame)
        target = self.first_chunk if self.emitted == 0 else self.emitted + self.chunk
        return self._emit() if self.total >= target else None

    def flush(self) -> torch.Tensor | None:
        """Audio for the frames not yet emitted, if any."""
        return self._emit() if self.total > self.emitted else None

    def _emit(self) -> torch.Tensor:
        drop = max(0, self.emitted - self.context) - self.dropped
        if drop > 0:
            self.frames = self.frames[drop:]
            self.dropped += drop
        stacked = torch.stack(self.frames)
        wave = _decode_span(self.codec, stacked, self.emitted - self.dropped, stacked.shape[0], self.context)
        self.emitted = self.total
        return wave.cpu()
