"""The server's output path and scheduler plug-in point, without HTTP."""

from __future__ import annotations

import io
import struct

import numpy as np
import pytest
import soundfile as sf

from voxtral_tts.server import output
from voxtral_tts.server.output import OGG_SERIAL, Encoder, OutputStream, TimeStretch, wav_header

SR = 24000


def sweep(seconds: float = 3.0) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    return (0.3 * np.sin(2 * np.pi * 220 * t) * (1 + 0.5 * np.sin(2 * np.pi * 3 * t))).astype(np.float32)


def pieces(x: np.ndarray, seed: int) -> list[np.ndarray]:
    cuts = np.sort(np.random.default_rng(seed).integers(0, x.size, 6))
    return np.split(x, cuts)


@pytest.mark.parametrize("speed", [0.25, 0.5, 0.9, 1.0, 1.5, 2.0, 4.0])
def test_time_stretch_keeps_pitch_and_does_not_depend_on_cuts(speed: float) -> None:
    x = sweep()
    a = TimeStretch(speed)
    whole = np.concatenate([a.push(x), a.flush()])
    b = TimeStretch(speed)
    cut = np.concatenate([*(b.push(p) for p in pieces(x, 1)), b.flush()])
    assert np.array_equal(whole, cut)
    assert whole.size == round(x.size / speed)
    spec = np.abs(np.fft.rfft(whole[2000:-2000] * np.hanning(whole.size - 4000)))
    peak = np.fft.rfftfreq(whole.size - 4000, 1 / SR)[spec.argmax()]
    assert abs(peak - 220) < 3  # the pitch stays
    assert np.abs(whole).max() < 0.5


def test_time_stretch_rejects_out_of_range_speeds() -> None:
    for bad in (0.2, 4.01):
        with pytest.raises(ValueError, match="between 0.25 and 4.0"):
            TimeStretch(bad)


@pytest.mark.parametrize("fmt", ["wav", "pcm", "flac", "mp3", "opus"])
def test_encoders_give_the_same_bytes_however_the_audio_is_cut(fmt: str) -> None:
    x = sweep(2.0)
    outs = []
    for seed in (None, 2):
        enc = Encoder(fmt, SR)
        parts = [x] if seed is None else pieces(x, seed)
        streamed = b"".join(enc.push(p) for p in parts) + enc.finish()
        outs.append((streamed, enc.file()))
    assert outs[0] == outs[1]
    streamed, whole = outs[0]
    assert len(streamed) == len(whole)
    if fmt != "pcm":
        data, sr = sf.read(io.BytesIO(whole))
        assert sr == SR and abs(data.size - x.size) < 2000


def test_opus_pages_have_a_fixed_serial_and_valid_crcs() -> None:
    enc = Encoder("opus", SR)
    data = enc.push(sweep(1.0)) + enc.finish()
    i, pages = 0, 0
    while i < len(data):
        assert data[i : i + 4] == b"OggS"
        n = data[i + 26]
        size = 27 + n + sum(data[i + 27 : i + 27 + n])
        page = bytearray(data[i : i + size])
        assert struct.unpack("<I", page[14:18])[0] == OGG_SERIAL
        crc = struct.unpack("<I", page[22:26])[0]
        page[22:26] = b"\0\0\0\0"
        assert output._ogg_crc(bytes(page)) == crc
        i, pages = i + size, pages + 1
    assert pages >= 3


def test_wav_headers() -> None:
    assert wav_header(SR, None)[4:8] == b"\xff\xff\xff\xff"
    h = wav_header(SR, 480)
    assert struct.unpack("<I", h[4:8])[0] == 516 and struct.unpack("<I", h[40:44])[0] == 480
    enc = Encoder("wav", SR)
    assert enc.finish() == wav_header(SR, None)  # an empty stream is a header alone
    assert enc.file() == wav_header(SR, 0)


def test_every_outgoing_waveform_passes_postprocess(monkeypatch: pytest.MonkeyPatch) -> None:
    x = sweep(1.0)
    plain = OutputStream("pcm", SR, speed=1.5)
    ref = np.frombuffer(plain.push(x) + plain.finish(), "<i2")
    # Starts at full level: the first half frame is the input itself.
    assert np.abs(ref[:400].astype(int) - np.round(x[:400] * 32767).astype(int)).max() <= 1
    seen = []

    def mark(samples: np.ndarray, sample_rate: int) -> np.ndarray:
        seen.append(samples.size)
        return samples * 0.5

    monkeypatch.setattr(output, "postprocess", mark)
    out = OutputStream("pcm", SR, speed=1.5)
    data = b"".join(out.push(p) for p in pieces(x, 3)) + out.finish()
    assert sum(seen) == len(data) // 2 == round(x.size / 1.5)
    assert np.abs(np.frombuffer(data, "<i2").astype(int) - ref.astype(int) // 2).max() <= 1
