"""Whole-request generation is pluggable: a `Generation` may speak one request as several."""

from __future__ import annotations

import numpy as np
import pytest
from test_server_fixtures import LiveServer, pcm_of, reference, s16, watermarked

from voxtral_tts import VoxtralTTS
from voxtral_tts.server.prompts import GenerationSpec, frame_request
from voxtral_tts.server.scheduler import SinglePass


class PerSentence:
    """Each sentence its own request, one after another; the audio joined."""

    def __init__(self, tts: VoxtralTTS, spec: GenerationSpec) -> None:
        parts = [p.strip() + "." for p in spec.text.split(".") if p.strip()]
        self.passes = [
            SinglePass(
                frame_request(tts, p, spec.voice, spec.seed + i, spec.cfg_alpha, 1.0, spec.max_len), tts.model.codec
            )
            for i, p in enumerate(parts)
        ]
        self.k = 0
        self.requests = 0

    def next_request(self):
        while self.k < len(self.passes):
            req = self.passes[self.k].next_request()
            if req is not None:
                self.requests += 1
                return req
            self.k += 1
        return None

    def push(self, frame):
        return self.passes[self.k].push(frame)

    def end(self, stop_reason):
        return self.passes[self.k].end(stop_reason)

    def finish(self):
        return []


def test_a_generation_can_make_several_requests(long_tts: VoxtralTTS, tmp_path) -> None:
    made = []

    def factory(tts, spec):
        made.append(PerSentence(tts, spec))
        return made[-1]

    text = "First part here. Second part. Third."
    with LiveServer(long_tts, data_dir=tmp_path, generation=factory, max_batch=2) as s, s.client() as c:
        r = c.post("/v1/audio/speech", json={"input": text, "voice": "tiny_male", "seed": 5, "response_format": "pcm"})
        assert r.status_code == 200
        # Other requests can join between the parts.
        r2 = c.post("/v1/audio/speech", json={"input": text, "voice": "tiny_male", "seed": 5, "response_format": "pcm"})
        assert r2.content == r.content
    assert made[0].requests == 3
    parts = ["First part here.", "Second part.", "Third."]
    expect = watermarked(
        long_tts,
        np.concatenate(
            [
                reference(long_tts, p, voice="tiny_male", seed=5 + i, max_seconds=1.0, marked=False)
                for i, p in enumerate(parts)
            ]
        ),
    )
    got = pcm_of(r.content)
    assert got.size == expect.size == 3 * 13 * 1920
    assert np.abs(got.astype(int) - s16(expect).astype(int)).max() <= 1


def test_the_long_form_job_plugs_in(tts: VoxtralTTS, tmp_path) -> None:
    longform = pytest.importorskip("voxtral_tts.longform")
    if not hasattr(longform, "LongFormJob"):
        pytest.skip("no LongFormJob in this tree")

    def factory(tts_, spec):
        return longform.LongFormJob(
            tts_, spec.text, voice=spec.voice.preset, seed=spec.seed, max_seconds=spec.max_seconds
        )

    text = "It costs 12 dollars. Then we leave at 5 pm."
    with LiveServer(tts, data_dir=tmp_path, generation=factory, max_seconds=20.0) as s, s.client() as c:
        r = c.post(
            "/v1/audio/speech", json={"input": text, "voice": "tiny_female", "seed": 2, "response_format": "pcm"}
        )
    assert r.status_code == 200
    blocks = list(longform.stream_speech(tts, text, voice="tiny_female", seed=2, max_seconds=20.0))
    expect = watermarked(tts, np.concatenate(blocks) if blocks else np.zeros(0, np.float32))
    assert np.array_equal(pcm_of(r.content), s16(expect))
