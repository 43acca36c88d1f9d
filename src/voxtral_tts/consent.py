"""Consent before cloning: who agreed, to what use, and when; optionally proved by a spoken consent clip;
every record and every voice created (or refused) written to an append-only audit log.

Used by `voxtral-tts voice create` and by the server's POST /v1/audio/voices. The Python API's
`VoxtralTTS.create_voice` is the low-level call underneath and does not check consent: code that calls it
directly takes that responsibility (docs/watermark.md, "Consent").

The audit log is JSON Lines, one event per line, each carrying the sha256 of the line before it, so that an
edited or deleted line breaks the chain (`AuditLog.verify`). It is opened for appending only; nothing here
rewrites it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import time
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np

from .watermark.errors import ConsentError

log = logging.getLogger(__name__)

DEFAULT_PHRASE = "I agree to have my voice cloned"
DEFAULT_SIMILARITY = 0.80  # Resemblyzer cosine; same-speaker pairs average 0.9, EER threshold near 0.81
PHRASE_MATCH = 0.8  # share of the phrase's words the transcript must contain, in order
AUDIT_FILE = "audit.jsonl"
GENESIS = "0" * 64
_SKEW = timedelta(minutes=5)  # clock skew allowed for a consent time given by another machine


def default_audit_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "voxtral-tts" / AUDIT_FILE


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class ConsentRecord:
    """Who consents to their voice being cloned, to what use, and when they gave that consent."""

    speaker: str
    use: str
    given_at: str  # ISO 8601
    recorded_at: str = field(default_factory=_now_iso)
    recorded_by: str = ""  # the operator or API owner who created the voice
    voice: str = ""
    verified: bool = False  # a spoken consent clip passed the checks below
    verification: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def make_record(
    speaker: str | None, use: str | None, given_at: str | None = None, recorded_by: str = "", voice: str = ""
) -> ConsentRecord:
    """A consent record from user input; raises ConsentError naming the missing or malformed field."""
    speaker = (speaker or "").strip()
    use = (use or "").strip()
    if not speaker:
        raise ConsentError("consent record: who consents is missing (the speaker's name, --consent-speaker)")
    if not use:
        raise ConsentError("consent record: the use consented to is missing (--consent-use)")
    if len(speaker) > 200 or len(use) > 1000:
        raise ConsentError("consent record: speaker (200) or use (1000 characters) is too long")
    if given_at is None or not str(given_at).strip():
        when = _now_iso()
    else:
        try:
            parsed = datetime.fromisoformat(str(given_at).strip().replace("Z", "+00:00"))
        except ValueError:
            raise ConsentError(
                f"consent record: when {given_at!r} is not an ISO 8601 date or time (e.g. 2026-11-26)"
            ) from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        if parsed > datetime.now(timezone.utc).replace(microsecond=0) + _SKEW:
            raise ConsentError(f"consent record: when {given_at!r} is in the future")
        when = parsed.isoformat(timespec="seconds").replace("+00:00", "Z")
    return ConsentRecord(speaker=speaker, use=use, given_at=when, recorded_by=recorded_by, voice=voice)


# -- the audit log ------------------------------------------------------------------------------------------


class AuditLog:
    """Append-only, hash-chained JSON Lines. Safe for several processes: appends hold an exclusive lock."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()

    def append(self, event: str, **data: Any) -> dict[str, Any]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                prev = self._last_hash()
                entry = {"time": _now_iso(), "unix": round(time.time(), 3), "event": event, **data, "prev": prev}
                entry["hash"] = _entry_hash(entry)
                f.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
                f.flush()
                os.fsync(f.fileno())
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)
        return entry

    def _last_hash(self) -> str:
        if not self.path.exists() or self.path.stat().st_size == 0:
            return GENESIS
        with open(self.path, "rb") as f:
            f.seek(max(0, self.path.stat().st_size - 65536))
            lines = [ln for ln in f.read().splitlines() if ln.strip()]
        if not lines:
            return GENESIS
        try:
            return json.loads(lines[-1])["hash"]
        except (ValueError, KeyError):
            raise ConsentError(f"{self.path}: the last audit entry is unreadable; the log was tampered with") from None

    def entries(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        with open(self.path, encoding="utf-8") as f:
            return [json.loads(ln) for ln in f if ln.strip()]

    def verify(self) -> int:
        """Check the hash chain; returns the number of entries, or raises ConsentError at the first bad one."""
        prev = GENESIS
        entries = self.entries()
        for i, e in enumerate(entries, 1):
            if e.get("prev") != prev or _entry_hash({k: v for k, v in e.items() if k != "hash"}) != e.get("hash"):
                raise ConsentError(
                    f"{self.path}: audit entry {i} does not follow the one before it (edited or removed)"
                )
            prev = e["hash"]
        return len(entries)


def _entry_hash(entry: dict[str, Any]) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


# -- spoken consent -------------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.findall(r"[^\W_]+(?:'[^\W_]+)?", text)


def phrase_score(transcript: str, phrase: str) -> float:
    """The share of the phrase's words found in the transcript in order (longest common subsequence)."""
    p, t = _words(phrase), _words(transcript)
    if not p:
        return 1.0
    prev = [0] * (len(t) + 1)
    for a in p:
        cur = [0] * (len(t) + 1)
        for j, b in enumerate(t, 1):
            cur[j] = prev[j - 1] + 1 if a == b else max(prev[j], cur[j - 1])
        prev = cur
    return prev[-1] / len(p)


def consent_phrase(template: str, record: ConsentRecord) -> str:
    """The phrase to be spoken; a template may name {speaker} and {use}."""
    return template.format(speaker=record.speaker, use=record.use)


def verify_spoken_consent(
    record: ConsentRecord,
    consent_audio: tuple[np.ndarray, int],
    reference_audio: tuple[np.ndarray, int],
    asr,
    speaker_encoder,
    phrase: str = DEFAULT_PHRASE,
    threshold: float = DEFAULT_SIMILARITY,
    language: str = "en",
) -> dict[str, Any]:
    """Check a spoken consent clip: the ASR judge must hear the consent phrase in it, and its speaker must match
    the reference clip's (cosine similarity of speaker embeddings above `threshold`). Returns what was measured;
    raises ConsentError (with the same details in `.details`) when either check fails."""
    wanted = consent_phrase(phrase, record)
    samples, rate = consent_audio
    transcript = asr.transcribe(np.asarray(samples, dtype=np.float32), rate, language)
    score = phrase_score(transcript, wanted)
    e_consent = speaker_encoder.embed(np.asarray(samples, dtype=np.float32), rate)
    e_ref = speaker_encoder.embed(np.asarray(reference_audio[0], dtype=np.float32), reference_audio[1])
    if e_consent is None or e_ref is None:
        similarity = float("nan")
    else:
        a, b = np.asarray(e_consent, dtype=np.float64), np.asarray(e_ref, dtype=np.float64)
        similarity = float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b) + 1e-12))
    details = {
        "phrase": wanted,
        "transcript": transcript,
        "phrase_score": round(score, 3),
        "similarity": None if np.isnan(similarity) else round(similarity, 4),
        "threshold": threshold,
        "asr": getattr(asr, "name", type(asr).__name__),
        "speaker_encoder": getattr(speaker_encoder, "name", type(speaker_encoder).__name__),
    }
    problems = []
    if score < PHRASE_MATCH:
        problems.append(f"the consent phrase {wanted!r} was not heard (transcript {transcript!r})")
    if np.isnan(similarity):
        problems.append("no speech to compare in the consent clip or the reference")
    elif similarity < threshold:
        problems.append(
            f"the consent clip's speaker does not match the reference (similarity {similarity:.2f} < {threshold:.2f})"
        )
    if problems:
        err = ConsentError("spoken consent refused: " + "; ".join(problems))
        err.details = details
        raise err
    return details


def authorize_clone(
    record: ConsentRecord,
    audit: AuditLog,
    *,
    reference: tuple[np.ndarray, int] | None = None,
    consent_audio: tuple[np.ndarray, int] | None = None,
    verify: bool = False,
    asr=None,
    speaker_encoder=None,
    phrase: str = DEFAULT_PHRASE,
    threshold: float = DEFAULT_SIMILARITY,
    language: str = "en",
    where: str = "",
) -> ConsentRecord:
    """Log the consent record; with `verify`, check the spoken consent first. A refusal is logged too and
    raised as ConsentError. Call `record_voice_created` once the voice exists."""
    if verify:
        if consent_audio is None:
            audit.append("consent_refused", where=where, record=record.to_dict(), reason="no consent clip given")
            raise ConsentError("spoken consent is required (--verify-consent CLIP / consent_audio) and none was given")
        if reference is None or asr is None or speaker_encoder is None:
            raise ValueError("verifying consent needs the reference audio, an ASR judge and a speaker encoder")
        try:
            record.verification = verify_spoken_consent(
                record, consent_audio, reference, asr, speaker_encoder, phrase, threshold, language
            )
        except ConsentError as e:
            audit.append(
                "consent_refused",
                where=where,
                record=record.to_dict(),
                reason=str(e),
                details=getattr(e, "details", None),
            )
            raise
        record.verified = True
    audit.append("consent_recorded", where=where, record=record.to_dict())
    return record


def record_voice_created(audit: AuditLog, record: ConsentRecord, path: str, where: str = "") -> None:
    audit.append("voice_created", where=where, voice=record.voice, path=path, speaker=record.speaker, use=record.use)


# -- command line: `voxtral-tts voice create` -------------------------------------------------------------------


def add_consent_arguments(p) -> None:
    """The consent flags of `voice create`."""
    p.add_argument("--consent-speaker", metavar="NAME", help="who consents: the person whose voice this is (required)")
    p.add_argument("--consent-use", metavar="TEXT", help="the use they consented to (required)")
    p.add_argument("--consent-date", metavar="ISO", help="when they consented, ISO 8601 (default: now)")
    p.add_argument(
        "--verify-consent",
        metavar="CLIP",
        help="a clip of the speaker saying the consent phrase; the voice is refused unless the ASR judge hears the "
        "phrase and the speaker matches the reference",
    )
    p.add_argument("--consent-phrase", default=DEFAULT_PHRASE, help=f"phrase to hear (default: {DEFAULT_PHRASE!r})")
    p.add_argument("--consent-language", default="en", help="language of the consent clip (default en)")
    p.add_argument(
        "--similarity-threshold",
        type=float,
        default=DEFAULT_SIMILARITY,
        help=f"speaker similarity the consent clip must reach (default {DEFAULT_SIMILARITY})",
    )
    p.add_argument("--consent-asr", default="whisper-base", help="ASR judge (see docs/eval.md; default whisper-base)")
    p.add_argument("--consent-speaker-encoder", default="resemblyzer", help="speaker judge (default resemblyzer)")
    p.add_argument("--audit-log", help="append-only audit log (default: ~/.local/share/voxtral-tts/audit.jsonl)")


def create_voice_from_args(tts, args) -> str:
    """`voice create`: check and log consent, then create the voice and log that. Returns the voice's path."""
    from .audio import load_audio

    audit = AuditLog(args.audit_log or default_audit_path())
    where = f"cli:{tts.folder}"
    record = make_record(
        args.consent_speaker, args.consent_use, args.consent_date, recorded_by=_operator(), voice=args.name
    )
    asr = encoder = consent_audio = reference = None
    if args.verify_consent:
        from .eval.asr import load_asr
        from .eval.speaker import load_speaker

        # Judges first: a missing one fails before anything is read or logged.
        asr, encoder = load_asr(args.consent_asr), load_speaker(args.consent_speaker_encoder)
        consent_audio = (load_audio(args.verify_consent, tts.sample_rate), tts.sample_rate)
        reference = (load_audio(args.ref, tts.sample_rate), tts.sample_rate)
    authorize_clone(
        record,
        audit,
        reference=reference,
        consent_audio=consent_audio,
        verify=bool(args.verify_consent),
        asr=asr,
        speaker_encoder=encoder,
        phrase=args.consent_phrase,
        threshold=args.similarity_threshold,
        language=args.consent_language,
        where=where,
    )
    path = tts.create_voice(args.name, args.ref, overwrite=args.overwrite)
    (path.parent / f"{args.name}.consent.json").write_text(json.dumps(record.to_dict(), indent=2) + "\n")
    record_voice_created(audit, record, str(path), where=where)
    return str(path)


def _operator() -> str:
    try:
        return os.getlogin()
    except OSError:
        import getpass

        try:
            return getpass.getuser()
        except Exception:  # no user name in this environment (containers)
            return f"uid {os.getuid()}"
