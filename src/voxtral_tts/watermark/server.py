"""The server's side of marking and consent: POST /v1/audio/detect, the clone policy, and consent records for
POST /v1/audio/voices. Imported by server/app.py only (it needs FastAPI)."""

from __future__ import annotations

import io
import logging
from typing import Any

import numpy as np
import soundfile as sf
from fastapi import FastAPI, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from ..audio import load_audio
from ..consent import AuditLog, ConsentRecord, authorize_clone, make_record, record_voice_created
from ..errors import VoxtralError
from ..server.errors import APIError
from .detect import detect_watermark
from .errors import ConsentError
from .keys import PUBLIC_KEY, WatermarkKey, resolve_key

log = logging.getLogger(__name__)

CLONE_POLICIES = ("open", "registered-only")


def check_clone_policy(policy: str, has_ref_audio: bool) -> None:
    """Refuse raw reference audio in speech requests under the registered-only policy."""
    if has_ref_audio and policy == "registered-only":
        raise APIError(
            403,
            "this server does not clone from ref_audio in speech requests; register the voice with POST "
            "/v1/audio/voices (which records the speaker's consent) and use its name",
            param="ref_audio",
            code="clone_policy",
        )


def _keys(tts) -> list[WatermarkKey]:
    own = tts.watermark_key or resolve_key(create=False)
    return [own] if own.key_id == PUBLIC_KEY.key_id else [own, PUBLIC_KEY]


def detection_body(det, model_name: str) -> dict[str, Any]:
    d = det.to_dict()
    payload = None
    if det.present:
        payload = {
            "model_id": f"{det.model_id:#06x}",
            "model": det.model,
            "key_id": f"{det.payload_key_id:#06x}",
            "verified": det.payload_ok,
        }
    return {
        "object": "audio.watermark_detection",
        "present": det.present,
        "confidence": d["confidence"],
        "z": d["z"],
        "p_value": d["p_value"],
        "key_id": None if det.key_id is None else f"{det.key_id:#06x}",
        "payload": payload,
        "speed": d["speed"],
        "seconds": d["seconds"],
        "scheme": det.scheme,
        "notes": det.notes,
    }


def add_watermark_routes(app: FastAPI, tts, max_upload_bytes: int, model_name: str) -> None:
    """POST /v1/audio/detect: multipart with an audio `file`, or the audio itself as the request body."""

    @app.post("/v1/audio/detect", responses={400: {}, 401: {}, 413: {}})
    async def detect(request: Request) -> dict:
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype in ("multipart/form-data", "application/x-www-form-urlencoded"):
            form = await request.form(max_files=1, max_fields=5)
            up = form.get("file")
            if not isinstance(up, UploadFile):
                raise APIError(400, "send the audio as a multipart field named file", param="file")
            data = await up.read(max_upload_bytes + 1)
        else:
            data = await request.body()
        if not data:
            raise APIError(400, "no audio: send a file field or the audio as the body", param="file")
        if len(data) > max_upload_bytes:
            raise APIError(413, f"file is larger than {max_upload_bytes} bytes", param="file", code="upload_too_large")

        def run() -> dict:
            try:
                samples, rate = sf.read(io.BytesIO(data), dtype="float32", always_2d=True)
            except Exception as e:
                raise APIError(400, f"file: cannot decode audio ({type(e).__name__})", param="file") from None
            det = detect_watermark(samples.mean(axis=1), rate, _keys(tts), [model_name, tts.folder.name])
            return detection_body(det, model_name)

        return await run_in_threadpool(run)


def consent_record(form, owner: str, name: str) -> ConsentRecord:
    """The consent record of a voice creation form: consent_speaker (who), consent_use (to what use) and
    consent_date (when; default now)."""
    get = form.get
    try:
        return make_record(
            get("consent_speaker") if isinstance(get("consent_speaker"), str) else None,
            get("consent_use") if isinstance(get("consent_use"), str) else None,
            get("consent_date") if isinstance(get("consent_date"), str) else None,
            recorded_by=f"api:{owner}",
            voice=name,
        )
    except ConsentError as e:
        param = "consent_speaker" if "who" in str(e) else "consent_use" if "use" in str(e) else "consent_date"
        msg = str(e).replace(" (--consent-speaker)", "").replace(" (--consent-use)", "")
        raise APIError(400, msg, param=param, code="consent_required") from None


async def read_consent_audio(form, verify: bool, max_upload_bytes: int) -> bytes | None:
    clip = form.get("consent_audio")
    if not verify:
        return None
    if not isinstance(clip, UploadFile):
        raise APIError(
            400,
            "this server verifies spoken consent: upload consent_audio, the speaker saying the consent phrase",
            param="consent_audio",
            code="consent_required",
        )
    return await clip.read(max_upload_bytes + 1)


def decode_clip(data: bytes, sample_rate: int, max_bytes: int) -> np.ndarray:
    """The spoken consent clip: any length the judges can use (it is not a cloning reference)."""
    if len(data) > max_bytes:
        raise APIError(413, f"consent_audio is larger than {max_bytes} bytes", param="consent_audio")
    try:
        return load_audio(data, sample_rate)
    except VoxtralError as e:
        raise APIError(400, f"consent_audio: {e}".replace("<bytes>: ", ""), param="consent_audio") from None


def authorize(
    record: ConsentRecord,
    audit: AuditLog,
    reference: np.ndarray,
    consent_clip: np.ndarray | None,
    sample_rate: int,
    judges,
    phrase: str,
    threshold: float,
) -> None:
    """Log the consent record, after checking the spoken consent when a clip is required (judges given)."""
    verify = consent_clip is not None
    asr, encoder = judges() if verify else (None, None)
    try:
        authorize_clone(
            record,
            audit,
            reference=(reference, sample_rate),
            consent_audio=(consent_clip, sample_rate) if verify else None,
            verify=verify,
            asr=asr,
            speaker_encoder=encoder,
            phrase=phrase,
            threshold=threshold,
            where="server",
        )
    except ConsentError as e:
        raise APIError(403, str(e), param="consent_audio", code="consent_refused") from None


def voice_created(audit: AuditLog, record: ConsentRecord, owner: str) -> None:
    record_voice_created(audit, record, f"voices/{owner}/{record.voice}", where="server")


def default_judges():
    from ..eval.asr import load_asr
    from ..eval.speaker import load_speaker

    return load_asr("whisper-base"), load_speaker("resemblyzer")
