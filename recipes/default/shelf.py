"""Training checkpoints kept in the repository, so a run survives the loss of the machine it ran on.

    .venv/bin/python recipes/default/shelf.py save --stage codec     # runs/default-codec -> shelf/codec.pt
    .venv/bin/python recipes/default/shelf.py restore --stage codec  # and back, if the shelf is further on
    .venv/bin/python recipes/default/shelf.py save --stage frames    # data/default-frames{,-val} -> shelf/frames.tar.xz
    .venv/bin/python recipes/default/shelf.py restore --stage frames # and back, where a folder is missing
    .venv/bin/python recipes/default/shelf.py save --stage phones    # runs/phones/best.pt -> shelf/phones.pt
    .venv/bin/python recipes/default/shelf.py save --stage lm --local  # runs/default-lm -> LOCAL, not committed
    .venv/bin/python recipes/default/shelf.py show

A run folder holds hundreds of MB (Adam's moments, the teacher cache) and lives on one machine. The shelf holds
what resuming needs and no more: the weights in bf16, the step, the data position, the frozen-encoder step and
the run's metrics, 21.5 MiB for the codec (its bf16 weights are 21 of them). Commit it by replacing the previous one (one file per stage, so
history gains a version per commit, the tree never more than one). A run resumed from the shelf starts Adam
afresh and re-warms its lr over `optim.rewarm_steps`, as after a GPU piece. `pipeline.py` restores from the
shelf before it trains, whenever the shelf is ahead of the local run.

A piece too small to earn its megabytes in the history (a CPU session of a long run) can go to the local shelf
instead (`--local`): a folder outside the work tree (LOCAL below), which survives when this machine is handed to
the project's next session, as machines are when they are not left unused for long, while the work tree is laid
anew. `restore` takes whichever of the two shelves is further on.

The LM's frames go on the shelf too, because a fresh machine otherwise spends most of an hour synthesizing the
corpus again before the LM can take a step: the codes are int16 and compress well (xz), and they are only valid
for the shelved codec's encoder, which `voxtral-tts train lm` checks by fingerprint.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tarfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "src"))

SHELF = HERE / "shelf"
LOCAL = Path(os.environ.get("VOXTRAL_LOCAL_SHELF", Path.home() / ".cache" / "voxtral-tts" / "shelf"))
BIG = ("model", "disc", "head")  # the weights worth halving; small probes and codebook stats keep fp32 anyway


def bf16(tree):
    """Floating tensors of a (nested) state to bf16, for the trip out; `fp32` undoes it there."""
    import torch

    if isinstance(tree, dict):
        return {k: bf16(v) for k, v in tree.items()}
    return tree.to(torch.bfloat16) if isinstance(tree, torch.Tensor) and tree.is_floating_point() else tree


def fp32(tree):
    import torch

    if isinstance(tree, dict):
        return {k: fp32(v) for k, v in tree.items()}
    return tree.float() if isinstance(tree, torch.Tensor) and tree.is_floating_point() else tree


def slim(state: dict[str, Any]) -> dict[str, Any]:
    """A checkpoint without Adam's moments, its weights in bf16."""
    small = {k: v for k, v in state.items() if k not in ("optim", "optim_d")}
    for key in BIG:
        if small.get(key) is not None:
            small[key] = bf16(small[key])
    return small


def unslim(state: dict[str, Any]) -> dict[str, Any]:
    for key in BIG:
        if state.get(key) is not None:
            state[key] = fp32(state[key])
    return state


def adopt(run: Path, piece: dict[str, Any], metrics: str, origin: str) -> int | None:
    """Make `piece` (a checkpoint from elsewhere) the run's last.pt if it is further on, keeping this machine's
    config, and append its metrics past the local step. Returns the step it came from, None if not adopted."""
    from voxtral_tts.train.loop import load_state, save_state

    local = load_state(run / "last.pt")
    done = local["step"] if local else 0
    if piece["step"] <= done:
        return None
    if local:
        piece["config"] = local["config"]  # this machine's paths: codec folder, frames, out_dir
    save_state(run / "last.pt", piece)
    with open(run / "metrics.jsonl", "a") as f:
        for line in metrics.splitlines():
            if line.strip() and json.loads(line)["step"] > done:
                f.write(line + "\n")
    print(f"{run}: now at step {piece['step']} from {origin} (was {done})", file=sys.stderr)
    return done


def thin(metrics: str, every: int) -> str:
    """The metrics a plot needs: one line per logging interval and the last, not one per step (3.5 MB by 13k
    steps, a seventh of the codec's shelf)."""
    lines = [x for x in metrics.splitlines() if x.strip()]
    keep = [x for i, x in enumerate(lines) if json.loads(x)["step"] % max(1, every) == 0 or i == len(lines) - 1]
    return "".join(x + "\n" for x in keep)


def shelf_path(stage: str, shelf: Path = SHELF) -> Path:
    return shelf / f"{stage}.pt"


def save(run: Path, stage: str, shelf: Path = SHELF) -> Path:
    from voxtral_tts.train.loop import load_state, save_state

    state = load_state(run / "last.pt")
    if state is None:
        raise SystemExit(f"{run}: no last.pt to shelve")
    metrics = run / "metrics.jsonl"
    small = slim(state)
    small["metrics"] = thin(metrics.read_text() if metrics.exists() else "", state["config"]["run"]["log_every"])
    dest = shelf_path(stage, shelf)
    shelf.mkdir(parents=True, exist_ok=True)
    save_state(dest, small)
    print(f"{dest}: step {state['step']} of {run} ({dest.stat().st_size / 2**20:.1f} MiB)", file=sys.stderr)
    return dest


def restore(run: Path, stage: str, shelf: Path = SHELF) -> int | None:
    """Take the shelved checkpoint into `run` if it is ahead; the step the run was at, or None."""
    from voxtral_tts.train.loop import load_state

    piece = load_state(shelf_path(stage, shelf))
    if piece is None:
        return None
    run.mkdir(parents=True, exist_ok=True)
    metrics = piece.pop("metrics", "")
    return adopt(run, unslim(piece), metrics, str(shelf_path(stage, shelf)))


def restore_any(run: Path, stage: str, shelves: tuple[Path, ...] = (SHELF, LOCAL)) -> int | None:
    """`restore` from each shelf in turn, so the run ends at the furthest; the step it was at first, or None."""
    first = None
    for shelf in shelves:
        was = restore(run, stage, shelf)
        first = was if first is None else first
    return first


FRAMES = ("default-frames", "default-frames-val")


def frames_path(shelf: Path = SHELF) -> Path:
    return shelf / "frames.tar.xz"


def save_frames(data: Path, shelf: Path = SHELF, names: tuple[str, ...] = FRAMES) -> Path:
    """The frames folders under `data` (complete ones only) into one xz archive, replacing the last."""
    for name in names:
        if not (data / name / "index.jsonl").is_file():
            raise SystemExit(f"{data / name}: no index.jsonl; encode the frames before shelving them")
    dest = frames_path(shelf)
    tmp = dest.with_name(dest.name + ".tmp")
    with tarfile.open(tmp, "w:xz", preset=9) as tar:
        for name in names:
            tar.add(data / name, arcname=name)
    tmp.replace(dest)
    print(f"{dest}: {', '.join(names)} ({dest.stat().st_size / 2**20:.1f} MiB)", file=sys.stderr)
    return dest


def restore_frames(data: Path, shelf: Path = SHELF) -> list[str]:
    """Unpack the shelved frames folders that `data` lacks; the names unpacked."""
    src = frames_path(shelf)
    if not src.exists():
        return []
    data.mkdir(parents=True, exist_ok=True)
    with tarfile.open(src, "r:xz") as tar:
        members = tar.getmembers()
        tops = sorted({m.name.split("/")[0] for m in members})
        missing = [t for t in tops if not (data / t / "index.jsonl").is_file()]
        if missing:
            tar.extractall(data, members=[m for m in members if m.name.split("/")[0] in missing], filter="data")
    for name in missing:
        print(f"{data / name}: unpacked from {src}", file=sys.stderr)
    return missing


def save_recognizer(best: Path, shelf: Path = SHELF) -> Path:
    """A phone recogniser (phone_codes.py) in bf16, without its optimiser: what `phone_codes.py codes` needs."""
    import torch

    if not best.is_file():
        raise SystemExit(f"{best}: no recogniser to shelve")
    blob = torch.load(best, map_location="cpu", weights_only=False)
    blob.pop("optim", None)
    blob["state"] = bf16(blob["state"])
    dest = shelf / "phones.pt"
    torch.save(blob, dest)
    print(f"{dest}: step {blob.get('step')} of {best} ({dest.stat().st_size / 2**20:.1f} MiB)", file=sys.stderr)
    return dest


def restore_recognizer(best: Path, shelf: Path = SHELF) -> bool:
    import torch

    src = shelf / "phones.pt"
    if best.exists() or not src.exists():
        return False
    blob = torch.load(src, map_location="cpu", weights_only=False)
    blob["state"] = fp32(blob["state"])
    best.parent.mkdir(parents=True, exist_ok=True)
    torch.save(blob, best)
    print(f"{best}: from {src}", file=sys.stderr)
    return True


def show(shelf: Path = SHELF) -> list[str]:
    import torch

    lines = []
    for path in sorted(shelf.glob("*.pt")):
        s = torch.load(path, map_location="cpu", weights_only=False, mmap=True)
        if path.stem == "phones":  # a recogniser, not a training checkpoint
            lines.append(
                f"phones: step {s.get('step')}, held-out PER {s.get('per', {}).get('all')} %, {path.stat().st_size / 2**20:.1f} MiB"
            )
            continue
        lines.append(
            f"{path.stem}: step {s['step']}, frozen at {s.get('frozen_at', -1)}, {path.stat().st_size / 2**20:.1f} MiB"
        )
    if frames_path(shelf).exists():
        lines.append(f"frames: {frames_path(shelf).stat().st_size / 2**20:.1f} MiB")
    return lines or [f"{shelf}: empty"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cmd", choices=["save", "restore", "show"])
    ap.add_argument("--stage", choices=["codec", "lm", "frames", "phones"], default="codec")
    ap.add_argument("--run", type=Path, help="default: runs/default-STAGE")
    ap.add_argument("--data", type=Path, default=ROOT / "data", help="where the frames folders live (--stage frames)")
    ap.add_argument("--local", action="store_true", help=f"save to the local shelf, {LOCAL} (not committed)")
    args = ap.parse_args(argv)
    if args.local and (args.cmd != "save" or args.stage not in ("codec", "lm")):
        ap.error("--local is for `save --stage codec|lm`; restore and show read both shelves anyway")
    if args.stage == "phones" and args.cmd != "show":
        best = (args.run or ROOT / "runs" / "phones") / "best.pt"
        if args.cmd == "save":
            save_recognizer(best)
        elif not restore_recognizer(best):
            print(f"{best}: there already (or the shelf has none); nothing to do", file=sys.stderr)
        return 0
    if args.stage == "frames" and args.cmd != "show":
        if args.cmd == "save":
            save_frames(args.data)
        elif not restore_frames(args.data):
            print(f"{args.data}: has every shelved frames folder already (or the shelf has none)", file=sys.stderr)
        return 0
    run = args.run or ROOT / "runs" / f"default-{args.stage}"
    if args.cmd == "save":
        save(run, args.stage, LOCAL if args.local else SHELF)
    elif args.cmd == "restore":
        if restore_any(run, args.stage) is None:
            print(f"{run}: neither shelf is ahead of it; nothing to do", file=sys.stderr)
    else:
        print("\n".join(show()))
        if LOCAL.is_dir() and any(LOCAL.glob("*.pt")):
            print("\n".join(f"local {line}" for line in show(LOCAL)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
