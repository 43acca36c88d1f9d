"""The training manifest: one JSON object per line, one line per utterance.

    {"id": "LJ001-0001", "audio": "audio/ljspeech/LJ001-0001.flac", "text": "Printing, ...",
     "language": "en", "speaker": "ljspeech", "duration": 9.66}

`audio` is relative to the manifest's own folder (or absolute), so a data folder can be moved whole.
Keys beyond these are kept in `extra` and written back, so other tools may annotate lines.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DataError

FIELDS = ("id", "audio", "text", "language", "speaker", "duration")
_LANG = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$")


def check_language(lang: str, where: str = "--lang") -> str:
    """Accept ISO 639 codes with optional region or script subtags (en, pt-BR, zh-CN, sr_Latn)."""
    if not isinstance(lang, str) or not _LANG.match(lang):
        raise DataError(f"{where}: {lang!r} is not a language code (expected e.g. en, fr, pt-BR)")
    return lang


@dataclass
class Entry:
    """One utterance of a manifest."""

    id: str
    audio: str
    text: str
    language: str
    speaker: str
    duration: float
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in FIELDS}
        d["duration"] = round(float(self.duration), 4)
        d.update(self.extra)
        return d

    @classmethod
    def from_dict(cls, d: Any, where: str = "manifest") -> Entry:
        if not isinstance(d, dict):
            raise DataError(f"{where}: expected a JSON object, got {type(d).__name__}")
        missing = [k for k in FIELDS if k not in d]
        if missing:
            raise DataError(f"{where}: missing {', '.join(repr(k) for k in missing)}")
        for k in ("id", "audio", "text", "language", "speaker"):
            if not isinstance(d[k], str) or not d[k].strip():
                raise DataError(f"{where}: {k!r} must be a non-empty string")
        dur = d["duration"]
        if isinstance(dur, bool) or not isinstance(dur, (int, float)) or not math.isfinite(dur) or dur <= 0:
            raise DataError(f"{where}: 'duration' must be a positive number of seconds, got {dur!r}")
        check_language(d["language"], f"{where}: 'language'")
        extra = {k: v for k, v in d.items() if k not in FIELDS}
        return cls(d["id"], d["audio"], d["text"], d["language"], d["speaker"], float(dur), extra)

    def audio_path(self, root: str | Path) -> Path:
        """The audio file, resolving a relative path against `root` (the manifest's folder)."""
        p = Path(self.audio)
        return p if p.is_absolute() else Path(root) / p


def read_manifest(path: str | Path) -> list[Entry]:
    """Read and validate a manifest; the first bad line raises a DataError naming file and line."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: manifest not found")
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            try:
                d = json.loads(line)
            except json.JSONDecodeError as e:
                raise DataError(f"{where}: not valid JSON ({e.msg})") from None
            e = Entry.from_dict(d, where)
            if e.id in seen:
                raise DataError(f"{where}: id {e.id!r} repeats line {seen[e.id]}")
            seen[e.id] = n
            entries.append(e)
    return entries


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write through a temporary file and rename, so a killed job never leaves half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)
    return path


def write_manifest(path: str | Path, entries: Iterable[Entry]) -> Path:
    lines = [json.dumps(e.to_dict(), ensure_ascii=False) + "\n" for e in entries]
    return atomic_write_text(path, "".join(lines))
