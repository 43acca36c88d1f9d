"""The HTTP API: OpenAI's `POST /v1/audio/speech` and friends, on FastAPI."""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
import random
import time
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

import anyio
import numpy as np
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from pydantic import ValidationError
from pydantic.json_schema import models_json_schema
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..api import VoxtralTTS
from ..audio import load_audio
from ..errors import EncoderMissingError, VoxtralError
from .auth import KeyRing
from .config import ServerConfig
from .errors import APIError
from .metrics import Metrics
from .output import OutputStream
from .prompts import GenerationSpec, VoiceRows, clip_rows, preset_rows, single_pass
from .scheduler import Job, QueueFull, Scheduler
from .schemas import (
    ErrorBody,
    Health,
    Model,
    ModelList,
    SpeechForm,
    SpeechRequest,
    Voice,
    VoiceDeleted,
    VoiceForm,
    VoiceId,
    VoiceList,
)
from .voices import VoiceStore, valid_name

log = logging.getLogger(__name__)

# Accepted as `model` so OpenAI clients work unchanged; all mean the served model.
OPENAI_MODEL_ALIASES = ("tts-1", "tts-1-hd", "gpt-4o-mini-tts")
TRUTHY = ("1", "true", "yes", "on")
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
ERRORS = {s: {"model": ErrorBody} for s in (400, 401, 404, 409, 413, 429, 504)}


def _page() -> str:
    return resources.files("voxtral_tts.server").joinpath("static/index.html").read_text(encoding="utf-8")


class TooLarge(Exception):
    pass


def _route_label(path: str) -> str:
    if path.startswith("/v1/audio/voices/"):
        return "/v1/audio/voices/{name}"
    known = ("/", "/health", "/metrics", "/v1/models", "/v1/audio/speech", "/v1/audio/voices", "/openapi.json", "/docs")
    return path if path in known else "other"


class Gate:
    """Pure ASGI middleware (streaming-safe): counts every response, checks the API key on every route
    but /health, and cuts request bodies at the size limit."""

    def __init__(self, app: ASGIApp, keys: KeyRing, metrics: Metrics, max_body: int) -> None:
        self.app, self.keys, self.metrics, self.max_body = app, keys, metrics, max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, method = scope["path"], scope["method"]
        status = {"code": 500, "started": False}

        async def counted_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"], status["started"] = message["status"], True
            await send(message)

        try:
            await self._handle(scope, receive, counted_send, path)
        finally:
            self.metrics.request(method, _route_label(path), status["code"])

    async def _handle(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if path != "/health":
            owner = self.keys.owner(headers.get("authorization"))
            if owner is None:
                if path == "/" and scope["method"] == "GET":
                    # The page asks for the key itself; it shows no data until the key is given.
                    await HTMLResponse(_page(), status_code=401)(scope, receive, send)
                    return
                err = APIError(
                    401,
                    "missing or invalid API key: send 'Authorization: Bearer <key>'",
                    code="invalid_api_key",
                    headers={"WWW-Authenticate": "Bearer"},
                )
                await err.response()(scope, receive, send)
                return
            scope.setdefault("state", {})["owner"] = owner
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            await self._too_large(scope, receive, send)
            return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except TooLarge:
            if not started:
                await self._too_large(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        err = APIError(413, f"request body is larger than {self.max_body} bytes", code="request_too_large")
        await err.response()(scope, receive, send)


class SpeechResponse(Response):
    """Sends a job's audio: streamed as it is made, or whole once done. Waits for the first event
    before sending headers, so errors before any audio still get their status code. A client
    disconnect cancels the job at once."""

    def __init__(self, job: Job, scheduler: Scheduler, fmt: str, stream: bool, sse: bool, headers: dict) -> None:
        self.job, self.scheduler = job, scheduler
        self.fmt, self.stream, self.sse = fmt, stream, sse
        self.extra_headers = headers
        self.status_code = 200
        self.background = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async with anyio.create_task_group() as tg:

            async def watch() -> None:
                while (await receive())["type"] != "http.disconnect":
                    pass
                self.scheduler.cancel(self.job)
                tg.cancel_scope.cancel()

            tg.start_soon(watch)
            try:
                await self._respond(scope, receive, send)
            finally:
                self.scheduler.cancel(self.job)  # a no-op once the job is done
                tg.cancel_scope.cancel()

    def _start(self, media_type: str, extra: dict | None = None) -> Message:
        headers = {**self.extra_headers, "content-type": media_type, **(extra or {})}
        return {
            "type": "http.response.start",
            "status": 200,
            "headers": [(k.encode("latin-1"), str(v).encode("latin-1")) for k, v in headers.items()],
        }

    async def _respond(self, scope: Scope, receive: Receive, send: Send) -> None:
        events = self.job.events
        media = "text/event-stream" if self.sse else self.job.output.encoder.media_type
        kind, payload = await events.get()
        if kind == "error":
            await payload.response()(scope, receive, send)
            return
        if not self.stream:
            while kind == "audio":
                kind, payload = await events.get()
            if kind == "error":
                await payload.response()(scope, receive, send)
                return
            body = self.job.output.encoder.file()
            if self.sse:
                body = _sse({"type": "speech.audio.delta", "audio": base64.b64encode(body).decode()}) + _sse(
                    _done_event(payload)
                )
            await send(self._start(media, {"content-length": str(len(body))}))
            await send({"type": "http.response.body", "body": body, "more_body": False})
            return
        extra = {"cache-control": "no-cache", "x-accel-buffering": "no"}
        await send(self._start(media, extra))
        while True:
            if kind == "audio":
                if self.sse:
                    payload = _sse({"type": "speech.audio.delta", "audio": base64.b64encode(payload).decode()})
                await send({"type": "http.response.body", "body": payload, "more_body": True})
            elif kind == "done":
                tail = _sse(_done_event(payload)) if self.sse else b""
                await send({"type": "http.response.body", "body": tail, "more_body": False})
                return
            else:  # an error after audio went out: the status is sent, so say it in-band or cut the stream
                if self.sse:
                    body = _sse({"type": "error", **payload.body()})
                    await send({"type": "http.response.body", "body": body, "more_body": False})
                    return
                # Returning without the final body message makes the server drop the connection, so
                # the client sees a truncated response rather than a short file that looks complete.
                log.warning("stream cut: %s", payload.message)
                return
            kind, payload = await events.get()


def _sse(event: dict) -> bytes:
    return f"data: {json.dumps(event, separators=(',', ':'))}\n\n".encode()


def _done_event(info: dict) -> dict:
    return {
        "type": "speech.audio.done",
        "usage": {"input_tokens": 0, "output_tokens": info["frames"], "total_tokens": info["frames"]},
        **info,
    }


def _b64(data: str, limit: int) -> bytes:
    if data.startswith("data:"):
        data = data.partition(",")[2]
    if len(data) * 3 // 4 > limit:
        raise APIError(413, f"ref_audio is larger than {limit} bytes", param="ref_audio", code="upload_too_large")
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise APIError(400, "ref_audio is not valid base64", param="ref_audio") from None


def create_app(tts: VoxtralTTS, config: ServerConfig | None = None) -> FastAPI:
    """The API over a loaded model. The scheduler's threads start and stop with the app's lifespan."""
    config = config or ServerConfig()
    metrics = Metrics()
    keys = KeyRing(config.api_keys)
    store = VoiceStore(config.data_dir, tts.args.backbone.dim)
    model_name = config.model_name or tts.folder.name
    created = int(time.time())
    max_frames_len = min(config.max_len, tts.args.backbone.max_seq_len)
    scheduler = Scheduler(
        tts.model,
        max_batch=config.max_batch,
        max_len=max_frames_len,
        max_queue=config.max_queue,
        metrics=metrics,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        scheduler.start()
        try:
            yield
        finally:
            scheduler.stop()

    app = FastAPI(
        title="voxtral-tts",
        version="0.1.0",
        description="OpenAI-compatible text-to-speech with Voxtral.",
        lifespan=lifespan,
    )
    app.state.scheduler, app.state.store, app.state.metrics, app.state.tts = scheduler, store, metrics, tts
    app.state.config = config
    from ..consent import AuditLog
    from ..watermark import server as wm

    if config.clone_policy not in wm.CLONE_POLICIES:
        raise ValueError(f"clone_policy {config.clone_policy!r}: use one of {', '.join(wm.CLONE_POLICIES)}")
    audit = AuditLog(config.audit_log or config.data_dir / "audit.jsonl")
    if not config.watermark:
        log.warning("watermark disabled for every response of this server by an explicit flag (--no-watermark)")

    # -- errors in OpenAI's shape ----------------------------------------------------------------

    @app.exception_handler(APIError)
    async def _api_error(request: Request, exc: APIError) -> JSONResponse:
        return exc.response()

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _validation_error(exc.errors()).response()

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        msg = {404: f"no route {request.url.path}", 405: f"method {request.method} not allowed here"}
        return APIError(exc.status_code, msg.get(exc.status_code, str(exc.detail))).response()

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        return APIError(500, f"internal error ({type(exc).__name__}); see the server log").response()

    # -- helpers -------------------------------------------------------------------------------

    def owner_of(request: Request) -> str:
        return request.scope["state"]["owner"]

    def check_model(name: str | None) -> None:
        if name and name not in (model_name, *OPENAI_MODEL_ALIASES):
            raise APIError(404, f"the model '{name}' does not exist; this server has '{model_name}'", param="model")

    def reference(data: bytes, param: str) -> np.ndarray:
        if len(data) > config.max_upload_bytes:
            raise APIError(
                413, f"{param} is larger than {config.max_upload_bytes} bytes", param=param, code="upload_too_large"
            )
        try:
            wave = load_audio(data, tts.sample_rate)
        except VoxtralError as e:
            raise APIError(400, f"{param}: {e}".replace("<bytes>: ", ""), param=param) from None
        seconds = wave.size / tts.sample_rate
        if not config.min_ref_seconds <= seconds <= config.max_ref_seconds:
            raise APIError(
                400,
                f"{param} is {seconds:.1f} s long; give {config.min_ref_seconds:g} to {config.max_ref_seconds:g} s",
                param=param,
                code="reference_duration",
            )
        return wave

    def encode_voice(wave) -> tuple[VoiceRows, int]:
        try:
            return clip_rows(tts, wave)
        except EncoderMissingError as e:
            raise APIError(400, str(e), param="ref_audio", code="cloning_unavailable") from None
        except VoxtralError as e:
            raise APIError(400, str(e), param="ref_audio") from None

    def resolve_voice(owner: str, voice: str | None) -> VoiceRows:
        presets = tts.voices()
        if voice is None:
            if not presets:
                raise APIError(400, "this model has no preset voices; give ref_audio", param="voice")
            return preset_rows(tts, presets[0])
        info = store.get(owner, voice)
        if info is not None:
            return VoiceRows(store.rows(info), ref_samples=info.n_samples)
        if voice in presets:
            return preset_rows(tts, voice)
        mine = [v.name for v in store.list(owner)]
        raise APIError(400, f"unknown voice '{voice}'; available: {', '.join(presets + mine) or 'none'}", param="voice")

    def build_job(spec: SpeechRequest, ref: bytes | None, owner: str, loop, arrived: float) -> Job:
        if len(spec.input) > config.max_input_chars:
            raise APIError(
                400,
                f"input is {len(spec.input)} characters; the limit is {config.max_input_chars}",
                param="input",
                code="string_above_max_length",
            )
        if not spec.input.strip():
            raise APIError(400, "input is empty: give at least one word to speak", param="input")
        voice_name = spec.voice.id if isinstance(spec.voice, VoiceId) else spec.voice
        voice = encode_voice(reference(ref, "ref_audio"))[0] if ref is not None else resolve_voice(owner, voice_name)
        seed = random.randrange(2**31) if spec.seed is None else spec.seed
        gen_spec = GenerationSpec(
            spec.input, voice, seed, spec.cfg_alpha, config.max_seconds, max_frames_len, spec.noise_scale
        )
        marker = tts.output_marker(True, "server response") if config.watermark else None
        output = OutputStream(spec.response_format, tts.sample_rate, spec.speed, marker=marker)
        try:
            generation = (config.generation or single_pass)(tts, gen_spec)
            return Job(generation, output, config.request_timeout, loop, created=arrived, seed=seed)
        except VoxtralError as e:
            raise APIError(400, str(e), param="input") from None

    # -- routes --------------------------------------------------------------------------------

    @app.get("/", include_in_schema=False)
    async def page() -> HTMLResponse:
        return HTMLResponse(_page())

    @app.get("/health", response_model=Health)
    async def health() -> Health:
        return Health(
            model=model_name, active=scheduler.active, queued=scheduler.queue_depth, max_batch=scheduler.max_batch
        )

    @app.get("/metrics", response_class=PlainTextResponse, responses={401: ERRORS[401]})
    async def prometheus() -> PlainTextResponse:
        text = metrics.render(
            {
                "voxtral_queue_depth": ("Requests waiting for a slot.", scheduler.queue_depth),
                "voxtral_active_requests": ("Requests generating now.", scheduler.active),
                "voxtral_batch_slots": ("Slots in the batch.", scheduler.max_batch),
                "voxtral_engine_steps": ("Batched frame steps run since start.", scheduler.steps),
            }
        )
        return PlainTextResponse(text, media_type="text/plain; version=0.0.4")

    @app.get("/v1/models", response_model=ModelList, responses={401: ERRORS[401]})
    async def models() -> ModelList:
        return ModelList(data=[Model(id=model_name, created=created)])

    speech_body = {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/SpeechRequest"}},
            "multipart/form-data": {"schema": {"$ref": "#/components/schemas/SpeechForm"}},
        },
    }
    audio_types = {t: {"schema": {"type": "string", "format": "binary"}} for t in ("audio/wav", "audio/mpeg")}

    @app.post(
        "/v1/audio/speech",
        openapi_extra={"requestBody": speech_body},
        responses={
            200: {"content": {**audio_types, "text/event-stream": {"schema": {"type": "string"}}}},
            **{s: ERRORS[s] for s in (400, 401, 404, 413, 429, 504)},
        },
    )
    async def speech(request: Request):
        arrived = time.monotonic()
        owner = owner_of(request)
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        ref: bytes | None = None
        if ctype in FORM_TYPES:
            form = await request.form(max_files=2, max_fields=20)
            data: dict[str, Any] = {}
            for k, v in form.multi_items():
                if isinstance(v, UploadFile):
                    if k == "ref_audio":
                        ref = await v.read(config.max_upload_bytes + 1)
                elif k == "voice" and v.startswith("{"):
                    try:
                        data[k] = json.loads(v)
                    except ValueError:
                        data[k] = v
                else:
                    data[k] = v
            if ref is None and isinstance(data.get("ref_audio"), str) and data["ref_audio"]:
                ref = _b64(data["ref_audio"], config.max_upload_bytes)
            data.pop("ref_audio", None)
        elif ctype in ("application/json", ""):
            try:
                data = json.loads(await request.body() or b"null")
            except ValueError:
                raise APIError(400, "request body is not valid JSON") from None
            if not isinstance(data, dict):
                raise APIError(400, "request body must be a JSON object")
        else:
            raise APIError(400, f"unsupported content type '{ctype}'; send application/json or multipart/form-data")
        try:
            spec = SpeechRequest.model_validate(data)
        except ValidationError as e:
            raise _validation_error(e.errors(), body_prefix=False) from None
        check_model(spec.model)
        if spec.ref_audio and ref is None:
            ref = _b64(spec.ref_audio, config.max_upload_bytes)
        wm.check_clone_policy(config.clone_policy, ref is not None)
        loop = asyncio.get_running_loop()
        job = await run_in_threadpool(build_job, spec, ref, owner, loop, arrived)
        try:
            scheduler.submit(job)
        except QueueFull:
            raise APIError(
                429,
                f"server busy: {scheduler.queue_depth} requests are waiting; retry in {config.retry_after} s",
                code="queue_full",
                headers={"Retry-After": str(config.retry_after)},
            ) from None
        headers = {"x-voxtral-seed": str(job.seed)}
        return SpeechResponse(job, scheduler, spec.response_format, spec.stream, spec.stream_format == "sse", headers)

    @app.get("/v1/audio/voices", response_model=VoiceList, responses={401: ERRORS[401]})
    async def list_voices(request: Request) -> VoiceList:
        owner = owner_of(request)
        data = [Voice(id=n, type="preset") for n in tts.voices()]
        data += [Voice(id=v.name, type="cloned", created_at=v.created_at, seconds=v.seconds) for v in store.list(owner)]
        return VoiceList(data=data, voices=[v.id for v in data])

    voice_body = {
        "required": True,
        "content": {"multipart/form-data": {"schema": {"$ref": "#/components/schemas/VoiceForm"}}},
    }

    @app.post(
        "/v1/audio/voices",
        status_code=201,
        response_model=Voice,
        openapi_extra={"requestBody": voice_body},
        responses={s: ERRORS[s] for s in (400, 401, 409, 413)},
    )
    async def create_voice(request: Request) -> Voice:
        owner = owner_of(request)
        if request.headers.get("content-type", "").split(";")[0].strip().lower() not in FORM_TYPES:
            raise APIError(
                400, "send multipart/form-data with fields name, audio, consent, consent_speaker and consent_use"
            )
        form = await request.form(max_files=2, max_fields=10)
        name, consent, audio = form.get("name"), form.get("consent"), form.get("audio")
        if not isinstance(name, str) or not valid_name(name):
            raise APIError(
                400, "name must be 1-64 letters, digits, '_' or '-', starting with a letter or digit", param="name"
            )
        if not isinstance(consent, str) or consent.strip().lower() not in TRUTHY:
            raise APIError(
                400,
                "consent must be true: clone only a voice whose speaker agreed",
                param="consent",
                code="consent_required",
            )
        if not isinstance(audio, UploadFile):
            raise APIError(400, "audio must be an uploaded file", param="audio")
        record = wm.consent_record(form, owner, name)
        clip = await wm.read_consent_audio(form, config.verify_consent, config.max_upload_bytes)
        data = await audio.read(config.max_upload_bytes + 1)
        if name in tts.voices() or store.get(owner, name) is not None:
            raise APIError(409, f"a voice named '{name}' already exists", param="name", code="voice_exists")
        wave = await run_in_threadpool(reference, data, "audio")
        said = (
            None
            if clip is None
            else await run_in_threadpool(wm.decode_clip, clip, tts.sample_rate, config.max_upload_bytes)
        )
        judges = config.consent_judges or wm.default_judges
        await run_in_threadpool(
            wm.authorize,
            record,
            audit,
            wave,
            said,
            tts.sample_rate,
            judges,
            config.consent_phrase,
            config.consent_threshold,
        )
        voice, used = await run_in_threadpool(encode_voice, wave)
        try:
            info = store.add(owner, name, voice.rows, used, wave.size / tts.sample_rate, consent=True)
        except FileExistsError:
            raise APIError(409, f"a voice named '{name}' already exists", param="name", code="voice_exists") from None
        wm.voice_created(audit, record, owner)
        return Voice(id=info.name, type="cloned", created_at=info.created_at, seconds=info.seconds)

    @app.delete(
        "/v1/audio/voices/{name}", response_model=VoiceDeleted, responses={s: ERRORS[s] for s in (400, 401, 404)}
    )
    async def delete_voice(name: str, request: Request) -> VoiceDeleted:
        owner = owner_of(request)
        if not valid_name(name):
            raise APIError(400, "invalid voice name", param="name")
        if name in tts.voices() and store.get(owner, name) is None:
            raise APIError(400, f"'{name}' is a preset voice of the model; it cannot be deleted", param="name")
        if not store.delete(owner, name):
            raise APIError(404, f"no voice named '{name}'", param="name", code="voice_not_found")
        return VoiceDeleted(id=name)

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            _, defs = models_json_schema(
                [(m, "validation") for m in (SpeechRequest, SpeechForm, VoiceForm)],
                ref_template="#/components/schemas/{model}",
            )
            schema.setdefault("components", {}).setdefault("schemas", {}).update(defs.get("$defs", {}))
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi
    wm.add_watermark_routes(app, tts, config.max_upload_bytes, model_name)
    app.add_middleware(Gate, keys=keys, metrics=metrics, max_body=config.max_body_bytes)
    return app


def _validation_error(errors: list[dict], body_prefix: bool = True) -> APIError:
    first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
    loc = [str(p) for p in first.get("loc", ()) if not (body_prefix and p == "body")]
    param = ".".join(loc) or None
    msg = first.get("msg", "invalid value")
    return APIError(400, f"{param}: {msg}" if param else msg, param=param)
