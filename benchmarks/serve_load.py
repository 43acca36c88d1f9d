"""Load on `voxtral-tts serve`: time to first audio, real-time factor and throughput by concurrency.

    python benchmarks/serve_load.py --model DIR [--concurrency 1,4,16,32] [--max-seconds 8]

Starts the server on a free loopback port (or uses --url), then for each concurrency level sends that
many streaming requests at once (pcm, one seed) and measures, per request, the time from sending
to the first audio bytes (TTFA) and the wall time per second of audio (RTF), and, per level, seconds of
audio delivered per wall-clock second (throughput). Requests go only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import httpx

TEXT = "The quick brown fox jumps over the lazy dog, and then it runs back across the field."
BYTES_PER_SECOND = 24000 * 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(model: str, args: argparse.Namespace) -> tuple[subprocess.Popen, str]:
    port = free_port()
    data = tempfile.mkdtemp(prefix="serve_load_")
    cmd = [sys.executable, "-m", "voxtral_tts.cli", "serve", "--model", model, "--port", str(port)]
    cmd += ["--data-dir", data, "--max-batch", str(args.max_batch), "--max-queue", "1024"]
    cmd += ["--max-seconds", str(args.max_seconds)]
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read()}")
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start in 300 s")


async def one(client: httpx.AsyncClient, seed: int, voice: str | None) -> dict:
    body = {"input": TEXT, "response_format": "pcm", "seed": seed}
    if voice:
        body["voice"] = voice
    t0 = time.perf_counter()
    first, n = None, 0
    async with client.stream("POST", "/v1/audio/speech", json=body) as r:
        if r.status_code != 200:
            raise RuntimeError(f"HTTP {r.status_code}: {(await r.aread()).decode()[:200]}")
        async for chunk in r.aiter_raw():
            if chunk and first is None:
                first = time.perf_counter() - t0
            n += len(chunk)
    wall = time.perf_counter() - t0
    audio = n / BYTES_PER_SECOND
    return {"ttfa": first if first is not None else wall, "wall": wall, "audio": audio}


async def level(url: str, concurrency: int, seed: int, voice: str | None) -> dict:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=600, limits=limits, headers=auth_headers()) as client:
        t0 = time.perf_counter()
        # One seed for all: every request makes the same audio, so levels compare like with like (a
        # request's output does not depend on its neighbours, and nothing is cached).
        results = await asyncio.gather(*(one(client, seed, voice) for _ in range(concurrency)))
        wall = time.perf_counter() - t0
    ttfa = sorted(r["ttfa"] for r in results)
    rtf = [r["wall"] / r["audio"] for r in results if r["audio"] > 0]
    audio = sum(r["audio"] for r in results)
    return {
        "concurrency": concurrency,
        "ttfa_p50": statistics.median(ttfa),
        "ttfa_p90": ttfa[min(len(ttfa) - 1, int(0.9 * len(ttfa)))],
        "rtf_p50": statistics.median(rtf) if rtf else float("nan"),
        "audio_s": audio,
        "wall_s": wall,
        "throughput": audio / wall,
    }


def auth_headers() -> dict:
    key = os.environ.get("VOXTRAL_API_KEY")
    return {"Authorization": f"Bearer {key}"} if key else {}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", help="model folder to serve (required unless --url is given)")
    p.add_argument("--url", help="an already running server (its key, if any, from $VOXTRAL_API_KEY)")
    p.add_argument("--concurrency", default="1,4,16,32")
    p.add_argument("--max-batch", type=int, default=32)
    p.add_argument("--max-seconds", type=float, default=8.0, help="audio cap per request (server setting)")
    p.add_argument("--voice", help="preset voice (default: the model's first)")
    p.add_argument("--seed", type=int, default=0, help="seed of every request")
    p.add_argument("--threads", type=int, help="the server's --threads (default: its own choice)")
    p.add_argument("--rounds", type=int, default=2, help="repeat each level and keep the better round")
    args = p.parse_args()
    if not args.url and not args.model:
        p.error("give --model DIR (there is no default model yet) or --url")
    proc = None
    url = args.url
    if url is None:
        proc, url = start_server(args.model, args)
    try:
        asyncio.run(level(url, 2, 10_000, args.voice))  # warm-up: first-call costs are not the server's
        rows = []
        for c in (int(x) for x in args.concurrency.split(",")):
            best = None
            for _ in range(args.rounds):
                res = asyncio.run(level(url, c, args.seed, args.voice))
                if best is None or res["throughput"] > best["throughput"]:
                    best = res
            rows.append(best)
            print(
                f"concurrency {c:3d}: TTFA p50 {best['ttfa_p50']:.3f} s, p90 {best['ttfa_p90']:.3f} s; "
                f"RTF p50 {best['rtf_p50']:.3f}; throughput {best['throughput']:.1f} audio s/s "
                f"({best['audio_s']:.1f} s of audio in {best['wall_s']:.2f} s)",
                file=sys.stderr,
            )
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
    print("| concurrency | TTFA p50 (s) | TTFA p90 (s) | RTF p50 | throughput (audio s / s) | audio (s) | wall (s) |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['concurrency']} | {r['ttfa_p50']:.3f} | {r['ttfa_p90']:.3f} | {r['rtf_p50']:.3f} | "
            f"{r['throughput']:.1f} | {r['audio_s']:.1f} | {r['wall_s']:.2f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
