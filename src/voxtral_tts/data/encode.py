"""`data encode`: a manifest's audio -> codec frames, cached for LM training.

Output folder:

    codes.json                  which model made the codes (params.json and codec-weight hashes), sizes
    shards/codes-00000.safetensors   tensor "codes", int16 [frames, 1 + acoustic_dim], utterances back to back
    index.jsonl                 per utterance: id, text, speaker, language, duration, shard, start, frames
    skipped.jsonl, summary.json

Codes carry the +2 special offset, as the model consumes them (`VoxtralModel.embed_frames`): column 0
is the semantic code in [2, 2 + semantic_codebook_size), columns 1..acoustic_dim the acoustic levels in
[2, 2 + acoustic_codebook_size). An utterance of L samples has ceil(L / samples_per_frame) frames.

Each shard lists its utterances in its own metadata and appears only by an atomic rename, so the shards
alone say what is done: a re-run encodes exactly the utterances that no shard holds (or whose audio
has changed since), and a deleted shard is simply redone. At most one shard's worth of work (or
`flush_seconds` of it) is lost to a kill.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors import safe_open

from ..checkpoint import load_model
from ..config import N_AUDIO_SPECIALS
from ..errors import EncoderMissingError
from ..model.envelope import PINNED_FILE
from ..progress import Progress
from . import dsp
from .frames import FORMAT, INDEX, META, SHARDS, codec_fingerprint, write_shard
from .manifest import DataError, Entry, atomic_write_text, read_manifest
from .prepare import EMPTY, ERROR, MISSING_AUDIO, SILENCE_LUFS, SILENT, UNREADABLE, read_audio, summarize

log = logging.getLogger(__name__)

SKIPPED = "skipped.jsonl"
SUMMARY = "summary.json"
_DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}


# Skips that the same file will earn again; `error` (e.g. out of memory) may not recur, so it is retried.
_LASTING = (UNREADABLE, EMPTY, SILENT)


def _load_skipped(path: Path) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                row = json.loads(line)
                rows[row["id"]] = row
            except (json.JSONDecodeError, KeyError, TypeError):
                continue
    return rows


def _shard_items(path: Path) -> list[list[Any]] | None:
    """[[id, start, frames, size, mtime_ns], ...] from a shard's metadata; None if unreadable."""
    try:
        with safe_open(str(path), framework="numpy") as f:
            meta = f.metadata() or {}
        items = json.loads(meta["items"])
        if meta.get("format") != FORMAT or not isinstance(items, list):
            return None
        return items if all(isinstance(it, list) and len(it) == 5 for it in items) else None
    except Exception:
        return None


def scan_shards(out: Path) -> dict[str, dict[str, Any]]:
    """What the existing shards hold, by id; a later shard overrides an earlier one."""
    done: dict[str, dict[str, Any]] = {}
    folder = out / SHARDS
    for path in sorted(folder.glob("codes-*.safetensors")):
        items = _shard_items(path)
        if items is None:
            log.warning("%s: unreadable shard, its utterances will be encoded again", path)
            continue
        rel = path.relative_to(out).as_posix()
        for uid, start, frames, size, mtime in items:
            done[uid] = {"shard": rel, "start": int(start), "frames": int(frames), "src": [size, mtime]}
    return done


def _next_shard(out: Path) -> int:
    nums = [int(p.stem.split("-")[1]) for p in (out / SHARDS).glob("codes-*.safetensors") if p.stem[6:].isdigit()]
    return max(nums, default=-1) + 1


def _check_meta(out: Path, meta: dict[str, Any]) -> None:
    path = out / META
    if path.exists():
        try:
            old = json.loads(path.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise DataError(f"{path}: not valid JSON; remove the folder or use another --out") from None
        old.setdefault("acoustic", "codec")  # caches from before the option
        for k in ("format", "params_sha256", "codec_sha256", "dtype", "acoustic"):
            if old.get(k) != meta[k]:
                raise DataError(
                    f"{out}: holds codes made by another model or setting ({k} {str(old.get(k))[:16]} "
                    f"!= {str(meta[k])[:16]}, from {old.get('model')}); use another --out"
                )
    atomic_write_text(path, json.dumps(meta, indent=2) + "\n")


def _skip_row(e: Entry, path: Path, reason: str, ex: Exception) -> dict[str, Any]:
    return {"id": e.id, "audio": str(path), "reason": reason, "detail": f"{path}: {type(ex).__name__}: {ex}"}


def _encode_one(
    net: torch.nn.Module,
    e: Entry,
    path: Path,
    device: str,
    lo: np.ndarray,
    hi: np.ndarray,
    envelope: bool = False,
) -> np.ndarray | dict[str, Any]:
    """The codes of one utterance, int16 [T, 37] with the offset, or a skipped.jsonl row. With `envelope` (a
    pinned codec), the acoustic columns are the true envelope's levels, not the encoder's."""
    c = net.args.codec
    try:
        wave = read_audio(path, c.sampling_rate)
    except Exception as ex:
        return _skip_row(e, path, UNREADABLE, ex)
    # A hand-written manifest has not been through `data import`, so the cheap checks are repeated here.
    if wave.size == 0:
        return {"id": e.id, "audio": str(path), "reason": EMPTY, "detail": f"{path}: no samples"}
    loud = dsp.integrated_loudness(wave, c.sampling_rate)
    if loud < SILENCE_LUFS:
        what = "silent" if not math.isfinite(loud) else f"{loud:.1f} LUFS"
        return {"id": e.id, "audio": str(path), "reason": SILENT, "detail": f"{path}: {what}"}
    try:
        codes = net.audio_codes(torch.from_numpy(wave), envelope).to("cpu", torch.int32).numpy()  # [T, 37]
        want = -(-wave.size // c.samples_per_frame)
        if codes.shape != (want, lo.size) or (codes < lo).any() or (codes >= hi).any():
            raise RuntimeError(f"codec returned codes of shape {codes.shape} or out of range")
    except Exception as ex:  # e.g. out of memory on one very long file: skip it, keep going
        return _skip_row(e, path, ERROR, ex)
    return np.ascontiguousarray(codes, dtype=np.int16)


def _read_manifests(manifests: Sequence[Path]) -> tuple[list[Entry], list[Path]]:
    """Entries of all manifests with their audio paths resolved; an id may appear only once."""
    entries, paths, origin = [], [], {}
    for m in manifests:
        for e in read_manifest(m):
            if e.id in origin:
                raise DataError(f"{m}: id {e.id!r} is also in {origin[e.id]}; ids must be unique across manifests")
            origin[e.id] = m
            entries.append(e)
            paths.append(e.audio_path(m.parent))
    if not entries:
        raise DataError(f"{', '.join(map(str, manifests))}: no utterances to encode")
    return entries, paths


def encode_manifest(
    model: str | Path,
    manifest: str | Path | Sequence[str | Path],
    out: str | Path,
    device: str | None = None,
    dtype: str = "fp32",
    shard_frames: int = 50_000,
    flush_seconds: float = 300.0,
    progress: bool = True,
    acoustic: str = "auto",
) -> dict[str, Any]:
    """Encode every utterance of `manifest` (one file, or several whose ids do not clash) with the codec
    of the model folder `model` into `out`. `acoustic="envelope"`: a codec trained with a pinned latent
    (`loss.pin_weight`) gives the semantic codes, and the acoustic codes are the quantised true envelopes its
    encoder was trained to estimate (exact where the encoder is not, and what a cloned voice's prompt carries
    at inference). "codec": the encoder's own acoustic codes. "auto": envelope for a pinned codec, else codec.
    Returns the summary (also written to summary.json)."""
    t0 = time.monotonic()
    model_dir, out = Path(model), Path(out)
    manifests = [Path(manifest)] if isinstance(manifest, (str, Path)) else [Path(m) for m in manifest]
    if dtype not in _DTYPES:
        raise DataError(f"--dtype {dtype}: choose from {', '.join(_DTYPES)}")
    if shard_frames <= 0:
        raise DataError(f"--shard-frames {shard_frames}: must be positive")
    entries, paths = _read_manifests(manifests)
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    args, net = load_model(model_dir, dtype=_DTYPES[dtype], device=device)
    if not net.has_encoder:
        raise EncoderMissingError(
            f"{model_dir}: this checkpoint has no codec encoder (the official release omits it), so it cannot "
            "encode audio; use a checkpoint with audio_tokenizer encoder weights"
        )
    c = args.codec
    if acoustic not in ("auto", "codec", "envelope"):
        raise DataError(f"--acoustic {acoustic}: choose auto, codec or envelope")
    if acoustic == "auto":
        acoustic = "envelope" if net.pinned is not None else "codec"
    if acoustic == "envelope" and net.pinned is None:
        raise DataError(
            f"{model_dir / PINNED_FILE}: not found; --acoustic envelope needs a codec trained with a pinned latent "
            "(loss.pin_weight)"
        )
    envelope = acoustic == "envelope"
    sizes = args.audio.codebook_sizes  # with the specials
    if max(sizes) > np.iinfo(np.int16).max:
        raise DataError(f"{model_dir}: codebooks of {max(sizes)} entries do not fit the int16 cache")
    meta = {
        "format": FORMAT,
        "model": str(model_dir.resolve()),
        **codec_fingerprint(model_dir, net),
        "dtype": dtype,
        "acoustic": acoustic,
        "sample_rate": c.sampling_rate,
        "frame_rate": c.frame_rate,
        "samples_per_frame": c.samples_per_frame,
        "n_codebooks": args.audio.n_codebooks,
        "code_offset": N_AUDIO_SPECIALS,
        "codebook_sizes": sizes,
    }
    out.mkdir(parents=True, exist_ok=True)
    _check_meta(out, meta)
    for stale in (out / SHARDS).glob("*.tmp"):  # left by a kill mid-write
        stale.unlink()

    done = scan_shards(out)
    skipped: list[dict[str, Any]] = []
    failed_before = _load_skipped(out / SKIPPED)
    todo: list[tuple[Entry, Path, list[int]]] = []
    for e, path in zip(entries, paths):
        try:
            st = path.stat()
        except OSError:
            skipped.append({"id": e.id, "audio": str(path), "reason": MISSING_AUDIO, "detail": f"{path}: not found"})
            continue
        sig = [st.st_size, st.st_mtime_ns]
        if e.id in done and done[e.id]["src"] == sig:
            continue
        old = failed_before.get(e.id)
        if old is not None and old.get("src") == sig and old.get("reason") in _LASTING:
            skipped.append(old)
            continue
        todo.append((e, path, sig))
    reused = len(entries) - len(skipped) - len(todo)

    lo = np.array([N_AUDIO_SPECIALS] * len(sizes))
    hi = np.array(sizes)
    number = _next_shard(out)
    batch: list[tuple[str, np.ndarray, list[int]]] = []
    frames_in_batch, last_flush = 0, time.monotonic()
    bar = Progress(len(todo), "encode", enabled=progress)
    if reused:
        bar.note = f"{reused} done in an earlier run"
    try:
        for e, path, sig in todo:
            codes = _encode_one(net, e, path, device, lo, hi, envelope)
            bar.update()
            if isinstance(codes, dict):
                skipped.append({**codes, "src": sig})
                continue
            batch.append((e.id, codes, sig))
            frames_in_batch += codes.shape[0]
            if frames_in_batch >= shard_frames or time.monotonic() - last_flush >= flush_seconds:
                done.update(write_shard(out, number, batch))
                number, batch, frames_in_batch, last_flush = number + 1, [], 0, time.monotonic()
    except KeyboardInterrupt:
        if batch:  # keep what is finished; a re-run starts after it
            write_shard(out, number, batch)
        raise
    finally:
        bar.close()
    if batch:
        done.update(write_shard(out, number, batch))

    failed = {s["id"] for s in skipped}
    index, kept = [], []
    for e in entries:
        loc = done.get(e.id)
        if loc is None or e.id in failed:
            continue
        row = {k: v for k, v in e.to_dict().items() if k != "audio"}  # audio paths are relative to the manifest
        index.append({**row, "shard": loc["shard"], "start": loc["start"], "frames": loc["frames"]})
        kept.append(e)
    atomic_write_text(out / INDEX, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in index))
    atomic_write_text(out / SKIPPED, "".join(json.dumps(s, ensure_ascii=False) + "\n" for s in skipped))
    summary = summarize(kept, skipped)
    summary.update(
        manifests=[str(m.resolve()) for m in manifests],
        model=meta["model"],
        codec_sha256=meta["codec_sha256"],
        frames=sum(r["frames"] for r in index),
        processed=len(todo),
        reused=reused,
        seconds=round(time.monotonic() - t0, 2),
    )
    atomic_write_text(out / SUMMARY, json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    return summary
