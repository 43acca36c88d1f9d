"""Phone codes: espeak-ng transcriptions, the CTC recogniser on envelopes, forced alignment, pair codes."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from voxtral_tts.config import N_AUDIO_SPECIALS
from voxtral_tts.errors import VoxtralError
from voxtral_tts.train.phones import (
    SIL,
    PhoneRecognizer,
    PhoneSet,
    align,
    edit_distance,
    envelope_of,
    frame_pairs,
    greedy,
    pair_code,
    pair_table,
    phonemize,
    with_pauses,
)

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


@needs_espeak
def test_phonemize_gives_clauses_of_phones_without_stress_or_switch_marks():
    clauses = phonemize("Hello world, twenty cats.", "en")
    assert len(clauses) == 2  # the comma ends a clause
    flat = [p for c in clauses for p in c]
    assert flat[:2] == ["h", "ə"] and "ˈ" not in "".join(flat)
    # Arabic reading an English word switches voice; the "(en)" marks are not phones.
    assert all("(" not in p for c in phonemize("hello مرحبا", "ar") for p in c)
    assert with_pauses(clauses)[0] == SIL and with_pauses(clauses).count(SIL) == 3


def test_phonemize_rejects_an_unknown_language():
    with pytest.raises(VoxtralError, match="no espeak-ng voice for language 'xx'"):
        phonemize("hi", "xx")


def test_envelope_of_unfolds_sub_frames_in_time_order():
    subframes, bands = 4, 3
    levels = np.arange(2 * subframes * bands).reshape(2, subframes * bands) % 21
    codes = np.concatenate([np.full((2, 1), 7), levels + N_AUDIO_SPECIALS], axis=1)
    env = envelope_of(codes, subframes)
    assert env.shape == (8, 3)
    assert env[0, 0] == pytest.approx(-1.0) and env[1, 0] == pytest.approx(levels[0, 3] / 10 - 1)


def test_align_recovers_segment_boundaries_from_scores():
    # Three units over 12 sub-frames; the scores favour unit k on its own stretch, blank everywhere.
    C, T = 5, 12
    truth = np.array([0] * 3 + [1] * 5 + [2] * 4)
    units = [2, 3, 4]
    logits = np.full((T, C), -4.0)
    logits[:, 0] = 2.0  # CTC's blank dominates, as it does in a trained model
    for t, k in enumerate(truth):
        logits[t, units[k]] = 0.0
    logp = torch.tensor(logits).log_softmax(-1).numpy()
    assert (align(logp, units) == truth).all()
    with pytest.raises(VoxtralError, match="do not fit"):
        align(logp[:2], units)


def test_frame_pairs_and_codes():
    unit_of_sub = np.array([0, 0, 1, 1, 1, 1, 1, 2])
    assert frame_pairs(unit_of_sub, 4) == [(0, 1), (1, 2)]
    table = pair_table([(0, 1), (0, 1), (1, 1), (2, 2)], size=2)
    assert table == {(0, 1): 0, (1, 1): 1}
    assert pair_code((0, 1), table) == 0
    assert pair_code((2, 1), table) == 1  # rare pair: its second half held
    assert pair_code((2, 2), table) == 0  # nothing listed: code 0


def test_edit_distance_and_greedy():
    assert edit_distance([1, 2, 3], [1, 3]) == 1 and edit_distance([], [4, 4]) == 2
    logp = torch.tensor([[0.0, -9, -9], [-9, 0, -9], [-9, 0, -9], [0, -9, -9], [-9, 0, -9], [-9, -9, 0]])
    assert greedy(logp) == [1, 1, 2]


def test_recognizer_learns_phones_that_are_in_the_envelope():
    """A tiny recogniser, trained with CTC on envelopes where each phone has its own band pattern, reads
    held-out sequences it never saw and aligns them where the phones are."""
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    phones = PhoneSet.build([["a", "b", "c", "d"]])
    bands, patterns = 8, rng.uniform(-0.8, 0.8, (6, 8)).astype(np.float32)

    def clip():
        seq = [int(rng.integers(2, 6))]
        while len(seq) < rng.integers(3, 7):  # no phone twice in a row: nothing would mark the boundary
            seq.append(int(rng.choice([u for u in range(2, 6) if u != seq[-1]])))
        durs = rng.integers(3, 7, size=len(seq))
        env = np.concatenate([np.repeat(patterns[s][None], d, 0) for s, d in zip(seq, durs)])
        return env + rng.normal(0, 0.05, env.shape).astype(np.float32), seq, np.repeat(np.arange(len(seq)), durs)

    model = PhoneRecognizer(bands, len(phones.units), dim=32, layers=1, heads=2)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    for _ in range(150):
        clips = [clip() for _ in range(16)]
        T = max(c[0].shape[0] for c in clips)
        x = torch.zeros(16, T, bands)
        for k, c in enumerate(clips):
            x[k, : c[0].shape[0]] = torch.from_numpy(c[0])
        lengths = torch.tensor([c[0].shape[0] for c in clips])
        logp = model(x, lengths)
        loss = F.ctc_loss(
            logp.transpose(0, 1),
            torch.tensor([s for c in clips for s in c[1]]),
            lengths,
            torch.tensor([len(c[1]) for c in clips]),
            zero_infinity=True,
        )
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    errors = total = agree = frames = 0
    with torch.no_grad():
        for _ in range(20):
            env, seq, truth = clip()
            logp = model(torch.from_numpy(env)[None], torch.tensor([env.shape[0]]))[0]
            errors += edit_distance(greedy(logp), seq)
            total += len(seq)
            path = align(logp.numpy(), seq)
            agree, frames = agree + (path == truth).sum(), frames + len(truth)
    assert errors / total < 0.1
    assert agree / frames > 0.85


@needs_espeak
def test_codes_command_swaps_only_the_semantic_column(tmp_path, monkeypatch):
    from conftest import load_script

    from voxtral_tts.data.frames import CodeStore, write_frames
    from voxtral_tts.train.phones import save_recognizer

    pc = load_script("recipes/default/phone_codes.py")
    monkeypatch.setattr(pc, "SHARD_CLIPS", 2)  # several shards from five clips
    rng = np.random.default_rng(0)
    texts = ["Hello world.", "Good morning, friends.", "Cats sleep.", "One two three.", "The sun is warm."]
    clips = [(rng.integers(2, 23, size=(12 + 3 * i, 1 + 4 * 36)).astype(np.int16), t, "spk", "en") for i, t in enumerate(texts)]  # fmt: skip
    write_frames(tmp_path / "frames", clips)
    units = pc.units_of(CodeStore(tmp_path / "frames"))
    torch.manual_seed(0)
    phones = PhoneSet.build(units)
    save_recognizer(PhoneRecognizer(36, len(phones.units), 32, 1), phones, tmp_path / "rec.pt", {"step": 1})
    pc.main(["codes", "--recognizer", str(tmp_path / "rec.pt"), "--frames", str(tmp_path / "frames"),
             "--out", str(tmp_path / "phone"), "--size", "16"])  # fmt: skip
    out = CodeStore(tmp_path / "phone")
    assert len({it["shard"] for it in out.items}) == 3
    for i, (codes, text, _, _) in enumerate(clips):
        new = np.asarray(out.codes(i))
        assert out.items[i]["text"] == text and new.shape == codes.shape
        assert np.array_equal(new[:, 1:], codes[:, 1:])  # the acoustic values are untouched
        assert new[:, 0].min() >= N_AUDIO_SPECIALS and new[:, 0].max() < N_AUDIO_SPECIALS + 16
    # Held-out frames reuse the training table, so a code means the same pair in both.
    table = tmp_path / "phone" / "phone_codes.json"
    pc.main(["codes", "--recognizer", str(tmp_path / "rec.pt"), "--frames", str(tmp_path / "frames"),
             "--out", str(tmp_path / "again"), "--table", str(table)])  # fmt: skip
    again = CodeStore(tmp_path / "again")
    assert all(np.array_equal(again.codes(i), out.codes(i)) for i in range(len(clips)))
