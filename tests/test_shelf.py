"""recipes/default/shelf.py: a codec run carried through the repository resumes on a machine that never saw it."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from conftest import load_script, tone_corpus

from voxtral_tts.train.codec_run import train_codec
from voxtral_tts.train.config import CodecConfig, CodecDataConfig, CodecLossConfig, OptimConfig, RunConfig
from voxtral_tts.train.loop import load_state, save_state


def load():
    return load_script("recipes/default/shelf.py")


def config(manifest: Path, out: Path) -> CodecConfig:
    return CodecConfig(
        run=RunConfig(out_dir=str(out), steps=6, batch_size=2, log_every=2, ckpt_every=3),
        optim=OptimConfig(lr=2e-3, warmup_steps=1, rewarm_steps=2),
        data=CodecDataConfig(manifest=str(manifest), segment_seconds=0.48),
        loss=CodecLossConfig(teacher="mel", disc_start=100, freeze_encoder_at=2, stft_scales=[256, 128],
                             envelope_weight=1.0, envelope_bands=8),
    )  # fmt: skip


def test_shelved_codec_run_resumes_elsewhere_and_never_goes_backwards(tmp_path: Path, capsys) -> None:
    shelf = load()
    manifest = tone_corpus(tmp_path / "data")
    here, there, store = tmp_path / "here", tmp_path / "there", tmp_path / "shelf"
    train_codec(config(manifest, here), stop_after=3)
    saved = load_state(here / "last.pt")
    path = shelf.save(here, "codec", store)

    small = torch.load(path, weights_only=False)
    assert "optim" not in small and small["step"] == 3 and small["frozen_at"] == 2
    assert all(v.dtype == torch.bfloat16 for v in small["model"].values() if v.is_floating_point())
    assert path.stat().st_size < (here / "last.pt").stat().st_size / 3
    assert [json.loads(x)["step"] for x in small["metrics"].splitlines()] == [2, 3]  # the log interval, and the last

    # Another machine: nothing but the repository.
    assert shelf.restore(there, "codec", store) == 0
    got = load_state(there / "last.pt")
    assert got["step"] == 3 and "optim" not in got and got["frozen_at"] == 2
    k = next(k for k, v in saved["model"].items() if v.is_floating_point() and v.numel() > 100)
    torch.testing.assert_close(got["model"][k], saved["model"][k].to(torch.bfloat16).float())
    capsys.readouterr()
    train_codec(config(manifest, there))
    assert "fresh optimizer moments" in capsys.readouterr().out
    done = load_state(there / "last.pt")
    assert done["step"] == 6 and done["frozen_at"] == 2  # the freeze came along: the codes stay valid
    assert [json.loads(x)["step"] for x in (there / "metrics.jsonl").read_text().splitlines()] == [2, 3, 4, 5, 6]

    # The shelf is behind that run now: restoring must not throw its steps away.
    assert shelf.restore(there, "codec", store) is None
    assert load_state(there / "last.pt")["step"] == 6
    # And a shelf ahead of a run replaces its checkpoint but keeps this machine's config (its paths).
    local = load_state(here / "last.pt")
    local["step"], local["config"]["run"]["out_dir"] = 1, "/elsewhere"
    save_state(here / "last.pt", local)
    assert shelf.restore(here, "codec", store) == 1
    assert load_state(here / "last.pt")["config"]["run"]["out_dir"] == "/elsewhere"


def test_shelved_frames_unpack_only_where_missing(tmp_path: Path) -> None:
    import numpy as np

    from voxtral_tts.data.frames import read_frames, write_frames

    shelf = load()
    here, there, store = tmp_path / "here", tmp_path / "there", tmp_path / "shelf"
    store.mkdir()
    rng = np.random.default_rng(0)
    clips = [(rng.integers(2, 23, size=(5 + i, 37)).astype(np.int16), f"text {i}", "spk", "en") for i in range(3)]
    for name in shelf.FRAMES:
        write_frames(here / name, clips)
    shelf.save_frames(here, store)
    assert shelf.restore_frames(there, store) == list(shelf.FRAMES)
    for name in shelf.FRAMES:
        back = list(read_frames(there / name))
        assert [t for _, t, _, _ in back] == [t for _, t, _, _ in clips]
        assert all(np.array_equal(a, b[0]) for a, b in zip((c for c, *_ in back), clips, strict=True))
    # A folder that is there already is this machine's, possibly newer: never overwritten.
    (there / shelf.FRAMES[0] / "index.jsonl").write_text("")
    assert shelf.restore_frames(there, store) == []
    assert (there / shelf.FRAMES[0] / "index.jsonl").read_text() == ""
    # Half-encoded frames are not shelved.
    (here / shelf.FRAMES[1] / "index.jsonl").unlink()
    try:
        shelf.save_frames(here, store)
    except SystemExit as e:
        assert "index.jsonl" in str(e)
    else:
        raise AssertionError("shelved a folder with no index")


def test_shelved_recognizer_gives_the_same_phones(tmp_path: Path) -> None:
    from voxtral_tts.train.phones import PhoneRecognizer, PhoneSet, load_recognizer, save_recognizer

    shelf = load()
    torch.manual_seed(0)
    model = PhoneRecognizer(36, 5, 32, 1).eval()
    best = tmp_path / "run" / "best.pt"
    best.parent.mkdir()
    save_recognizer(model, PhoneSet(["<blank>", "<sil>", "a", "b", "c"]), best, {"step": 7, "optim": {"big": 1}})
    store = tmp_path / "shelf"
    store.mkdir()
    shelf.save_recognizer(best, store)
    there = tmp_path / "there" / "best.pt"
    assert shelf.restore_recognizer(there, store)
    assert not shelf.restore_recognizer(there, store)  # never over a recogniser already there
    back, phones, blob = load_recognizer(there)
    assert phones.units == ["<blank>", "<sil>", "a", "b", "c"] and blob["step"] == 7 and "optim" not in blob
    x = torch.randn(2, 16, 36)
    lengths = torch.tensor([16, 12])
    with torch.no_grad():
        a, b = model(x, lengths), back(x, lengths)
    assert a.shape == b.shape and (a - b).abs().max() < 0.1  # bf16 weights on the shelf
    assert (a.argmax(-1) == b.argmax(-1)).float().mean() > 0.9


def test_restore_takes_the_furthest_of_the_committed_and_the_local_shelf(tmp_path: Path) -> None:
    shelf = load()
    manifest = tone_corpus(tmp_path / "data")
    run, committed, local = tmp_path / "run", tmp_path / "committed", tmp_path / "local"
    train_codec(config(manifest, run), stop_after=3)
    shelf.save(run, "codec", committed)
    train_codec(config(manifest, run), stop_after=5)
    shelf.save(run, "codec", local)  # created on demand, outside any work tree

    fresh = tmp_path / "fresh"
    assert shelf.restore_any(fresh, "codec", (committed, local)) == 0
    assert load_state(fresh / "last.pt")["step"] == 5  # the local piece is further on
    # The other way round the committed one is adopted first and the local one still wins.
    again = tmp_path / "again"
    assert shelf.restore_any(again, "codec", (local, committed)) == 0
    assert load_state(again / "last.pt")["step"] == 5
    assert shelf.restore_any(again, "codec", (committed, local)) is None  # neither is ahead now
    assert shelf.restore_any(tmp_path / "none", "codec", (tmp_path / "missing",)) is None
