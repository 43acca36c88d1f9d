"""Training data: corpus import (checks, normalisation, resume) and the codec-frame cache."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import torch

from voxtral_tts.checkpoint import load_model
from voxtral_tts.cli import main
from voxtral_tts.data import (
    CodeStore,
    DataError,
    Entry,
    candidates,
    check_codec,
    dsp,
    encode_manifest,
    import_corpus,
    prepare,
    read_frames,
    read_manifest,
    write_frames,
    write_manifest,
)
from voxtral_tts.errors import EncoderMissingError

SR = 24000


def voice(seconds: float, sr: int, f0: float = 140.0, amp: float = 0.3, seed: int = 0) -> np.ndarray:
    """A voiced-like test signal: a gliding harmonic tone with a syllable-rate envelope and a little noise."""
    t = np.arange(int(round(seconds * sr))) / sr
    f = f0 * (1 + 0.1 * np.sin(2 * np.pi * 0.7 * t))
    phase = 2 * np.pi * np.cumsum(f) / sr
    x = sum(np.sin(k * phase) / k for k in (1, 2, 3, 5))
    env = 0.55 + 0.45 * np.sin(2 * np.pi * 4 * t) ** 2
    noise = np.random.default_rng(seed).standard_normal(t.size) * 0.01
    x = env * x / np.abs(x).max() + noise
    return (amp * x / np.abs(x).max()).astype(np.float32)


def write(path: Path, x: np.ndarray, sr: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), x, sr)
    return path


def make_ljspeech(root: Path) -> Path:
    """Two good clips and one of every kind of bad one, at LJSpeech's 22.05 kHz."""
    sr = 22050
    wavs = root / "wavs"
    write(wavs / "LJ001-0001.wav", voice(1.5, sr, seed=1), sr)
    write(wavs / "LJ001-0002.wav", voice(2.0, sr, f0=210, amp=0.05, seed=2), sr)
    (wavs / "LJ001-0003.wav").write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + os.urandom(64))  # corrupt
    write(wavs / "LJ001-0004.wav", np.zeros(2 * sr, np.float32), sr)  # silent
    write(wavs / "LJ001-0005.wav", np.clip(voice(2.0, sr, amp=4.0, seed=5), -1, 1), sr)  # clipped
    write(wavs / "LJ001-0006.wav", voice(0.4, sr, seed=6), sr)  # too short
    write(wavs / "LJ001-0008.wav", np.zeros(0, np.float32), sr)  # empty
    rows = [
        "LJ001-0001|Printing, in the only sense|Printing, in the only sense",
        "LJ001-0002|Dr. Smith|Doctor Smith",
        "LJ001-0003|corrupt|corrupt",
        "LJ001-0004|silent|silent",
        "LJ001-0005|clipped|clipped",
        "LJ001-0006|short|short",
        "LJ001-0007|missing|missing",  # no audio file
        "this line has no separator",
        "LJ001-0008|empty|empty",
    ]
    (root / "metadata.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root


@pytest.fixture()
def lj(tmp_path: Path) -> Path:
    return make_ljspeech(tmp_path / "LJSpeech-1.1")


LJ_SKIPS = {
    "LJ001-0003": "unreadable",
    "LJ001-0004": "silent",
    "LJ001-0005": "clipped",
    "LJ001-0006": "too_short",
    "LJ001-0007": "missing_audio",
    "metadata.csv:8": "bad_metadata",
    "LJ001-0008": "empty",
}


def skipped_reasons(out: Path) -> dict[str, str]:
    rows = [json.loads(line) for line in (out / "skipped.jsonl").read_text().splitlines()]
    return {r["id"]: r["reason"] for r in rows}


# -- import -------------------------------------------------------------------------------------


def test_ljspeech_import_keeps_good_clips_and_reports_each_bad_one(lj: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = import_corpus("ljspeech", lj, out, workers=1, progress=False)
    entries = read_manifest(out / "manifest.jsonl")
    assert [e.id for e in entries] == ["LJ001-0001", "LJ001-0002"]
    assert entries[1].text == "Doctor Smith"  # the normalized column
    assert {(e.speaker, e.language) for e in entries} == {("ljspeech", "en")}
    for e, seconds in zip(entries, (1.5, 2.0)):
        data, sr = sf.read(e.audio_path(out), dtype="float32")
        info = sf.info(str(e.audio_path(out)))
        assert (sr, info.channels, info.format) == (SR, 1, "FLAC")
        assert data.size == round(seconds * SR) and e.duration == pytest.approx(seconds)
        # Loudness-normalised: the quiet clip (amp 0.05) came up to the target like the loud one.
        assert dsp.integrated_loudness(data, SR) == pytest.approx(-23.0, abs=0.3)

    assert skipped_reasons(out) == LJ_SKIPS
    details = {json.loads(x)["id"]: json.loads(x)["detail"] for x in (out / "skipped.jsonl").read_text().splitlines()}
    assert "LJ001-0003.wav: cannot decode" in details["LJ001-0003"]
    assert "metadata.csv:8" in details["metadata.csv:8"]

    on_disk = json.loads((out / "summary.json").read_text())
    assert on_disk["kept"] == summary["kept"] == 2 and on_disk["skipped"] == 7
    assert on_disk["skipped_by_reason"] == {r: 1 for r in LJ_SKIPS.values()}
    assert on_disk["by_speaker"]["ljspeech"] == {"items": 2, "hours": round(3.5 / 3600, 4)}
    assert on_disk["by_language"]["en"]["items"] == 2
    table = prepare.format_summary(on_disk)
    assert "clipped" in table and "ljspeech" in table and "kept" in table


def test_trim_and_length_limits(tmp_path: Path) -> None:
    sr = 16000
    gap = np.zeros(sr, np.float32)
    write(tmp_path / "c" / "padded.wav", np.concatenate([gap, voice(1.2, sr), gap]), sr)
    write(tmp_path / "c" / "long.wav", voice(3.0, sr), sr)
    for name in ("padded", "long"):
        (tmp_path / "c" / f"{name}.lab").write_text("some words\n")
    opts = prepare.PrepareOptions(trim=True, max_seconds=2.5)
    import_corpus("folder", tmp_path / "c", tmp_path / "out", lang="en", options=opts, workers=1, progress=False)
    (e,) = read_manifest(tmp_path / "out" / "manifest.jsonl")
    assert e.id == "padded" and 1.2 < e.duration <= 1.2 + 0.2 + 0.03  # 0.1 s margin kept on each side
    assert skipped_reasons(tmp_path / "out") == {"long": "too_long"}


def test_resume_redoes_only_what_is_missing(lj: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = import_corpus("ljspeech", lj, out, workers=1, progress=False)
    assert (first["processed"], first["reused"]) == (7, 0)  # 7 files decoded; 2 skipped from metadata alone
    keep, gone = out / "audio/ljspeech/LJ001-0001.flac", out / "audio/ljspeech/LJ001-0002.flac"
    stamp = keep.stat().st_mtime_ns
    gone.unlink()
    with open(out / "journal.jsonl", "a") as f:
        f.write('{"id": "LJ001-00')  # a line cut short by a kill
    again = import_corpus("ljspeech", lj, out, workers=1, progress=False)
    assert (again["processed"], again["reused"]) == (1, 6)
    assert gone.exists() and keep.stat().st_mtime_ns == stamp
    assert [e.id for e in read_manifest(out / "manifest.jsonl")] == ["LJ001-0001", "LJ001-0002"]

    # Changed processing options make earlier results stale.
    louder = import_corpus("ljspeech", lj, out, options=prepare.PrepareOptions(loudness=-20), workers=1, progress=False)
    assert louder["processed"] == 7


def test_killed_import_continues_where_it_stopped(lj: Path, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    real = prepare.process_audio
    calls = []

    def dies_on_third(src, dst, opts):
        calls.append(src.name)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(src, dst, opts)

    monkeypatch.setattr(prepare, "process_audio", dies_on_third)
    with pytest.raises(KeyboardInterrupt):
        import_corpus("ljspeech", lj, out, workers=1, progress=False)
    assert not (out / "manifest.jsonl").exists()
    monkeypatch.setattr(prepare, "process_audio", real)
    summary = import_corpus("ljspeech", lj, out, workers=1, progress=False)
    assert (summary["processed"], summary["reused"]) == (5, 2)
    assert skipped_reasons(out) == LJ_SKIPS


def test_worker_pool_survives_a_crashing_file(lj: Path, tmp_path: Path, monkeypatch) -> None:
    if "fork" not in __import__("multiprocessing").get_all_start_methods():
        pytest.skip("the crash is injected through fork")
    real = prepare.process_audio

    def crash_on_0002(src, dst, opts):
        if src.name == "LJ001-0002.wav":
            os._exit(3)  # what a segfaulting decoder or the OOM killer looks like to the pool
        return real(src, dst, opts)

    monkeypatch.setattr(prepare, "process_audio", crash_on_0002)
    summary = import_corpus("ljspeech", lj, tmp_path / "out", workers=2, progress=False)
    assert summary["kept"] == 1
    assert skipped_reasons(tmp_path / "out") == {**LJ_SKIPS, "LJ001-0002": "crashed"}


def test_one_output_folder_holds_one_corpus(lj: Path, tmp_path: Path) -> None:
    import_corpus("ljspeech", lj, tmp_path / "out", workers=1, progress=False)
    other = make_ljspeech(tmp_path / "other")
    with pytest.raises(DataError, match="already holds an import of"):
        import_corpus("ljspeech", other, tmp_path / "out", workers=1, progress=False)


def test_libritts_layout(tmp_path: Path) -> None:
    root = tmp_path / "LibriTTS_R"
    ch = root / "train-clean-100" / "19" / "198"
    write(ch / "19_198_000000_000000.wav", voice(1.2, SR), SR)
    (ch / "19_198_000000_000000.normalized.txt").write_text("Hello there.")
    (ch / "19_198_000000_000000.original.txt").write_text("hello there")
    write(ch / "19_198_000000_000001.wav", voice(1.2, SR), SR)
    (ch / "19_198_000000_000001.original.txt").write_text("Only original.")
    write(ch / "19_198_000000_000002.wav", voice(1.2, SR), SR)  # no transcript
    c = candidates("libritts", root)
    assert [(x.id, x.text, x.speaker, x.language, x.problem) for x in c] == [
        ("19_198_000000_000000", "Hello there.", "libritts-19", "en", None),
        ("19_198_000000_000001", "Only original.", "libritts-19", "en", None),
        ("19_198_000000_000002", "", "libritts-19", "en", "no_transcript"),
    ]


def test_commonvoice_layout_and_import(tmp_path: Path) -> None:
    root = tmp_path / "cv-corpus-17.0" / "fr"
    write(root / "clips" / "common_voice_fr_1.mp3", voice(1.5, 48000), 48000)
    write(root / "clips" / "common_voice_fr_2.mp3", voice(1.5, 48000, seed=2), 48000)
    cid = "a" * 128
    header = "client_id\tpath\tsentence_id\tsentence\tsentence_domain\tup_votes\tdown_votes\tlocale\n"
    rows = [
        f"{cid}\tcommon_voice_fr_1.mp3\tx\tBonjour « à tous ».\t\t2\t0\tfr",
        f"{'b' * 128}\tcommon_voice_fr_2.mp3\tx\tSalut.\t\t2\t0\t",  # empty locale: from the folder name
        f"{cid}\tcommon_voice_fr_3.mp3\tx\tAbsent.\t\t2\t0\tfr",
        "short\trow",
        f"{cid}\tcommon_voice_fr_4.mp3\tx\tOui.\t\t2\t0\tnot a locale",
    ]
    (root / "validated.tsv").write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    summary = import_corpus("commonvoice", root, tmp_path / "out", workers=1, progress=False)
    entries = read_manifest(tmp_path / "out" / "manifest.jsonl")
    assert [(e.id, e.text, e.language, e.speaker) for e in entries] == [
        ("common_voice_fr_1", "Bonjour « à tous ».", "fr", "cv-" + "a" * 16),
        ("common_voice_fr_2", "Salut.", "fr", "cv-" + "b" * 16),
    ]
    assert summary["skipped_by_reason"] == {"bad_metadata": 2, "missing_audio": 1}
    assert {c.language for c in candidates("commonvoice", root / "validated.tsv", lang="fr-CA")} == {"fr-CA"}


def test_vctk_layout(tmp_path: Path) -> None:
    root = tmp_path / "VCTK-Corpus-0.92"
    wav = root / "wav48_silence_trimmed"
    for mic in (1, 2):
        write(wav / "p225" / f"p225_001_mic{mic}.flac", voice(1.2, 48000), 48000)
    write(wav / "p225" / "p225_002_mic2.flac", voice(1.2, 48000), 48000)  # only mic2: kept
    write(wav / "p315" / "p315_001_mic1.flac", voice(1.2, 48000), 48000)  # p315 has no text in VCTK
    (root / "txt" / "p225").mkdir(parents=True)
    (root / "txt" / "p225" / "p225_001.txt").write_text("Please call Stella.\n")
    (root / "txt" / "p225" / "p225_002.txt").write_text("Ask her to bring these things.\n")
    c = candidates("vctk", root)
    assert [(x.id, x.audio.name, x.text, x.speaker, x.problem) for x in c] == [
        ("p225_001", "p225_001_mic1.flac", "Please call Stella.", "vctk-p225", None),
        ("p225_002", "p225_002_mic2.flac", "Ask her to bring these things.", "vctk-p225", None),
        ("p315_001", "p315_001_mic1.flac", "", "vctk-p315", "no_transcript"),
    ]


def test_folder_layout(tmp_path: Path) -> None:
    root = tmp_path / "mine"
    write(root / "a.wav", voice(1.2, SR), SR)
    (root / "a.txt").write_text("  First   line. \n")
    write(root / "anna" / "b.flac", voice(1.2, SR), SR)
    (root / "anna" / "b.lab").write_text("Second.")
    write(root / "anna" / "c.flac", voice(1.2, SR), SR)  # no transcript
    c = candidates("folder", root, lang="de")
    assert [(x.id, x.text, x.speaker, x.language, x.problem) for x in c] == [
        ("a", "First line.", "mine", "de", None),
        ("anna/b", "Second.", "anna", "de", None),
        ("anna/c", "", "anna", "de", "no_transcript"),
    ]
    with pytest.raises(DataError, match="--lang is required"):
        candidates("folder", root)
    with pytest.raises(DataError, match="not a language code"):
        candidates("folder", root, lang="english!")


def test_layout_errors_name_what_and_where(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="corpus not found"):
        candidates("ljspeech", tmp_path / "nope")
    with pytest.raises(DataError, match=r"metadata.csv: LJSpeech metadata.csv not found"):
        candidates("ljspeech", tmp_path)
    (tmp_path / "validated.tsv").write_text("path\tsentence\nx.mp3\thi\n")
    with pytest.raises(DataError, match="validated.tsv: missing column 'client_id'"):
        candidates("commonvoice", tmp_path)
    with pytest.raises(DataError, match="unknown corpus format"):
        candidates("timit", tmp_path)


# -- signal checks ------------------------------------------------------------------------------


def test_loudness_matches_bs1770() -> None:
    for sr in (48000, 24000):
        t = np.arange(3 * sr) / sr
        tone = 0.1 * np.sin(2 * np.pi * 997 * t)  # -20 dBFS at 997 Hz reads -23.0 LUFS by definition
        assert dsp.integrated_loudness(tone, sr) == pytest.approx(-23.0, abs=0.05)
        # Gating: 4 s of pauses around 3 s of sound would lower the mean square by 3.7 dB; gated, only
        # the blocks that straddle the edges count, and the loudness drops by 0.4 LU.
        padded = np.concatenate([np.zeros(2 * sr), tone, np.zeros(2 * sr)])
        assert dsp.integrated_loudness(padded, sr) == pytest.approx(dsp.integrated_loudness(tone, sr) - 0.41, abs=0.02)
    assert dsp.integrated_loudness(np.zeros(SR), SR) == -math.inf
    x = voice(2.0, SR, amp=0.02)
    y, gain = dsp.normalize_loudness(x, SR, -20.0)
    assert dsp.integrated_loudness(y, SR) == pytest.approx(-20.0, abs=0.01) and gain > 0
    y, _ = dsp.normalize_loudness(x, SR, -3.0, peak_dbfs=-1.0)  # more than the peak allows
    assert np.abs(y).max() == pytest.approx(10 ** (-1 / 20), rel=1e-4)


def test_clipping_detector() -> None:
    for f in (50.0, 220.0, 997.0, 3000.0):
        clean = np.sin(2 * np.pi * f * np.arange(SR) / SR)
        assert dsp.clipped_fraction(clean) < 0.001
    assert dsp.clipped_fraction(voice(1.0, SR)) < 0.001
    clipped = np.clip(voice(1.0, SR, amp=3.0), -1, 1)
    assert dsp.clipped_fraction(clipped) > 0.1
    assert dsp.clipped_fraction(0.5 * clipped) > 0.1  # clipped, then turned down


# -- manifest -----------------------------------------------------------------------------------


def test_manifest_round_trip_and_validation(tmp_path: Path) -> None:
    e = Entry("u1", "audio/u1.flac", "Hi.", "en", "s1", 1.25, extra={"source": "x"})
    path = write_manifest(tmp_path / "m.jsonl", [e, Entry("u2", "/abs/u2.flac", "Yo.", "pt-BR", "s2", 2.0)])
    back = read_manifest(path)
    assert back[0] == e and back[1].audio_path(tmp_path) == Path("/abs/u2.flac")
    assert back[0].audio_path(tmp_path) == tmp_path / "audio/u1.flac"
    good = json.dumps(e.to_dict())
    cases = {
        "not valid JSON": "{oops",
        "missing 'duration'": json.dumps({k: v for k, v in e.to_dict().items() if k != "duration"}),
        "'duration' must be a positive": good.replace("1.25", "-1"),
        "'text' must be a non-empty": good.replace('"Hi."', '""'),
        "not a language code": good.replace('"en"', '"English"'),
        "repeats line 1": good,
    }
    for message, line in cases.items():
        path.write_text(good + "\n" + line + "\n")
        with pytest.raises(DataError, match=f"m.jsonl:2: .*{message}"):
            read_manifest(path)


# -- encode -------------------------------------------------------------------------------------


def test_encode_caches_frames_resumably(lj: Path, tiny_dir: Path, tiny_no_encoder_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    import_corpus("ljspeech", lj, data, workers=1, progress=False)
    entries = read_manifest(data / "manifest.jsonl")
    # A manifest need not come from `data import`: its corrupt, silent and missing files are skipped too.
    (data / "corrupt.wav").write_bytes(b"RIFF" + os.urandom(100))
    write(data / "silent.flac", np.zeros(SR, np.float32), SR)
    bad = [Entry(n, f"{n}.{x}", "x", "en", "ljspeech", 1.0) for n, x in (("corrupt", "wav"), ("silent", "flac"))]
    extra = [*bad, Entry("gone", "audio/gone.flac", "x", "en", "ljspeech", 1.0)]
    write_manifest(data / "m.jsonl", [entries[0], *extra, entries[1]])
    out = tmp_path / "codes"
    summary = encode_manifest(tiny_dir, data / "m.jsonl", out, device="cpu", shard_frames=1, progress=False)
    assert summary["kept"] == 2
    assert skipped_reasons(out) == {"corrupt": "unreadable", "silent": "silent", "gone": "missing_audio"}
    assert summary["skipped_by_reason"] == {"unreadable": 1, "silent": 1, "missing_audio": 1}

    store = CodeStore(out)
    meta = store.meta
    assert meta["code_offset"] == 2 and meta["samples_per_frame"] == 1920
    sizes = np.array(meta["codebook_sizes"])
    assert sizes.tolist() == [64 + 2] + [21 + 2] * 36
    for i, e in enumerate(entries):
        n = sf.info(str(e.audio_path(data))).frames
        codes = store.codes(i)
        assert store.items[i]["id"] == e.id and store.items[i]["text"] == e.text
        assert codes.dtype == np.int16 and codes.shape == (math.ceil(n / 1920), 37)
        assert (codes >= 2).all() and (codes < sizes).all()
    # The same codes the model builds for a cloning reference (which adds one end-of-audio frame).
    _, net = load_model(tiny_dir)
    wave = torch.from_numpy(sf.read(entries[0].audio_path(data), dtype="float32")[0])
    assert np.array_equal(net.reference_codes(wave)[:-1].numpy(), store.codes(0))
    check_codec(out, tiny_dir, net)
    frames = list(read_frames(out))
    assert [(t, s, lang) for _, t, s, lang in frames] == [(e.text, e.speaker, e.language) for e in entries]
    assert np.array_equal(frames[1][0], store.codes(1))

    # One shard per utterance (shard_frames=1): delete the second, and only it is encoded again.
    shards = sorted((out / "shards").glob("*.safetensors"))
    assert len(shards) == 2
    kept_codes = store.codes(0).copy()
    shards[1].unlink()
    again = encode_manifest(tiny_dir, data / "m.jsonl", out, device="cpu", progress=False)
    assert (again["processed"], again["reused"], again["kept"]) == (1, 1, 2)
    store = CodeStore(out)
    assert np.array_equal(store.codes(0), kept_codes) and store.codes(1).shape == frames[1][0].shape
    assert encode_manifest(tiny_dir, data / "m.jsonl", out, device="cpu", progress=False)["processed"] == 0

    meta_path = out / "codes.json"
    meta_path.write_text(meta_path.read_text().replace(meta["codec_sha256"], "0" * 64))
    with pytest.raises(DataError, match="holds codes made by another model"):
        encode_manifest(tiny_dir, data / "m.jsonl", out, device="cpu", progress=False)
    with pytest.raises(EncoderMissingError, match="no codec encoder"):
        encode_manifest(tiny_no_encoder_dir, data / "m.jsonl", tmp_path / "x", device="cpu", progress=False)


def test_write_frames_round_trip(tmp_path: Path, tiny_dir: Path) -> None:
    rng = np.random.default_rng(0)
    items = [(rng.integers(2, 23, (n, 37)).astype(np.int16), f"t{n}", "s", "en") for n in (3, 5)]
    write_frames(tmp_path / "f", items)
    back = list(read_frames(tmp_path / "f"))
    assert all(np.array_equal(a[0], b[0]) and a[1:] == b[1:] for a, b in zip(items, back))
    _, net = load_model(tiny_dir)
    with pytest.raises(DataError, match="frames were made by the codec of None"):
        check_codec(tmp_path / "f", tiny_dir, net)


# -- command line -------------------------------------------------------------------------------


def test_cli_import_and_encode(lj: Path, tiny_dir: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    assert main(["data", "import", str(lj), "--format", "ljspeech", "--out", str(out), "--workers", "1"]) == 0
    printed = capsys.readouterr()
    assert "kept" in printed.out and "too_short" in printed.out and "import: 7/7" in printed.err
    args = ["data", "encode", "--model", str(tiny_dir), "--manifest", str(out / "manifest.jsonl")]
    assert main([*args, "--out", str(tmp_path / "codes"), "--device", "cpu"]) == 0
    assert "encoded 2 utterances" in capsys.readouterr().out

    # Several corpora into one folder: each manifest's relative paths resolve against its own folder.
    (e,) = read_manifest(out / "manifest.jsonl")[:1]
    other = write_manifest(tmp_path / "elsewhere" / "m.jsonl", [Entry("x1", str(e.audio_path(out)), "x", "fr", "s", 1)])
    assert main([*args, "--manifest", str(other), "--out", str(tmp_path / "both"), "--device", "cpu"]) == 0
    assert [it["id"] for it in CodeStore(tmp_path / "both").items] == ["LJ001-0001", "LJ001-0002", "x1"]
    assert main([*args, "--manifest", str(out / "manifest.jsonl"), "--out", str(tmp_path / "c3")]) == 1
    assert "ids must be unique across manifests" in capsys.readouterr().err

    assert main(["data", "import", str(lj), "--format", "folder", "--out", str(tmp_path / "o2")]) == 1
    err = capsys.readouterr().err.strip()
    assert err == "voxtral-tts: error: --lang is required for --format folder (e.g. --lang en)"
    assert main([*args[:-1], str(tmp_path / "none.jsonl"), "--out", str(tmp_path / "c2")]) == 1
    assert capsys.readouterr().err.strip().endswith("none.jsonl: manifest not found")
    bad = ["data", "import", str(lj), "--format", "ljspeech", "--out", str(tmp_path / "o3"), "--min-seconds", "9"]
    assert main([*bad, "--max-seconds", "2"]) == 1
    assert "need 0 <= min < max" in capsys.readouterr().err
