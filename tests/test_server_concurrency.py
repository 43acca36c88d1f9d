"""Concurrency: batching of many streams, the bounded queue, disconnects and timeouts."""

from __future__ import annotations

import asyncio
import io
import json
import random
import time

import httpx
import numpy as np
import pytest
import soundfile as sf
from test_server_fixtures import (
    LiveServer,
    load_server_fixture,  # noqa: F401 (a fixture)
    pcm_of,
    reference,
    s16,
)

from voxtral_tts import VoxtralTTS

N = 32
FRAME_BYTES = 1920 * 2
WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]


def spec(i: int) -> dict:
    return {
        "input": f"Request {WORDS[i % 8]}" + " la" * (i % 5) + ".",
        "voice": ["tiny_male", "tiny_female"][i % 2],
        "seed": 1000 + i,
        "response_format": "wav" if i % 4 == 0 else "pcm",
    }


async def one_stream(client: httpx.AsyncClient, i: int, delay: float) -> dict:
    await asyncio.sleep(delay)
    t0 = time.perf_counter()
    times, chunks = [], []
    async with client.stream("POST", "/v1/audio/speech", json=spec(i)) as r:
        assert r.status_code == 200, await r.aread()
        async for chunk in r.aiter_raw():
            times.append(time.perf_counter() - t0)
            chunks.append(chunk)
    return {"i": i, "data": b"".join(chunks), "first": times[0], "last": times[-1], "n": len(chunks)}


async def run_all(url: str, order: list[int], stagger: float) -> dict[int, dict]:
    limits = httpx.Limits(max_connections=N, max_keepalive_connections=N)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        results = await asyncio.gather(*(one_stream(client, i, k * stagger) for k, i in enumerate(order)))
    return {r["i"]: r for r in results}


def test_32_concurrent_streams_are_batched_complete_and_order_independent(
    load_server: LiveServer, long_tts: VoxtralTTS
) -> None:
    frames = 25  # the long model never stops, so each request runs to max_seconds = 2.0 s
    steps0 = load_server.scheduler.steps
    first = asyncio.run(run_all(load_server.url, list(range(N)), stagger=0.0))
    steps = load_server.scheduler.steps - steps0
    order = list(range(N))
    random.Random(0).shuffle(order)
    second = asyncio.run(run_all(load_server.url, order, stagger=0.02))

    # All 32 were stepped together: far fewer batched steps than frames made.
    assert steps < N * frames / 4, steps
    for i in range(N):
        a, b = first[i], second[i]
        assert a["data"] == b["data"], i  # the same bytes whatever ran beside it, in whatever order
        if spec(i)["response_format"] == "wav":
            assert a["data"][:4] == b"RIFF" and a["data"].count(b"RIFF") == 1
            assert a["data"][40:44] == b"\xff\xff\xff\xff"
            pcm = a["data"][44:]
        else:
            pcm = a["data"]
        assert len(pcm) == frames * FRAME_BYTES, (i, len(pcm))
        if i % 4 == 1:  # and equal to the request run on its own (a sample of them, to keep the test short)
            solo = reference(long_tts, spec(i)["input"], voice=spec(i)["voice"], seed=spec(i)["seed"], max_seconds=2.0)
            assert np.abs(pcm_of(pcm).astype(int) - s16(solo).astype(int)).max() <= 1
        # Honest streaming: the 5-frame first chunk arrives on its own, before the rest.
        assert a["n"] >= 2 and a["first"] < a["last"]
    assert load_server.wait_idle()


def test_streamed_wav_with_unknown_length_reads_back(load_server: LiveServer) -> None:
    with load_server.client() as c:
        r = c.post("/v1/audio/speech", json=spec(0))
    data, sr = sf.read(io.BytesIO(r.content), dtype="int16")
    assert sr == 24000 and data.size == 25 * 1920


@pytest.fixture()
def slow_server(long_tts: VoxtralTTS, tmp_path):
    """One slot, one queue place, long outputs, a 3 s timeout."""
    with LiveServer(
        long_tts, data_dir=tmp_path, max_batch=1, max_queue=1, max_seconds=60.0, request_timeout=3.0, retry_after=7
    ) as s:
        yield s


def wait_for(pred, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.005)
    return False


def test_disconnect_mid_stream_frees_the_slot_at_once(slow_server: LiveServer) -> None:
    sched = slow_server.scheduler
    with slow_server.client() as c:
        with c.stream("POST", "/v1/audio/speech", json={"input": "Go on and on.", "response_format": "pcm"}) as r:
            assert r.status_code == 200
            chunks = r.iter_raw()  # kept alive: a dropped iterator closes the connection
            assert len(next(chunks)) > 0
            time.sleep(0.3)
            assert sched.active == 1  # still generating while the client holds the stream open
            t0 = time.monotonic()
        # Leaving the block closes the connection mid-stream.
        assert wait_for(lambda: sched.active == 0, timeout=2.0)
        freed = time.monotonic() - t0
        assert freed < 1.0, freed
        # The slot takes new work at once.
        with c.stream("POST", "/v1/audio/speech", json={"input": "Next one.", "response_format": "pcm"}) as r:
            chunks = r.iter_raw()
            assert r.status_code == 200 and len(next(chunks)) > 0
        assert wait_for(lambda: sched.active == 0, timeout=2.0)
        assert "voxtral_cancelled_total 2" in c.get("/metrics").text


def test_full_queue_answers_429_with_retry_after(slow_server: LiveServer) -> None:
    sched = slow_server.scheduler
    body = {"input": "Long running.", "response_format": "pcm"}
    with slow_server.client() as c, slow_server.client() as c2, slow_server.client() as c3:
        with c.stream("POST", "/v1/audio/speech", json=body) as a:
            a_chunks = a.iter_raw()
            next(a_chunks)
            assert sched.active == 1
            # The running request is kept going (the 3 s timeout is for the queued one): on a loaded
            # machine the steps below can take longer than that.
            sched.running[0].deadline = float("inf")
            import concurrent.futures as cf

            with cf.ThreadPoolExecutor(1) as pool:
                fut = pool.submit(lambda: c2.post("/v1/audio/speech", json={**body, "stream": False}).status_code)
                assert wait_for(lambda: sched.queue_depth == 1)
                r = c3.post("/v1/audio/speech", json=body)
                assert r.status_code == 429 and r.headers["retry-after"] == "7"
                err = r.json()["error"]
                assert err["type"] == "rate_limit_error" and err["code"] == "queue_full"
                assert sched.queue_depth == 1
                # The queued request times out while it waits.
                assert fut.result(timeout=10) == 504
            assert sched.queue_depth == 0 and sched.active == 1
        assert wait_for(lambda: sched.active == 0)


def test_timeouts_stop_generation(slow_server: LiveServer) -> None:
    body = {"input": "Never ending.", "response_format": "pcm"}
    with slow_server.client() as c:
        t0 = time.monotonic()
        r = c.post("/v1/audio/speech", json={**body, "stream": False})
        assert r.status_code == 504 and r.json()["error"]["code"] == "timeout"
        assert 2.5 < time.monotonic() - t0 < 6
        # Streamed: audio has gone out with a 200, so the cut is the signal.
        with pytest.raises(httpx.RemoteProtocolError):
            with c.stream("POST", "/v1/audio/speech", json=body) as r:
                assert r.status_code == 200
                for _ in r.iter_raw():
                    pass
        # Server-sent events end with an error event instead.
        with c.stream("POST", "/v1/audio/speech", json={**body, "stream_format": "sse"}) as r:
            text = r.read().decode()
        last = json.loads([e for e in text.split("\n\n") if e.startswith("data: ")][-1][6:])
        assert last["type"] == "error" and last["error"]["code"] == "timeout"
        assert slow_server.wait_idle()
        assert "voxtral_timeouts_total 3" in c.get("/metrics").text
