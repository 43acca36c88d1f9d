"""What naming a voice prefix costs per admitted request, at the 4B size: hashing the prompt's voice part as
the engine did before (its embeddings as fp32, copied to the host), hashing them as the fallback does now
(bf16 bytes), and the voice-rows key a request now carries (`voice_key`, remembered per voice tensor).

    python benchmarks/prefix_key.py                 # 126 voice rows (10 s) of width 3072, bf16
    python benchmarks/prefix_key.py --rows 20 --dim 256

Prints the median over `--repeats` calls of each, in milliseconds. Random values: the cost depends only on the
bytes hashed. On a GPU the old way also synchronised the device for its copy; this CPU run does not show that.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import time

import torch

from voxtral_tts.generate import _digest, voice_key, voice_prefix


def median_ms(fn, repeats: int) -> float:
    fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e3


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=126, help="voice rows (12.5 per second of reference)")
    ap.add_argument("--dim", type=int, default=3072, help="backbone width (3072 for Voxtral-4B)")
    ap.add_argument("--repeats", type=int, default=50)
    args = ap.parse_args()
    torch.manual_seed(0)
    rows = torch.randn(args.rows, args.dim).to(torch.bfloat16)
    head = torch.randn(voice_prefix(args.rows), args.dim).to(torch.bfloat16)  # the prompt's voice part

    def before() -> bytes:
        return hashlib.blake2b(head.float().cpu().numpy().tobytes(), digest_size=20).digest()

    results = {
        "before: the voice part's embeddings as fp32": median_ms(before, args.repeats),
        "now, a request without a key: the embeddings' bf16 bytes": median_ms(
            lambda: _digest(b"emb", head), args.repeats
        ),
        "now, a preset voice: voice_key of its cached rows": median_ms(lambda: voice_key(rows), args.repeats),
    }
    print(f"voice part of {head.shape[0]} positions x {args.dim}, bf16; {torch.get_num_threads()} torch threads")
    for name, ms in results.items():
        print(f"{name:60s} {ms:10.4f} ms")


if __name__ == "__main__":
    main()
