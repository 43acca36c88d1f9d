"""Train the default model's LM for a few minutes on a lent GPU, and bring the result back.

A lent machine takes at most 64 MiB (working tree included) and returns at most 8 files of 16 MiB, and
it has no mistral-common, soundfile or soxr. So a piece carries only what LM training reads: the frames
packed tightly (uint16 semantic, uint8 acoustic, lzma), the codec's params.json and tekken.json (never its
weights: LM training does not run the codec), the LM weights in bf16 without Adam's moments (the lr
re-warms), and the wheels the package needs. It returns the full fp32 checkpoint, moments included, in
parts.

Here, before:   .venv/bin/python recipes/default/gpu_piece.py pack --out build/gpu-lm
There:          bash recipes/default/gpu_piece.sh 8        (see that file; `run` carries build/gpu-lm)
Here, after:    .venv/bin/python recipes/default/gpu_piece.py unpack --parts DIR

The local run folder (runs/default-lm) stays the reference: `unpack` replaces its last.pt with the piece's,
keeps its own config, and appends the piece's metrics, so `pipeline.py` goes on from there.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import lzma
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "src"))

PART_BYTES = 15 * 2**20
CARRY_LIMIT = 64 * 2**20
# What the package imports for LM training and the GPU image lacks (py3.12 wheels).
WHEELS = [
    "mistral_common", "pydantic", "pydantic_core", "pydantic_extra_types", "annotated_types", "typing_inspection",
    "pycountry", "jsonschema", "jsonschema_specifications", "referencing", "rpds_py", "soundfile", "cffi",
    "pycparser", "soxr",
]  # fmt: skip


# -- frames -----------------------------------------------------------------------------------------------------


def pack_frames(items, path: Path) -> None:
    """FrameItems -> one lzma file: lengths, semantic codes (uint16), acoustic codes (uint8), and the texts."""
    codes = np.concatenate([it.codes for it in items])
    meta = [[it.text, it.speaker, it.lang] for it in items]
    parts = [
        np.array([len(items)], np.int64).tobytes(),
        np.array([it.codes.shape[0] for it in items], np.int32).tobytes(),
        codes[:, 0].astype(np.uint16).tobytes(),
        codes[:, 1:].astype(np.uint8).tobytes(),
        json.dumps(meta, ensure_ascii=False).encode(),
    ]
    assert codes[:, 0].max() < 2**16 and codes[:, 1:].max() < 2**8
    path.write_bytes(lzma.compress(b"".join(parts), preset=9 | lzma.PRESET_EXTREME))


def unpack_frames(path: Path) -> list:
    from voxtral_tts.train.lm import FrameItem

    raw = lzma.decompress(path.read_bytes())
    n = int(np.frombuffer(raw[:8], np.int64)[0])
    pos = 8
    lengths = np.frombuffer(raw[pos : pos + 4 * n], np.int32)
    pos += 4 * n
    total = int(lengths.sum())
    sem = np.frombuffer(raw[pos : pos + 2 * total], np.uint16)
    pos += 2 * total
    ac = np.frombuffer(raw[pos : pos + 36 * total], np.uint8).reshape(total, 36)
    pos += 36 * total
    meta = json.loads(raw[pos:].decode())
    codes = np.concatenate([sem[:, None].astype(np.int16), ac.astype(np.int16)], axis=1)
    items, start = [], 0
    for length, (text, speaker, lang) in zip(lengths.tolist(), meta):
        items.append(FrameItem(codes[start : start + length], text, speaker, lang))
        start += length
    return items


# -- pack (here) ------------------------------------------------------------------------------------------------


def folder_bytes(p: Path) -> int:
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file())


def download_wheels(dest: Path) -> None:
    import importlib.metadata as md

    dest.mkdir(parents=True, exist_ok=True)
    pins = [f"{name}=={md.version(name)}" for name in WHEELS]
    platforms = [f"--platform=manylinux_2_{n}_x86_64" for n in (17, 27, 28, 34)] + ["--platform=manylinux2014_x86_64"]
    cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:", "--python-version=3.12",
           "--implementation=cp", *platforms, "-d", str(dest), *pins]  # fmt: skip
    subprocess.run(cmd, check=True)


def cmd_pack(args) -> int:
    import torch

    from voxtral_tts.train.config import LMConfig, load_config, to_dict
    from voxtral_tts.train.lm import load_frame_corpus

    out: Path = args.out
    shutil.rmtree(out, ignore_errors=True)
    (out / "codec").mkdir(parents=True)
    cfg = load_config(LMConfig, args.config, args.set)
    for name in ("params.json", "tekken.json"):
        shutil.copy2(Path(args.codec) / name, out / "codec" / name)
    items = load_frame_corpus(args.frames, cfg.data.max_frames)
    pack_frames(items, out / "frames.xz")
    state_path = Path(args.run) / "last.pt"
    if state_path.exists():
        state = torch.load(state_path, map_location="cpu", weights_only=False)
        small = {k: v for k, v in state.items() if k != "optim"}  # moments stay home: the lr re-warms there
        small["model"] = {k: v.to(torch.bfloat16) if v.is_floating_point() else v for k, v in state["model"].items()}
        torch.save(small, out / "state.pt")
    (out / "config.json").write_text(json.dumps(to_dict(cfg), indent=1))
    download_wheels(ROOT / ".whl")
    size = folder_bytes(out) + folder_bytes(ROOT / ".whl")
    tree = int(subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True).stdout.count(b"\0"))
    print(f"packed {len(items)} utterances; bundle {folder_bytes(out) / 2**20:.1f} MiB + wheels "
          f"{folder_bytes(ROOT / '.whl') / 2**20:.1f} MiB = {size / 2**20:.1f} MiB (plus the {tree}-file working tree; "
          f"the limit is {CARRY_LIMIT / 2**20:.0f} MiB in all)")  # fmt: skip
    if size > CARRY_LIMIT:
        print("too big to carry: lower data.max_frames or pack fewer utterances", file=sys.stderr)
        return 1
    return 0


# -- run (there) ------------------------------------------------------------------------------------------------


def cmd_run(args) -> int:
    import torch

    from voxtral_tts.train.config import LMConfig, from_dict
    from voxtral_tts.train.lm_run import train_lm

    bundle: Path = args.bundle
    cfg = from_dict(LMConfig, json.loads((bundle / "config.json").read_text()), "config.json")
    run_dir = Path(args.workdir) / "run"
    run_dir.mkdir(parents=True, exist_ok=True)
    cfg.codec, cfg.codec_weights = str(bundle / "codec"), False
    cfg.run.out_dir = str(run_dir)
    cfg.run.device = args.device
    cfg.run.precision = "bf16" if args.device.startswith("cuda") else "fp32"
    cfg.run.max_minutes = args.minutes
    cfg.run.threads = 0
    if (bundle / "state.pt").exists() and not (run_dir / "last.pt").exists():
        state = torch.load(bundle / "state.pt", map_location="cpu", weights_only=False)
        state["model"] = {k: v.float() if v.is_floating_point() else v for k, v in state["model"].items()}
        torch.save(state, run_dir / "last.pt")
    items = unpack_frames(bundle / "frames.xz")
    print(f"{len(items)} utterances; training on {args.device} for at most {args.minutes} min", flush=True)
    train_lm(cfg, corpus=items)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    data = (run_dir / "last.pt").read_bytes()
    n = 0
    for n, i in enumerate(range(0, len(data), PART_BYTES)):
        (out / f"lm-state.part{n:02d}").write_bytes(data[i : i + PART_BYTES])
    (out / "lm-state.json").write_text(json.dumps({"parts": n + 1, "sha256": hashlib.sha256(data).hexdigest()}))
    shutil.copy2(run_dir / "metrics.jsonl", out / "metrics.jsonl")
    print(f"wrote {n + 1} parts of the checkpoint ({len(data) / 2**20:.1f} MiB) to {out}")
    return 0


# -- unpack (here) ----------------------------------------------------------------------------------------------


def cmd_unpack(args) -> int:
    import torch

    from voxtral_tts.train.loop import load_state, save_state

    src, run_dir = Path(args.parts), Path(args.run)
    info = json.loads((src / "lm-state.json").read_text())
    data = b"".join((src / f"lm-state.part{i:02d}").read_bytes() for i in range(info["parts"]))
    if hashlib.sha256(data).hexdigest() != info["sha256"]:
        raise SystemExit(f"{src}: the checkpoint parts do not add up (sha256 mismatch); fetch them again")
    tmp = run_dir / "piece.pt"
    run_dir.mkdir(parents=True, exist_ok=True)
    tmp.write_bytes(data)
    piece = torch.load(tmp, map_location="cpu", weights_only=False)
    tmp.unlink()
    local = load_state(run_dir / "last.pt")
    done = local["step"] if local else 0
    if piece["step"] <= done:
        raise SystemExit(f"{src}: the piece ends at step {piece['step']}, not after this run's {done}; nothing to do")
    if local:
        piece["config"] = local["config"]  # this machine's paths: codec folder, frames, out_dir
    save_state(run_dir / "last.pt", piece)
    with open(run_dir / "metrics.jsonl", "a") as f:
        for line in (src / "metrics.jsonl").read_text().splitlines():
            if line.strip() and json.loads(line)["step"] > done:
                f.write(line + "\n")
    print(f"{run_dir}: now at step {piece['step']} (was {done})")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pack", help="make the bundle a GPU piece carries")
    p.add_argument("--out", type=Path, default=ROOT / "build" / "gpu-lm")
    p.add_argument("--run", type=Path, default=ROOT / "runs" / "default-lm")
    p.add_argument("--frames", type=Path, default=ROOT / "data" / "default-frames")
    p.add_argument("--codec", type=Path, default=ROOT / "models" / "default-codec")
    p.add_argument("--config", type=Path, default=HERE / "train" / "lm.yaml")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    p.set_defaults(func=cmd_pack)
    r = sub.add_parser("run", help="train for a while on this machine's GPU and write the result in parts")
    r.add_argument("--bundle", type=Path, default=ROOT / "build" / "gpu-lm")
    r.add_argument("--minutes", type=float, required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--workdir", default="/tmp/gpu-piece")
    r.add_argument("--device", default="cuda")
    r.set_defaults(func=cmd_run)
    u = sub.add_parser("unpack", help="take a piece's result into the local run")
    u.add_argument("--parts", type=Path, required=True)
    u.add_argument("--run", type=Path, default=ROOT / "runs" / "default-lm")
    u.set_defaults(func=cmd_unpack)
    args = ap.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
