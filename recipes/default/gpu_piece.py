"""Train a stage of the default model for a few minutes on a lent GPU, and bring the result back.

A lent machine takes at most 64 MiB (working tree included) and returns at most 8 files of 16 MiB, and its
Python lacks mistral-common, soundfile and soxr. So a piece carries only what the stage reads, compactly:

- `--stage lm`: the LM weights in bf16, the codec's params.json and tekken.json (never its weights: LM
  training does not run the codec), the transcripts as token ids (so no mistral-common there), and the frames:
  read there from the committed shelf when it holds these very ones (it travels with the working tree), else
  packed tightly (uint16 semantic, uint8 acoustic, lzma);
- `--stage codec`, the decoder phase only (past `loss.freeze_encoder_at`, when no teacher is needed): a
  random subset of the training audio as Ogg/Opus, and the codec, discriminator and head weights in bf16;

never Adam's moments (the lr re-warms over `optim.rewarm_steps`), plus the py3.12 wheels the stage imports.
It returns the checkpoint in parts: whole when it fits the files that come back, else slim (the LM's is).

Here, before:   .venv/bin/python recipes/default/gpu_piece.py pack --stage lm
There:          bash recipes/default/gpu_piece.sh lm 8        (carry .whl and build/gpu-lm)
Here, after:    .venv/bin/python recipes/default/gpu_piece.py unpack --stage lm --parts DIR

The local run folder (runs/default-lm, runs/default-codec) stays the reference: `unpack` replaces its last.pt
with the piece's, keeps its own config, and appends the piece's metrics, so `pipeline.py` goes on from there.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import lzma
import shutil
import subprocess
import sys
import tarfile
from dataclasses import replace
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))  # shelf.py, next to this script

from shelf import (  # noqa: E402, F401  (bf16/fp32: the tests' round trip)
    SHELF,
    adopt,
    bf16,
    fp32,
    frames_path,
    restore_frames,
    slim,
    unslim,
)

PART_BYTES = 15 * 2**20
CARRY_LIMIT = 64 * 2**20
# The device machine sends back at most 8 files from $OUT: the parts, state.json, metrics.jsonl and log.txt.
MAX_PARTS = 8 - 3
# What the package imports for each stage and the GPU image lacks (py3.12 wheels).
AUDIO_WHEELS = ["soundfile", "cffi", "pycparser", "soxr"]
# The LM's texts travel as ids (`TextTable`), so it needs no mistral-common: with pydantic and pycountry that was
# 17 MiB of wheels, more than the room the working tree leaves beside the LM's weights.
WHEELS = {"codec": AUDIO_WHEELS, "lm": AUDIO_WHEELS}
AUDIO_BUDGET = 30 * 2**20  # Opus audio a codec piece carries


# -- texts and frames ---------------------------------------------------------------------------------------------


def text_key(item) -> str:
    """A frame item's text with its language: the same words can be said differently in two languages."""
    return f"{item.lang}\x00{item.text}"


class TextTable:
    """The ids of every text a piece trains on, made when packing (with the tokenizer and, as training does,
    the spoken form of each transcript), so the GPU machine needs neither."""

    def __init__(self, path: Path) -> None:
        table = json.loads(lzma.decompress(path.read_bytes()))
        self.path, self.vocab_size, self.ids = path, int(table["vocab_size"]), table["ids"]

    def text_ids(self, text: str) -> list[int]:
        if text not in self.ids:
            raise SystemExit(f"{self.path}: no ids for {text!r}; pack the piece again")
        return self.ids[text]

    @staticmethod
    def write(path: Path, groups: list[list], tekken: Path, spoken: bool) -> None:
        from voxtral_tts.text import PromptTokenizer
        from voxtral_tts.train.lm import spoken_transcripts

        tok = PromptTokenizer(tekken)
        ids = {}
        for group in groups:
            for raw, said in zip(group, spoken_transcripts(group) if spoken else group):
                ids[text_key(raw)] = tok.text_ids(said.text)
        path.write_bytes(lzma.compress(json.dumps({"vocab_size": tok.vocab_size, "ids": ids}).encode()))


def frames_on_shelf(folders: dict[str, Path], shelf: Path | None = None) -> bool:
    """Whether the tracked shelf's frames archive holds these very folders ({name in the archive: local folder}),
    by their index and codes files. It travels with the working tree anyway, so a piece can read them there."""
    src = frames_path(shelf or SHELF)
    if not src.exists():
        return False
    want = {}
    for name, folder in folders.items():
        for f in ("index.jsonl", "codes.json"):
            if not (folder / f).is_file():
                return False
            want[f"{name}/{f}"] = (folder / f).read_bytes()
    with tarfile.open(src, "r:xz") as tar:
        for member in tar:
            if member.name in want:
                got = tar.extractfile(member)
                if got is None or got.read() != want.pop(member.name):
                    return False
            if not want:
                return True
    return False


def pack_frames(items, path: Path) -> None:
    """FrameItems -> one lzma file: counts, lengths, semantic codes (uint16), acoustic codes (uint8), and the texts."""
    codes = np.concatenate([it.codes for it in items])
    meta = [[it.text, it.speaker, it.lang] for it in items]
    parts = [
        np.array([len(items), codes.shape[1] - 1], np.int64).tobytes(),
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
    n, width = (int(v) for v in np.frombuffer(raw[:16], np.int64))
    pos = 16
    lengths = np.frombuffer(raw[pos : pos + 4 * n], np.int32)
    pos += 4 * n
    total = int(lengths.sum())
    sem = np.frombuffer(raw[pos : pos + 2 * total], np.uint16)
    pos += 2 * total
    ac = np.frombuffer(raw[pos : pos + width * total], np.uint8).reshape(total, width)
    pos += width * total
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


def download_wheels(dest: Path, names: list[str]) -> None:
    import importlib.metadata as md

    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    pins = [f"{name}=={md.version(name)}" for name in names]
    platforms = [f"--platform=manylinux_2_{n}_x86_64" for n in (17, 27, 28, 34)] + ["--platform=manylinux2014_x86_64"]
    cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:", "--python-version=3.12",
           "--implementation=cp", *platforms, "-d", str(dest), *pins]  # fmt: skip
    subprocess.run(cmd, check=True)


def pack_audio(manifest: Path, out: Path, budget: int, seed: int = 0) -> int:
    """A random subset of the manifest's clips as Ogg/Opus, up to `budget` bytes; writes out/manifest.jsonl."""
    import random

    import soundfile as sf

    from voxtral_tts.data.manifest import read_manifest

    entries = read_manifest(manifest)
    random.Random(seed).shuffle(entries)
    (out / "audio").mkdir(parents=True)
    rows, used = [], 0
    for k, e in enumerate(entries):
        wave, rate = sf.read(e.audio_path(manifest.parent), dtype="float32")
        path = out / "audio" / f"{k:06d}.ogg"
        # Level 0.85 is about 45 kbps on this speech: near transparent, about 1.5 h in 30 MiB.
        sf.write(path, wave, rate, format="OGG", subtype="OPUS", compression_level=0.85)
        used += path.stat().st_size
        if used > budget:
            path.unlink()
            break
        rows.append({**e.to_dict(), "audio": f"audio/{path.name}"})
    (out / "manifest.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return len(rows)


def cmd_pack(args) -> int:
    import torch

    from voxtral_tts.train.config import CodecConfig, LMConfig, load_config, to_dict

    out: Path = args.out or ROOT / "build" / f"gpu-{args.stage}"
    run = args.run or ROOT / "runs" / f"default-{args.stage}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    state_path = Path(run) / "last.pt"
    state = torch.load(state_path, map_location="cpu", weights_only=False) if state_path.exists() else None
    if args.stage == "lm":
        from voxtral_tts.train.lm import load_frame_corpus

        cfg = load_config(LMConfig, args.config or HERE / "train" / "lm.yaml", args.set)
        (out / "codec").mkdir()
        for name in ("params.json", "tekken.json"):
            shutil.copy2(Path(args.codec) / name, out / "codec" / name)
        items = load_frame_corpus(args.frames, cfg.data.max_frames)
        # The held-out loss picks best.pt and says how far the run is; these are the items it reads.
        val = Path(cfg.data.val_frames or args.val_frames)
        held_out = load_frame_corpus(val, cfg.data.max_frames)[: cfg.data.val_items] if val.exists() else []
        folders = {"default-frames": Path(args.frames), **({"default-frames-val": val} if held_out else {})}
        if frames_on_shelf(folders):
            (out / "shelf-frames.json").write_text(json.dumps({"val": bool(held_out)}))
            where = "read there from the shelf"
        else:
            pack_frames(items, out / "frames.xz")
            if held_out:
                pack_frames(held_out, out / "val_frames.xz")
            where = "packed"
        what = f"{len(items)} utterances of frames and {len(held_out)} held-out ones, {where}"
        TextTable.write(
            out / "texts.json.xz", [items, held_out], Path(args.codec) / "tekken.json", cfg.data.spoken_text
        )
        cfg.data.val_frames, cfg.data.spoken_text = "", False  # the piece reads its frames and ids as above
    else:
        cfg = load_config(CodecConfig, args.config or HERE / "train" / "codec.yaml", args.set)
        freeze = cfg.loss.freeze_encoder_at
        if state is None or freeze < 0 or state["step"] < freeze:
            print(f"{run}: a codec piece runs the decoder phase only (from step {freeze}), which needs no teacher; "
                  "train phase 1 here", file=sys.stderr)  # fmt: skip
            return 1
        manifest = Path(args.manifest) if args.manifest else Path(cfg.data.manifest)
        n = pack_audio(manifest, out, args.audio_mb * 2**20)
        what = f"{n} clips of Opus audio"
    if state is not None:  # Adam's moments stay home (the lr re-warms there); weights travel in bf16
        torch.save(slim(state), out / "state.pt")
    (out / "config.json").write_text(json.dumps(to_dict(cfg), indent=1))
    download_wheels(ROOT / ".whl", WHEELS[args.stage])
    bundle, wheels, tree = folder_bytes(out), folder_bytes(ROOT / ".whl"), tree_bytes()
    size = bundle + wheels + tree
    print(f"packed {what}; bundle {bundle / 2**20:.1f} MiB + wheels {wheels / 2**20:.1f} MiB + the working tree, "
          f"which travels too, {tree / 2**20:.1f} MiB = {size / 2**20:.1f} MiB of the {CARRY_LIMIT / 2**20:.0f} MiB "
          "that may travel")  # fmt: skip
    if size > CARRY_LIMIT:
        print("too big to carry: lower --audio-mb, or data.max_frames for the LM", file=sys.stderr)
        return 1
    return 0


def tree_bytes() -> int:
    """What the device machine copies besides the carried paths: tracked files, and untracked ones git does not
    ignore (the committed shelf is most of it)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True
    ).stdout
    return sum((ROOT / name).stat().st_size for name in listed.decode().split("\0") if (ROOT / name).is_file())


# -- run (there) ------------------------------------------------------------------------------------------------


def cmd_run(args) -> int:
    import torch

    from voxtral_tts.train.config import CodecConfig, LMConfig, from_dict

    bundle: Path = args.bundle or ROOT / "build" / f"gpu-{args.stage}"
    kind = LMConfig if args.stage == "lm" else CodecConfig
    cfg = from_dict(kind, json.loads((bundle / "config.json").read_text()), "config.json")
    run_dir = Path(args.workdir) / "run"
    run_dir.mkdir(parents=True, exist_ok=True)
    if args.stage == "lm":
        cfg.codec, cfg.codec_weights = str(bundle / "codec"), False
    else:
        cfg.data.manifest = str(bundle / "manifest.jsonl")
    cfg.run.out_dir = str(run_dir)
    cfg.run.device = args.device
    cfg.run.precision = "auto"
    cfg.run.max_minutes = args.minutes
    cfg.run.threads = 0
    if (bundle / "state.pt").exists() and not (run_dir / "last.pt").exists():
        state = torch.load(bundle / "state.pt", map_location="cpu", weights_only=False)
        torch.save(unslim(state), run_dir / "last.pt")
    print(f"{args.stage}: training on {args.device} for at most {args.minutes} min", flush=True)
    if args.stage == "lm":
        from voxtral_tts.train.lm import load_frame_corpus
        from voxtral_tts.train.lm_run import train_lm

        if (bundle / "shelf-frames.json").exists():
            data = Path(args.workdir) / "data"
            restore_frames(data, SHELF)
            corpus = load_frame_corpus(data / "default-frames", cfg.data.max_frames)
            with_val = json.loads((bundle / "shelf-frames.json").read_text())["val"]
            val = load_frame_corpus(data / "default-frames-val", cfg.data.max_frames) if with_val else []
        else:
            corpus = unpack_frames(bundle / "frames.xz")
            val = unpack_frames(bundle / "val_frames.xz") if (bundle / "val_frames.xz").exists() else []
        tokenizer = None
        if (bundle / "texts.json.xz").exists():
            tokenizer = TextTable(bundle / "texts.json.xz")
            corpus, val = ([replace(it, text=text_key(it)) for it in group] for group in (corpus, val))
        train_lm(cfg, corpus=corpus, val_corpus=val or None, tokenizer=tokenizer)  # it keeps val_items of them
    else:
        from voxtral_tts.train.codec_run import train_codec

        train_codec(cfg)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    data = (run_dir / "last.pt").read_bytes()
    if len(data) > MAX_PARTS * PART_BYTES:
        # The whole state (the LM's is about 98 MiB, two thirds of it Adam's moments) would need more files
        # than come back, and a missing part loses the piece. Slim, it re-warms its learning rate at home.
        state = torch.load(run_dir / "last.pt", map_location="cpu", weights_only=False)
        slim_path = run_dir / "slim.pt"
        torch.save(slim(state), slim_path)
        data = slim_path.read_bytes()
        print(f"the state is over {MAX_PARTS} parts: sending it without Adam's moments, weights in bf16", flush=True)
    n = 0
    for n, i in enumerate(range(0, len(data), PART_BYTES)):
        (out / f"state.part{n:02d}").write_bytes(data[i : i + PART_BYTES])
    (out / "state.json").write_text(json.dumps({"parts": n + 1, "sha256": hashlib.sha256(data).hexdigest()}))
    shutil.copy2(run_dir / "metrics.jsonl", out / "metrics.jsonl")
    print(f"wrote {n + 1} parts of the checkpoint ({len(data) / 2**20:.1f} MiB) to {out}")
    return 0


# -- unpack (here) ----------------------------------------------------------------------------------------------


def cmd_unpack(args) -> int:
    import torch

    src, run_dir = Path(args.parts), Path(args.run or ROOT / "runs" / f"default-{args.stage}")
    info = json.loads((src / "state.json").read_text())
    data = b"".join((src / f"state.part{i:02d}").read_bytes() for i in range(info["parts"]))
    if hashlib.sha256(data).hexdigest() != info["sha256"]:
        raise SystemExit(f"{src}: the checkpoint parts do not add up (sha256 mismatch); fetch them again")
    tmp = run_dir / "piece.pt"
    run_dir.mkdir(parents=True, exist_ok=True)
    tmp.write_bytes(data)
    piece = torch.load(tmp, map_location="cpu", weights_only=False)
    tmp.unlink()
    if adopt(run_dir, piece, (src / "metrics.jsonl").read_text(), str(src)) is None:
        raise SystemExit(f"{src}: the piece ends at step {piece['step']}, not after this run's; nothing to do")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pack", help="make the bundle a GPU piece carries")
    p.add_argument("--stage", choices=["lm", "codec"], default="lm")
    p.add_argument("--out", type=Path, help="default: build/gpu-STAGE")
    p.add_argument("--run", type=Path, help="default: runs/default-STAGE")
    p.add_argument("--frames", type=Path, default=ROOT / "data" / "default-frames", help="lm: the encoded frames")
    p.add_argument("--codec", type=Path, default=ROOT / "models" / "default-codec", help="lm: the codec folder")
    p.add_argument(
        "--val-frames",
        type=Path,
        default=ROOT / "data" / "default-frames-val",
        help="lm: held-out frames, when the config names none (skipped if absent)",
    )
    p.add_argument("--manifest", help="codec: training manifest (default: the config's)")
    p.add_argument("--audio-mb", type=int, default=AUDIO_BUDGET // 2**20, help="codec: Opus audio to carry")
    p.add_argument("--config", type=Path, help="default: train/STAGE.yaml")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    p.set_defaults(func=cmd_pack)
    r = sub.add_parser("run", help="train for a while on this machine's GPU and write the result in parts")
    r.add_argument("--stage", choices=["lm", "codec"], default="lm")
    r.add_argument("--bundle", type=Path, help="default: build/gpu-STAGE")
    r.add_argument("--minutes", type=float, required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--workdir", default="/tmp/gpu-piece")
    r.add_argument("--device", default="cuda")
    r.set_defaults(func=cmd_run)
    u = sub.add_parser("unpack", help="take a piece's result into the local run")
    u.add_argument("--stage", choices=["lm", "codec"], default="lm")
    u.add_argument("--parts", type=Path, required=True)
    u.add_argument("--run", type=Path, help="default: runs/default-STAGE")
    u.set_defaults(func=cmd_unpack)
    args = ap.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
