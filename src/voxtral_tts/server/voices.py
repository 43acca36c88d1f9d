"""Cloned voices, stored per owner under the server's data folder (never inside the model folder).

<data_dir>/voices/<owner>/<name>.pt holds the voice's backbone input rows [N, dim] (bf16);
<name>.json what was recorded at creation: consent, duration, and the reference length that fixes
the prompt's slot count.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{0,63}")
_OWNER_RE = re.compile(r"anonymous|k[0-9a-f]{24}")


def valid_name(name: str) -> bool:
    return isinstance(name, str) and NAME_RE.fullmatch(name) is not None


@dataclass
class VoiceInfo:
    name: str
    owner: str
    created_at: int
    seconds: float
    n_samples: int
    n_rows: int
    consent: bool


class VoiceStore:
    def __init__(self, root: str | Path, dim: int) -> None:
        self.root = Path(root) / "voices"
        self.root.mkdir(parents=True, exist_ok=True)
        self.dim = dim
        self._lock = threading.Lock()
        self._rows: dict[tuple[str, str], torch.Tensor] = {}

    def _dir(self, owner: str) -> Path:
        if not _OWNER_RE.fullmatch(owner):
            raise ValueError(f"bad owner id {owner!r}")
        return self.root / owner

    def _paths(self, owner: str, name: str) -> tuple[Path, Path]:
        if not valid_name(name):
            raise ValueError(f"bad voice name {name!r}")
        d = self._dir(owner)
        return d / f"{name}.pt", d / f"{name}.json"

    def list(self, owner: str) -> list[VoiceInfo]:
        d = self._dir(owner)
        if not d.is_dir():
            return []
        out = []
        for meta in sorted(d.glob("*.json")):
            info = self.get(owner, meta.stem)
            if info is not None:
                out.append(info)
        return out

    def get(self, owner: str, name: str) -> VoiceInfo | None:
        if not valid_name(name):
            return None
        pt, meta = self._paths(owner, name)
        if not (pt.exists() and meta.exists()):
            return None
        try:
            info = VoiceInfo(**json.loads(meta.read_text()))
        except (ValueError, TypeError):
            return None
        return info

    def rows(self, info: VoiceInfo) -> torch.Tensor:
        key = (info.owner, info.name)
        with self._lock:
            if key not in self._rows:
                pt, _ = self._paths(info.owner, info.name)
                t = torch.load(pt, map_location="cpu", weights_only=True)
                if tuple(t.shape) != (info.n_rows, self.dim):
                    raise ValueError(f"stored voice {info.name!r} does not fit this model (shape {list(t.shape)})")
                self._rows[key] = t
            return self._rows[key]

    def add(
        self, owner: str, name: str, rows: torch.Tensor, n_samples: int, seconds: float, consent: bool
    ) -> VoiceInfo:
        pt, meta = self._paths(owner, name)
        info = VoiceInfo(name, owner, int(time.time()), round(seconds, 3), int(n_samples), int(rows.shape[0]), consent)
        with self._lock:
            if pt.exists() or meta.exists():
                raise FileExistsError(name)
            pt.parent.mkdir(parents=True, exist_ok=True)
            tmp = pt.with_suffix(".pt.tmp")
            torch.save(rows.detach().to(device="cpu", dtype=torch.bfloat16).contiguous(), tmp)
            tmp.replace(pt)
            tmp = meta.with_suffix(".json.tmp")
            tmp.write_text(json.dumps(asdict(info)))
            tmp.replace(meta)
        return info

    def delete(self, owner: str, name: str) -> bool:
        if not valid_name(name):
            return False
        pt, meta = self._paths(owner, name)
        with self._lock:
            if not meta.exists():
                return False
            meta.unlink()
            pt.unlink(missing_ok=True)
            self._rows.pop((owner, name), None)
        return True
