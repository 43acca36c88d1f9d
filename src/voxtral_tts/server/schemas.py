"""Request and response bodies, as OpenAI's speech API names them plus the Voxtral fields that
mistral-common's `SpeechRequest.from_openai` maps (`ref_audio`, `seed`) and `cfg_alpha`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..generate import MAX_NOISE_SCALE
from .output import MAX_SPEED, MIN_SPEED


class VoiceId(BaseModel):
    id: str = Field(min_length=1, max_length=64)


class SpeechRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    model: str | None = Field(None, description="The served model's id (see /v1/models); optional.")
    input: str = Field(description="The text to speak.")
    voice: str | VoiceId | None = Field(
        None, description="A preset voice, or a cloned voice of yours; default: the model's first preset."
    )
    response_format: Literal["wav", "pcm", "flac", "mp3", "opus"] = Field(
        "mp3", description="pcm is raw signed 16-bit little-endian mono at 24 kHz."
    )
    speed: float = Field(1.0, ge=MIN_SPEED, le=MAX_SPEED, description="Tempo; pitch is kept.")
    stream_format: Literal["audio", "sse"] = Field(
        "audio", description="audio: the file's bytes as they are made; sse: base64 chunks as server-sent events."
    )
    instructions: str | None = Field(None, max_length=4096, description="Accepted for compatibility; not used.")
    ref_audio: str | None = Field(
        None, description="Reference clip to clone (3-30 s), base64 or a data: URL; takes precedence over voice."
    )
    seed: int | None = Field(None, ge=0, lt=2**63, description="Makes the output reproducible.")
    cfg_alpha: float | None = Field(None, ge=0.0, le=10.0, description="Classifier-free guidance (default 1.2).")
    noise_scale: float | None = Field(
        None, ge=0.0, le=MAX_NOISE_SCALE, description="Scale of the flow's start noise (default 1.0; lower: steadier)."
    )
    stream: bool = Field(
        True,
        description="true: send audio as it is generated; false: send the complete file (exact WAV/FLAC/MP3 headers).",
    )


class SpeechForm(BaseModel):
    """The same request as multipart/form-data, with `ref_audio` as a file."""

    model: str | None = None
    input: str
    voice: str | None = None
    response_format: Literal["wav", "pcm", "flac", "mp3", "opus"] = "mp3"
    speed: float = Field(1.0, ge=MIN_SPEED, le=MAX_SPEED)
    stream_format: Literal["audio", "sse"] = "audio"
    ref_audio: bytes | None = Field(None, json_schema_extra={"format": "binary"})
    seed: int | None = Field(None, ge=0, lt=2**63)
    cfg_alpha: float | None = Field(None, ge=0.0, le=10.0)
    noise_scale: float | None = Field(None, ge=0.0, le=MAX_NOISE_SCALE)
    stream: bool = True


class VoiceForm(BaseModel):
    name: str = Field(description="1-64 letters, digits, '_' or '-', starting with a letter or digit.")
    audio: bytes = Field(description="3-30 s of speech, any common format.", json_schema_extra={"format": "binary"})
    consent: str = Field(description="Must be true: the speaker agreed to have their voice cloned.")
    consent_speaker: str = Field(description="Who agreed: the speaker's name, kept in the consent audit log.")
    consent_use: str = Field(description="The use the speaker agreed to, kept in the consent audit log.")
    consent_date: str | None = Field(None, description="When they agreed (ISO 8601); default: now.")
    consent_audio: bytes | None = Field(
        None,
        description="The speaker saying the consent phrase; required when the server runs with --verify-consent.",
        json_schema_extra={"format": "binary"},
    )


class Voice(BaseModel):
    id: str
    object: Literal["voice"] = "voice"
    type: Literal["preset", "cloned"]
    created_at: int | None = None
    seconds: float | None = None


class VoiceList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Voice]
    voices: list[str]


class VoiceDeleted(BaseModel):
    id: str
    object: Literal["voice"] = "voice"
    deleted: bool = True


class Model(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "voxtral-tts"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Model]


class ErrorDetail(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    model: str
    active: int
    queued: int
    max_batch: int
