"""CPU generation speed: real-time factor, time to first streamed audio, and per-stage costs.

Random weights in the official layout at several sizes, with [END_AUDIO] disabled so every run makes
the same number of frames. Where the vLLM-Omni wheel is unpacked (by `make parity`), its flow-matching
head and codec decoder run on the same weights side by side, in the same process.

    python benchmarks/cpu_generate.py [--sizes tiny small] [--seconds 4] [--vllm-omni build/parity/...]
"""

from __future__ import annotations

import argparse
import copy
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from voxtral_tts import VoxtralTTS
from voxtral_tts.streaming import decode_frames
from voxtral_tts.tiny import TINY_PARAMS, make_tiny_checkpoint
from voxtral_tts.train.config import CODEC_PRESETS, lm_params

TEXT = "The quick brown fox jumps over the lazy dog, and then it runs back home before the rain starts."


def params_for(size: str) -> dict:
    if size == "tiny":
        return copy.deepcopy(TINY_PARAMS)
    base = copy.deepcopy(TINY_PARAMS)
    codec = base["multimodal"]["audio_tokenizer_args"]
    codec.update(CODEC_PRESETS["official" if size == "4b" else size])
    am = base["multimodal"]["audio_model_args"]
    am["semantic_codebook_size"] = codec["semantic_codebook_size"]
    return lm_params(size, base, 1256)


def build(size: str, root: Path) -> Path:
    folder = make_tiny_checkpoint(root / size, params=params_for(size))
    path = folder / "consolidated.safetensors"
    state = load_file(str(path))
    state["acoustic_transformer.semantic_codebook_output.weight"][1] = 0.0  # never stop early
    save_file(state, str(path))
    return folder


def timed(fn, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def bench_ours(folder: Path, seconds: float) -> dict:
    tts = VoxtralTTS.from_pretrained(folder, device="cpu")
    n_params = sum(p.numel() for p in tts.model.parameters()) / 1e6
    tts.generate("warm up", voice="tiny_male", seed=0, max_seconds=0.4)
    t0 = time.perf_counter()
    audio = tts.generate(TEXT, voice="tiny_male", seed=0, max_seconds=seconds)
    wall = time.perf_counter() - t0
    t0 = time.perf_counter()
    first = None
    for _chunk in tts.stream(TEXT, voice="tiny_male", seed=0, max_seconds=seconds):
        if first is None:
            first = time.perf_counter() - t0
    frames = torch.from_numpy(audio.frames)
    decode = timed(lambda: decode_frames(tts.model.codec, frames), 2)
    m = tts.model
    h = torch.randn(1, m.args.backbone.dim)
    fm_frame = timed(lambda: m.acoustic_transformer.frame(h, torch.randn(1, 36), torch.tensor([1.2])), 5)
    return {
        "params_M": round(n_params, 1),
        "audio_s": audio.duration,
        "rtf": wall / audio.duration,
        "ttfa_s": first,
        "fm_ms_per_frame": 1000 * fm_frame,
        "decode_ms_per_s": 1000 * decode / audio.duration,
        "frames": frames,
        "model": m,
    }


_REFS: dict = {}


def bench_reference(vllm_root: Path, folder: Path, ours: dict) -> dict:
    """vLLM-Omni's modules on the same weights (needs the parity venv's packages)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "parity"))
    import check  # parity/check.py loads the reference modules from a checkpoint folder
    import stubs

    if not _REFS:  # the stubs can be installed once per process
        gen, tok = stubs.load_vllm_omni(vllm_root)
        mi_transformer, mi_args = stubs.load_mistral_inference()
        _REFS["refs"] = check.References(gen, tok, mi_transformer, mi_args)
    oracle = check.load_oracle(_REFS["refs"], folder)
    fm, codec = oracle.fm, oracle.codec
    m = ours["model"]
    h = torch.randn(1, m.args.backbone.dim)
    fm_frame = timed(lambda: fm.decode_one_frame(torch.tensor([5]), h, torch.tensor([1.2])), 5)
    codes = (ours["frames"] - 2).T[None]
    decode = timed(lambda: codec.decode(codes, dtype=torch.float32), 2)
    return {"fm_ms_per_frame": 1000 * fm_frame, "decode_ms_per_s": 1000 * decode / ours["audio_s"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="+", default=["tiny", "small"], choices=["tiny", "small", "base", "4b"])
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--vllm-omni", type=Path, help="unpacked vllm-omni wheel (from make parity) to compare with")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()
    print(
        f"# {platform.processor() or platform.machine()}, {torch.get_num_threads()} threads, torch {torch.__version__}"
    )
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            folder = build(size, Path(tmp))
            ours = bench_ours(folder, args.seconds)
            row = {k: v for k, v in ours.items() if k not in ("frames", "model")}
            row["size"] = size
            if args.vllm_omni:
                try:
                    ref = bench_reference(args.vllm_omni, folder, ours)
                    row["ref_fm_ms_per_frame"] = ref["fm_ms_per_frame"]
                    row["ref_decode_ms_per_s"] = ref["decode_ms_per_s"]
                except Exception as e:  # the comparison is optional; say why it is missing
                    print(f"# vLLM-Omni comparison skipped for {size}: {type(e).__name__}: {e}")
            rows.append(row)
    head = "| size | params (M) | RTF | first audio (s) | FM ms/frame | decode ms per audio-s | vLLM-Omni FM ms/frame | vLLM-Omni decode ms/s |"
    print(head)
    print("|---" * 8 + "|")
    for r in rows:
        ref_fm = f"{r['ref_fm_ms_per_frame']:.1f}" if "ref_fm_ms_per_frame" in r else "-"
        ref_dec = f"{r['ref_decode_ms_per_s']:.0f}" if "ref_decode_ms_per_s" in r else "-"
        print(
            f"| {r['size']} | {r['params_M']} | {r['rtf']:.3f} | {r['ttfa_s']:.3f} | {r['fm_ms_per_frame']:.1f} | "
            f"{r['decode_ms_per_s']:.0f} | {ref_fm} | {ref_dec} |"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
