"""Phones for the semantic code: espeak-ng transcriptions, a small CTC phone recogniser that reads a pinned
codec's envelopes, and the forced alignment of every training clip onto its phones.

Why: on the pinned codec the words ride in the acoustic envelope, and the LM's flow head draws that envelope
nearly blind, because nothing teaches the backbone which sound each frame holds (docs/default-model.md,
"Where the words are lost"). Its strongest loss, the semantic cross-entropy, has codes distilled from
Whisper's decoder as targets: a Whisper token is most often a whole word spanning several frames, so those
codes name the word and the speaker rather than the sound, and text predicts them poorly (held-out 3.5
nats). A code that names the phones of its frame is a function of the text and the timing alone, so the same
loss then teaches the backbone, frame by frame, what it has to voice: the state that picks the code is the
state the flow head reads.

The recogniser is an ASR model of its own corpus, in the spirit of the paper's semantic distillation (the
codes carry what an ASR model hears), trained here because Whisper base does not hear espeak-ng's Dutch,
Arabic or Hindi. It reads the envelope, the LM's own acoustic values, so it also scores what the LM draws
(phone error rate) in every language, without the decoder or Whisper.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..config import N_AUDIO_SPECIALS
from ..errors import VoxtralError
from ..eval.engines import EspeakNG

# One table of espeak-ng voices per language, the eval engine's (its "fr" is espeak-ng's fr-fr voice).
ESPEAK_VOICES = EspeakNG.voices
BLANK, SIL = "<blank>", "<sil>"
_SWITCH = re.compile(r"\([a-z-]+\)")  # espeak-ng's language-switch marks: "(en)"
_STRESS = re.compile(r"[ˈˌ]")


def phonemize(text: str, lang: str) -> list[list[str]]:
    """Clauses of phones, as espeak-ng reads `text` in `lang` (stress marks dropped: a phone is a sound)."""
    voice = ESPEAK_VOICES.get(lang.split("-")[0].lower())
    if voice is None:
        raise VoxtralError(f"phonemize: no espeak-ng voice for language {lang!r}; known: {', '.join(ESPEAK_VOICES)}")
    try:
        out = subprocess.run(
            ["espeak-ng", "-q", "--ipa", "--sep=_", "-v", voice],
            input=text,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
    except FileNotFoundError:
        raise VoxtralError("phonemize: espeak-ng is not installed (apt-get install espeak-ng)") from None
    clauses = []
    for line in out.splitlines():
        line = _STRESS.sub("", _SWITCH.sub("", line))
        phones = [p for word in line.split() for p in word.split("_") if p]
        if phones:
            clauses.append(phones)
    return clauses


def phonemize_many(texts: Sequence[str], langs: Sequence[str], workers: int = 4) -> list[list[list[str]]]:
    with ThreadPoolExecutor(workers) as pool:  # each call is its own espeak-ng process
        return list(pool.map(phonemize, texts, langs))


def with_pauses(clauses: list[list[str]]) -> list[str]:
    """The unit sequence a clip is aligned to: a pause at each end and between clauses, where the teachers
    stop (the corpus keeps 0.1 s of silence at each end)."""
    units = [SIL]
    for c in clauses:
        units += c + [SIL]
    return units


@dataclass
class PhoneSet:
    units: list[str]  # index 0 is the CTC blank

    @classmethod
    def build(cls, sequences: Sequence[Sequence[str]]) -> PhoneSet:
        counts = Counter(u for s in sequences for u in s)
        return cls([BLANK, SIL] + sorted(u for u in counts if u != SIL))

    def ids(self, units: Sequence[str]) -> list[int]:
        index = {u: i for i, u in enumerate(self.units)}
        return [index[u] for u in units if u in index]


def envelope_of(codes: np.ndarray, subframes: int, levels: int = 21) -> np.ndarray:
    """A pinned codec's frames [T, 1 + subframes * bands] (codes with the +2 offset) -> the envelope
    [T * subframes, bands] in (-1, 1), one row per sub-frame, in time order."""
    acoustic = codes[:, 1:].astype(np.float32) - N_AUDIO_SPECIALS
    values = acoustic / (levels - 1) * 2 - 1
    return values.reshape(codes.shape[0] * subframes, -1)


class PhoneRecognizer(nn.Module):
    """Envelope sub-frames -> phone log-probabilities, blank first. Two convolutions see the neighbourhood,
    a small bidirectional transformer the whole clip; alignment is offline, so nothing here needs to be causal."""

    def __init__(self, bands: int, n_units: int, dim: int = 192, layers: int = 4, heads: int = 4) -> None:
        super().__init__()
        self.config = {"bands": bands, "n_units": n_units, "dim": dim, "layers": layers, "heads": heads}
        self.inp = nn.Sequential(
            nn.Conv1d(bands, dim, 5, padding=2), nn.GELU(), nn.Conv1d(dim, dim, 5, padding=2), nn.GELU()
        )
        self.body = nn.ModuleList(_Block(dim, heads) for _ in range(layers))
        self.out = nn.Sequential(nn.LayerNorm(dim), nn.Linear(dim, n_units))

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """x [B, T, bands], lengths [B] -> log-probs [B, T, n_units]."""
        T = x.shape[1]
        h = self.inp(x.transpose(1, 2)).transpose(1, 2) + _sinusoid(T, self.config["dim"], x.device)
        keep = (torch.arange(T, device=x.device)[None] < lengths[:, None])[:, None, None, :]
        for block in self.body:
            h = block(h, keep)
        return self.out(h).float().log_softmax(-1)


class _Block(nn.Module):
    """Pre-norm attention and MLP, on fused attention. Not nn.TransformerEncoderLayer: in training mode (attention
    dropout) it takes the unfused path, and the whole recogniser's forward took 14.8 s with it against 2.7 s with
    this block (24 clips of 880 sub-frames, fp32, the 2-core AVX2 box)."""

    def __init__(self, dim: int, heads: int, dropout: float = 0.1) -> None:
        super().__init__()
        self.heads = heads
        self.norm1, self.norm2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.qkv, self.proj = nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))
        self.drop = nn.Dropout(dropout)

    def forward(self, h: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        B, T, D = h.shape
        q, k, v = self.qkv(self.norm1(h)).view(B, T, 3, self.heads, D // self.heads).permute(2, 0, 3, 1, 4)
        a = F.scaled_dot_product_attention(q, k, v, attn_mask=keep).transpose(1, 2).reshape(B, T, D)
        h = h + self.drop(self.proj(a))
        return h + self.drop(self.mlp(self.norm2(h)))


def _sinusoid(T: int, dim: int, device: torch.device) -> torch.Tensor:
    pos = torch.arange(T, device=device, dtype=torch.float32)[:, None]
    freq = torch.exp(torch.arange(0, dim, 2, device=device, dtype=torch.float32) * (-math.log(10000.0) / dim))
    pe = torch.zeros(T, dim, device=device)
    pe[:, 0::2], pe[:, 1::2] = torch.sin(pos * freq), torch.cos(pos * freq)
    return pe


def greedy(logp: torch.Tensor) -> list[int]:
    """Best path of one clip's log-probs [T, C], repeats merged and blanks dropped."""
    best = logp.argmax(-1).tolist()
    return [b for i, b in enumerate(best) if b != 0 and (i == 0 or best[i - 1] != b)]


def edit_distance(a: Sequence[int], b: Sequence[int]) -> int:
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[-1]


def align(logp: np.ndarray, units: Sequence[int]) -> np.ndarray:
    """Forced alignment: each of the T sub-frames to one of `units` (ids into the recogniser's output), in
    order, every unit at least one sub-frame. Scores are the recogniser's log-probabilities with the blank
    taken out and renormalised: CTC spends most frames on the blank, but the best non-blank label of a frame
    still says which sound it is in. Returns the unit position [T] of each sub-frame."""
    T, N = logp.shape[0], len(units)
    if N > T:
        raise VoxtralError(f"align: {N} units do not fit in {T} sub-frames")
    lp = logp[:, 1:] - np.logaddexp.reduce(logp[:, 1:], axis=1, keepdims=True)
    score = lp[:, np.asarray(units) - 1]  # [T, N]
    neg = -1e30
    best = np.full(N, neg)
    best[0] = score[0, 0]
    moved = np.zeros((T, N), bool)  # True where the path entered unit n at sub-frame t
    for t in range(1, T):
        enter = np.concatenate([[neg], best[:-1]])
        moved[t] = enter > best
        best = np.maximum(best, enter) + score[t]
    path = np.empty(T, np.int64)
    n = N - 1
    for t in range(T - 1, -1, -1):
        path[t] = n
        if t > 0 and moved[t, n]:
            n -= 1
    return path


def frame_pairs(unit_of_subframe: np.ndarray, subframes: int) -> list[tuple[int, int]]:
    """(unit in the first half, unit in the second half) of each frame, by the half's middle sub-frame."""
    frames = len(unit_of_subframe) // subframes
    a = unit_of_subframe[: frames * subframes].reshape(frames, subframes)
    return [(int(r[(subframes // 2 - 1) if subframes > 1 else 0]), int(r[-1])) for r in a]


def pair_table(pairs: Sequence[tuple[int, int]], size: int) -> dict[tuple[int, int], int]:
    """The `size` most frequent (first-half, second-half) phone pairs, numbered by frequency."""
    return {p: i for i, (p, _) in enumerate(Counter(pairs).most_common(size))}


def pair_code(pair: tuple[int, int], table: dict[tuple[int, int], int]) -> int:
    """A pair's code; a rare pair falls back to its second half held, then first half held, then code 0."""
    for p in (pair, (pair[1], pair[1]), (pair[0], pair[0])):
        if p in table:
            return table[p]
    return 0


def save_recognizer(model: PhoneRecognizer, phones: PhoneSet, path: Path, extra: dict | None = None) -> None:
    torch.save({"config": model.config, "state": model.state_dict(), "units": phones.units, **(extra or {})}, path)


def load_recognizer(path: str | Path) -> tuple[PhoneRecognizer, PhoneSet, dict]:
    path = Path(path)
    if not path.is_file():
        raise VoxtralError(f"{path}: no phone recogniser here (train one with recipes/default/phone_codes.py train)")
    blob = torch.load(path, map_location="cpu", weights_only=False)
    model = PhoneRecognizer(**blob["config"])
    model.load_state_dict(blob["state"])
    return model.eval(), PhoneSet(blob["units"]), blob


def write_json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
