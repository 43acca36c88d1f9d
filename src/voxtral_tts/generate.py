"""The frame loop (spec §1.4–1.7), over a batch of requests that can join and leave between frames.

Prefill each prompt; then, per frame: greedy semantic token from the last hidden state, flow-matching
ODE for the acoustic values, and the frame's summed code embeddings fed back as the next position.
A request stops on [END_AUDIO] or at its frame limit; the others go on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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


@dataclass
class Slot:
    request: FrameRequest
    n_frames: int = 0
    stop_reason: str | None = None
    tag: object = field(default=None)


@dataclass
class StepResult:
    """What one engine step produced for one slot: a frame [37] (None when the request just ended)."""

    slot: int
    tag: object
    frame: torch.Tensor | None
    stop_reason: str | None


class Engine:
    """A fixed number of slots sharing one preallocated KV cache (continuous batching).

    `add` prefills a request into a free slot; `step` advances every active slot by one frame.
    A slot's frames depend only on its own prompt and noise, never on its neighbours: every row is
    masked to its own cache positions.
    """

    def __init__(self, model: VoxtralModel, max_batch: int, max_len: int, seed_step: bool = False) -> None:
        self.model = model
        self.max_batch, self.max_len = max_batch, max_len
        self.seed_step = seed_step
        self.n_acoustic = model.args.audio.n_acoustic_codebook
        self.cache = model.backbone.new_cache(max_batch, max_len)
        self.h = torch.zeros(max_batch, model.args.backbone.dim, dtype=model.dtype, device=model.device)
        self.slots: list[Slot | None] = [None] * max_batch

    @property
    def active(self) -> int:
        return sum(s is not None for s in self.slots)

    def free_slots(self) -> int:
        return self.max_batch - self.active

    def add(self, request: FrameRequest, tag: object = None) -> int:
        """Prefill `request` into the lowest free slot and return it."""
        need = request.prompt.shape[0] + request.max_frames + 1 + int(self.seed_step)
        if need > self.max_len:
            raise ValueError(f"request needs {need} cache positions; the engine holds {self.max_len}")
        i = self.slots.index(None)  # ValueError when full; callers check free_slots()
        model = self.model
        self.cache.lengths[i] = 0
        rows = slice(i, i + 1)
        prompt = request.prompt.to(device=model.device, dtype=model.dtype)[None]
        h = model.backbone(prompt, self.cache, rows=rows)[0, -1]
        if self.seed_step:
            # The C/MLX family feeds one [AUDIO] token after the prompt and takes frame 0 from there
            # (spec §1.10a); vLLM-Omni does not. Kept as a switch for cross-checks.
            audio = model.backbone.tok_embeddings.weight[AUDIO_ID].view(1, 1, -1)
            h = model.backbone(audio, self.cache, rows=rows)[0, -1]
        self.h[i] = h
        self.slots[i] = Slot(request, tag=tag)
        return i

    def cancel(self, slot: int) -> None:
        self.slots[slot] = None

    def _noise(self, idx: list[int]) -> torch.Tensor:
        rows = []
        for i in idx:
            s = self.slots[i]
            r = s.request
            if r.noise is not None and s.n_frames < r.noise.shape[0]:
                rows.append(r.noise[s.n_frames].float().cpu())
            else:
                rows.append(torch.randn(self.n_acoustic, generator=r.generator))
        return torch.stack(rows).to(self.model.device)

    def step(self) -> list[StepResult]:
        """Advance every active slot by one frame. Finished slots are freed."""
        idx = [i for i, s in enumerate(self.slots) if s is not None]
        if not idx:
            return []
        model = self.model
        sel = torch.tensor(idx, device=model.device)
        alpha = torch.tensor([self.slots[i].request.cfg_alpha for i in idx], device=model.device)
        frames = model.acoustic_transformer.frame(self.h[sel], self._noise(idx), alpha)
        results, going = [], []
        for j, i in enumerate(idx):
            s = self.slots[i]
            if int(frames[j, 0]) == END_AUDIO:
                results.append(StepResult(i, s.tag, None, "end_audio"))
                self.slots[i] = None
                continue
            s.n_frames += 1
            stop = "max_frames" if s.n_frames >= s.request.max_frames else None
            results.append(StepResult(i, s.tag, frames[j], stop))
            if stop:
                self.slots[i] = None
            else:
                going.append(j)
        if going:
            # Feed the contiguous block of rows up to the last continuing slot; rows in it that are
            # free or just finished take the step too but are rewound, so they never grow.
            top = idx[going[-1]] + 1
            x = torch.zeros(top, 1, model.args.backbone.dim, dtype=model.dtype, device=model.device)
            keep = torch.zeros(top, dtype=torch.bool, device=model.device)
            for j in going:
                x[idx[j], 0] = model.embed_frames(frames[j])
                keep[idx[j]] = True
            before = self.cache.lengths[:top].clone()
            h = model.backbone(x, self.cache, rows=slice(0, top))[:, -1]
            self.cache.lengths[:top] = torch.where(keep, self.cache.lengths[:top], before)
            self.h[:top] = torch.where(keep[:, None], h, self.h[:top])
        return results


class FrameLoop:
    """All requests admitted at once and stepped until each ends: the offline path.

    `step()` returns (frames [B, 37], mask of requests that yielded a real frame this step).
    """

    def __init__(self, model: VoxtralModel, requests: list[FrameRequest], seed_step: bool = False) -> None:
        if not requests:
            raise ValueError("no requests")
        max_len = max(r.prompt.shape[0] + r.max_frames for r in requests) + 1 + int(seed_step)
        self.engine = Engine(model, len(requests), max_len, seed_step=seed_step)
        for k, r in enumerate(requests):
            self.engine.add(r, tag=k)
        self.n = len(requests)
        self.n_codebooks = model.args.audio.n_codebooks
        self.device = model.device
        self.stop_reason: list[str | None] = [None] * self.n

    @property
    def done(self) -> bool:
        return self.engine.active == 0

    def step(self) -> tuple[torch.Tensor, torch.Tensor]:
        frames = torch.zeros(self.n, self.n_codebooks, dtype=torch.long, device=self.device)
        produced = torch.zeros(self.n, dtype=torch.bool)
        for r in self.engine.step():
            if r.frame is not None:
                frames[r.tag] = r.frame
                produced[r.tag] = True
            if r.stop_reason:
                self.stop_reason[r.tag] = r.stop_reason
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
