"""Consent before cloning: records, spoken-consent refusals, the audit log, the CLI and the server."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
import soundfile as sf

from voxtral_tts.consent import (
    AuditLog,
    authorize_clone,
    make_record,
    phrase_score,
    verify_spoken_consent,
)
from voxtral_tts.watermark.errors import ConsentError

SR = 24000
REF_SECONDS, CLIP_SECONDS = 4.0, 2.5

# The fake judges read these, so each test decides what was "heard" and how alike the voices are.
HEARD = {"text": "I agree to have my voice cloned."}
SIMILARITY = {"value": 0.95}


class FakeASR:
    name = "fake-asr"

    def transcribe(self, samples: np.ndarray, sample_rate: int, lang: str) -> str:
        return HEARD["text"]


class FakeSpeaker:
    """The reference embeds as [1, 0]; any other clip at SIMILARITY to it."""

    name = "fake-speaker"

    def embed(self, samples: np.ndarray, sample_rate: int) -> np.ndarray:
        if abs(samples.size / sample_rate - REF_SECONDS) < 0.1:
            return np.array([1.0, 0.0])
        s = SIMILARITY["value"]
        return np.array([s, np.sqrt(max(0.0, 1 - s * s))])


@pytest.fixture(autouse=True)
def _reset_judges():
    HEARD["text"], SIMILARITY["value"] = "I agree to have my voice cloned.", 0.95
    yield


def voiced(seconds: float, f0: float = 140.0) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    return (0.3 * np.sin(2 * np.pi * f0 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t))).astype(np.float32)


def wav(x: np.ndarray) -> bytes:
    buf = io.BytesIO()
    sf.write(buf, x, SR, format="WAV")
    return buf.getvalue()


# -- records and the log ----------------------------------------------------------------------------------------


def test_a_record_needs_who_what_use_and_a_valid_when() -> None:
    with pytest.raises(ConsentError, match="who consents is missing"):
        make_record("", "audiobook narration")
    with pytest.raises(ConsentError, match="use consented to is missing"):
        make_record("Ada Lovelace", "  ")
    with pytest.raises(ConsentError, match="not an ISO 8601"):
        make_record("Ada Lovelace", "audiobook", "last tuesday")
    with pytest.raises(ConsentError, match="in the future"):
        make_record("Ada Lovelace", "audiobook", "2999-01-01")
    r = make_record(" Ada Lovelace ", "audiobook narration", "2026-11-20")
    assert r.speaker == "Ada Lovelace" and r.given_at == "2026-11-20T00:00:00Z" and not r.verified
    assert make_record("Ada", "demo").given_at.endswith("Z")


def test_audit_log_is_append_only_and_tamper_evident(tmp_path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    for i in range(3):
        log.append("consent_recorded", n=i)
    assert log.verify() == 3 and [e["n"] for e in log.entries()] == [0, 1, 2]
    lines = (tmp_path / "audit.jsonl").read_text().splitlines()
    lines[1] = lines[1].replace('"n": 1', '"n": 7')
    (tmp_path / "audit.jsonl").write_text("\n".join(lines) + "\n")
    with pytest.raises(ConsentError, match="entry 2 does not follow"):
        log.verify()
    (tmp_path / "audit.jsonl").write_text("\n".join([lines[0], lines[2]]) + "\n")
    with pytest.raises(ConsentError, match="entry 2 does not follow"):
        log.verify()


def test_phrase_matching_tolerates_asr_noise_but_not_a_different_sentence() -> None:
    phrase = "I agree to have my voice cloned"
    assert phrase_score("Yes. I agree to have my voice cloned, for the record.", phrase) == 1.0
    assert phrase_score("i agree to have my voice clone", phrase) >= 0.8
    assert phrase_score("I do not want my voice used", phrase) < 0.8
    assert phrase_score("", phrase) == 0.0


# -- spoken consent ---------------------------------------------------------------------------------------------


def _check(tmp_path, **kw):
    record = make_record("Ada Lovelace", "audiobook narration")
    log = AuditLog(tmp_path / "audit.jsonl")
    args = dict(reference=(voiced(REF_SECONDS), SR), consent_audio=(voiced(CLIP_SECONDS), SR), verify=True)
    args.update(kw)
    return record, log, authorize_clone(record, log, asr=FakeASR(), speaker_encoder=FakeSpeaker(), **args)


def test_spoken_consent_passes_and_is_logged(tmp_path) -> None:
    record, log, out = _check(tmp_path)
    assert out.verified and out.verification["phrase_score"] == 1.0 and out.verification["similarity"] > 0.9
    (entry,) = log.entries()
    assert entry["event"] == "consent_recorded" and entry["record"]["speaker"] == "Ada Lovelace"
    assert entry["record"]["verification"]["asr"] == "fake-asr"


@pytest.mark.parametrize(
    ("heard", "similarity", "reason"),
    [
        ("Please clone someone else entirely.", 0.95, "was not heard"),
        ("I agree to have my voice cloned.", 0.40, "does not match the reference"),
        ("Nothing of the sort.", 0.10, "was not heard"),
    ],
)
def test_spoken_consent_refusals_are_raised_and_logged(tmp_path, heard, similarity, reason) -> None:
    HEARD["text"], SIMILARITY["value"] = heard, similarity
    with pytest.raises(ConsentError, match=reason):
        _check(tmp_path)
    (entry,) = AuditLog(tmp_path / "audit.jsonl").entries()
    assert entry["event"] == "consent_refused" and reason in entry["reason"]
    assert entry["details"]["transcript"] == heard


def test_verification_without_a_clip_is_refused(tmp_path) -> None:
    with pytest.raises(ConsentError, match="none was given"):
        _check(tmp_path, consent_audio=None)
    assert AuditLog(tmp_path / "audit.jsonl").entries()[0]["event"] == "consent_refused"


def test_phrase_template_names_the_speaker(tmp_path) -> None:
    record = make_record("Ada", "tests")
    HEARD["text"] = "I, Ada, agree that my voice may be cloned for tests."
    out = verify_spoken_consent(
        record,
        (voiced(CLIP_SECONDS), SR),
        (voiced(REF_SECONDS), SR),
        FakeASR(),
        FakeSpeaker(),
        phrase="I {speaker} agree that my voice may be cloned for {use}",
    )
    assert out["phrase"] == "I Ada agree that my voice may be cloned for tests"


# -- command line -----------------------------------------------------------------------------------------------


def test_cli_voice_create_requires_consent_and_logs_it(tiny_dir, tmp_path, ref_wav, capsys) -> None:
    import shutil

    from voxtral_tts.cli import main

    model = tmp_path / "model"
    shutil.copytree(tiny_dir, model)
    audit = tmp_path / "audit.jsonl"
    base = ["voice", "create", "--model", str(model), "--ref", str(ref_wav), "--audit-log", str(audit)]
    assert main([*base, "--name", "nobody"]) == 1
    assert "who consents is missing" in capsys.readouterr().err
    assert not (model / "voice_embedding" / "nobody.pt").exists()

    consent = ["--consent-speaker", "Ada Lovelace", "--consent-use", "audiobook narration"]
    assert main([*base, "--name", "ada", *consent, "--consent-date", "2026-11-01"]) == 0
    assert (model / "voice_embedding" / "ada.pt").exists()
    saved = json.loads((model / "voice_embedding" / "ada.consent.json").read_text())
    assert saved["speaker"] == "Ada Lovelace" and saved["given_at"] == "2026-11-01T00:00:00Z"
    events = [e["event"] for e in AuditLog(audit).entries()]
    assert events == ["consent_recorded", "voice_created"] and AuditLog(audit).verify() == 2

    # Spoken consent checked by the judges (fakes here, through the judges' module:factory plug-in).
    clip = tmp_path / "consent.wav"
    sf.write(clip, voiced(CLIP_SECONDS), SR)
    judges = ["--consent-asr", "test_consent:FakeASR", "--consent-speaker-encoder", "test_consent:FakeSpeaker"]
    SIMILARITY["value"] = 0.3
    r = main([*base, "--name", "imposter", *consent, "--verify-consent", str(clip), *judges])
    assert r == 1 and "does not match the reference" in capsys.readouterr().err
    assert not (model / "voice_embedding" / "imposter.pt").exists()
    SIMILARITY["value"] = 0.97
    assert main([*base, "--name", "verified", *consent, "--verify-consent", str(clip), *judges]) == 0
    events = [e["event"] for e in AuditLog(audit).entries()]
    assert events[2:] == ["consent_refused", "consent_recorded", "voice_created"]
    assert json.loads((model / "voice_embedding" / "verified.consent.json").read_text())["verified"] is True


# -- server -----------------------------------------------------------------------------------------------------


def test_server_voice_creation_and_clone_policy(tts, tmp_path) -> None:
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    from voxtral_tts.server.app import create_app
    from voxtral_tts.server.config import ServerConfig

    config = ServerConfig(
        data_dir=tmp_path,
        verify_consent=True,
        clone_policy="registered-only",
        consent_judges=lambda: (FakeASR(), FakeSpeaker()),
        max_seconds=1.0,
    )
    ref = wav(voiced(REF_SECONDS))
    with TestClient(create_app(tts, config)) as c:

        def create(name: str, clip: bytes | None = wav(voiced(CLIP_SECONDS)), **fields):
            data = {"name": name, "consent": "true", **fields}
            files = {"audio": ("ref.wav", ref, "audio/wav")}
            if clip is not None:
                files["consent_audio"] = ("consent.wav", clip, "audio/wav")
            return c.post("/v1/audio/voices", data=data, files=files)

        who = {"consent_speaker": "Ada Lovelace", "consent_use": "support line", "consent_date": "2026-11-02"}
        r = create("v1", consent_use="support line")
        assert r.status_code == 400 and r.json()["error"]["code"] == "consent_required"
        assert r.json()["error"]["param"] == "consent_speaker"
        r = create("v1", clip=None, **who)
        assert r.status_code == 400 and r.json()["error"]["param"] == "consent_audio"
        HEARD["text"] = "no thanks"
        r = create("v1", **who)
        assert r.status_code == 403 and r.json()["error"]["code"] == "consent_refused"
        HEARD["text"] = "I agree to have my voice cloned"
        r = create("v1", **who)
        assert r.status_code == 201, r.text

        # registered-only: a raw reference in a speech request is refused; the registered voice is not.
        speech = {"input": "Hello.", "response_format": "pcm"}
        import base64

        r = c.post("/v1/audio/speech", json={**speech, "ref_audio": base64.b64encode(ref).decode()})
        assert r.status_code == 403 and r.json()["error"]["code"] == "clone_policy"
        assert c.post("/v1/audio/speech", json={**speech, "voice": "v1"}).status_code == 200

    events = [(e["event"], e.get("where")) for e in AuditLog(tmp_path / "audit.jsonl").entries()]
    assert events == [("consent_refused", "server"), ("consent_recorded", "server"), ("voice_created", "server")]
