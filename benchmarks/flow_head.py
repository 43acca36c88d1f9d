"""The flow-matching head's cost, with its last layer computing only the acoustic token (the code as it is)
against the whole last layer (all three tokens, as the reference writes it), alternated in one process.

    python benchmarks/flow_head.py --model build/serve-default      # a model folder in the official layout
    python benchmarks/flow_head.py                                  # the default recipe's size, random weights

Reports, as medians over the alternated repeats:
- `sample`: one frame's whole ODE (7 Euler steps, cond and uncond as one batch) for 1 and 32 requests, on one
  thread, in fp32: the server's frame step is mostly this;
- `train`: forward and backward of one velocity evaluation for 2,400 rows (16 clips x ~37 frames x 4 draws) under
  bf16 autocast on `--train-threads` threads: the flow head's share of an LM training step;
- `rounding`: how far a linear layer's first output row moves when the call holds M rows instead of one, for
  M = 1..16, on 1 and 2 threads. It is why a request's fp32 output can differ with the size of its batch.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

from voxtral_tts import VoxtralTTS


def whole_last_layer(fm):
    """The velocity as the reference computes it: every token through every layer, token 0 read at the end."""

    def velocity(x: torch.Tensor, t_proj: torch.Tensor, llm_proj: torch.Tensor) -> torch.Tensor:
        tokens = torch.stack((fm.input_projection(x.to(llm_proj.dtype)), t_proj, llm_proj), dim=1)
        for layer in fm.layers.values():
            tokens = layer(tokens)
        return fm.acoustic_codebook_output(fm.norm(tokens)[:, 0])

    return velocity


def timed(fn, repeats: int) -> float:
    fn()
    t0 = time.perf_counter()
    for _ in range(repeats):
        fn()
    return (time.perf_counter() - t0) / repeats * 1000


def alternate(fm, cases: dict, rounds: int) -> dict[str, float]:
    """Median ms of each (label -> fn) over `rounds` alternations of the two velocities."""
    kept, whole = fm.velocity, whole_last_layer(fm)
    out: dict[str, list[float]] = {}
    try:
        for _ in range(rounds):
            for name, velocity in (("acoustic token only", kept), ("whole last layer", whole)):
                fm.velocity = velocity
                for label, (fn, repeats) in cases.items():
                    out.setdefault(f"{label}, {name}", []).append(timed(fn, repeats))
    finally:
        del fm.velocity  # back to the method
    return {k: statistics.median(v) for k, v in out.items()}


def rounding(threads: int, max_rows: int = 16) -> str:
    torch.set_num_threads(threads)
    gen = torch.Generator().manual_seed(0)
    lin = torch.nn.Linear(256, 768, bias=False)
    x = torch.randn(max_rows, 256, generator=gen)
    with torch.inference_mode():
        first = lin(x[:1])[0]
        diffs = [(lin(x[:m])[0] - first).abs().max().item() for m in range(1, max_rows + 1)]
    return " ".join(f"{m}:{d:.0e}" for m, d in enumerate(diffs, 1))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", help="model folder (default: the default recipe's size with random weights)")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--train-threads", type=int, default=2)
    args = ap.parse_args(argv)

    tmp = tempfile.TemporaryDirectory()
    if args.model:
        folder = args.model
    else:
        sys.path.insert(0, str(Path(__file__).parent))
        from cpu_serving import random_small

        folder = random_small(Path(tmp.name) / "small")
    tts = VoxtralTTS.from_pretrained(folder, device="cpu")
    fm, dim, n_ac = tts.model.acoustic_transformer, tts.args.backbone.dim, tts.model.args.audio.n_acoustic_codebook
    gen = torch.Generator().manual_seed(0)

    torch.set_num_threads(1)
    sample_cases = {}
    for b in (1, 32):
        h, noise, alpha = torch.randn(b, dim, generator=gen), torch.randn(b, n_ac, generator=gen), torch.full((b,), 1.2)

        def sample(h=h, noise=noise, alpha=alpha) -> None:
            with torch.inference_mode():
                fm.sample(h, noise, alpha)

        sample_cases[f"sample, {b} request(s)"] = (sample, 40 if b == 1 else 10)
    results = alternate(fm, sample_cases, args.rounds)

    torch.set_num_threads(args.train_threads)
    fm.train().float().requires_grad_(True)
    n = 2400
    x, h, t = torch.randn(n, n_ac, generator=gen), torch.randn(n, dim, generator=gen), torch.rand(n, generator=gen)

    def train() -> None:
        with torch.autocast("cpu", dtype=torch.bfloat16):
            v = fm.velocity(x, fm.time_projection(fm.time_embedding(t)), fm.llm_projection(h))
            loss = v.float().pow(2).mean()
        loss.backward()

    results.update(alternate(fm, {f"train, {n} rows, {args.train_threads} threads": (train, 3)}, args.rounds))

    print(f"model: {folder}; flow head dim {fm.args.acoustic_transformer_args.dim}, "
          f"{len(fm.layers)} layers, {fm.n_steps} Euler steps; torch {torch.__version__}")  # fmt: skip
    print("| case | median ms |")
    print("|---|---:|")
    for k, v in sorted(results.items()):
        print(f"| {k} | {v:.1f} |")
    for threads in (1, 2):
        print(f"rounding, {threads} thread(s), max |row 0 with M rows - alone| by M: {rounding(threads)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
