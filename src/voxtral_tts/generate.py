"""The frame loop (spec §1.4–1.7), batched over requests.

Prefill each prompt; then, per frame: greedy semantic token from the last hidden state, flow-matching
ODE for the acoustic values, and the frame's summed code embeddings fed back as the next position.
A row stops on [END_AUDIO] or at its frame limit; other rows go on.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .config import AUDIO_ID, END_AUDIO
from .model import VoxtralModel


@dataclass
class FrameRequest:
    """One utterance to generate. `prompt` holds the input embeddings [P, dim] with voice rows in place.

    Noise comes from `noise` [max_frames, n_acoustic] when given (for cross-checks), else from
    `generator`, else from torch's global generator.
    """

    prompt: torch.Tensor
    max_frames: int
    cfg_alpha: float = 1.2
    generator: torch.Generator | None = None
    noise: torch.Tensor | None = None


class FrameLoop:
    """Generates frames for a batch of requests in lock step. Each `step()` returns one frame per row.

    Rows are independent: a row's frames depend only on its own prompt and noise, never on its
    neighbours (the masks keep every row to its own cache positions).
    """

    def __init__(self, model: VoxtralModel, requests: list[FrameRequest], seed_step: bool = False) -> None:
        if not requests:
            raise ValueError("no requests")
        self.model = model
        self.requests = requests
        self.n_acoustic = model.args.audio.n_acoustic_codebook
        B = len(requests)
        device, dtype = model.device, model.dtype
        lengths = torch.tensor([r.prompt.shape[0] for r in requests], device=device)
        capacity = int(max(r.prompt.shape[0] + r.max_frames for r in requests)) + 1 + int(seed_step)
        self.cache = model.backbone.new_cache(B, capacity)
        x = torch.zeros(B, int(lengths.max()), model.args.backbone.dim, dtype=dtype, device=device)
        for i, r in enumerate(requests):
            x[i, : r.prompt.shape[0]] = r.prompt.to(device=device, dtype=dtype)
        hidden = model.backbone(x, self.cache, lengths=lengths)
        self.h = hidden[torch.arange(B, device=device), lengths - 1]
        if seed_step:
            # The C/MLX family feeds one [AUDIO] token after the prompt and takes frame 0 from there
            # (spec §1.10a); vLLM-Omni does not. Kept as a switch for cross-checks.
            audio = model.backbone.tok_embeddings.weight[AUDIO_ID].expand(B, 1, -1)
            self.h = model.backbone(audio, self.cache)[:, -1]
        self.active = torch.ones(B, dtype=torch.bool, device=device)
        self.n_frames = [0] * B
        self.stop_reason: list[str | None] = [None] * B
        self.alpha = torch.tensor([r.cfg_alpha for r in requests], device=device)

    @property
    def done(self) -> bool:
        return not bool(self.active.any())

    def _noise(self) -> torch.Tensor:
        rows = []
        for i, r in enumerate(self.requests):
            k = self.n_frames[i]
            if r.noise is not None and k < r.noise.shape[0]:
                rows.append(r.noise[k].float().cpu())
            else:
                rows.append(torch.randn(self.n_acoustic, generator=r.generator))
        return torch.stack(rows).to(self.model.device)

    def step(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Produce one frame per row: (frames [B, 37] with the +2 offset, mask of rows that yielded a
        real frame). Rows that stop on [END_AUDIO] or were already done are False in the mask."""
        model = self.model
        was_active = self.active.clone()
        frames = model.acoustic_transformer.frame(self.h, self._noise(), self.alpha)
        ended = frames[:, 0] == END_AUDIO
        produced = was_active & ~ended
        for i in range(len(self.requests)):
            if not was_active[i]:
                continue
            if ended[i]:
                self.stop_reason[i] = "end_audio"
                self.active[i] = False
                continue
            self.n_frames[i] += 1
            if self.n_frames[i] >= self.requests[i].max_frames:
                self.stop_reason[i] = "max_frames"
                self.active[i] = False
        if not self.done:
            before = self.cache.lengths.clone()
            emb = model.embed_frames(frames)[:, None]  # [B, 1, dim]
            self.h = model.backbone(emb, self.cache)[:, -1]
            # Finished rows are computed with the batch but must not grow: rewind them.
            self.cache.lengths = torch.where(self.active, self.cache.lengths, before)
        return frames, produced


def generate_frames(model: VoxtralModel, requests: list[FrameRequest], seed_step: bool = False) -> list[torch.Tensor]:
    """Run the loop to the end; returns each request's frames [T_i, 37] (END excluded)."""
    loop = FrameLoop(model, requests, seed_step=seed_step)
    out: list[list[torch.Tensor]] = [[] for _ in requests]
    while not loop.done:
        frames, produced = loop.step()
        for i in torch.nonzero(produced).flatten().tolist():
            out[i].append(frames[i])
    n = model.args.audio.n_codebooks
    return [torch.stack(f) if f else torch.zeros(0, n, dtype=torch.long, device=model.device) for f in out]
