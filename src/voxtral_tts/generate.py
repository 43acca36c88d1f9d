"""The frame loop (spec §1.4–1.7), over a batch of requests that can join and leave between frames.

Prefill each prompt; then, per frame: greedy semantic token from the last hidden state, flow-matching
ODE for the acoustic values, and the frame's summed code embeddings fed back as the next position.
A request stops on [END_AUDIO] or at its frame limit; the others go on.
"""

from __future__ import annotations

import hashlib
import os
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field

import torch

from .config import AUDIO_ID, END_AUDIO
from .graphs import StepRunner, batch_bucket, kv_bucket
from .model import VoxtralModel

MAX_NOISE_SCALE = 2.0


def check_noise_scale(noise_scale: float | None) -> float:
    """The scale of the flow's start noise, 1.0 (the reference's) when None; a clear error when out of range."""
    if noise_scale is None:
        return 1.0
    scale = float(noise_scale)
    if not 0.0 <= scale <= MAX_NOISE_SCALE:  # also false for NaN
        raise ValueError(f"noise_scale must be between 0 and {MAX_NOISE_SCALE}, got {noise_scale}")
    return scale


@dataclass
class FrameRequest:
    """One utterance to generate. `prompt` holds the input embeddings [P, dim] with voice rows in place.

    Noise comes from `noise` [max_frames, n_acoustic] when given (for cross-checks), else from
    `generator`, else from torch's global generator; drawn noise is scaled by `noise_scale`. The reference
    draws at scale 1.0; a lower scale samples nearer the flow's middle, steadier and less varied.
    """

    prompt: torch.Tensor
    max_frames: int
    cfg_alpha: float = 1.2
    generator: torch.Generator | None = None
    noise: torch.Tensor | None = None
    noise_scale: float = 1.0
    # Leading prompt positions that other requests are likely to share: the voice part. An engine keeps
    # their keys and values by content and then prefills only the rest (see `Engine`).
    prefix: int = 0
    # What names those positions' content (`voice_key` of the voice rows); None makes the engine digest the
    # embeddings themselves, which on a GPU costs a copy to the host and a hash for every admission.
    prefix_key: bytes | None = None


def voice_prefix(n_voice_rows: int) -> int:
    """Positions of [BOS] [BEGIN_AUDIO] [AUDIO]xN [NEXT_AUDIO_TEXT], the part of the prompt that is the same
    for every text in one voice (spec §1.2)."""
    return n_voice_rows + 3


_KEYS: OrderedDict[int, tuple[weakref.ref, bytes]] = OrderedDict()
_KEYS_LOCK = threading.Lock()


def _digest(tag: bytes, t: torch.Tensor) -> bytes:
    data = t.detach().to("cpu").contiguous()
    h = hashlib.blake2b(tag + repr((data.dtype, tuple(data.shape))).encode(), digest_size=20)
    h.update(data.reshape(-1).view(torch.uint8).numpy().tobytes())
    return h.digest()


def voice_key(rows: torch.Tensor) -> bytes:
    """A digest of a voice's rows, which with the model's fixed tokens make up a prompt's voice part.

    Remembered per tensor: a preset voice is one cached tensor, so its requests are not hashed again (a
    4B voice of 10 s is 0.8 MB). The weak reference guards against a new tensor reusing a dead one's id.
    """
    with _KEYS_LOCK:
        hit = _KEYS.get(id(rows))
        if hit is not None and hit[0]() is rows:
            _KEYS.move_to_end(id(rows))
            return hit[1]
    key = _digest(b"voice", rows)
    with _KEYS_LOCK:
        _KEYS[id(rows)] = (weakref.ref(rows), key)
        while len(_KEYS) > 64:
            _KEYS.popitem(last=False)
    return key


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


def graphs_by_default(model: VoxtralModel) -> bool:
    """CUDA graphs on a GPU unless VOXTRAL_CUDA_GRAPHS=0; never on a CPU, where launches cost little."""
    return model.device.type == "cuda" and os.environ.get("VOXTRAL_CUDA_GRAPHS", "1") != "0"


class Engine:
    """A fixed number of slots sharing one preallocated KV cache (continuous batching).

    `add` (or `add_many`, one batched prefill) puts requests into free slots; `step` advances every
    active slot by one frame. A slot's frames depend only on its own prompt and noise, never on its
    neighbours: every row is masked to its own cache positions.

    `graphs` selects the step: True runs the fixed-shape step of graphs.py (replayed from CUDA graphs on
    a GPU; eager with the same shapes elsewhere, which is how the CPU tests check it); False the
    variable-shape eager step; None (default) the first on CUDA and the second on a CPU. `allow_end`
    False forces every request to its frame limit (benchmarks).

    Voice prefixes: a request's first `prefix` positions are usually a voice that other requests use too.
    Under causal attention their keys and values depend on nothing after them, so the engine keeps the last
    `prefix_cache` distinct ones (by `FrameRequest.prefix_key`, else a digest of the embeddings) and copies
    them into a new slot instead of prefilling them again. A miss prefills the prefix and then the rest, so a
    request's frames are the same whether its voice was in the store or not.
    """

    def __init__(
        self,
        model: VoxtralModel,
        max_batch: int,
        max_len: int,
        seed_step: bool = False,
        graphs: bool | None = None,
        allow_end: bool = True,
        prefix_cache: int = 16,
    ) -> None:
        self.model = model
        self.prefix_cache = prefix_cache
        self.prefixes: OrderedDict[bytes, tuple[list[torch.Tensor], list[torch.Tensor]]] = OrderedDict()
        self.max_batch, self.max_len = max_batch, max_len
        self.seed_step = seed_step
        self.allow_end = allow_end
        self.n_acoustic = model.args.audio.n_acoustic_codebook
        self.cache = model.backbone.new_cache(max_batch, max_len)
        self.fixed = graphs_by_default(model) if graphs is None else graphs
        self.runner = StepRunner(model, self.cache, max_batch, allow_end, graphs=self.fixed) if self.fixed else None
        # In the fixed-shape step the runner's input buffer is the hidden-state store itself.
        self.h = (
            self.runner.h
            if self.runner
            else torch.zeros(max_batch, model.args.backbone.dim, dtype=model.dtype, device=model.device)
        )
        self.lengths = [0] * max_batch  # host copy of cache.lengths: choosing a kv bucket must not sync
        self.slots: list[Slot | None] = [None] * max_batch

    @property
    def active(self) -> int:
        return sum(s is not None for s in self.slots)

    def free_slots(self) -> int:
        return self.max_batch - self.active

    def _check_fits(self, request: FrameRequest) -> None:
        need = request.prompt.shape[0] + request.max_frames + 1 + int(self.seed_step)
        if need > self.max_len:
            raise ValueError(f"request needs {need} cache positions; the engine holds {self.max_len}")

    def add(self, request: FrameRequest, tag: object = None) -> int:
        """Prefill `request` into the lowest free slot and return it."""
        return self.add_many([request], [tag])[0]

    def add_many(self, requests: list[FrameRequest], tags: list[object] | None = None) -> list[int]:
        """Prefill several requests into the lowest free slots in one batched forward pass (prompts right-
        padded to the longest), and return their slots. Free slots that are not one contiguous block are
        filled one request at a time."""
        tags = tags if tags is not None else [None] * len(requests)
        for r in requests:
            self._check_fits(r)
        free = [i for i, s in enumerate(self.slots) if s is None][: len(requests)]
        if len(free) < len(requests):
            raise ValueError(f"{len(requests)} requests for {len(free)} free slots")
        if free != list(range(free[0], free[0] + len(free))):
            return [self.add_many([r], [t])[0] for r, t in zip(requests, tags)]
        model = self.model
        rows = slice(free[0], free[-1] + 1)
        heads = [self._prefix_len(r) for r in requests]
        rest = [r.prompt.shape[0] - p for r, p in zip(requests, heads)]
        n, longest = len(requests), max(rest)
        if n > 1 and max(heads) + longest > self.cache.capacity:
            # Each row's rest is padded to the longest, which would write past the cache after a long voice part.
            return [self.add_many([r], [t])[0] for r, t in zip(requests, tags)]
        for i, r, p in zip(free, requests, heads):
            self._load_prefix(i, r, p)
        x = torch.zeros(n, longest, model.args.backbone.dim, dtype=model.dtype, device=model.device)
        for b, (r, p) in enumerate(zip(requests, heads)):
            x[b, : rest[b]] = r.prompt[p:].to(device=model.device, dtype=model.dtype)
        lengths = torch.tensor(rest, device=model.device)
        self.cache.lengths[rows] = torch.tensor(heads, device=model.device)
        h = model.backbone(x, self.cache, lengths=lengths, rows=rows)
        h = h[torch.arange(n, device=model.device), lengths - 1]  # each prompt's last real position
        if self.seed_step:
            # The C/MLX family feeds one [AUDIO] token after the prompt and takes frame 0 from there
            # (spec §1.10a); vLLM-Omni does not. Kept as a switch for cross-checks.
            audio = model.backbone.tok_embeddings.weight[AUDIO_ID].view(1, 1, -1).expand(n, 1, -1)
            h = model.backbone(audio, self.cache, rows=rows)[:, -1]
        self.h[rows] = h
        for i, r, t in zip(free, requests, tags):
            self.slots[i] = Slot(r, tag=t)
            self.lengths[i] = r.prompt.shape[0] + int(self.seed_step)
        return free

    def _prefix_len(self, request: FrameRequest) -> int:
        """How many leading positions of the request come from (or go to) the prefix store. At least one is
        always left to prefill: the last one's hidden state starts the frame loop."""
        n = min(request.prefix, request.prompt.shape[0] - 1)
        return n if n >= 1 and self.prefix_cache >= 1 else 0

    def _load_prefix(self, slot: int, request: FrameRequest, n: int) -> None:
        """Put the request's first `n` positions into `slot`'s cache rows: from the store, or by prefilling
        them there and keeping a copy."""
        if n == 0:
            return
        head = request.prompt[:n].to(device=self.model.device, dtype=self.model.dtype)
        key = request.prefix_key + n.to_bytes(4, "little") if request.prefix_key is not None else _digest(b"emb", head)
        cache, row = self.cache, slice(slot, slot + 1)
        if key in self.prefixes:
            self.prefixes.move_to_end(key)
            for layer, (k, v) in enumerate(zip(*self.prefixes[key])):
                cache.k[layer][slot, :, :n] = k
                cache.v[layer][slot, :, :n] = v
            return
        cache.lengths[row] = 0
        self.model.backbone(head[None], cache, rows=row)
        self.prefixes[key] = ([k[slot, :, :n].clone() for k in cache.k], [v[slot, :, :n].clone() for v in cache.v])
        while len(self.prefixes) > self.prefix_cache:
            self.prefixes.popitem(last=False)

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
                rows.append(torch.randn(self.n_acoustic, generator=r.generator) * r.noise_scale)
        return torch.stack(rows).to(self.model.device)

    def _advance(self, idx: list[int], frames: torch.Tensor, semantic: list[int]) -> tuple[list[StepResult], list[int]]:
        """Book one step's frames [len(idx), 37] and their semantic codes (row j belongs to slot idx[j]):
        results, and the positions j of the slots that go on."""
        results, going = [], []
        for j, i in enumerate(idx):
            s = self.slots[i]
            if semantic[j] == END_AUDIO:
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
        return results, going

    def step(self) -> list[StepResult]:
        """Advance every active slot by one frame. Finished slots are freed."""
        idx = [i for i, s in enumerate(self.slots) if s is not None]
        if not idx:
            return []
        if self.fixed:
            return self._fixed_step(idx)
        model = self.model
        sel = torch.tensor(idx, device=model.device)
        alpha = torch.tensor([self.slots[i].request.cfg_alpha for i in idx], device=model.device)
        frames = model.acoustic_transformer.frame(self.h[sel], self._noise(idx), alpha, allow_end=self.allow_end)
        results, going = self._advance(idx, frames, frames[:, 0].tolist())
        for j in going:
            self.lengths[idx[j]] += 1
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

    def _fixed_step(self, idx: list[int]) -> list[StepResult]:
        """The step of graphs.py over the rows up to the last active slot (rounded up to a bucket): every
        row takes it, and only the rows that go on keep their new position and hidden state."""
        run = self.runner
        B = batch_bucket(idx[-1] + 1, self.max_batch)
        for i in range(B):  # rows past their end must stay inside the cache
            if self.slots[i] is None:
                self.lengths[i] = 0
        self.cache.lengths[:B] = torch.tensor(self.lengths[:B], device=self.model.device)
        kv_len = kv_bucket(max(self.lengths[:B]) + 1, self.max_len)
        run.noise[idx] = self._noise(idx)
        run.alpha[idx] = torch.tensor([self.slots[i].request.cfg_alpha for i in idx], device=self.model.device)
        run.run(B, kv_len)
        semantic = run.frames[:B, 0].tolist()  # the one read-back per step: which rows ended
        # Copies: the buffer is overwritten by the next step.
        frames = run.frames[torch.tensor(idx, device=self.model.device)]
        results, going = self._advance(idx, frames, [semantic[i] for i in idx])
        keep = torch.zeros(B, dtype=torch.bool)
        for j in going:
            keep[idx[j]] = True
            self.lengths[idx[j]] += 1
        keep = keep.to(self.model.device)
        self.h[:B] = torch.where(keep[:, None], run.h_next[:B], self.h[:B])
        return results


CAPACITY_STEP = 1024  # pooled engines' KV capacity grows in steps of this many positions


def acquire_engine(model: VoxtralModel, max_batch: int, max_len: int, seed_step: bool = False) -> Engine:
    """An engine for one offline call. With CUDA graphs, engines are kept per model and reused, since their
    graphs are bound to their own KV cache and capturing them again for every call would cost more than
    it saves; sizes are rounded up so that calls of similar size share one. Without graphs: a new engine."""
    if not graphs_by_default(model):
        return Engine(model, max_batch, max_len, seed_step=seed_step)
    key = (batch_bucket(max_batch, 1 << 30), -(-max_len // CAPACITY_STEP) * CAPACITY_STEP, seed_step)
    idle = model.__dict__.setdefault("_idle_engines", {}).setdefault(key, [])
    if not idle:
        return Engine(model, key[0], key[1], seed_step=seed_step)
    engine = idle.pop()
    engine.prefixes.clear()  # the weights may have changed since (a model in training), and with them every prefix
    return engine


def release_engine(model: VoxtralModel, engine: Engine) -> None:
    """Give back an engine with no active slot, for the next call to reuse (no-op without graphs)."""
    if engine.fixed and engine.active == 0 and "_idle_engines" in model.__dict__:
        key = (engine.max_batch, engine.max_len, engine.seed_step)
        model.__dict__["_idle_engines"].setdefault(key, []).append(engine)


class FrameLoop:
    """All requests admitted at once (one batched prefill) and stepped until each ends: the offline path.

    `step()` returns (frames [B, 37], mask of requests that yielded a real frame this step).
    """

    def __init__(self, model: VoxtralModel, requests: list[FrameRequest], seed_step: bool = False) -> None:
        if not requests:
            raise ValueError("no requests")
        max_len = max(r.prompt.shape[0] + r.max_frames for r in requests) + 1 + int(seed_step)
        self.model = model
        self.engine = acquire_engine(model, len(requests), max_len, seed_step=seed_step)
        self.engine.add_many(requests, list(range(len(requests))))
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
        if self.done:
            release_engine(self.model, self.engine)
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
