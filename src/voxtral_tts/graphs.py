"""One whole frame step with fixed shapes, run eagerly or replayed from a CUDA graph.

A step covers the KV cache's first B rows: each row's frame from its hidden state (semantic argmax, the
flow-matching ODE with both CFG branches in one batch, FSQ), that frame's embedding written to the backbone
at the row's next position, and the row's new hidden state. Its shapes depend only on B and on how many
cached positions attention reads (kv_len), both rounded up to buckets, so a handful of graphs serve every
step of every request. Inputs and outputs live in fixed buffers that each replay reads and writes.

On a GPU a decode step is dozens of small kernels whose launch overhead dominates at small batches; one
graph replay launches them all at once (vLLM-Omni halved its latency by capturing the ODE alone).
"""

from __future__ import annotations

import logging

import torch

from .model import VoxtralModel
from .model.layers import KVCache

log = logging.getLogger(__name__)

BATCH_BUCKETS = (1, 2, 4, 8, 16, 24, 32, 48, 64, 96, 128)
KV_BUCKET = 128  # attention reads cached positions in blocks of this many


def batch_bucket(n: int, limit: int) -> int:
    """The smallest bucket that holds n rows, capped at the engine's batch size."""
    return min(next((b for b in BATCH_BUCKETS if b >= n), n), limit)


def kv_bucket(n: int, capacity: int) -> int:
    """Cached positions to read when the longest row needs n: rounded up to a block, at most the capacity."""
    return min(-(-n // KV_BUCKET) * KV_BUCKET, capacity)


class StepRunner:
    """Fixed buffers for one engine's steps, and the graphs captured over them (CUDA only)."""

    def __init__(self, model: VoxtralModel, cache: KVCache, max_batch: int, allow_end: bool, graphs: bool) -> None:
        self.model, self.cache = model, cache
        self.allow_end = allow_end
        dim, n_ac = model.args.backbone.dim, model.args.audio.n_acoustic_codebook
        kw = {"device": model.device}
        self.h = torch.zeros(max_batch, dim, dtype=model.dtype, **kw)  # inputs: hidden states,
        self.noise = torch.zeros(max_batch, n_ac, dtype=torch.float32, **kw)  # ODE start points,
        self.alpha = torch.ones(max_batch, dtype=torch.float32, **kw)  # CFG strengths
        self.frames = torch.zeros(max_batch, model.args.audio.n_codebooks, dtype=torch.long, **kw)  # outputs
        self.h_next = torch.zeros(max_batch, dim, dtype=model.dtype, **kw)
        self.use_graphs = graphs and model.device.type == "cuda"
        self.graphs: dict[tuple[int, int], torch.cuda.CUDAGraph] = {}
        self.pool = None
        if self.use_graphs:
            # Build the RoPE table for the whole cache now: growing it inside a capture would allocate
            # from the graph's pool and leave later graphs pointing at freed memory.
            model.backbone.rope._table(cache.capacity + 1, model.device)

    def _body(self, B: int, kv_len: int) -> None:
        m = self.model
        frames = m.acoustic_transformer.frame(self.h[:B], self.noise[:B], self.alpha[:B], allow_end=self.allow_end)
        h = m.backbone.decode_step(m.embed_frames(frames), self.cache, kv_len)
        self.frames[:B].copy_(frames)
        self.h_next[:B].copy_(h)

    def run(self, B: int, kv_len: int) -> None:
        """One step over rows [0, B) reading kv_len cached positions; results in `frames` and `h_next`."""
        if not self.use_graphs:
            self._body(B, kv_len)
            return
        graph = self.graphs.get((B, kv_len))
        if graph is None:
            graph = self._capture(B, kv_len)
            if graph is None:
                self._body(B, kv_len)
                return
        graph.replay()

    def _capture(self, B: int, kv_len: int) -> torch.cuda.CUDAGraph | None:
        # The warm-up and the capture write keys and values at each row's current length, which is not yet
        # a valid position of any row (lengths only move when the engine commits a step): harmless.
        try:
            side = torch.cuda.Stream()
            side.wait_stream(torch.cuda.current_stream())
            with torch.cuda.stream(side):
                self._body(B, kv_len)  # warm-up: lazy initialisation must not happen inside the capture
            torch.cuda.current_stream().wait_stream(side)
            if self.pool is None:
                self.pool = torch.cuda.graph_pool_handle()
            graph = torch.cuda.CUDAGraph()
            with torch.cuda.graph(graph, pool=self.pool):
                self._body(B, kv_len)
        except RuntimeError as e:  # an op that cannot be captured: keep serving, without graphs
            log.warning("CUDA graph capture failed (%s); this engine steps eagerly from now on", e)
            self.use_graphs = False
            return None
        self.graphs[(B, kv_len)] = graph
        return graph
