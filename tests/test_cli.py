"""The voxtral-tts command line, run as users run it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import soundfile as sf

from voxtral_tts.cli import main


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "voxtral_tts.cli", *args], input=stdin, capture_output=True, text=True, timeout=300
    )


def test_speak_writes_a_wav(long_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.wav"
    assert (
        main(
            [
                "speak",
                "Hello there.",
                "--model",
                str(long_dir),
                "--voice",
                "tiny_male",
                "-o",
                str(out),
                "--seed",
                "3",
                "--max-seconds",
                "1",
            ]
        )
        == 0
    )
    data, sr = sf.read(out)
    assert sr == 24000 and data.size == 13 * 1920


def test_stream_to_flac_from_stdin_equals_one_shot(long_dir: Path, tmp_path: Path, ref_wav: Path) -> None:
    a, b = tmp_path / "a.flac", tmp_path / "b.flac"
    common = ["--model", str(long_dir), "--ref-audio", str(ref_wav), "--seed", "1", "--max-seconds", "2.5"]
    r = run("speak", "-", *common, "-o", str(a), "--stream", stdin="Read from standard input.")
    assert r.returncode == 0, r.stderr
    assert "first audio after" in r.stderr
    assert run("speak", "Read from standard input.", *common, "-o", str(b)).returncode == 0
    da, _ = sf.read(a)
    db, _ = sf.read(b)
    assert da.shape == db.shape and abs(da - db).max() <= 1 / 32768 + 1e-9


def test_voices_lists_presets_and_warns_without_encoder(tiny_dir: Path, tiny_no_encoder_dir: Path) -> None:
    r = run("voices", "--model", str(tiny_dir))
    assert r.returncode == 0 and r.stdout.split() == ["tiny_female", "0.4", "s", "tiny_male", "0.2", "s"]
    r = run("voices", "--model", str(tiny_no_encoder_dir))
    assert "cloning from reference audio is unavailable" in r.stderr


def test_errors_are_one_line_with_nonzero_exit(
    tiny_dir: Path, tiny_no_encoder_dir: Path, tmp_path: Path, ref_wav: Path
) -> None:
    cases = [
        (["speak", "Hi", "--model", str(tmp_path / "none"), "-o", str(tmp_path / "x.wav")], "model folder not found"),
        (
            ["speak", "Hi", "--model", str(tiny_dir), "--voice", "ghost", "-o", str(tmp_path / "x.wav")],
            "unknown voice 'ghost'",
        ),
        (["speak", "  ", "--model", str(tiny_dir), "-o", str(tmp_path / "x.wav")], "text is empty"),
        (["speak", "Hi", "--model", str(tiny_dir), "-o", str(tmp_path / "x.mp4")], "must end in .wav or .flac"),
        (
            [
                "speak",
                "Hi",
                "--model",
                str(tiny_no_encoder_dir),
                "--ref-audio",
                str(ref_wav),
                "-o",
                str(tmp_path / "x.wav"),
            ],
            "no codec encoder",
        ),
    ]
    for args, message in cases:
        r = run(*args)
        assert r.returncode == 1, (args, r.stderr)
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("voxtral-tts: error:") and message in lines[0], r.stderr
