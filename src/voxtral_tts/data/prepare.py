"""`data import`: corpus -> checked, 24 kHz mono, loudness-normalised FLAC files plus a manifest.

Output folder:

    audio/<speaker>/<id>.flac   the kept utterances
    manifest.jsonl              one line per kept utterance (see manifest.py)
    skipped.jsonl               one line per skipped candidate: id, audio, reason, detail
    summary.json                counts kept and skipped per reason, hours per speaker and language
    journal.jsonl               one line per finished file, so that a re-run resumes (see below)
    import.json                 which corpus this folder holds

Resuming: every finished file (kept or skipped for a property of its audio) is appended to the
journal as soon as it is done, and audio is written under a temporary name and renamed. A re-run
skips a candidate whose journal line matches the source file's size and mtime and the processing
options, and whose output file still exists; everything else is redone. Skips that come from the
corpus metadata (missing file, no transcript) are cheap and are re-checked each run.
"""

from __future__ import annotations

import ctypes
import dataclasses
import hashlib
import json
import logging
import math
import multiprocessing as mp
import os
import re
import signal
import sys
import time
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf
import soxr

from ..progress import Progress
from . import dsp
from .importers import NO_TRANSCRIPT, Candidate, candidates
from .manifest import DataError, Entry, atomic_write_text, write_manifest

log = logging.getLogger(__name__)

SAMPLE_RATE = 24000
JOURNAL = "journal.jsonl"
MANIFEST = "manifest.jsonl"
SKIPPED = "skipped.jsonl"
SUMMARY = "summary.json"
IMPORT = "import.json"
# Bump when processing changes in a way that makes earlier outputs stale.
PROCESS_VERSION = 1

SILENCE_LUFS = -60.0  # quieter than this is silent, or noise that normalising would blow up

# Reason keys, as they appear in skipped.jsonl and summary.json.
MISSING_AUDIO = "missing_audio"
UNREADABLE = "unreadable"
EMPTY = "empty"
SILENT = "silent"
CLIPPED = "clipped"
TOO_SHORT = "too_short"
TOO_LONG = "too_long"
DUPLICATE = "duplicate_id"
CRASHED = "crashed"
ERROR = "error"


@dataclass(frozen=True)
class PrepareOptions:
    """How audio is checked and normalised. Every field takes part in the resume key."""

    sample_rate: int = SAMPLE_RATE
    loudness: float = -23.0  # integrated loudness target, LUFS (EBU R128)
    peak_dbfs: float = -1.0  # the gain stops short of pushing the sample peak above this
    trim: bool = False
    min_seconds: float = 1.0
    max_seconds: float = 30.0
    max_clipped: float = 0.01  # share of samples in flat runs at the peak
    silence_lufs: float = SILENCE_LUFS

    def validate(self) -> PrepareOptions:
        if self.min_seconds < 0 or self.max_seconds <= self.min_seconds:
            raise DataError(
                f"--min-seconds {self.min_seconds} and --max-seconds {self.max_seconds}: need 0 <= min < max"
            )
        if not 0 <= self.max_clipped <= 1:
            raise DataError(f"--max-clipped {self.max_clipped}: must be a fraction between 0 and 1")
        if not -70 < self.loudness < 0:
            raise DataError(f"--loudness {self.loudness}: must be between -70 and 0 LUFS")
        return self

    def key(self) -> str:
        blob = json.dumps([PROCESS_VERSION, dataclasses.asdict(self)], sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def read_audio(path: str | Path, sample_rate: int) -> np.ndarray:
    """Decode any file soundfile reads to float32 mono at `sample_rate`. Raises on undecodable input."""
    data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    if not np.all(np.isfinite(data)):
        raise ValueError("NaN or infinite samples")
    x = data.mean(axis=1)
    if rate != sample_rate and x.size:
        x = soxr.resample(x, rate, sample_rate, quality="HQ")
    return np.ascontiguousarray(x, dtype=np.float32)


def _skip(reason: str, detail: str) -> dict[str, Any]:
    return {"ok": False, "reason": reason, "detail": detail}


def process_audio(src: Path, dst: Path, opts: PrepareOptions) -> dict[str, Any]:
    """Check one file and, if it is usable, write it to `dst` as 24 kHz mono 16-bit FLAC.

    Returns {"ok": True, "duration", "gain_db"} or {"ok": False, "reason", "detail"}; the first
    failing check gives the reason."""
    sr = opts.sample_rate
    try:
        info = sf.info(str(src))
    except Exception as e:
        return _skip(UNREADABLE, f"{src}: cannot decode ({type(e).__name__}: {e})")
    if info.frames <= 0 or info.samplerate <= 0:
        return _skip(EMPTY, f"{src}: no samples")
    raw_seconds = info.frames / info.samplerate
    # Header durations allow cheap early exits: trimming only shortens, and a file far longer than the
    # limit will not trim down to it, so there is no need to decode hours of audio to say no.
    if raw_seconds < opts.min_seconds:
        return _skip(TOO_SHORT, f"{src}: {raw_seconds:.2f} s < {opts.min_seconds} s")
    if raw_seconds > (2 * opts.max_seconds + 30 if opts.trim else opts.max_seconds):
        return _skip(TOO_LONG, f"{src}: {raw_seconds:.1f} s > {opts.max_seconds} s")
    try:
        data, rate = sf.read(str(src), dtype="float32", always_2d=True)
    except Exception as e:
        return _skip(UNREADABLE, f"{src}: cannot decode ({type(e).__name__}: {e})")
    if data.size == 0:
        return _skip(EMPTY, f"{src}: no samples")
    if not np.all(np.isfinite(data)):
        return _skip(UNREADABLE, f"{src}: NaN or infinite samples")
    clipped = max(dsp.clipped_fraction(data[:, c]) for c in range(data.shape[1]))
    if clipped > opts.max_clipped:
        return _skip(CLIPPED, f"{src}: {100 * clipped:.1f}% of samples clipped (limit {100 * opts.max_clipped:g}%)")
    x = data.mean(axis=1)
    if rate != sr:
        x = soxr.resample(x, rate, sr, quality="HQ").astype(np.float32)
    loud = dsp.integrated_loudness(x, sr)
    if loud < opts.silence_lufs:
        what = "silent" if not math.isfinite(loud) else f"{loud:.1f} LUFS"
        return _skip(SILENT, f"{src}: {what} (threshold {opts.silence_lufs} LUFS)")
    if opts.trim:
        n = x.size
        x = dsp.trim_silence(x, sr)
        if x.size != n:
            loud = dsp.integrated_loudness(x, sr)
    seconds = x.size / sr
    if seconds < opts.min_seconds:
        return _skip(
            TOO_SHORT, f"{src}: {seconds:.2f} s{' after trimming' if opts.trim else ''} < {opts.min_seconds} s"
        )
    if seconds > opts.max_seconds:
        return _skip(TOO_LONG, f"{src}: {seconds:.1f} s{' after trimming' if opts.trim else ''} > {opts.max_seconds} s")
    y, gain_db = dsp.normalize_loudness(x, sr, opts.loudness, opts.peak_dbfs, loudness=loud)
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(dst.name + ".tmp")
    sf.write(str(tmp), np.clip(y, -1.0, 1.0), sr, format="FLAC", subtype="PCM_16")
    tmp.replace(dst)
    return {"ok": True, "duration": round(seconds, 4), "gain_db": round(gain_db, 2)}


Job = tuple[int, Path, Path]  # candidate index, source, destination


def _work(job: Job, opts: PrepareOptions) -> dict[str, Any]:
    _, src, dst = job
    try:
        return process_audio(src, dst, opts)
    except Exception as e:  # one bad file must not end a job of hours; the summary shows it
        return _skip(ERROR, f"{src}: {type(e).__name__}: {e}")


def _die_with_parent(parent: int) -> None:
    """Pool initializer: on Linux, ask the kernel to end this worker when the job's main process dies.
    Without it a `kill -9` of the job leaves workers waiting on their queue forever."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(workers, mp_context=_context(), initializer=_die_with_parent, initargs=(os.getpid(),))


def _context() -> Any:
    # fork: workers inherit the imported modules instead of re-importing torch for each one.
    return mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()


def _alone(job: Job, opts: PrepareOptions) -> dict[str, Any]:
    """Run one job in a process of its own, so that a crash can be pinned on its file."""
    with _pool(1) as ex:
        try:
            return ex.submit(_work, job, opts).result()
        except BrokenProcessPool:
            return _skip(CRASHED, f"{job[1]}: the worker process died on this file")


def run_jobs(jobs: Sequence[Job], opts: PrepareOptions, workers: int) -> Iterator[tuple[int, dict[str, Any]]]:
    """(candidate index, outcome) per job, in completion order.

    With a pool, a worker that dies (a decoder crash, the OOM killer) breaks every job in flight; those
    are then rerun one at a time, and only the one that dies again is skipped as `crashed`."""
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield job[0], _work(job, opts)
        return
    pending = deque(jobs)
    while pending:
        suspects: list[Job] = []
        ex = _pool(workers)
        try:
            inflight: dict[Any, Job] = {}
            while pending or inflight:
                while pending and len(inflight) < 4 * workers:
                    job = pending.popleft()
                    inflight[ex.submit(_work, job, opts)] = job
                done, _ = wait(inflight, return_when=FIRST_COMPLETED)
                for fut in done:
                    job = inflight.pop(fut)
                    try:
                        outcome = fut.result()
                    except BrokenProcessPool:
                        suspects.append(job)
                        continue
                    yield job[0], outcome
                if suspects:
                    suspects.extend(inflight.values())
                    break
        finally:
            ex.shutdown(wait=not suspects, cancel_futures=True)
        for job in suspects:
            yield job[0], _alone(job, opts)


def _safe(name: str) -> str:
    return re.sub(r"[^\w.\-]+", "_", name).strip("._") or "_"


def output_path(out: Path, c: Candidate) -> Path:
    parts = [_safe(p) for p in c.id.split("/")]
    return out / "audio" / _safe(c.speaker) / Path(*parts).with_suffix(".flac")


def _load_journal(path: Path) -> dict[str, dict[str, Any]]:
    """The last record per id; lines cut short by a kill are ignored."""
    records: dict[str, dict[str, Any]] = {}
    if not path.exists():
        return records
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            try:
                rec = json.loads(line)
                records[rec["id"]] = rec
            except (json.JSONDecodeError, KeyError, TypeError):
                continue
    return records


def _check_folder(out: Path, fmt: str, src: Path, opts: PrepareOptions) -> None:
    """One output folder holds one corpus: mixing two would silently merge their journals."""
    meta_path = out / IMPORT
    source = str(src.resolve())
    if meta_path.exists():
        try:
            old = json.loads(meta_path.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError):
            old = {}
        if old and (old.get("format"), old.get("source")) != (fmt, source):
            raise DataError(
                f"{out}: already holds an import of {old.get('source')} ({old.get('format')}); use another --out"
            )
    meta = {"format": fmt, "source": source, "options": dataclasses.asdict(opts), "options_key": opts.key()}
    atomic_write_text(meta_path, json.dumps(meta, indent=2) + "\n")


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def import_corpus(
    fmt: str,
    src: str | Path,
    out: str | Path,
    lang: str | None = None,
    speaker: str | None = None,
    options: PrepareOptions | None = None,
    workers: int | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Import corpus `src` (layout `fmt`) into folder `out`; returns the summary (also in summary.json)."""
    t0 = time.monotonic()
    opts = (options or PrepareOptions()).validate()
    workers = _cpu_count() if workers is None or workers <= 0 else workers
    src, out = Path(src), Path(out)
    cands = candidates(fmt, src, lang, speaker)
    if not cands:
        raise DataError(f"{src}: no utterances found for --format {fmt}")
    out.mkdir(parents=True, exist_ok=True)
    _check_folder(out, fmt, src, opts)
    key = opts.key()
    journal_path = out / JOURNAL
    journal = _load_journal(journal_path)

    results: dict[int, dict[str, Any]] = {}
    sigs: dict[int, list[int]] = {}
    jobs: list[Job] = []
    ids: dict[str, str] = {}
    dsts: set[Path] = set()
    reused = 0
    for i, c in enumerate(cands):
        if c.problem:
            results[i] = _skip(c.problem, c.detail or f"{c.audio}: {c.problem.replace('_', ' ')}")
            continue
        if c.id in ids:
            results[i] = _skip(DUPLICATE, f"{c.audio}: id {c.id!r} is already used by {ids[c.id]}")
            continue
        ids[c.id] = str(c.audio)
        if not c.text:
            results[i] = _skip(NO_TRANSCRIPT, f"{c.audio}: empty transcript")
            continue
        dst = output_path(out, c)
        if dst in dsts:
            results[i] = _skip(DUPLICATE, f"{c.audio}: output name {dst.relative_to(out)} is already taken")
            continue
        dsts.add(dst)
        try:
            st = c.audio.stat()
        except OSError:
            results[i] = _skip(MISSING_AUDIO, f"{c.audio}: not found")
            continue
        sigs[i] = [st.st_size, st.st_mtime_ns]
        rel = dst.relative_to(out).as_posix()
        rec = journal.get(c.id)
        if (
            rec is not None
            and rec.get("cfg") == key
            and rec.get("src") == sigs[i]
            and rec.get("out") == rel
            and (not rec.get("ok") or dst.exists())
        ):
            results[i] = rec
            reused += 1
        else:
            jobs.append((i, c.audio, dst))

    bar = Progress(len(jobs), "import", enabled=progress)
    if reused:
        bar.note = f"{reused} done in an earlier run"
    try:
        with open(journal_path, "a+", encoding="utf-8") as jf:
            jf.seek(0, os.SEEK_END)
            if jf.tell():  # a kill mid-line leaves a fragment; start a fresh line after it
                jf.seek(jf.tell() - 1)
                if jf.read(1) != "\n":
                    jf.write("\n")
            for i, outcome in run_jobs(jobs, opts, workers):
                c = cands[i]
                rel = output_path(out, c).relative_to(out).as_posix()
                rec = {"id": c.id, "cfg": key, "src": sigs[i], "out": rel, **outcome}
                jf.write(json.dumps(rec, ensure_ascii=False) + "\n")
                jf.flush()
                results[i] = rec
                bar.update()
    finally:
        bar.close()

    entries: list[Entry] = []
    skipped: list[dict[str, Any]] = []
    for i, c in enumerate(cands):
        r = results[i]
        if r.get("ok"):
            entries.append(Entry(c.id, r["out"], c.text, c.language, c.speaker, r["duration"]))
        else:
            skipped.append({"id": c.id, "audio": str(c.audio), "reason": r["reason"], "detail": r["detail"]})
    write_manifest(out / MANIFEST, entries)
    atomic_write_text(out / SKIPPED, "".join(json.dumps(s, ensure_ascii=False) + "\n" for s in skipped))
    # Compact the journal to one line per finished file, so that it does not grow with every re-run.
    done = [{"id": cands[i].id, **r} for i, r in sorted(results.items()) if "cfg" in r]
    atomic_write_text(journal_path, "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in done))

    summary = summarize(entries, skipped)
    summary.update(
        format=fmt,
        source=str(src.resolve()),
        options=dataclasses.asdict(opts),
        candidates=len(cands),
        processed=len(jobs),
        reused=reused,
        seconds=round(time.monotonic() - t0, 2),
    )
    atomic_write_text(out / SUMMARY, json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    return summary


def _hours(seconds: float) -> float:
    return round(seconds / 3600, 4)


def summarize(entries: Sequence[Entry], skipped: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Counts kept and skipped (per reason), hours per language and per speaker."""
    by_lang: dict[str, list[float]] = {}
    by_spk: dict[str, list[float]] = {}
    for e in entries:
        for table, k in ((by_lang, e.language), (by_spk, e.speaker)):
            row = table.setdefault(k, [0, 0.0])
            row[0] += 1
            row[1] += e.duration

    def rows(table: dict[str, list[float]]) -> dict[str, dict[str, float]]:
        order = sorted(table.items(), key=lambda kv: (-kv[1][1], kv[0]))
        return {k: {"items": int(n), "hours": _hours(s)} for k, (n, s) in order}

    return {
        "kept": len(entries),
        "skipped": len(skipped),
        "hours": _hours(sum(e.duration for e in entries)),
        "skipped_by_reason": dict(Counter(s["reason"] for s in skipped).most_common()),
        "by_language": rows(by_lang),
        "by_speaker": rows(by_spk),
    }


def format_summary(summary: dict[str, Any], max_speakers: int = 20) -> str:
    """The summary as a small plain-text table for the terminal."""
    lines = [f"kept     {summary['kept']:>8}  {summary['hours']:.2f} h", f"skipped  {summary['skipped']:>8}"]
    for reason, n in summary["skipped_by_reason"].items():
        lines.append(f"  {reason:<16}{n:>8}")
    for title, key in (("language", "by_language"), ("speaker", "by_speaker")):
        table = summary[key]
        if not table:
            continue
        width = max(len(title), *(len(k) for k in list(table)[:max_speakers]))
        lines.append(f"{title:<{width}}  {'items':>8}  {'hours':>8}")
        for i, (k, row) in enumerate(table.items()):
            if i == max_speakers:
                lines.append(f"... and {len(table) - max_speakers} more {title}s")
                break
            lines.append(f"{k:<{width}}  {row['items']:>8}  {row['hours']:>8.2f}")
    return "\n".join(lines)
