"""The watermark: marking, robustness, no false alarms, streaming, keys, provenance, CLI and server."""

from __future__ import annotations

import json
import logging
import os
import shutil
import stat
import subprocess

import numpy as np
import pytest
import soundfile as sf

from voxtral_tts.watermark import (
    PUBLIC_KEY,
    Watermarker,
    WatermarkKey,
    apply_watermark,
    detect_watermark,
    load_key,
    model_id_for,
    new_key,
    resolve_key,
    save_key,
)
from voxtral_tts.watermark import attacks as A

SR = 24000
KEY = WatermarkKey(bytes(range(32)), 0x1234, "test")  # fixed secrets: the tests are deterministic
OTHER = WatermarkKey(bytes(range(100, 132)), 0x0BAD, "test")
MODEL = "Voxtral-4B-TTS-2603"


def synthetic_speech(seconds: float, seed: int) -> np.ndarray:
    """Voiced syllables: a glottal pulse train with a wandering pitch through moving formants, with pauses and
    some fricative noise; a stand-in for speech when no TTS engine is installed."""
    rng = np.random.default_rng(seed)
    out = []
    total = int(seconds * SR)
    n = 0
    base = rng.uniform(95, 210)
    while n < total:
        dur = int(rng.uniform(0.12, 0.3) * SR)
        f0 = base * (1 + 0.15 * np.sin(np.linspace(rng.uniform(0, 6), rng.uniform(0, 6), dur)))
        phase = np.cumsum(f0 / SR)
        pulses = np.diff(np.floor(phase), prepend=0.0)
        x = np.convolve(pulses, np.exp(-np.arange(60) / 8.0))[:dur]
        for f, bw in ((rng.uniform(300, 900), 80), (rng.uniform(900, 2400), 120), (rng.uniform(2400, 3500), 200)):
            r = np.exp(-np.pi * bw / SR)
            a1, a2 = -2 * r * np.cos(2 * np.pi * f / SR), r * r
            y = np.zeros(dur)
            for i in range(2, dur):  # a two-pole resonator
                y[i] = x[i] - a1 * y[i - 1] - a2 * y[i - 2]
            x = y / (np.abs(y).max() + 1e-9)
        if rng.random() < 0.3:
            x = x + 0.3 * rng.standard_normal(dur) * np.hanning(dur)
        out.append(x * np.hanning(dur) * rng.uniform(0.2, 0.5))
        out.append(np.zeros(int(rng.uniform(0.02, 0.15) * SR)))
        n += dur + out[-1].size
    return np.concatenate(out)[:total].astype(np.float32)


def espeak(text: str, voice: str) -> np.ndarray | None:
    exe = shutil.which("espeak-ng")
    if exe is None:
        return None
    r = subprocess.run([exe, "-v", voice, "--stdout", text], capture_output=True, timeout=30)
    if r.returncode != 0 or not r.stdout:
        return None
    import io

    import soxr

    x, rate = sf.read(io.BytesIO(r.stdout), dtype="float32")
    return soxr.resample(x, rate, SR).astype(np.float32)


SENTENCES = [
    ("en", "The quick brown fox jumps over the lazy dog near the river bank, and then it runs away."),
    ("en+f3", "Every morning she walks to the station, buys a newspaper, and waits for the early train."),
    ("fr", "Le petit chat dort tranquillement sur le canapé du salon pendant tout l'après-midi."),
    ("de+m3", "Wir fahren morgen früh mit dem Zug nach Berlin und kommen am Abend wieder zurück."),
]


@pytest.fixture(scope="module")
def speech() -> list[np.ndarray]:
    """Speech of 6-9 s: espeak-ng when installed (two sentences each), else synthetic voiced signals."""
    clips = []
    for i, (voice, text) in enumerate(SENTENCES):
        x = espeak(text + " " + text, voice)
        clips.append(x if x is not None else synthetic_speech(8.0, i))
    return clips


@pytest.fixture(scope="module")
def marked(speech) -> np.ndarray:
    return apply_watermark(speech[0], SR, KEY, model_id_for(MODEL))


# -- marking --------------------------------------------------------------------------------------------------


def test_mark_is_quiet_and_detected_with_its_payload(speech, marked) -> None:
    x = speech[0]
    snr = 10 * np.log10(np.sum(x.astype(np.float64) ** 2) / np.sum((marked - x).astype(np.float64) ** 2))
    assert 8 < snr < 25
    det = detect_watermark(marked, SR, [OTHER, KEY], [MODEL])
    assert det.present and det.key_id == KEY.key_id and det.confidence > 0.999
    assert det.payload_ok and det.model_id == model_id_for(MODEL) and det.model == MODEL
    assert abs(det.speed - 1.0) < 0.01


@pytest.mark.parametrize(
    "name",
    ["resample16k", "resample8k", "mp3_64k", "opus_32k", "noise_20db", "speed_1.1", "speed_0.9", "trim_3s", "splice"],
)
def test_detected_after_transform(name: str, speech, marked) -> None:
    rng = np.random.default_rng(1)
    attack = {
        "resample16k": A.resample(16000),
        "resample8k": A.resample(8000),
        "mp3_64k": A.codec("mp3", 64),
        "opus_32k": A.codec("opus", 32),
        "noise_20db": A.white_noise(20),
        "speed_1.1": A.speed(1.1),
        "speed_0.9": A.speed(0.9),
        "trim_3s": A.trim(3.0),
        "splice": A.splice(speech[1], speech[2], SR),
    }[name]
    y, rate = attack(marked, SR, rng)
    det = detect_watermark(y, rate, [KEY])
    assert det.present, f"{name}: z {det.z:.2f}"
    if name.startswith("speed"):
        assert abs(det.speed - float(name.split("_")[1])) < 0.02


def test_unmarked_audio_is_not_detected(speech) -> None:
    rng = np.random.default_rng(0)
    others = [
        *speech,
        synthetic_speech(5.0, 11),
        0.1 * rng.standard_normal(5 * SR).astype(np.float32),  # white noise
        (0.3 * np.sin(2 * np.pi * 440 * np.arange(4 * SR) / SR)).astype(np.float32),  # a tone
        np.zeros(3 * SR, np.float32),  # silence
    ]
    for x in others:
        det = detect_watermark(x, SR, [KEY, OTHER, PUBLIC_KEY])
        assert not det.present, f"false alarm: z {det.z:.2f}"
        assert det.confidence < 0.99


def test_another_keys_mark_is_not_detected(speech) -> None:
    y = apply_watermark(speech[1], SR, OTHER)
    assert not detect_watermark(y, SR, [KEY]).present
    assert detect_watermark(y, SR, [KEY, OTHER]).key_id == OTHER.key_id


def test_short_or_silent_input_reports_why() -> None:
    det = detect_watermark(np.zeros(SR // 2, np.float32), SR, [KEY])
    assert not det.present and "too short" in det.notes[0]


# -- streaming ------------------------------------------------------------------------------------------------


def test_stream_of_chunks_is_bit_identical_to_one_shot(speech) -> None:
    x = speech[2]
    whole = apply_watermark(x, SR, KEY, 7)
    rng = np.random.default_rng(3)
    cuts = np.sort(rng.integers(0, x.size, 12))
    w = Watermarker(KEY, SR, 7)
    streamed = np.concatenate([w.push(p) for p in np.split(x, cuts)])
    assert streamed.dtype == np.float32 and np.array_equal(streamed, whole)
    assert detect_watermark(streamed, SR, [KEY]).present


def test_silence_stays_silent() -> None:
    assert not apply_watermark(np.zeros(SR, np.float32), SR, KEY).any()


def test_api_marks_generate_stream_and_batch(long_tts, tmp_path) -> None:
    from voxtral_tts import Request

    long_tts.watermark_key = KEY
    try:
        kw = dict(voice="tiny_female", seed=5, max_seconds=4.0)
        plain = long_tts.generate("Watermark test.", watermark=False, **kw)
        audio = long_tts.generate("Watermark test.", **kw)
        assert audio.samples.shape == plain.samples.shape and not np.array_equal(audio.samples, plain.samples)
        assert np.array_equal(
            audio.samples, apply_watermark(plain.samples, SR, KEY, model_id_for(long_tts.folder.name))
        )
        joined = np.concatenate(list(long_tts.stream("Watermark test.", **kw)))
        raw = np.concatenate(list(long_tts.stream("Watermark test.", watermark=False, **kw)))
        # Chunk by chunk, the stream gets exactly the mark of its joined waveform (the unmarked stream itself
        # matches generate to within 1e-4, tests/test_generate.py).
        assert np.array_equal(joined, apply_watermark(raw, SR, KEY, model_id_for(long_tts.folder.name)))
        assert np.abs(joined - audio.samples).max() < 1e-4
        (batch,) = long_tts.generate_batch([Request("Watermark test.", **kw)])
        assert np.array_equal(batch.samples, audio.samples)
        assert detect_watermark(joined, SR, [KEY]).present
        path = audio.save(tmp_path / "out.flac")
        tags = sf.SoundFile(str(path)).copy_metadata()
        assert tags["software"].startswith("voxtral-tts") and long_tts.folder.name in tags["comment"]
        assert "AI-generated" in tags["comment"] and tags["date"].endswith("Z")
    finally:
        long_tts.watermark_key = None


def test_turning_the_mark_off_is_logged(long_tts, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="voxtral_tts.watermark"):
        long_tts.generate("Off.", voice="tiny_male", seed=0, max_seconds=0.4, watermark=False)
    assert any("watermark disabled" in r.getMessage() for r in caplog.records)


# -- keys -----------------------------------------------------------------------------------------------------


def test_deployment_key_is_created_once_private_and_reused(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("VOXTRAL_WATERMARK_KEY", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    k1 = resolve_key()
    path = tmp_path / "cfg" / "voxtral-tts" / "watermark-key.json"
    assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert resolve_key() == k1 and k1.key_id != 0 and "secret" not in repr(k1)
    other = save_key(new_key(77), tmp_path / "k.json")
    monkeypatch.setenv("VOXTRAL_WATERMARK_KEY", str(other))
    assert resolve_key().key_id == 77


def test_unwritable_config_falls_back_to_the_public_key(tmp_path, monkeypatch, caplog) -> None:
    monkeypatch.delenv("VOXTRAL_WATERMARK_KEY", raising=False)
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(ro))
    try:
        if os.access(ro, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
        with caplog.at_level(logging.WARNING):
            assert resolve_key() is PUBLIC_KEY
        assert "PUBLIC key" in caplog.text
    finally:
        ro.chmod(0o700)


def test_bad_key_files_give_one_line_errors(tmp_path) -> None:
    from voxtral_tts.watermark.errors import WatermarkKeyError

    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(WatermarkKeyError, match="not a watermark key file"):
        load_key(tmp_path / "bad.json")
    with pytest.raises(WatermarkKeyError, match="not found"):
        load_key(tmp_path / "none.json")
    save_key(KEY, tmp_path / "k.json")
    with pytest.raises(WatermarkKeyError, match="refusing to overwrite"):
        save_key(KEY, tmp_path / "k.json")


# -- command line ---------------------------------------------------------------------------------------------


def test_cli_detect_speak_and_no_watermark(long_dir, tmp_path, speech, marked, capsys, caplog) -> None:
    from voxtral_tts.cli import main

    key_file = save_key(KEY, tmp_path / "key.json")
    sf.write(tmp_path / "marked.flac", marked, SR)
    sf.write(tmp_path / "plain.wav", speech[0], SR)
    assert main(["detect", str(tmp_path / "marked.flac"), str(tmp_path / "plain.wav"), "--key", str(key_file)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "WATERMARK PRESENT" in out[0] and "key id 0x1234" in out[0] and "no watermark found" in out[1]
    assert main(["detect", str(tmp_path / "marked.flac"), "--key", str(key_file), "--json"]) == 0
    (res,) = json.loads(capsys.readouterr().out)
    assert res["present"] and res["payload_ok"] and res["model"] == MODEL and res["confidence"] > 0.999

    common = ["--model", str(long_dir), "--voice", "tiny_male", "--seed", "1", "--max-seconds", "3"]
    on, off = tmp_path / "on.wav", tmp_path / "off.wav"
    assert main(["speak", "Hello there.", *common, "-o", str(on), "--watermark-key", str(key_file)]) == 0
    with caplog.at_level(logging.WARNING):
        assert main(["speak", "Hello there.", *common, "-o", str(off), "--no-watermark"]) == 0
    assert "watermark disabled" in caplog.text
    assert detect_watermark(*sf.read(on, dtype="float32"), [KEY]).present
    assert not detect_watermark(*sf.read(off, dtype="float32"), [KEY]).present
    assert "AI-generated" in sf.SoundFile(str(on)).copy_metadata()["comment"]
    assert "NOT watermarked" in sf.SoundFile(str(off)).copy_metadata()["comment"]


def test_cli_keygen(tmp_path, capsys) -> None:
    from voxtral_tts.cli import main

    assert main(["watermark", "keygen", "--out", str(tmp_path / "k.json"), "--key-id", "42"]) == 0
    assert load_key(tmp_path / "k.json").key_id == 42
    assert main(["watermark", "keygen", "--out", str(tmp_path / "k.json")]) == 1
    assert "refusing to overwrite" in capsys.readouterr().err


# -- server ---------------------------------------------------------------------------------------------------


def test_server_marks_responses_and_detects(tts, tmp_path, monkeypatch) -> None:
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    from voxtral_tts.server.app import create_app
    from voxtral_tts.server.config import ServerConfig

    tts.watermark_key = KEY
    try:
        app = create_app(tts, ServerConfig(data_dir=tmp_path, max_seconds=4.0))
        with TestClient(app) as c:
            body = {"input": "A marked reply.", "voice": "tiny_male", "seed": 3, "response_format": "wav"}
            r = c.post("/v1/audio/speech", json=body)
            assert r.status_code == 200
            wav = r.content
            d = c.post("/v1/audio/detect", files={"file": ("reply.wav", wav, "audio/wav")})
            assert d.status_code == 200, d.text
            got = d.json()
            assert got["present"] and got["payload"]["key_id"] == "0x1234" and got["payload"]["verified"]
            plain = c.post("/v1/audio/detect", content=_wav_bytes(synthetic_speech(4.0, 5)))
            assert plain.status_code == 200 and not plain.json()["present"]
            bad = c.post("/v1/audio/detect", content=b"not audio")
            assert bad.status_code == 400 and bad.json()["error"]["param"] == "file"
    finally:
        tts.watermark_key = None


def _wav_bytes(x: np.ndarray) -> bytes:
    import io

    buf = io.BytesIO()
    sf.write(buf, x, SR, format="WAV")
    return buf.getvalue()


def test_cli_signs_a_c2pa_manifest_when_given_credentials(long_dir, tmp_path) -> None:
    pytest.importorskip("c2pa")
    pytest.importorskip("cryptography")
    from voxtral_tts.cli import main
    from voxtral_tts.watermark.c2pa import make_test_credentials, read_manifest

    chain, pem = make_test_credentials(tmp_path / "creds")
    out = tmp_path / "signed.wav"
    args = ["speak", "Signed.", "--model", str(long_dir), "--voice", "tiny_male", "--seed", "1", "--max-seconds", "1"]
    assert main([*args, "-o", str(out), "--c2pa-cert", str(chain), "--c2pa-key", str(pem)]) == 0
    store = read_manifest(out)
    action = store["manifests"][store["active_manifest"]]["assertions"][0]["data"]["actions"][0]
    assert action["digitalSourceType"].endswith("trainedAlgorithmicMedia")
    assert action["parameters"]["model"] == long_dir.name and "watermarked" in action["parameters"]["watermark"]
    # Only trust is missing (a throwaway CA); the signature and the audio's hash check out.
    assert {s["code"] for s in store.get("validation_status", [])} <= {"signingCredential.untrusted"}
    assert "AI-generated" in sf.SoundFile(str(out)).copy_metadata()["comment"]
