"""What every trainer shares: devices and ranks, schedules, atomic resumable checkpoints, progress."""

from __future__ import annotations

import functools
import gc
import json
import math
import os
import random
import signal
import sys
import time
import warnings
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.distributed as dist

from ..progress import hms
from .config import OptimConfig, RunConfig


class Dist:
    """Rank information from torchrun's environment; a single process when launched plainly."""

    def __init__(self, run: RunConfig) -> None:
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        local = int(os.environ.get("LOCAL_RANK", "0"))
        want = run.device
        if want == "auto":
            want = "cuda" if torch.cuda.is_available() else "cpu"
        if want == "cuda":
            torch.cuda.set_device(local)
            self.device = torch.device("cuda", local)
        else:
            self.device = torch.device("cpu")
        if run.threads:
            torch.set_num_threads(run.threads)
        if self.world > 1 and not dist.is_initialized():
            dist.init_process_group("nccl" if self.device.type == "cuda" else "gloo")

    @property
    def main(self) -> bool:
        return self.rank == 0

    def mean(self, values: dict[str, float]) -> dict[str, float]:
        """Average scalar metrics over ranks, for logging."""
        if self.world == 1:
            return values
        t = torch.tensor(list(values.values()), dtype=torch.float64, device=self.device)
        dist.all_reduce(t)
        return dict(zip(values, (t / self.world).tolist()))

    def average_grads(self, params: list[torch.Tensor]) -> None:
        if self.world == 1:
            return
        for p in params:
            if p.grad is not None:
                dist.all_reduce(p.grad)
                p.grad.div_(self.world)

    def broadcast_params(self, params: list[torch.Tensor]) -> None:
        """Start every rank from rank 0's weights."""
        if self.world == 1:
            return
        with torch.no_grad():
            for p in params:
                dist.broadcast(p.data, 0)

    def any(self, flag: bool) -> bool:
        """True on every rank when `flag` holds on some rank, so that all ranks stop at the same step."""
        if self.world == 1:
            return flag
        t = torch.tensor([float(flag)], device=self.device)
        dist.all_reduce(t, op=dist.ReduceOp.MAX)
        return bool(t.item())

    def barrier(self) -> None:
        if self.world > 1:
            dist.barrier()

    def close(self) -> None:
        """Leave the process group. Call it after dropping anything that holds the group (a DDP wrapper's
        reducer does): a gloo group left to die at interpreter exit aborts the process now and then
        ("terminate called without an active exception"), after a run that finished."""
        if self.world > 1 and dist.is_initialized():
            gc.collect()
            dist.destroy_process_group()


@functools.cache
def cpu_has_bf16() -> bool:
    """Whether this CPU does bf16 arithmetic natively (AVX512-BF16 or AMX). Without it, bf16 autocast is
    emulated: the default LM's step took 25-36 s instead of 2.1 s in fp32 on an AVX2-only EPYC."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:  # not Linux: trust the build's own report
        return torch.backends.cpu.get_cpu_capability() in ("AVX512_BF16", "AMX")
    return "avx512_bf16" in flags or "amx_bf16" in flags


def resolve_precision(precision: str, device: torch.device) -> str:
    """`auto`: bf16 on a GPU or a CPU with native bf16, else fp32. An explicit bf16 on a CPU that only
    emulates it is kept, with a warning, since it is an order of magnitude slower there."""
    if precision not in ("fp32", "bf16", "auto"):
        raise ValueError(f"precision must be fp32, bf16 or auto, got {precision!r}")
    native = device.type != "cpu" or cpu_has_bf16()
    if precision == "auto":
        return "bf16" if native else "fp32"
    if precision == "bf16" and not native:
        warnings.warn(  # once per run: the default filter shows a location's first warning only
            "run.precision=bf16 on a CPU without native bf16 (no avx512_bf16/amx_bf16) is emulated and about 10x "
            "slower than fp32; set run.precision=auto or fp32",
            stacklevel=2,
        )
    return precision


def autocast(run: RunConfig, device: torch.device):
    if resolve_precision(run.precision, device) == "bf16":
        return torch.autocast(device_type=device.type, dtype=torch.bfloat16)
    return nullcontext()


def lr_at(step: int, total: int, cfg: OptimConfig) -> float:
    """Linear warm-up, then cosine decay to `min_lr_ratio * lr`."""
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    progress = min(1.0, (step - cfg.warmup_steps) / max(1, total - cfg.warmup_steps))
    floor = cfg.min_lr_ratio
    return cfg.lr * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress)))


def make_optimizer(params, cfg: OptimConfig) -> torch.optim.Optimizer:
    params = [p for p in params if p.requires_grad]
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]
    groups = [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=cfg.lr, betas=cfg.betas)


def rng_state() -> dict[str, Any]:
    state = {"torch": torch.get_rng_state(), "numpy": np.random.get_state(), "python": random.getstate()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    torch.set_rng_state(state["torch"])
    np.random.set_state(state["numpy"])
    random.setstate(state["python"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def save_state(path: Path, state: dict[str, Any]) -> None:
    """Write a checkpoint so that a kill at any moment leaves either the old or the new file whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    torch.save(state, tmp)
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)


def load_state(path: Path, map_location: str | torch.device = "cpu", mmap: bool = False) -> dict[str, Any] | None:
    """`mmap`: tensors are read from the file only when touched, for a look at a big checkpoint's fields."""
    if not path.exists():
        return None
    return torch.load(path, map_location=map_location, weights_only=False, mmap=mmap)


class Progress:
    """One status line per `every` steps with rate and ETA on stderr; every metric also to metrics.jsonl.

    `stop` is where this invocation ends when that is before `total` (`run.stop_at`, a piece of a long
    run): the ETA is then the piece's, with the whole run's beside it, since a piece's ETA is what the
    person watching waits for."""

    def __init__(
        self,
        total: int,
        start: int,
        log_path: Path | None,
        every: int,
        enabled: bool = True,
        stop: int | None = None,
    ) -> None:
        self.total, self.start, self.every = total, start, max(1, every)
        self.stop = stop if stop is not None and stop < total else None
        self.enabled = enabled
        self.log = open(log_path, "a") if (log_path and enabled) else None
        if self.log and self.log.tell() and not log_path.read_bytes().endswith(b"\n"):
            # A run killed mid-write left a torn last line: the resumed run's first record must not join it.
            self.log.write("\n")
        self.t0 = time.perf_counter()

    def update(self, step: int, metrics: dict[str, float]) -> None:
        """`step` is the number of optimizer steps done."""
        if not self.enabled:
            return
        if self.log:
            self.log.write(json.dumps({"step": step, "time": time.time(), **metrics}) + "\n")
            self.log.flush()
        if step % self.every and step not in (self.total, self.stop):
            return
        done = step - self.start
        elapsed = time.perf_counter() - self.t0
        rate = done / elapsed if elapsed > 0 else 0.0

        def eta(to: int) -> str:
            return hms((to - step) / rate) if rate > 0 else "?"

        shown = " ".join(f"{k} {v:.4g}" for k, v in metrics.items())
        pct = 100 * step / self.total
        when = (
            f"ETA {eta(self.total)}"
            if self.stop is None
            else f"ETA {eta(self.stop)} to step {self.stop}, run {eta(self.total)}"
        )
        print(f"step {step}/{self.total} ({pct:.0f}%) {shown} | {rate:.2f} step/s {when}", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.log:
            self.log.close()


class EpochSampler:
    """A shuffled, rank-sharded order over `n` items that is a pure function of (seed, epoch), so a
    resumed run sees exactly the batches the uninterrupted run would have.

    With `lengths` and `batch`, each run of `batch` consecutive items holds items of similar length
    (sorted within pools of `pool` batches, the batches then shuffled), so a padded batch wastes little.
    """

    def __init__(
        self,
        n: int,
        seed: int,
        rank: int = 0,
        world: int = 1,
        lengths: list[int] | None = None,
        batch: int = 0,
        pool: int = 50,
    ) -> None:
        if n == 0:
            raise ValueError("no training items")
        if lengths is not None and len(lengths) != n:
            raise ValueError(f"lengths has {len(lengths)} entries for {n} items")
        self.n, self.seed, self.rank, self.world = n, seed, rank, world
        self.lengths, self.batch, self.pool = lengths, batch, pool
        self.epoch, self.pos = 0, 0
        self._order = self._make()

    def _make(self) -> list[int]:
        g = torch.Generator().manual_seed(self.seed * 100003 + self.epoch)
        order = torch.randperm(self.n, generator=g).tolist()
        order = order[self.rank :: self.world] or order[:1]
        if self.lengths is None or self.batch <= 1:
            return order
        size = self.batch * self.pool
        batches = []
        for k in range(0, len(order), size):
            chunk = sorted(order[k : k + size], key=self.lengths.__getitem__)
            batches += [chunk[i : i + self.batch] for i in range(0, len(chunk), self.batch)]
        perm = torch.randperm(len(batches), generator=g).tolist()
        return [i for b in perm for i in batches[b]]

    def take(self, k: int) -> list[int]:
        out = []
        while len(out) < k:
            if self.pos >= len(self._order):
                self.epoch += 1
                self.pos = 0
                self._order = self._make()
            out.append(self._order[self.pos])
            self.pos += 1
        return out

    def state_dict(self) -> dict[str, int]:
        return {"epoch": self.epoch, "pos": self.pos}

    def load_state_dict(self, s: dict[str, int]) -> None:
        self.epoch, self.pos = s["epoch"], s["pos"]
        self._order = self._make()


def sampler_states(d: Dist, sampler: EpochSampler) -> list[dict[str, int]]:
    """Every rank's data position, so that a resumed run gives each rank its own again."""
    if d.world == 1:
        return [sampler.state_dict()]
    states: list = [None] * d.world
    dist.all_gather_object(states, sampler.state_dict())
    return states


def run_end(run: RunConfig, stop_after: int | None = None) -> int:
    """The step this invocation stops at: the run's end, or earlier at `run.stop_at` or `stop_after`."""
    end = run.steps
    for cap in (run.stop_at or None, stop_after):
        if cap is not None:
            end = min(end, cap)
    return end


def drive(
    start: int,
    end: int,
    one_step: Callable[[int], dict[str, float]],
    save: Callable[[int], None],
    run: RunConfig,
    d: Dist,
    log_path: Path,
) -> None:
    """Run `one_step(step)` from `start` to `end`, logging its metrics and calling `save(steps_done)`
    every `ckpt_every` steps, at the end, and on SIGTERM or Ctrl-C (after finishing the step in hand),
    so that a stopped run loses no more than one checkpoint interval, and usually nothing. With
    `run.max_minutes` the run also stops, checkpointed, once that much wall time has passed."""
    stop = {"now": False}
    deadline = time.monotonic() + 60 * run.max_minutes if run.max_minutes > 0 else None
    old = signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    progress = Progress(run.steps, start, log_path, run.log_every, enabled=d.main, stop=end)
    step = start
    try:
        while step < end and not stop["now"]:
            metrics = one_step(step)
            step += 1
            progress.update(step, d.mean(metrics))
            if step % run.ckpt_every == 0 or step == end:
                save(step)
            if deadline is not None and d.any(time.monotonic() > deadline) and step < end:
                print(f"time budget of {run.max_minutes:g} min spent at step {step}; checkpointing", file=sys.stderr)
                stop["now"] = True
        if stop["now"] and step % run.ckpt_every != 0:
            save(step)
    except KeyboardInterrupt:
        save(step)
        raise
    finally:
        signal.signal(signal.SIGTERM, old)
        progress.close()
