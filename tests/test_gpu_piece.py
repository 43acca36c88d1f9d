"""recipes/default/gpu_piece.py: the LM bundle a lent GPU carries, trained there (here: on the CPU) and
taken back into the local run."""

from __future__ import annotations

import importlib.util
import json
import shutil
from argparse import Namespace
from pathlib import Path

import numpy as np

from voxtral_tts.train.config import LMConfig, LMDataConfig, OptimConfig, RunConfig, to_dict
from voxtral_tts.train.lm import FrameItem
from voxtral_tts.train.loop import load_state

SCRIPT = Path(__file__).resolve().parents[1] / "recipes" / "default" / "gpu_piece.py"


def load():
    spec = importlib.util.spec_from_file_location("gpu_piece", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def items(n: int = 10) -> list[FrameItem]:
    rng = np.random.default_rng(0)
    out = []
    for i in range(n):
        c = np.zeros((int(rng.integers(12, 30)), 37), np.int16)
        c[:, 0] = rng.integers(2, 66, c.shape[0])
        c[:, 1:] = rng.integers(2, 23, (c.shape[0], 36))
        out.append(FrameItem(c, f"sentence {i}, ünïcode", f"spk{i % 3}", "en"))
    return out


def test_frames_round_trip(tmp_path: Path) -> None:
    piece = load()
    src = items()
    piece.pack_frames(src, tmp_path / "f.xz")
    back = piece.unpack_frames(tmp_path / "f.xz")
    assert [(b.text, b.speaker, b.lang) for b in back] == [(s.text, s.speaker, s.lang) for s in src]
    assert all(np.array_equal(b.codes, s.codes) for b, s in zip(back, src))


def test_a_piece_trains_from_the_bundle_and_comes_back(tiny_dir: Path, tmp_path: Path) -> None:
    piece = load()
    bundle = tmp_path / "bundle"
    (bundle / "codec").mkdir(parents=True)
    for name in ("params.json", "tekken.json"):  # no weights: LM training never runs the codec
        shutil.copy2(tiny_dir / name, bundle / "codec" / name)
    piece.pack_frames(items(), bundle / "frames.xz")
    cfg = LMConfig(
        run=RunConfig(steps=6, batch_size=2, log_every=100, ckpt_every=3),
        optim=OptimConfig(lr=3e-3, warmup_steps=2),
        data=LMDataConfig(min_ref_frames=4, max_ref_frames=8),
        codec=str(tiny_dir),
    )
    (bundle / "config.json").write_text(json.dumps(to_dict(cfg)))
    out = tmp_path / "out"
    run_args = Namespace(bundle=bundle, minutes=0.0, out=str(out), workdir=str(tmp_path / "work"), device="cpu")
    assert piece.cmd_run(run_args) == 0
    assert json.loads((out / "lm-state.json").read_text())["parts"] == 1
    local = tmp_path / "local-run"
    assert piece.cmd_unpack(Namespace(parts=out, run=local)) == 0
    state = load_state(local / "last.pt")
    assert state["step"] == 6 and "optim" in state
    assert len((local / "metrics.jsonl").read_text().splitlines()) == 6
