"""Continuous batching: one thread steps every active request's frames as one batch.

The scheduler thread owns a `voxtral_tts.generate.Engine` (fixed slots over one preallocated KV
cache). Between frames it drops cancelled and timed-out requests, admits waiting ones into free slots
(prefill), and steps all active slots together. Frames go to a second thread that runs each request's
codec decode and output encoding, so the model never waits for the codec; every event of a request
passes through that one FIFO, which keeps its audio in order.

A request's frames depend only on its own prompt and noise (the engine masks each row to its own
cache), so its output never depends on what else is in the batch.

Whole-request generation is pluggable: a `Generation` turns one speech request into a sequence of
`FrameRequest`s and their frames into audio (the driver protocol of `longform.LongFormJob`). The
default, `SinglePass`, speaks the text in one request.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import queue
import threading
import time
from collections import deque
from contextlib import nullcontext
from typing import Protocol

import numpy as np
import torch

from ..generate import Engine, FrameRequest, StepResult
from ..model import VoxtralModel
from ..model.codec import Codec
from ..streaming import StreamDecoder
from .errors import APIError
from .metrics import Metrics
from .output import OutputStream

log = logging.getLogger(__name__)


class Generation(Protocol):
    """How one request becomes audio. The scheduler calls, from one thread at a time:
    `next_request()` until it gives None; for each frame the engine makes, `push(frame)`; when a
    request stops, `end(stop_reason)`; at last `finish()`. Each returns float32 blocks ready to send."""

    def next_request(self) -> FrameRequest | None: ...

    def push(self, frame: torch.Tensor) -> list[np.ndarray]: ...

    def end(self, stop_reason: str | None) -> list[np.ndarray]: ...

    def finish(self) -> list[np.ndarray]: ...


class SinglePass:
    """The default generation: the whole text in one request, decoded as its frames arrive."""

    def __init__(self, request: FrameRequest, codec: Codec) -> None:
        self._request: FrameRequest | None = request
        self.decoder = StreamDecoder(codec)

    def next_request(self) -> FrameRequest | None:
        req, self._request = self._request, None
        return req

    def push(self, frame: torch.Tensor) -> list[np.ndarray]:
        chunk = self.decoder.push(frame)
        return [] if chunk is None else [chunk.numpy()]

    def end(self, stop_reason: str | None) -> list[np.ndarray]:
        chunk = self.decoder.flush()
        return [] if chunk is None else [chunk.numpy()]

    def finish(self) -> list[np.ndarray]:
        return []


class QueueFull(Exception):
    pass


_ids = itertools.count(1)
_END = object()


class Job:
    """One speech request on its way through the scheduler. Its events go to an asyncio queue:
    ("audio", bytes)..., then ("done", info) or ("error", APIError)."""

    def __init__(
        self,
        generation: Generation,
        output: OutputStream,
        timeout: float,
        loop: asyncio.AbstractEventLoop,
        created: float | None = None,
        seed: int | None = None,
    ) -> None:
        self.id = next(_ids)
        self.generation = generation
        self.output = output
        self.loop = loop
        self.events: asyncio.Queue = asyncio.Queue()
        self.created = time.monotonic() if created is None else created
        self.timeout = timeout
        self.deadline = self.created + timeout
        self.seed = seed
        # The first request is built now, on the caller's thread, so bad input fails before queueing.
        self.request: FrameRequest | None = generation.next_request()
        self.slot: int | None = None
        self.frames = 0
        self.requests = 0
        self.stop_reason = ""
        self.first_audio: float | None = None
        self.cancelled = False  # set from outside the scheduler thread; the scheduler frees the slot
        self.cancel_reason = ""
        self.closed = False  # no more events will be sent
        self.done = False

    def _send(self, kind: str, payload: object) -> None:
        try:
            self.loop.call_soon_threadsafe(self.events.put_nowait, (kind, payload))
        except RuntimeError:  # the event loop is gone (server shutting down)
            self.closed = True

    def fail(self, err: APIError) -> None:
        if not self.closed:
            self.closed = True
            self._send("error", err)


class Scheduler:
    def __init__(
        self,
        model: VoxtralModel,
        *,
        max_batch: int,
        max_len: int,
        max_queue: int,
        metrics: Metrics,
        idle_wait: float = 0.25,
    ) -> None:
        self.model = model
        self.engine = Engine(model, max_batch, max_len)
        self.max_queue = max_queue
        self.metrics = metrics
        self.idle_wait = idle_wait
        self.pending: deque[Job] = deque()  # new requests, in arrival order
        self.ready: deque[Job] = deque()  # jobs with their next request built, admitted first
        self.running: dict[int, Job] = {}  # slot -> job
        self.cv = threading.Condition()
        self.decode_q: queue.SimpleQueue = queue.SimpleQueue()
        # On a GPU the codec decodes on a stream of its own, so its kernels overlap the frame steps
        # instead of queueing behind them; each frame carries an event that says when it exists.
        self.decode_stream = torch.cuda.Stream(model.device) if model.device.type == "cuda" else None
        self._stop = False
        self._threads = [
            threading.Thread(target=self._run, name="voxtral-scheduler", daemon=True),
            threading.Thread(target=self._decode_loop, name="voxtral-decoder", daemon=True),
        ]
        self.steps = 0

    # -- called from the HTTP side -------------------------------------------------------------

    def start(self) -> None:
        for t in self._threads:
            t.start()

    def stop(self) -> None:
        with self.cv:
            self._stop = True
            self.cv.notify_all()
        self.decode_q.put(None)
        for t in self._threads:
            t.join(timeout=10)

    @property
    def queue_depth(self) -> int:
        return len(self.pending)

    @property
    def active(self) -> int:
        return len(self.running)

    @property
    def max_batch(self) -> int:
        return self.engine.max_batch

    def submit(self, job: Job) -> None:
        with self.cv:
            if len(self.pending) >= self.max_queue:
                raise QueueFull
            if job.request is None:  # nothing to generate (say, punctuation alone): straight to the end
                job.done = True
                self.decode_q.put((job, _END, None))
                return
            self.pending.append(job)
            self.cv.notify()

    def cancel(self, job: Job, reason: str = "client") -> None:
        """Stop a job; its slot is freed before the next frame step."""
        with self.cv:
            if not job.done and not job.cancelled:
                job.cancelled = True
                job.cancel_reason = reason
                job.closed = True
                self.cv.notify()

    # -- the scheduler thread ------------------------------------------------------------------

    def _run(self) -> None:
        with torch.inference_mode():
            while True:
                with self.cv:
                    while not self._stop and not self.pending and not self.ready and not self.running:
                        self.cv.wait(self.idle_wait)
                    if self._stop:
                        break
                    self._reap()
                    admit = []
                    free = self.engine.free_slots()
                    for q in (self.ready, self.pending):
                        while q and len(admit) < free:
                            admit.append(q.popleft())
                for job in admit:
                    self._admit(job)
                if not self.running:
                    with self.cv:  # waiting only for the decoder to hand back a next request
                        if not self.pending and not self.ready and not self._stop:
                            self.cv.wait(0.005)
                    continue
                try:
                    results = self.engine.step()
                except Exception:  # a bug, not a client error: fail the batch, keep serving
                    log.exception("engine step failed")
                    for slot, job in list(self.running.items()):
                        self.engine.cancel(slot)
                        job.done = True
                        job.fail(APIError(500, "generation failed; see the server log"))
                    self.running.clear()
                    continue
                self.steps += 1
                for r in results:
                    self._route(r)

    def _reap(self) -> None:
        now = time.monotonic()
        for slot, job in list(self.running.items()):
            if job.cancelled or now > job.deadline:
                self.engine.cancel(slot)
                del self.running[slot]
                self._ended(job)
        for name in ("pending", "ready"):
            q = getattr(self, name)
            if any(j.cancelled or now > j.deadline for j in q):
                keep: deque[Job] = deque()
                gone = []
                for job in q:
                    (gone if job.cancelled or now > job.deadline else keep).append(job)
                # Out of the queue before its client hears of it: whoever reads the 504 sees the queue without it.
                setattr(self, name, keep)
                for job in gone:
                    self._ended(job)

    def _ended(self, job: Job) -> None:
        job.done = True
        if job.cancelled:
            if job.cancel_reason == "client":
                self.metrics.cancelled += 1
        else:
            self.metrics.timeouts += 1
            job.fail(APIError(504, f"request timed out after {job.timeout:g} s", code="timeout"))

    def _admit(self, job: Job) -> None:
        req, job.request = job.request, None
        need = req.prompt.shape[0] + req.max_frames + 1
        if need > self.engine.max_len:
            room = self.engine.max_len - req.prompt.shape[0] - 1
            if room < 1:
                job.done = True
                job.fail(APIError(400, f"the prompt ({req.prompt.shape[0]} positions) fills this server's context"))
                return
            req.max_frames = room
        try:
            slot = self.engine.add(req, tag=job)
        except Exception as e:
            log.exception("prefill failed")
            job.done = True
            job.fail(APIError(500, f"prefill failed ({type(e).__name__})"))
            return
        job.slot = slot
        job.requests += 1
        self.running[slot] = job

    def _route(self, r: StepResult) -> None:
        job: Job = r.tag
        if r.frame is not None:
            job.frames += 1
            frame = r.frame
            if self.decode_stream is not None:
                ready = torch.cuda.Event()
                ready.record()
                frame.record_stream(self.decode_stream)  # the allocator must not reuse it before the decoder ran
                frame = (frame, ready)
            self.decode_q.put((job, frame, None))
        if r.stop_reason is not None:
            # The engine freed the slot; the decoder says what comes next (`_continue`).
            self.running.pop(r.slot, None)
            job.stop_reason = r.stop_reason
            self.decode_q.put((job, _END, r.stop_reason))

    def _continue(self, job: Job, request: FrameRequest) -> None:
        with self.cv:
            if job.cancelled:
                return
            job.request = request
            self.ready.append(job)
            self.cv.notify()

    # -- the decode thread ---------------------------------------------------------------------

    def _decode_loop(self) -> None:
        on_stream = torch.cuda.stream(self.decode_stream) if self.decode_stream is not None else nullcontext()
        with torch.inference_mode(), on_stream:
            while True:
                item = self.decode_q.get()
                if item is None:
                    return
                job, what, stop_reason = item
                if job.closed:
                    if what is _END and job.cancelled and not job.done:  # cancelled between two requests
                        job.done = True
                        self.metrics.cancelled += job.cancel_reason == "client"
                    continue
                try:
                    if what is _END:
                        self._end(job, stop_reason)
                    else:
                        if isinstance(what, tuple):  # (frame, event) from the GPU
                            what, ready = what
                            self.decode_stream.wait_event(ready)
                        self._audio(job, job.generation.push(what))
                except Exception as e:
                    from ..errors import VoxtralError

                    if isinstance(e, VoxtralError):
                        err = APIError(400, str(e))
                    else:
                        log.exception("decoding failed")
                        err = APIError(500, "audio decoding failed; see the server log")
                    job.fail(err)
                    self.cancel(job, reason="error")

    def _end(self, job: Job, stop_reason: str | None) -> None:
        gen = job.generation
        if stop_reason is not None:
            self._audio(job, gen.end(stop_reason))
            nxt = gen.next_request()
            if nxt is not None:
                self._continue(job, nxt)
                return
        job.done = True
        self._audio(job, gen.finish())
        tail = job.output.finish()
        if tail:
            self._bytes(job, tail)
        self.metrics.finished(time.monotonic() - job.created, job.output.seconds)
        job.closed = True
        info = {
            "seed": job.seed,
            "frames": job.frames,
            "audio_seconds": round(job.output.seconds, 3),
            "stop_reason": job.stop_reason,
        }
        job._send("done", info)

    def _audio(self, job: Job, blocks: list[np.ndarray]) -> None:
        for block in blocks:
            data = job.output.push(np.asarray(block, dtype=np.float32))
            if data:
                self._bytes(job, data)

    def _bytes(self, job: Job, data: bytes) -> None:
        if job.first_audio is None:
            job.first_audio = time.monotonic()
            self.metrics.first_audio(job.first_audio - job.created)
        job._send("audio", data)
