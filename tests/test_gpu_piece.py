"""recipes/default/gpu_piece.py: the LM bundle a lent GPU carries, trained there (here: on the CPU) and
taken back into the local run."""

from __future__ import annotations

import json
import shutil
from argparse import Namespace
from pathlib import Path

import numpy as np
import pytest
from conftest import load_script, tone_corpus

from voxtral_tts.train.config import LMConfig, LMDataConfig, OptimConfig, RunConfig, to_dict
from voxtral_tts.train.lm import FrameItem
from voxtral_tts.train.loop import load_state


def load():
    return load_script("recipes/default/gpu_piece.py")


def items(n: int = 10, acoustic: int = 36) -> list[FrameItem]:
    rng = np.random.default_rng(0)
    out = []
    for i in range(n):
        c = np.zeros((int(rng.integers(12, 30)), 1 + acoustic), np.int16)
        c[:, 0] = rng.integers(2, 66, c.shape[0])
        c[:, 1:] = rng.integers(2, 23, (c.shape[0], acoustic))
        out.append(FrameItem(c, f"sentence {i}, ünïcode", f"spk{i % 3}", "en"))
    return out


@pytest.mark.parametrize("acoustic", [36, 144])
def test_frames_round_trip(tmp_path: Path, acoustic: int) -> None:
    piece = load()
    src = items(acoustic=acoustic)
    piece.pack_frames(src, tmp_path / "f.xz")
    back = piece.unpack_frames(tmp_path / "f.xz")
    assert [(b.text, b.speaker, b.lang) for b in back] == [(s.text, s.speaker, s.lang) for s in src]
    assert all(np.array_equal(b.codes, s.codes) for b, s in zip(back, src))


def test_a_piece_trains_from_the_bundle_and_comes_back(
    tiny_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    piece = load()
    bundle = tmp_path / "bundle"
    (bundle / "codec").mkdir(parents=True)
    for name in ("params.json", "tekken.json"):  # no weights: LM training never runs the codec
        shutil.copy2(tiny_dir / name, bundle / "codec" / name)
    piece.pack_frames(items(), bundle / "frames.xz")
    piece.pack_frames(items(4), bundle / "val_frames.xz")  # held-out losses on the GPU too
    cfg = LMConfig(
        run=RunConfig(steps=6, batch_size=2, log_every=100, ckpt_every=3),
        optim=OptimConfig(lr=3e-3, warmup_steps=2),
        data=LMDataConfig(min_ref_frames=4, max_ref_frames=8, val_every=3),
        codec=str(tiny_dir),
    )
    (bundle / "config.json").write_text(json.dumps(to_dict(cfg)))
    out = tmp_path / "out"
    run_args = Namespace(
        stage="lm", bundle=bundle, minutes=0.0, out=str(out), workdir=str(tmp_path / "work"), device="cpu"
    )
    assert piece.cmd_run(run_args) == 0
    assert json.loads((out / "state.json").read_text())["parts"] == 1
    local = tmp_path / "local-run"
    assert piece.cmd_unpack(Namespace(stage="lm", parts=out, run=local)) == 0
    state = load_state(local / "last.pt")
    assert state["step"] == 6 and "optim" in state
    rows = [json.loads(x) for x in (local / "metrics.jsonl").read_text().splitlines()]
    assert len(rows) == 6 and [r["step"] for r in rows if "val_fm" in r] == [3, 6]

    # A state too big for the files that come back travels slim: no Adam moments, bf16 weights.
    full = (tmp_path / "work" / "run" / "last.pt").stat().st_size
    monkeypatch.setattr(piece, "PART_BYTES", full // piece.MAX_PARTS - 1)
    assert piece.cmd_run(Namespace(**{**vars(run_args), "out": str(tmp_path / "out2")})) == 0
    assert "without Adam's moments" in capsys.readouterr().out
    assert json.loads((tmp_path / "out2" / "state.json").read_text())["parts"] <= piece.MAX_PARTS
    other = tmp_path / "other-run"
    assert piece.cmd_unpack(Namespace(stage="lm", parts=tmp_path / "out2", run=other)) == 0
    state = load_state(other / "last.pt")
    assert state["step"] == 6 and "optim" not in state


def test_a_codec_decoder_piece_carries_opus_audio_and_no_teacher(tmp_path: Path) -> None:
    import soundfile as sf
    import torch

    from voxtral_tts.train.codec_run import train_codec
    from voxtral_tts.train.config import CodecConfig, CodecDataConfig, CodecLossConfig

    piece = load()
    data = tone_corpus(tmp_path / "data").parent
    cfg = CodecConfig(
        run=RunConfig(out_dir=str(tmp_path / "local"), steps=6, batch_size=2, log_every=100, ckpt_every=3),
        optim=OptimConfig(lr=2e-3, warmup_steps=1, rewarm_steps=2),
        data=CodecDataConfig(manifest=str(data / "manifest.jsonl"), segment_seconds=0.48),
        loss=CodecLossConfig(teacher="mel", disc_start=3, freeze_encoder_at=3, stft_scales=[256, 128],
                             disc_scales=[256, 128], disc_channels=4),
    )  # fmt: skip
    train_codec(cfg, stop_after=3)  # phase 1 here
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    assert piece.pack_audio(data / "manifest.jsonl", bundle, 10**6) == 4
    assert sf.info(str(bundle / "audio" / "000000.ogg")).subtype == "OPUS"
    state = torch.load(tmp_path / "local" / "last.pt", weights_only=False)
    torch.save(piece.slim(state), bundle / "state.pt")
    (bundle / "config.json").write_text(json.dumps(to_dict(cfg)))
    out = tmp_path / "out"
    args = Namespace(stage="codec", bundle=bundle, minutes=0.0, out=str(out), workdir=str(tmp_path / "w"), device="cpu")
    assert piece.cmd_run(args) == 0
    assert piece.cmd_unpack(Namespace(stage="codec", parts=out, run=tmp_path / "local")) == 0
    after = load_state(tmp_path / "local" / "last.pt")
    assert after["step"] == 6 and after["config"]["data"]["manifest"] == str(data / "manifest.jsonl")
    enc = "codec.encoder_blocks.0"
    k = next(k for k in state["model"] if k.startswith(enc) and state["model"][k].is_floating_point())
    # The encoder was frozen: only the bf16 trip touched it.
    torch.testing.assert_close(after["model"][k], state["model"][k].to(torch.bfloat16).float())


def test_an_lm_piece_reads_the_shelfs_frames_and_its_texts_as_ids(
    tiny_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What keeps an LM piece under the 64 MiB that travel: the frames come from the shelf, which travels with
    the working tree anyway, and the texts as ids, so the GPU machine needs no mistral-common wheels."""
    import sys

    from voxtral_tts.data.frames import write_frames
    from voxtral_tts.train.lm import load_frame_corpus

    piece = load()
    data, store = tmp_path / "data", tmp_path / "shelf"
    store.mkdir()
    for name, group in (("default-frames", items()), ("default-frames-val", items(4))):
        write_frames(data / name, [(it.codes, it.text, it.speaker, it.lang) for it in group])
    load_script("recipes/default/shelf.py").save_frames(data, store)
    monkeypatch.setattr(piece, "SHELF", store)
    folders = {name: data / name for name in ("default-frames", "default-frames-val")}
    assert piece.frames_on_shelf(folders)
    index = (data / "default-frames-val" / "index.jsonl").read_text()
    (data / "default-frames-val" / "index.jsonl").write_text(index.replace("sentence", "other"))
    assert not piece.frames_on_shelf(folders)  # re-encoded here since: the frames must travel in the bundle
    (data / "default-frames-val" / "index.jsonl").write_text(index)

    bundle = tmp_path / "bundle"
    (bundle / "codec").mkdir(parents=True)
    for name in ("params.json", "tekken.json"):
        shutil.copy2(tiny_dir / name, bundle / "codec" / name)
    (bundle / "shelf-frames.json").write_text(json.dumps({"val": True}))
    groups = [load_frame_corpus(folder, 250) for folder in folders.values()]
    piece.TextTable.write(bundle / "texts.json.xz", groups, tiny_dir / "tekken.json", spoken=True)
    cfg = LMConfig(
        run=RunConfig(steps=4, batch_size=2, log_every=100, ckpt_every=2),
        optim=OptimConfig(lr=3e-3, warmup_steps=2),
        data=LMDataConfig(min_ref_frames=4, max_ref_frames=8, val_every=2, spoken_text=False),
        codec=str(tiny_dir),
    )
    (bundle / "config.json").write_text(json.dumps(to_dict(cfg)))
    for name in [m for m in sys.modules if m == "mistral_common" or m.startswith("mistral_common.")]:
        monkeypatch.setitem(sys.modules, name, None)  # the GPU machine has none
    monkeypatch.setitem(sys.modules, "mistral_common", None)
    work = tmp_path / "work"
    args = Namespace(stage="lm", bundle=bundle, minutes=0.0, out=str(tmp_path / "out"), workdir=str(work), device="cpu")
    assert piece.cmd_run(args) == 0
    assert (work / "data" / "default-frames" / "index.jsonl").is_file()  # unpacked there from the shelf
    rows = [json.loads(x) for x in (tmp_path / "out" / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows if "val_fm" in r] == [2, 4]
