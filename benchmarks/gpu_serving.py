"""Serving speed of the full-size model on one GPU: time to first audio, RTF, characters/s and memory at
concurrency 1/16/32/64, beside the published vLLM-Omni figures for Voxtral-4B-TTS on an H200.

    python benchmarks/gpu_serving.py --out /tmp/gpu                          # the 4B config, CUDA
    python benchmarks/gpu_serving.py --out /tmp/dry --config tiny --device cpu --frames 30 --concurrency 1,4

Random weights in the official layout's shapes (no download; the speed does not depend on the values),
prompts of 1 + 126 voice rows (10 s) + the tokens of a 500-character text, and a forced length
(END_AUDIO masked) so every request yields the same number of frames. Requests arrive together; the main
thread steps the engine (batched prefill, then one fixed-shape step per frame, replayed from CUDA graphs)
while a decode thread turns frames into audio in streaming chunks (5 frames, then 25) on its own CUDA
stream, as the server does. First, the same requests run through the graph and the eager step with the
same noise: semantic codes must be identical. Writes log.txt and table.md into --out.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import queue
import statistics
import sys
import threading
import time
from pathlib import Path

import numpy as np
import torch

from voxtral_tts.config import ModelArgs
from voxtral_tts.generate import Engine, FrameRequest
from voxtral_tts.model import VoxtralModel
from voxtral_tts.streaming import StreamDecoder
from voxtral_tts.tiny import TINY_PARAMS
from voxtral_tts.train.config import CODEC_PRESETS, lm_params

ANCHOR = {1: (70, 0.103), 16: (331, 0.237), 32: (552, 0.302)}  # vLLM-Omni, one H200 (ms, RTF)
TARGET_H100 = {1: (50, 0.08), 32: (250, 0.2), 64: (None, 1.0)}
CHARS = 500
VOICE_ROWS = 126
TEXT_TOKENS = 132  # about 500 characters of English in tekken tokens (3.8 characters a token)
FRAME_S = 0.08


def model_params(config: str) -> dict:
    if config == "tiny":
        return copy.deepcopy(TINY_PARAMS)
    p = copy.deepcopy(TINY_PARAMS)
    codec = p["multimodal"]["audio_tokenizer_args"]
    codec.update(CODEC_PRESETS["official"])
    p["multimodal"]["audio_model_args"]["semantic_codebook_size"] = codec["semantic_codebook_size"]
    return lm_params("4b", p, 131072)


def random_model(config: str, device: torch.device, dtype: torch.dtype) -> VoxtralModel:
    """The config's model with random weights, built on the device (4B: no 8 GB on the host)."""
    args = ModelArgs.from_dict(model_params(config))
    with torch.device("meta"):
        model = VoxtralModel(args, with_encoder=False)
    model = model.to_empty(device=device).to(dtype)
    g = torch.Generator(device=device).manual_seed(0)
    with torch.no_grad():
        for name, t in model.state_dict().items():
            if "cluster_usage" in name or ("norm" in name and name.endswith(".weight")):
                t.fill_(1.0)
            elif t.is_floating_point():
                t.normal_(0.0, 0.02, generator=g)
    return model.eval().requires_grad_(False)


def requests(model: VoxtralModel, n: int, frames: int, seed: int = 0, fixed_noise: bool = False) -> list[FrameRequest]:
    dim = model.args.backbone.dim
    g = torch.Generator().manual_seed(seed)
    out = []
    for i in range(n):
        prompt = (torch.randn(1 + VOICE_ROWS + TEXT_TOKENS + 3, dim, generator=g) * 0.02).to(model.dtype)
        noise = torch.randn(frames, model.args.audio.n_acoustic_codebook, generator=g) if fixed_noise else None
        gen = torch.Generator().manual_seed(seed * 1000 + i)
        out.append(FrameRequest(prompt.to(model.device), frames, 1.2, generator=gen, noise=noise))
    return out


def new_engine(model: VoxtralModel, n: int, frames: int, graphs: bool) -> Engine:
    prompt = 1 + VOICE_ROWS + TEXT_TOKENS + 3
    return Engine(model, n, prompt + frames + 2, graphs=graphs, allow_end=False)


def run_batch(model: VoxtralModel, n: int, frames: int, eng: Engine) -> dict:
    """All n requests at once on `eng` (reused, so graphs captured by a warm-up run are replayed); returns
    per-request first-audio and last-audio times and the run's wall time."""
    reqs = requests(model, n, frames, seed=n)
    decode_q: queue.SimpleQueue = queue.SimpleQueue()
    first: dict[int, float] = {}
    last: dict[int, float] = {}
    samples = [0] * n
    stream = torch.cuda.Stream() if model.device.type == "cuda" else None

    def decoder() -> None:
        decs = [StreamDecoder(model.codec) for _ in range(n)]
        ctx = torch.cuda.stream(stream) if stream is not None else torch.inference_mode()
        with torch.inference_mode(), ctx:
            while (item := decode_q.get()) is not None:
                k, frame, ready = item
                if ready is not None:  # the frame was made on the main stream
                    stream.wait_event(ready)
                wave = decs[k].push(frame) if frame is not None else decs[k].flush()
                if wave is not None:
                    samples[k] += wave.numel()  # .cpu() inside the decoder waited for the audio
                    first.setdefault(k, time.perf_counter())
                    last[k] = time.perf_counter()

    worker = threading.Thread(target=decoder, daemon=True)
    worker.start()
    t0 = time.perf_counter()
    with torch.inference_mode():
        eng.add_many(reqs, list(range(n)))
        while eng.active:
            results = eng.step()
            ready = None
            if stream is not None:
                ready = torch.cuda.Event()
                ready.record()
            for r in results:
                if r.frame is not None:
                    if stream is not None:
                        r.frame.record_stream(stream)  # not reused by the allocator before the decoder is done
                    decode_q.put((r.tag, r.frame, ready))
                if r.stop_reason:
                    decode_q.put((r.tag, None, None))
    steps_done = time.perf_counter()
    decode_q.put(None)
    worker.join()
    return {"t0": t0, "first": first, "last": last, "samples": samples, "steps_s": steps_done - t0,
            "wall_s": time.perf_counter() - t0}  # fmt: skip


def summarize(n: int, frames: int, res: dict, sample_rate: int) -> dict:
    ttfa = [(res["first"][k] - res["t0"]) * 1000 for k in range(n)]
    audio_s = frames * FRAME_S
    rtf = [(res["last"][k] - res["t0"]) / audio_s for k in range(n)]
    assert all(s == frames * int(FRAME_S * sample_rate) for s in res["samples"]), "incomplete audio"
    return {
        "concurrency": n,
        "ttfa_ms_median": statistics.median(ttfa),
        "ttfa_ms_p90": float(np.percentile(ttfa, 90)),
        "rtf_mean": statistics.mean(rtf),
        "rtf_max": max(rtf),
        "chars_per_s": n * CHARS / res["wall_s"],
        "frame_steps_per_s": frames / res["steps_s"],
    }


def check_graphs(model: VoxtralModel, frames: int, log) -> bool:
    """The graph-replayed step against the eager one, with the same prompts and noise."""
    outs = []
    for graphs in (True, False):
        reqs = requests(model, 4, frames, seed=99, fixed_noise=True)
        eng = Engine(model, 4, reqs[0].prompt.shape[0] + frames + 2, graphs=graphs, allow_end=False)
        got: dict[int, list] = {k: [] for k in range(4)}
        with torch.inference_mode():
            eng.add_many(reqs, list(range(4)))
            while eng.active:
                for r in eng.step():
                    if r.frame is not None:
                        got[r.tag].append(r.frame.cpu())
        outs.append({k: torch.stack(v) for k, v in got.items()})
    g, e = outs
    same_sem = all(torch.equal(g[k][:, 0], e[k][:, 0]) for k in g)
    ac = np.mean([(g[k][:, 1:] == e[k][:, 1:]).float().mean().item() for k in g])
    log(
        f"graph vs eager, 4 requests x {frames} frames: semantic codes identical: {same_sem}; acoustic codes equal: {100 * ac:.2f}%"
    )
    return same_sem


def bandwidth_gbs(device: torch.device) -> float | None:
    if device.type != "cuda":
        return None
    x = torch.empty(2**30, dtype=torch.uint8, device=device)
    y = torch.empty_like(x)
    y.copy_(x)
    torch.cuda.synchronize()
    t = time.perf_counter()
    for _ in range(10):
        y.copy_(x)
    torch.cuda.synchronize()
    return 2 * 10 * x.numel() / (time.perf_counter() - t) / 1e9


def weight_bytes_per_step(model: VoxtralModel) -> int:
    """Weights one frame step must read: the backbone once, the flow-matching transformer once per Euler
    step (both CFG branches share a read), the semantic head once, the frame's code embeddings."""
    size = lambda m: sum(t.numel() * t.element_size() for t in [*m.parameters(), *m.buffers()])  # noqa: E731
    fm = model.acoustic_transformer
    head = fm.semantic_codebook_output
    per_euler = size(fm) - size(head)
    backbone = (
        size(model.backbone)
        - model.backbone.tok_embeddings.weight.numel() * model.backbone.tok_embeddings.weight.element_size()
    )
    return backbone + fm.n_steps * per_euler + size(head) + 37 * model.args.backbone.dim * 2


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--config", choices=["4b", "tiny"], default="4b")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--concurrency", default="1,16,32,64")
    ap.add_argument(
        "--frames", type=int, default=400, help="forced frames per request (400 = 32 s, about 500 characters)"
    )
    ap.add_argument("--check-frames", type=int, default=60)
    ap.add_argument("--no-graphs", action="store_true", help="the eager fixed-shape step (for comparison)")
    ap.add_argument("--int8", action="store_true", help="int8 weight-only backbone (model/quantize.py)")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    logf = open(args.out / "log.txt", "w")

    def log(msg: str) -> None:
        print(msg, flush=True)
        logf.write(msg + "\n")
        logf.flush()

    device = torch.device(args.device)
    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    t = time.perf_counter()
    model = random_model(args.config, device, dtype)
    if args.int8:
        from voxtral_tts.model.quantize import quantize_backbone_int8

        quantize_backbone_int8(model)
    n_params = sum(p.numel() for p in model.parameters()) + sum(
        b.numel() for b in model.buffers() if b.dtype == torch.int8
    )
    card = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU"
    log(
        f"{args.config}: {n_params / 1e9:.2f} B parameters in {dtype} on {card}, built in {time.perf_counter() - t:.1f} s"
    )
    ok = check_graphs(model, args.check_frames, log)

    rows = []
    for n in [int(c) for c in args.concurrency.split(",")]:
        if device.type == "cuda":
            torch.cuda.reset_peak_memory_stats(device)
        eng = new_engine(model, n, args.frames, graphs=not args.no_graphs)
        warm = time.perf_counter()
        run_batch(model, n, args.frames, eng)  # captures this concurrency's graphs, on this engine's cache
        warm = time.perf_counter() - warm
        res = run_batch(model, n, args.frames, eng)
        row = summarize(n, args.frames, res, model.args.codec.sampling_rate)
        row["peak_gib"] = torch.cuda.max_memory_allocated(device) / 2**30 if device.type == "cuda" else None
        row["warmup_s"] = warm
        rows.append(row)
        log(json.dumps(row))

    bw = bandwidth_gbs(device)
    per_step = weight_bytes_per_step(model)
    lines = [
        "| concurrency | TTFA median (ms) | TTFA p90 (ms) | RTF mean | RTF max | chars/s/GPU | frame steps/s | "
        "peak GiB | vLLM-Omni H200 TTFA / RTF | target (H100) TTFA / RTF |",
        "|" + "---|" * 10,
    ]
    for r in rows:
        c = r["concurrency"]
        peak = "-" if r["peak_gib"] is None else f"{r['peak_gib']:.1f}"
        anchor = f"{ANCHOR[c][0]} / {ANCHOR[c][1]}" if c in ANCHOR else "-"
        target = "-"
        if c in TARGET_H100:
            ms, rtf = TARGET_H100[c]
            target = f"{ms if ms else '-'} / {'< ' if c == 64 else '<= '}{rtf}"
        lines.append(
            f"| {c} | {r['ttfa_ms_median']:.0f} | {r['ttfa_ms_p90']:.0f} | {r['rtf_mean']:.3f} | {r['rtf_max']:.3f} | "
            f"{r['chars_per_s']:.0f} | {r['frame_steps_per_s']:.1f} | "
            f"{peak} | {anchor} | {target} |"
        )
    floor = (
        f"Floor: {per_step / 1e9:.2f} GB of weights per frame step / {bw:.0f} GB/s measured copy bandwidth = "
        f"{per_step / bw / 1e6:.2f} ms per step, RTF >= {per_step / bw / 1e9 / FRAME_S:.3f} at concurrency 1."
        if bw
        else f"Floor: {per_step / 1e9:.3f} GB of weights per frame step (no GPU: no bandwidth measured)."
    )
    lines += [
        "",
        f"Card: {card}; {args.config} config ({n_params / 1e9:.2f} B parameters, {dtype}); {args.frames} forced "
        f"frames ({args.frames * FRAME_S:.0f} s) per request; prompt {1 + VOICE_ROWS + TEXT_TOKENS + 3} positions; "
        f"{'eager fixed-shape step' if args.no_graphs else 'CUDA graphs' if device.type == 'cuda' else 'fixed-shape step, eager (CPU)'}; "
        f"graph vs eager semantic codes identical: {ok}; torch {torch.__version__}.",
        floor,
        f"Command: `python benchmarks/gpu_serving.py {' '.join(argv if argv is not None else sys.argv[1:])}`; "
        f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs.",
    ]
    table = "\n".join(lines)
    (args.out / "table.md").write_text(table + "\n")
    log(table)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
