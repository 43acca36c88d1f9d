"""Preset voices: `voice_embedding/<name>.pt`, each one bf16 tensor [N, dim] of backbone input rows.

N must equal the voice's slot count in tekken.json (`audio.voice_num_audio_tokens`), since the rows
replace the N [AUDIO] tokens of the prompt (spec §1.3, §6).
"""

from __future__ import annotations

from pathlib import Path

import torch
from safetensors.torch import load_file

from .errors import VoiceError

VOICE_DIR = "voice_embedding"


class VoiceBank:
    def __init__(self, folder: str | Path, slots: dict[str, int], dim: int) -> None:
        self.dir = Path(folder) / VOICE_DIR
        self.slots = slots
        self.dim = dim
        self._cache: dict[str, torch.Tensor] = {}

    def names(self) -> list[str]:
        """Voices that both the tokenizer knows and that have an embedding file."""
        return [n for n in self.slots if self._file(n) is not None]

    def _file(self, name: str) -> Path | None:
        for ext in (".pt", ".safetensors"):
            p = self.dir / f"{name}{ext}"
            if p.exists():
                return p
        return None

    def rows(self, name: str) -> torch.Tensor:
        """The [N, dim] embedding rows of a preset voice."""
        if name in self._cache:
            return self._cache[name]
        if name not in self.slots:
            raise VoiceError(f"unknown voice {name!r}; this model has: {', '.join(self.names()) or 'none'}")
        path = self._file(name)
        if path is None:
            raise VoiceError(f"voice {name!r} is listed in tekken.json but {self.dir}/{name}.pt is missing")
        try:
            if path.suffix == ".safetensors":
                tensors = load_file(str(path))
                if len(tensors) != 1:
                    raise ValueError(f"expected one tensor, found {len(tensors)}")
                t = next(iter(tensors.values()))
            else:
                t = torch.load(path, map_location="cpu", weights_only=True)
        except Exception as e:
            raise VoiceError(f"{path}: cannot read voice embedding ({type(e).__name__}: {e})") from None
        if not isinstance(t, torch.Tensor) or t.dim() != 2:
            raise VoiceError(f"{path}: expected one 2-D tensor [N, {self.dim}]")
        n = self.slots[name]
        if tuple(t.shape) != (n, self.dim):
            raise VoiceError(f"{path}: shape {list(t.shape)} does not match [N={n} from tekken.json, dim={self.dim}]")
        self._cache[name] = t
        return t
