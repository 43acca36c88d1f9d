"""The HTTP API against live servers on the tiny models: formats, streaming, voices, keys, limits."""

from __future__ import annotations

import base64
import io
import json
import struct

import numpy as np
import pytest
import soundfile as sf
from test_server_fixtures import (
    ALICE,
    BOB,
    SR,
    LiveServer,
    api_server_fixture,  # noqa: F401 (a fixture)
    pcm_of,
    reference,
    s16,
    tone,
)

from voxtral_tts import VoxtralTTS

TEXT = "Hello from the server."
# The consent record every voice creation carries (docs/watermark.md): who agreed, and to what use.
RECORD = {"consent_speaker": "Alice Example", "consent_use": "server tests"}


def speech(client, **fields):
    body = {"model": "tiny", "input": TEXT, "voice": "tiny_male", "seed": 7, **fields}
    return client.post("/v1/audio/speech", json=body)


def stream_bytes(client, **fields) -> tuple[list[bytes], dict]:
    body = {"model": "tiny", "input": TEXT, "voice": "tiny_male", "seed": 7, **fields}
    with client.stream("POST", "/v1/audio/speech", json=body) as r:
        assert r.status_code == 200, r.read()
        return list(r.iter_raw()), dict(r.headers)


def assert_error(r, status: int, param: str | None = None, code: str | None = None) -> dict:
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert set(err) == {"message", "type", "param", "code"} and err["message"] and "\n" not in err["message"]
    if param is not None:
        assert err["param"] == param
    if code is not None:
        assert err["code"] == code
    return err


# -- keys --------------------------------------------------------------------------------------


def test_every_route_but_health_needs_a_key(api_server: LiveServer) -> None:
    with api_server.client() as c:
        assert c.get("/health").json()["status"] == "ok"
        for method, path in [
            ("GET", "/metrics"),
            ("GET", "/v1/models"),
            ("GET", "/v1/audio/voices"),
            ("POST", "/v1/audio/voices"),
            ("DELETE", "/v1/audio/voices/x"),
            ("POST", "/v1/audio/speech"),
            ("GET", "/openapi.json"),
            ("GET", "/docs"),
            ("GET", "/nowhere"),
        ]:
            r = c.request(method, path, json={"input": "hi"} if method == "POST" else None)
            err = assert_error(r, 401, code="invalid_api_key")
            assert err["type"] == "authentication_error" and r.headers["www-authenticate"] == "Bearer"
        # The page answers 401 too, with a sign-in page that asks for the key (no data in it).
        r = c.get("/")
        assert r.status_code == 401 and "API key" in r.text
    with api_server.client("wrong-key-123") as c:
        assert_error(c.get("/v1/models"), 401)
    with api_server.client(ALICE) as c:
        assert c.get("/").status_code == 200
        assert c.get("/v1/models").json()["data"][0]["id"] == "tiny"
    with api_server.client() as c:
        assert_error(c.get("/v1/models", headers={"Authorization": f"Basic {ALICE}"}), 401)


# -- speech ------------------------------------------------------------------------------------


def test_wav_matches_the_python_api(api_server: LiveServer, tts: VoxtralTTS) -> None:
    with api_server.client(ALICE) as c:
        r = speech(c, response_format="wav", stream=False)
    assert r.status_code == 200 and r.headers["content-type"] == "audio/wav"
    assert r.headers["x-voxtral-seed"] == "7"
    data, sr = sf.read(io.BytesIO(r.content), dtype="int16")
    expect = reference(tts, TEXT, voice="tiny_male", seed=7, max_seconds=3.0)
    assert sr == SR and data.shape == expect.shape
    # Streamed decode agrees with one-shot decode to float rounding: at most one step of 16-bit.
    assert np.abs(data.astype(int) - s16(expect).astype(int)).max() <= 1


@pytest.mark.parametrize("fmt", ["wav", "pcm", "flac", "mp3", "opus"])
@pytest.mark.parametrize("speed", [1.0, 1.5])
def test_streamed_bytes_join_to_the_complete_file(api_server: LiveServer, fmt: str, speed: float) -> None:
    with api_server.client(ALICE) as c:
        chunks, headers = stream_bytes(c, response_format=fmt, speed=speed)
        whole = speech(c, response_format=fmt, speed=speed, stream=False)
    assert whole.status_code == 200 and int(whole.headers["content-length"]) == len(whole.content)
    streamed = b"".join(chunks)
    assert headers["content-type"] == whole.headers["content-type"] and "transfer-encoding" in headers
    assert len(streamed) == len(whole.content)
    # Only what a stream cannot know in advance differs: the header fields that hold the length.
    header = {"wav": 44, "pcm": 0, "flac": 42, "mp3": 192, "opus": 0}[fmt]
    assert streamed[header:] == whole.content[header:]
    if fmt in ("pcm", "opus"):
        assert streamed == whole.content
    if fmt == "wav":
        assert streamed[4:8] == streamed[40:44] == b"\xff\xff\xff\xff"  # one header, for a stream of unknown length
        assert streamed.count(b"RIFF") == 1
        n = len(whole.content) - 44
        assert whole.content[4:8] == struct.pack("<I", 36 + n) and whole.content[40:44] == struct.pack("<I", n)
        assert streamed[:4] + whole.content[4:8] + streamed[8:40] + whole.content[40:44] == whole.content[:44]
    if fmt != "pcm":
        data, sr = sf.read(io.BytesIO(whole.content))
        assert sr == SR and data.size > 0


def test_pcm_is_raw_s16le_and_speed_stretches_time(api_server: LiveServer) -> None:
    with api_server.client(ALICE) as c:
        one = speech(c, response_format="pcm", stream=False)
        fast = speech(c, response_format="pcm", stream=False, speed=2.0)
        slow = speech(c, response_format="pcm", stream=False, speed=0.5)
        wav = speech(c, response_format="wav", stream=False)
        for bad in (0.2, 4.5):
            assert_error(speech(c, speed=bad), 400, param="speed")
    assert one.headers["content-type"] == "audio/pcm" and one.content == wav.content[44:]
    n = len(one.content) // 2
    assert len(fast.content) // 2 == round(n / 2) and len(slow.content) // 2 == n * 2


def test_sse_sends_base64_chunks_and_a_final_event(api_server: LiveServer) -> None:
    with api_server.client(ALICE) as c:
        chunks, headers = stream_bytes(c, response_format="pcm", stream_format="sse")
        raw = speech(c, response_format="pcm").content
    assert headers["content-type"].startswith("text/event-stream")
    events = [json.loads(line[6:]) for line in b"".join(chunks).decode().split("\n\n") if line.startswith("data: ")]
    assert [e["type"] for e in events[:-1]] == ["speech.audio.delta"] * (len(events) - 1)
    assert events[-1]["type"] == "speech.audio.done" and events[-1]["seed"] == 7
    assert events[-1]["usage"]["output_tokens"] == len(raw) // 2 // 1920
    assert b"".join(base64.b64decode(e["audio"]) for e in events[:-1]) == raw


def test_seed_voice_object_cfg_and_model_aliases(api_server: LiveServer) -> None:
    with api_server.client(ALICE) as c:
        a = speech(c, response_format="pcm").content
        assert speech(c, response_format="pcm", voice={"id": "tiny_male"}).content == a
        assert speech(c, response_format="pcm", model="tts-1").content == a
        assert speech(c, response_format="pcm", cfg_alpha=3.0).content != a
        assert speech(c, response_format="pcm", noise_scale=0.5).content != a
        assert_error(speech(c, noise_scale=5.0), 400, param="noise_scale")
        assert speech(c, response_format="pcm", seed=8).content != a
        other = speech(c, response_format="pcm", seed=None)
        assert other.status_code == 200 and int(other.headers["x-voxtral-seed"]) >= 0
        assert_error(speech(c, model="gpt-5"), 404, param="model")
        assert_error(speech(c, voice="alloy"), 400, param="voice")
        assert_error(speech(c, response_format="aac"), 400, param="response_format")
        assert_error(speech(c, input="   "), 400, param="input")
        assert_error(speech(c, seed=-1), 400, param="seed")
        assert_error(
            c.post("/v1/audio/speech", content=b"{not json", headers={"content-type": "application/json"}), 400
        )
        assert_error(c.post("/v1/audio/speech", content=b"hi", headers={"content-type": "text/plain"}), 400)
        assert_error(c.post("/v1/audio/speech", json=[1, 2]), 400)
        assert_error(c.get("/v1/audio/speech"), 405)
        assert_error(c.get("/v1/nothing"), 404)


def test_reference_audio_as_base64_or_upload(api_server: LiveServer, tts: VoxtralTTS) -> None:
    clip = tone(4.0)
    with api_server.client(ALICE) as c:
        b64 = speech(c, response_format="pcm", ref_audio=base64.b64encode(clip).decode()).content
        url = speech(c, response_format="pcm", ref_audio="data:audio/wav;base64," + base64.b64encode(clip).decode())
        form = c.post(
            "/v1/audio/speech",
            data={"model": "tiny", "input": TEXT, "seed": "7", "response_format": "pcm"},
            files={"ref_audio": ("ref.wav", clip, "audio/wav")},
        )
    assert form.status_code == 200 and form.content == b64 == url.content
    data, rate = sf.read(io.BytesIO(clip), dtype="float32")
    expect = reference(tts, TEXT, ref_audio=(data, rate), seed=7, max_seconds=3.0)
    assert np.abs(pcm_of(b64).astype(int) - s16(expect).astype(int)).max() <= 1


def test_output_does_not_depend_on_the_rest_of_the_batch(api_server: LiveServer) -> None:
    import concurrent.futures as cf

    with api_server.client(ALICE) as c:
        alone = speech(c, response_format="pcm").content
        with cf.ThreadPoolExecutor(6) as pool:
            others = [
                pool.submit(speech, c, response_format="pcm", seed=100 + i, input=f"Other text number {i}.")
                for i in range(5)
            ]
            mine = pool.submit(speech, c, response_format="pcm")
            assert all(f.result().status_code == 200 for f in others)
            assert mine.result().content == alone


# -- voices ------------------------------------------------------------------------------------


def test_cloned_voices_belong_to_their_key(api_server: LiveServer) -> None:
    clip = tone(5.0)
    form = {"name": "alice_voice", "consent": "true", **RECORD}
    with api_server.client(ALICE) as alice, api_server.client(BOB) as bob:
        r = alice.post("/v1/audio/voices", data=form, files={"audio": ("a.wav", clip, "audio/wav")})
        assert r.status_code == 201, r.text
        assert r.json()["id"] == "alice_voice" and r.json()["type"] == "cloned"
        assert "alice_voice" in alice.get("/v1/audio/voices").json()["voices"]
        assert "alice_voice" not in bob.get("/v1/audio/voices").json()["voices"]
        assert "tiny_male" in bob.get("/v1/audio/voices").json()["voices"]
        # Using the stored voice equals cloning from the same clip.
        stored = speech(alice, response_format="pcm", voice="alice_voice")
        direct = speech(alice, response_format="pcm", ref_audio=base64.b64encode(clip).decode())
        assert stored.status_code == 200 and stored.content == direct.content
        # Bob can neither use nor delete it; the answers do not reveal that it exists.
        assert_error(speech(bob, voice="alice_voice"), 400, param="voice")
        assert_error(bob.delete("/v1/audio/voices/alice_voice"), 404)
        # Bob may have his own voice of the same name.
        r = bob.post("/v1/audio/voices", data=form, files={"audio": ("b.wav", tone(3.5), "audio/wav")})
        assert r.status_code == 201
        assert_error(
            alice.post("/v1/audio/voices", data=form, files={"audio": ("a.wav", clip, "audio/wav")}),
            409,
            code="voice_exists",
        )
        assert_error(
            alice.post(
                "/v1/audio/voices",
                data={"name": "tiny_male", "consent": "true", **RECORD},
                files={"audio": ("a.wav", clip, "audio/wav")},
            ),
            409,
        )
        assert_error(alice.delete("/v1/audio/voices/tiny_male"), 400)
        assert alice.delete("/v1/audio/voices/alice_voice").json() == {
            "id": "alice_voice",
            "object": "voice",
            "deleted": True,
        }
        assert_error(alice.delete("/v1/audio/voices/alice_voice"), 404)
        assert "alice_voice" in bob.get("/v1/audio/voices").json()["voices"]
        assert bob.delete("/v1/audio/voices/alice_voice").status_code == 200


def test_voice_creation_checks_consent_name_and_clip(api_server: LiveServer) -> None:
    clip = tone(4.0)
    with api_server.client(ALICE) as c:

        def create(name: str, consent: str = "true", audio: bytes = clip):
            return c.post(
                "/v1/audio/voices",
                data={"name": name, "consent": consent, **RECORD},
                files={"audio": ("a.wav", audio, "audio/wav")},
            )

        assert_error(create("v1", consent="false"), 400, param="consent", code="consent_required")
        assert_error(c.post("/v1/audio/voices", data={"name": "v1", "consent": "true", **RECORD}), 400, param="audio")
        unnamed = {"name": "v1", "consent": "true", "consent_use": "tests"}
        r = c.post("/v1/audio/voices", data=unnamed, files={"audio": ("a.wav", clip, "audio/wav")})
        assert_error(r, 400, param="consent_speaker", code="consent_required")
        assert_error(c.post("/v1/audio/voices", json={"name": "v1"}), 400)
        for bad in ("../evil", "a/b", "..", ".hidden", "x" * 65, "sp ace", "", "a\\b", "a%2Fb"):
            assert_error(create(bad), 400, param="name")
        assert_error(create("short", audio=tone(2.0)), 400, param="audio", code="reference_duration")
        assert_error(create("long", audio=tone(31.0, rate=8000)), 400, param="audio", code="reference_duration")
        assert_error(create("junk", audio=b"RIFF not audio at all"), 400, param="audio")
        for bad in ("..%2F..%2Fetc", "%2e%2e", "a.b"):
            r = c.delete(f"/v1/audio/voices/{bad}")
            assert r.status_code in (400, 404), bad
    root = api_server.config.data_dir
    # Nothing landed outside the owners' voice folders but the consent audit log.
    stray = [p for p in root.rglob("*") if p.is_file() and p.parent.parent != root / "voices"]
    assert [p.relative_to(root) for p in stray if p != root / "audit.jsonl"] == []


def test_stored_voices_survive_a_restart(tts: VoxtralTTS, tmp_path) -> None:
    with LiveServer(tts, data_dir=tmp_path, api_keys=[ALICE], model_name="tiny") as s, s.client(ALICE) as c:
        r = c.post(
            "/v1/audio/voices",
            data={"name": "keeper", "consent": "yes", **RECORD},
            files={"audio": ("a.wav", tone(4.0), "audio/wav")},
        )
        assert r.status_code == 201
        before = speech(c, response_format="pcm", voice="keeper").content
    with LiveServer(tts, data_dir=tmp_path, api_keys=[ALICE, BOB], model_name="tiny") as s:
        with s.client(ALICE) as c:
            assert "keeper" in c.get("/v1/audio/voices").json()["voices"]
            assert speech(c, response_format="pcm", voice="keeper").content == before
        with s.client(BOB) as c:
            assert "keeper" not in c.get("/v1/audio/voices").json()["voices"]
    assert not (tts.folder / "voice_embedding" / "keeper.pt").exists()  # stored with the server, not the model


# -- limits ------------------------------------------------------------------------------------


def test_size_limits(api_server: LiveServer) -> None:
    cfg = api_server.config
    with api_server.client(ALICE) as c:
        assert_error(
            speech(c, input="a" * (cfg.max_input_chars + 1)), 400, param="input", code="string_above_max_length"
        )
        assert speech(c, input="a " * (cfg.max_input_chars // 2), response_format="pcm").status_code == 200
        # A body over the limit, declared or streamed without a length.
        big = b"x" * (cfg.max_body_bytes + 1)
        assert_error(c.post("/v1/audio/speech", content=big, headers={"content-type": "application/json"}), 413)
        assert_error(
            c.post(
                "/v1/audio/speech",
                content=iter([big[:100_000]] * (len(big) // 100_000 + 1)),
                headers={"content-type": "application/json"},
            ),
            413,
        )
        # An upload over the limit: as a file, as base64, as a voice.
        too_big = b"\0" * (cfg.max_upload_bytes + 10)
        r = c.post("/v1/audio/speech", data={"input": TEXT}, files={"ref_audio": ("r.wav", too_big, "audio/wav")})
        assert_error(r, 413, code="upload_too_large")
        r = speech(c, ref_audio=base64.b64encode(too_big).decode())
        assert r.status_code == 413
        r = c.post(
            "/v1/audio/voices",
            data={"name": "big", "consent": "true", **RECORD},
            files={"audio": ("a.wav", too_big, "audio/wav")},
        )
        assert_error(r, 413)
        # Reference duration: 3 to 30 s.
        for seconds in (1.0, 2.9, 30.5):
            r = speech(c, ref_audio=base64.b64encode(tone(seconds, rate=8000)).decode())
            assert_error(r, 400, param="ref_audio", code="reference_duration")
        assert speech(c, response_format="pcm", ref_audio=base64.b64encode(tone(3.1)).decode()).status_code == 200
        assert_error(speech(c, ref_audio="!!not base64!!"), 400, param="ref_audio")


def test_metrics_report_requests_errors_queue_ttfa_and_rtf(api_server: LiveServer) -> None:
    with api_server.client(ALICE) as c:
        assert speech(c, response_format="pcm").status_code == 200
        assert speech(c, voice="nobody").status_code == 400
        text = c.get("/metrics").text
    for name in (
        'voxtral_requests_total{method="POST",route="/v1/audio/speech",status="200"}',
        'voxtral_errors_total{route="/v1/audio/speech",status="400"}',
        "voxtral_queue_depth 0",
        "voxtral_active_requests",
        "voxtral_time_to_first_audio_seconds_count",
        "voxtral_rtf_count",
        'voxtral_rtf_bucket{le="+Inf"}',
    ):
        assert name in text, name
    count = [line for line in text.splitlines() if line.startswith("voxtral_time_to_first_audio_seconds_count")]
    assert int(count[0].split()[-1]) >= 1
