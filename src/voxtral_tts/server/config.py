"""Server settings: limits, keys and where stored voices live."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .scheduler import Generation

MiB = 1024 * 1024


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "voxtral-tts" / "server"


@dataclass
class ServerConfig:
    data_dir: Path = field(default_factory=default_data_dir)
    api_keys: list[str] = field(default_factory=list)
    model_name: str | None = None  # the id clients pass as `model`; default: the model folder's name
    max_batch: int = 16  # slots in the engine: requests generated together
    max_len: int = 4096  # KV-cache positions per slot: prompt plus frames
    max_queue: int = 64  # requests waiting for a slot before 429
    retry_after: int = 2  # seconds, sent with 429
    request_timeout: float = 300.0  # seconds from arrival to the last byte
    max_seconds: float = 164.0  # audio per request (the model's own default cap)
    max_input_chars: int = 4096  # as OpenAI's speech endpoint
    max_upload_bytes: int = 10 * MiB  # one reference clip, decoded
    min_ref_seconds: float = 3.0
    max_ref_seconds: float = 30.0
    # (tts, spec) -> the Generation that speaks one request; None: `SinglePass` (the text in one request).
    generation: Callable[..., Generation] | None = None
    # Responsible cloning (docs/watermark.md): every response is watermarked unless --no-watermark (logged);
    # "registered-only" refuses ref_audio in speech requests; verify_consent asks voice creation for a spoken
    # consent clip, checked by `consent_judges()` -> (asr, speaker encoder) (None: whisper-base, resemblyzer).
    watermark: bool = True
    clone_policy: str = "open"
    verify_consent: bool = False
    consent_phrase: str = "I agree to have my voice cloned"
    consent_threshold: float = 0.80
    consent_judges: Callable[[], tuple] | None = None
    audit_log: Path | None = None  # None: <data_dir>/audit.jsonl

    @property
    def max_body_bytes(self) -> int:
        # A JSON body may carry the upload in base64 (4/3 larger) plus the other fields.
        return self.max_upload_bytes * 4 // 3 + MiB
