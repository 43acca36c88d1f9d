"""Training throughput: optimizer steps per second and seconds of audio (12.5 Hz frames) learnt per second,
for the codec and the LM trainers at a size preset, on synthetic data, through the real training code.

    python benchmarks/train_throughput.py                                   # tiny and small, CPU
    python benchmarks/train_throughput.py --presets small,base --device cuda --precision bf16

The data is synthetic (voiced-like tones for the codec; random codes for the LM) because only the cost of
a step is measured. The codec uses the mel teacher: Whisper features are computed once before training
(train/teachers.py), so they are not part of a step. The first steps (allocation, kernel choice) are not
counted. Prints one markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf
import torch

from voxtral_tts.tiny import TINY_PARAMS, make_tiny_checkpoint
from voxtral_tts.train.codec_run import train_codec
from voxtral_tts.train.config import (
    CodecConfig,
    CodecDataConfig,
    CodecLossConfig,
    LMConfig,
    LMDataConfig,
    OptimConfig,
    RunConfig,
)
from voxtral_tts.train.lm import FrameItem
from voxtral_tts.train.lm_run import train_lm

FRAME_RATE = 12.5
SR = 24000


def synthetic_audio(folder: Path, n: int = 16, seconds: float = 4.0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    rows = []
    for i in range(n):
        t = np.arange(int(seconds * SR)) / SR
        f0 = rng.uniform(90, 220) * (1 + 0.1 * np.sin(2 * np.pi * rng.uniform(0.3, 2) * t))
        wave = sum(np.sin(2 * np.pi * k * np.cumsum(f0) / SR) / k for k in range(1, 8))
        wave = 0.2 * wave / np.abs(wave).max() + 0.003 * rng.standard_normal(t.size)
        sf.write(folder / f"{i}.flac", wave.astype(np.float32), SR)
        rows.append(
            {"id": str(i), "audio": f"{i}.flac", "text": "x", "language": "en", "speaker": "s", "duration": seconds}
        )
    (folder / "manifest.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return folder / "manifest.jsonl"


def synthetic_frames(n: int, frames: int) -> list[FrameItem]:
    rng = np.random.default_rng(0)
    items = []
    for i in range(n):
        c = np.zeros((frames, 37), np.int16)
        c[:, 0] = rng.integers(2, 8194, frames)
        c[:, 1:] = rng.integers(2, 23, (frames, 36))
        items.append(FrameItem(c, "a sentence of about this many words for the prompt " * 2, f"s{i % 4}", "en"))
    return items


def step_rate(run: Path, skip: int) -> tuple[float, int]:
    """Steps per second over the logged steps after the first `skip`."""
    times = [json.loads(x)["time"] for x in (run / "metrics.jsonl").read_text().splitlines()]
    times = times[skip:]
    if len(times) < 2:
        raise SystemExit("too few steps to time; raise --steps")
    return (len(times) - 1) / (times[-1] - times[0]), len(times) - 1


def n_params(run: Path) -> float:
    state = torch.load(run / "last.pt", map_location="cpu", weights_only=False)["model"]
    return sum(v.numel() for k, v in state.items() if not k.startswith("disc")) / 1e6


def timed_run(out: Path, batch: int, args) -> RunConfig:
    """Every step logged (its time is the measurement), no checkpoints in between."""
    return RunConfig(
        out_dir=str(out),
        steps=args.steps,
        batch_size=batch,
        log_every=1,
        ckpt_every=10**9,
        device=args.device,
        precision=args.precision,
        threads=args.threads,
    )


def bench_codec(preset: str, args, tmp: Path) -> dict:
    manifest = synthetic_audio(tmp / "audio")
    seg = 1.28
    cfg = CodecConfig(
        run=timed_run(tmp / f"codec-{preset}", args.codec_batch, args),
        optim=OptimConfig(warmup_steps=1),
        data=CodecDataConfig(manifest=str(manifest), segment_seconds=seg),
        loss=CodecLossConfig(teacher="mel", disc_start=0 if args.disc else 10**9),
        preset=preset,
        overrides=dict(args.codec_overrides),
    )
    run = train_codec(cfg)
    rate, counted = step_rate(run, args.warmup)
    return {"stage": "codec", "preset": preset, "params_m": n_params(run), "batch": args.codec_batch,
            "steps_s": rate, "audio_s_per_s": rate * args.codec_batch * seg, "counted": counted}  # fmt: skip


def bench_lm(preset: str, args, tmp: Path) -> dict:
    codec = tmp / "tiny-codec"
    if not codec.exists():
        # A tiny codec with the full 8192-entry semantic codebook, so the LM's semantic head has its real size.
        params = json.loads(json.dumps(TINY_PARAMS))
        params["multimodal"]["audio_model_args"]["semantic_codebook_size"] = 8192
        params["multimodal"]["audio_tokenizer_args"]["semantic_codebook_size"] = 8192
        make_tiny_checkpoint(codec, seed=0, params=params)
    frames = args.lm_frames
    cfg = LMConfig(
        run=timed_run(tmp / f"lm-{preset}", args.lm_batch, args),
        optim=OptimConfig(warmup_steps=1),
        data=LMDataConfig(max_frames=frames + 10, min_ref_frames=25, max_ref_frames=50),
        codec=str(codec),
        preset=preset,
    )
    run = train_lm(cfg, corpus=synthetic_frames(64, frames))
    rate, counted = step_rate(run, args.warmup)
    return {"stage": "lm", "preset": preset, "params_m": n_params(run), "batch": args.lm_batch,
            "steps_s": rate, "audio_s_per_s": rate * args.lm_batch * frames / FRAME_RATE, "counted": counted}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--presets", default="tiny,small")
    ap.add_argument("--stages", default="codec,lm")
    ap.add_argument("--steps", type=int, default=12)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--codec-batch", type=int, default=8)
    ap.add_argument("--lm-batch", type=int, default=16)
    ap.add_argument("--lm-frames", type=int, default=100, help="target frames per LM example (8 s)")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--precision", default="fp32")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--disc", action="store_true", help="codec steps with the adversarial phase on (discriminator)")
    ap.add_argument("--istft", action="store_true", help="codec with the iSTFT output head (the default model's)")
    args = ap.parse_args(argv)
    args.codec_overrides = {"output_head": "istft", "istft_n_fft": 960} if args.istft else {}

    rows = []
    with tempfile.TemporaryDirectory() as td:
        for preset in args.presets.split(","):
            for stage in args.stages.split(","):
                t0 = time.perf_counter()
                fn = bench_codec if stage == "codec" else bench_lm
                r = fn(preset, args, Path(td))
                r["wall_s"] = time.perf_counter() - t0
                rows.append(r)
                print(json.dumps(r), file=sys.stderr)

    dev = torch.cuda.get_device_name() if args.device.startswith("cuda") else f"{platform.processor() or 'cpu'}"
    print(
        "| stage | preset | params (M) | batch | steps/s | frames/s (12.5 Hz) | audio s per s | hours of audio per day |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['stage']} | {r['preset']} | {r['params_m']:.1f} | {r['batch']} | {r['steps_s']:.2f} | "
            f"{r['audio_s_per_s'] * FRAME_RATE:.0f} | {r['audio_s_per_s']:.1f} | {r['audio_s_per_s'] * 86400 / 3600:.0f} |"
        )
    print(
        f"\nCommand: `python benchmarks/train_throughput.py {' '.join(argv if argv is not None else sys.argv[1:])}`; "
        f"device {args.device} ({dev}), {os.cpu_count()} CPUs, torch {torch.__version__}, precision {args.precision}; "
        f"load average {os.getloadavg()[0]:.1f}; {args.steps - args.warmup} timed steps per row."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
