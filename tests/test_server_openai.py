"""The official `openai` client against the real `voxtral-tts serve` command on a tiny model."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from test_server_fixtures import ALICE, BOB, ServeProcess, tone

openai = pytest.importorskip("openai")


@pytest.fixture(scope="module")
def served(tiny_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    data = tmp_path_factory.mktemp("serve_cli")
    keys = data / "keys.txt"
    keys.write_text(f"# one key a line\n{BOB}\n")
    with ServeProcess(
        tiny_dir,
        data,
        "--api-key",
        ALICE,
        "--api-keys-file",
        str(keys),
        "--model-name",
        "voxtral-tiny",
        "--max-seconds",
        "3",
        "--threads",
        "1",
    ) as s:
        yield s


def client(served: ServeProcess, key: str = ALICE) -> openai.OpenAI:
    return openai.OpenAI(base_url=served.url + "/v1", api_key=key, max_retries=0, timeout=60)


def test_create_and_streaming_response_give_the_same_audio(served: ServeProcess) -> None:
    c = client(served)
    assert [m.id for m in c.models.list()] == ["voxtral-tiny"]
    assert "1 CPU thread(s) each for the frame loop and the decoder" in served.log.read_text()
    args = dict(
        model="voxtral-tiny", voice="tiny_female", input="Hello from the OpenAI client.", extra_body={"seed": 3}
    )
    wav = c.audio.speech.create(response_format="wav", **args)
    data, sr = sf.read(io.BytesIO(wav.content), dtype="int16")
    assert sr == 24000 and data.size > 0
    with c.audio.speech.with_streaming_response.create(response_format="wav", **args) as r:
        assert r.headers["content-type"] == "audio/wav"
        streamed = b"".join(r.iter_bytes())
    assert streamed == wav.content
    pcm = c.audio.speech.create(response_format="pcm", **args).content
    assert np.array_equal(np.frombuffer(pcm, "<i2"), data)
    mp3 = c.audio.speech.create(response_format="mp3", speed=1.25, **args)
    decoded, sr = sf.read(io.BytesIO(mp3.content))
    assert sr == 24000 and abs(decoded.size - round(data.size / 1.25)) < 2000
    # The Voxtral fields: a reference clip to clone (base64) and cfg_alpha.
    clip = base64.b64encode(tone(4.0)).decode()
    cloned = c.audio.speech.create(
        model="voxtral-tiny",
        voice="tiny_female",
        input="Cloned.",
        response_format="pcm",
        extra_body={"seed": 3, "ref_audio": clip, "cfg_alpha": 1.5},
    )
    assert len(cloned.content) > 0


def test_openai_errors_map_to_the_client_exceptions(served: ServeProcess) -> None:
    with pytest.raises(openai.AuthenticationError):
        client(served, key="not-a-valid-key").models.list()
    assert [m.id for m in client(served, key=BOB).models.list()] == ["voxtral-tiny"]  # from the keys file
    c = client(served)
    with pytest.raises(openai.BadRequestError, match="unknown voice"):
        c.audio.speech.create(model="voxtral-tiny", voice="alloy", input="Hi.")
    with pytest.raises(openai.NotFoundError):
        c.audio.speech.create(model="someone-else", voice="tiny_male", input="Hi.")
    with pytest.raises(openai.BadRequestError) as e:
        c.audio.speech.create(model="voxtral-tiny", voice="tiny_male", input="Hi.", speed=4.5)
    assert e.value.body["param"] == "speed"
