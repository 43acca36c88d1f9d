"""Reading the codec frames that `voxtral-tts data encode` cached (see encode.py for the layout)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors import safe_open
from safetensors.numpy import save_file

from ..checkpoint import PARAMS, publish
from ..config import N_AUDIO_SPECIALS
from .manifest import DataError, atomic_write_text

FORMAT = "voxtral-codes/1"
META = "codes.json"
INDEX = "index.jsonl"
SHARDS = "shards"


def codec_fingerprint(model_dir: Path, model: torch.nn.Module) -> dict[str, str]:
    """Hashes that identify what made a set of codes: params.json, the encoder and quantizer weights, and a
    pinned codec's envelope (the decoder and the LM do not change the codes, so retraining them keeps a cache valid).
    Weights are hashed as float32, so the same checkpoint loaded in bf16 or fp32 hashes alike."""
    params = hashlib.sha256((model_dir / PARAMS).read_bytes()).hexdigest()
    h = hashlib.sha256()
    for name, t in sorted(model.codec.state_dict().items()):
        if not name.startswith(("input_proj.", "encoder_blocks.", "quantizer.")):
            continue
        t = t.detach().to("cpu", torch.float32 if t.is_floating_point() else t.dtype).contiguous()
        h.update(f"{name}|{t.dtype}|{tuple(t.shape)}|".encode())
        h.update(memoryview(t.reshape(-1).view(torch.uint8).numpy()))
    pinned = getattr(model, "pinned", None)
    if pinned is not None:  # a pinned codec's acoustic codes are its envelope's: new statistics, new codes
        h.update(pinned.to_json().encode())
    return {"params_sha256": params, "codec_sha256": h.hexdigest()}


def write_shard(
    out: Path, number: int, items: Sequence[tuple[str, np.ndarray, Sequence[int]]]
) -> dict[str, dict[str, Any]]:
    """Write `shards/codes-<number>.safetensors` from (id, codes [T, 37], source [size, mtime_ns]) items,
    atomically, with the item list in its metadata. Returns where each id now lives."""
    folder = out / SHARDS
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"codes-{number:05d}.safetensors"
    listing, start = [], 0
    for uid, codes, sig in items:
        listing.append([uid, start, int(codes.shape[0]), *sig])
        start += codes.shape[0]
    # safetensors writes the raw buffer, so the array must be C-ordered (a transposed view is not).
    data = np.ascontiguousarray(np.concatenate([c for _, c, _ in items], axis=0), dtype=np.int16)
    tmp = path.with_name(path.name + ".tmp")
    save_file({"codes": data}, str(tmp), metadata={"format": FORMAT, "items": json.dumps(listing, ensure_ascii=False)})
    publish(tmp, path)
    rel = path.relative_to(out).as_posix()
    return {uid: {"shard": rel, "start": s, "frames": n, "src": [size, mt]} for uid, s, n, size, mt in listing}


def write_frames(
    folder: str | Path, items: Iterable[tuple[np.ndarray, str, str, str]], frame_rate: float = 12.5
) -> Path:
    """Write (codes int16 [T, 37] with the +2 offset, text, speaker, language) items as a frames folder
    that `read_frames` reads, without a model: for tests and for frames made elsewhere. Its codes.json
    names no codec, so `check_codec` rejects it."""
    folder = Path(folder)
    items = list(items)
    if not items:
        raise DataError(f"{folder}: no frames to write")
    entries = [(f"{i:08d}", np.asarray(c, dtype=np.int16), t, s, lang) for i, (c, t, s, lang) in enumerate(items)]
    where = write_shard(folder, 0, [(uid, c, [0, 0]) for uid, c, *_ in entries])
    meta = {
        "format": FORMAT,
        "model": None,
        "params_sha256": None,
        "codec_sha256": None,
        "frame_rate": frame_rate,
        "n_codebooks": int(entries[0][1].shape[1]),
        "code_offset": N_AUDIO_SPECIALS,
    }
    atomic_write_text(folder / META, json.dumps(meta, indent=2) + "\n")
    rows = []
    for uid, c, t, s, lang in entries:
        loc = where[uid]
        row = {"id": uid, "text": t, "language": lang, "speaker": s, "duration": round(c.shape[0] / frame_rate, 4)}
        rows.append({**row, "shard": loc["shard"], "start": loc["start"], "frames": loc["frames"]})
    atomic_write_text(folder / INDEX, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return folder


class CodeStore:
    """Read access to a folder written by `encode_manifest`, for training.

    store = CodeStore("data/codes")
    item = store.items[0]        # id, text, speaker, language, duration, shard, start, frames
    codes = store.codes(0)       # np.int16 [frames, 37], with the +2 offset
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        meta_path, index_path = self.folder / META, self.folder / INDEX
        for p in (meta_path, index_path):
            if not p.is_file():
                raise DataError(f"{p}: not found (is {self.folder} a folder written by `data encode`?)")
        self.meta: dict[str, Any] = json.loads(meta_path.read_text())
        if self.meta.get("format") != FORMAT:
            raise DataError(f"{meta_path}: format {self.meta.get('format')!r}, expected {FORMAT!r}")
        self.items: list[dict[str, Any]] = [
            json.loads(line) for line in index_path.read_text(encoding="utf-8").splitlines() if line.strip()
        ]
        self._files: dict[str, Any] = {}

    def __len__(self) -> int:
        return len(self.items)

    def codes(self, i: int) -> np.ndarray:
        item = self.items[i]
        f = self._files.get(item["shard"])
        if f is None:
            f = self._files[item["shard"]] = safe_open(str(self.folder / item["shard"]), framework="numpy")
        return f.get_slice("codes")[item["start"] : item["start"] + item["frames"]]


def read_frames(folder: str | Path) -> Iterator[tuple[np.ndarray, str, str, str]]:
    """(codes int16 [T, 37] with the +2 offset, text, speaker, language) per cached utterance."""
    store = CodeStore(folder)
    for i, item in enumerate(store.items):
        yield store.codes(i), item["text"], item["speaker"], item["language"]


def check_codec(folder: str | Path, model_dir: str | Path, model: torch.nn.Module) -> None:
    """Raise a DataError unless the frames in `folder` were made by this model's codec encoder."""
    store = CodeStore(folder)
    fp = codec_fingerprint(Path(model_dir), model)
    if store.meta.get("codec_sha256") != fp["codec_sha256"]:
        raise DataError(
            f"{folder}: frames were made by the codec of {store.meta.get('model')}, "
            f"not by the one in {model_dir}; encode them again with this model"
        )
