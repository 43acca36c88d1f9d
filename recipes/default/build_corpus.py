"""Build the default model's training corpus from offline teacher voices.

    .venv/bin/python recipes/default/build_corpus.py                    # default size, about 15 hours
    .venv/bin/python recipes/default/build_corpus.py --profile smoke    # a few minutes, for testing the recipe
    .venv/bin/python recipes/default/build_corpus.py --licence noncommercial   # adds MBROLA and other NC voices

Steps: sentence pools per language (sentences.py, text/*.py) split into training and held-out sentences; speaker
identities = teacher voices (teachers.py) plus augmented identities (augment.py); a deterministic plan of clips;
synthesis in a process pool; each clip resampled to 24 kHz mono with soxr, silence-trimmed, loudness-normalised
and written as 16-bit FLAC by `voxtral_tts.data.prepare.process_audio`, the same code `voxtral-tts data import`
runs; then three manifests in the `voxtral_tts.data.manifest` format and corpus_summary.json.

Resumable: clip ids are hashes of (speaker, language, text), every finished clip is appended to journal.jsonl
at once, and audio appears only by an atomic rename. Re-running the same command redoes nothing that is done.

Clips are synthesized in hash order, so the clips finished at any moment are a uniform random sample of the plan:
`--snapshot` writes manifests of them (manifest.partial.jsonl and the held-out pair) without synthesizing, so the
codec can start on part of the corpus while the rest waits for another sitting.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import shutil
import signal
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import soundfile as sf

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the recipe's own modules sit next to this script

import augment  # noqa: E402
import sentences  # noqa: E402
import teachers  # noqa: E402
from teachers import LANGUAGES, Voice  # noqa: E402

ROOT = HERE.parent.parent
PROCESS_VERSION = 1  # bump when synthesis or processing changes, so journal entries of older clips are redone

# --------------------------------------------------------------------------------------------------------------
# Configuration


@dataclass
class Profile:
    hours: dict[str, float]  # target training hours per language
    pool: int  # distinct sentences generated per language (training + held out)
    heldout_sentences: int  # held-out sentences per language (each spoken once, by a seen speaker)
    heldout_clips: int  # clips per held-out speaker and language
    aug: dict[str, int]  # augmented identities per base voice, by engine
    aug_weight: float  # share of an augmented identity relative to its base voice
    espeak_variants: int | None = None  # keep only the first N espeak-ng variants (None: all)
    max_kokoro_styles: int | None = None
    heldout_persons: tuple[str, ...] | None = None  # None: HELDOUT_PERSONS
    heldout_aug_per_lang: int = 2  # new augmented identities of seen voices, held out, per language
    languages: tuple[str, ...] = LANGUAGES


# Hours per language follow teacher quality (offline-tools.md §4.2): English has eight engines, es/it/pt/fr/de a
# clean SVOX Pico or near-neural Kokoro voice, nl/ar/hi only espeak-ng (and MBROLA/Festival when allowed).
PROFILES = {
    "default": Profile(
        hours={"en": 3.6, "es": 1.7, "it": 1.7, "pt": 1.5, "fr": 1.5, "de": 1.5, "nl": 1.2, "ar": 1.1, "hi": 1.1},
        pool=6000,
        heldout_sentences=100,
        heldout_clips=10,
        aug={"piper": 8, "kokoro": 4, "rhvoice": 4, "flite": 3, "festival": 3, "pico": 6, "mbrola": 2, "espeak": 1},
        aug_weight=0.5,
    ),
    "smoke": Profile(
        hours={lang: 0.004 for lang in LANGUAGES},
        pool=120,
        heldout_sentences=4,
        heldout_clips=2,
        aug={"piper": 1, "kokoro": 1, "rhvoice": 1, "flite": 1, "festival": 1, "pico": 1, "mbrola": 1, "espeak": 0},
        aug_weight=0.5,
        espeak_variants=6,
        max_kokoro_styles=2,
        heldout_persons=("espeak-m7", "awb", "kokoro-jf_tebukuro", "mbrola-fr2", "festival-pc"),
        heldout_aug_per_lang=1,
    ),
}

# Whole recorded persons kept out of training, for the cloning evaluation. Chosen so that every language has
# unseen speakers: four espeak-ng variants (all nine languages), Alan W Black (Flite awb and RHVoice alan are the
# same man), one Kokoro style (en/es/it/pt), and the second MBROLA voice of each language when MBROLA is on.
HELDOUT_PERSONS = (
    "espeak-m7", "espeak-f5", "espeak-quincy", "espeak-linda", "espeak-m6", "espeak-steph",
    "awb", "kokoro-jf_tebukuro",
    "mbrola-us2", "mbrola-fr2", "mbrola-de6", "mbrola-vz1", "mbrola-it4", "mbrola-br4", "mbrola-nl3",
    "mbrola-ar2", "mbrola-in2", "festival-pc",
)  # fmt: skip

# Rough generation cost in CPU seconds per second of audio, plus a fixed cost per clip (process start, model
# calls), for the ETA and the plan's time estimate. Measured on the 2-core box, one thread per worker.
COST = {
    "espeak": (0.01, 0.02), "mbrola": (0.01, 0.03), "pico": (0.01, 0.03), "flite": (0.02, 0.03),
    "festival": (0.12, 0.4), "rhvoice": (0.07, 0.1), "piper": (0.12, 0.05), "kokoro": (0.65, 0.1),
}  # fmt: skip
PROCESS_COST = 0.03  # resample, trim, loudness, FLAC, per audio second
AUG_COST = 0.03
# Seconds of speech per character of text, per language, for turning target hours into clip counts.
SEC_PER_CHAR = {"en": 0.062, "fr": 0.054, "de": 0.062, "es": 0.07, "it": 0.068, "pt": 0.075, "nl": 0.061,
                "ar": 0.092, "hi": 0.072}  # fmt: skip


@dataclass(frozen=True)
class Identity:
    speaker: str  # the manifest's speaker label
    voice: Voice  # the base teacher voice (one per language)
    transform: augment.Transform | None
    heldout: str | None  # None (training), "person" or "augmented"


@dataclass
class Job:
    id: str
    split: str  # train, heldout_sentences, heldout_speakers
    lang: str
    text: str
    kind: str
    identity: Identity
    est_seconds: float = 0.0

    @property
    def audio(self) -> str:
        return f"audio/{self.lang}/{self.identity.speaker}/{self.id}.flac"

    def cost(self) -> float:
        per_s, fixed = COST[self.identity.voice.engine]
        aug = AUG_COST if self.identity.transform else 0.0
        return self.est_seconds * (per_s + PROCESS_COST + aug) + fixed


def clip_id(ident: Identity, lang: str, text: str) -> str:
    """Content-addressed: the same voice, transform and text always map to the same clip, so a changed plan
    reuses what it can and never reuses a clip made with another transform under the same speaker name."""
    tag = ident.transform.tag() if ident.transform else "-"
    key = f"{PROCESS_VERSION}|{ident.speaker}|{ident.voice.engine}:{ident.voice.arg}|{tag}|{lang}|{text}"
    return f"{lang}-{hashlib.sha1(key.encode()).hexdigest()[:12]}"


# --------------------------------------------------------------------------------------------------------------
# Planning


def identities(voices: list[Voice], prof: Profile, seed: int) -> list[Identity]:
    """Base voices, their augmented identities, and the held-out ones. A transform is drawn from the
    identity's own seeded RNG, so a Kokoro style augmented for English is the same new voice in Spanish."""
    out: list[Identity] = []
    held_persons = prof.heldout_persons if prof.heldout_persons is not None else HELDOUT_PERSONS
    for v in voices:
        held = "person" if v.person in held_persons else None
        out.append(Identity(v.speaker, v, None, held))
        # Held-out persons are not augmented: the cloning evaluation needs their own voices, not more of them.
        for k in range(0 if held else prof.aug.get(v.engine, 0)):
            t = augment.draw_transform(random.Random(f"{seed}:{v.speaker}:aug{k}"))
            out.append(Identity(f"{v.speaker}~a{k}", v, t, held))
    # New augmented identities of seen voices, held out: drawn from a separate stream (names ~h0, ~h1).
    for lang in prof.languages:
        seen = [v for v in voices if v.lang == lang and v.person not in held_persons]
        seen.sort(key=lambda v: (-v.weight, v.speaker))
        for k, v in enumerate(seen[: prof.heldout_aug_per_lang]):
            t = augment.draw_transform(random.Random(f"{seed}:{v.speaker}:heldout{k}"))
            out.append(Identity(f"{v.speaker}~h{k}", v, t, "augmented"))
    return out


def _weight(ident: Identity, prof: Profile) -> float:
    return ident.voice.weight * (prof.aug_weight if ident.transform else 1.0)


def _quota(total: int, weights: list[float]) -> list[int]:
    """Largest-remainder apportionment of `total` clips by weight."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    q = [math.floor(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: q[i] - raw[i])[: total - sum(q)]:
        q[i] += 1
    return q


def build_plan(voices: list[Voice], prof: Profile, seed: int) -> tuple[list[Job], dict[str, Any]]:
    idents = identities(voices, prof, seed)
    jobs: list[Job] = []
    info: dict[str, Any] = {"pool": {}, "heldout_identities": {}}
    for lang in prof.languages:
        pool = sentences.build_pool(lang, prof.pool, seed)
        train_s, held_s = sentences.split_pool(pool, prof.heldout_sentences, seed, lang)
        info["pool"][lang] = {"train_sentences": len(train_s), "heldout_sentences": len(held_s)}
        mine = [i for i in idents if i.voice.lang == lang]
        train_ids = [i for i in mine if i.heldout is None]
        held_ids = [i for i in mine if i.heldout is not None]
        info["heldout_identities"][lang] = sorted(i.speaker for i in held_ids)
        if not train_ids:
            raise SystemExit(f"build_corpus: no training voice for {lang}; check the engines and --licence")
        spc = SEC_PER_CHAR[lang]
        mean_chars = sum(len(s.text) for s in train_s) / max(1, len(train_s))
        n_clips = max(len(train_ids), round(prof.hours[lang] * 3600 / (mean_chars * spc)))
        rng = random.Random(f"{seed}:{lang}:assign")
        quota = _quota(n_clips, [_weight(i, prof) for i in train_ids])
        # Deal sentences round-robin over a shuffled deck, so that each sentence is used as few times as possible
        # and every identity gets a mix of kinds.
        slots = [ident for ident, q in zip(train_ids, quota) for _ in range(q)]
        rng.shuffle(slots)
        deck = train_s[:]
        for n, ident in enumerate(slots):
            if n and n % len(deck) == 0:
                rng.shuffle(deck)
            s = deck[n % len(deck)]
            jobs.append(_job("train", lang, s, ident, spc))
        # Held-out sentences, each once, by seen base voices and augmented identities alike.
        for s, ident in zip(held_s, _cycle(train_ids, len(held_s), rng, prof)):
            jobs.append(_job("heldout_sentences", lang, s, ident, spc))
        # Held-out speakers read held-out sentences, so their clips are unseen in voice and text.
        for ident in held_ids:
            picks = random.Random(f"{seed}:{lang}:{ident.speaker}:held").sample(
                held_s, min(prof.heldout_clips, len(held_s))
            )
            for s in picks:
                jobs.append(_job("heldout_speakers", lang, s, ident, spc))
    # Dedupe (a short phrase can be dealt to the same identity twice when a language needs more clips than its
    # pool has sentences), then interleave engines so both workers stay busy and the ETA is honest.
    uniq: dict[str, Job] = {}
    for j in jobs:
        uniq.setdefault(j.id, j)
    jobs = sorted(uniq.values(), key=lambda j: hashlib.sha1(j.id.encode()).hexdigest())
    return jobs, info


def _cycle(idents: list[Identity], n: int, rng: random.Random, prof: Profile) -> list[Identity]:
    weights = [_weight(i, prof) for i in idents]
    return rng.choices(idents, weights=weights, k=n)


def _job(split: str, lang: str, s: sentences.Sentence, ident: Identity, spc: float) -> Job:
    return Job(
        id=clip_id(ident, lang, s.text),
        split=split,
        lang=lang,
        text=s.text,
        kind=s.kind,
        identity=ident,
        est_seconds=max(0.6, len(s.text) * spc),
    )


# --------------------------------------------------------------------------------------------------------------
# Workers

_SYNTH: teachers.Synthesizer | None = None
_OUT: Path | None = None


def _init_worker(out: str, parent: int) -> None:
    global _SYNTH, _OUT
    if sys.platform.startswith("linux"):
        try:  # end with the parent: a killed job must not leave workers behind
            import ctypes

            ctypes.CDLL(None).prctl(1, signal.SIGTERM)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    # A forked worker inherits the parent's graceful SIGTERM handler, which would make it ignore the death signal.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _OUT = Path(out)
    tmp = _OUT / ".tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    _SYNTH = teachers.Synthesizer(tmpdir=tmp, threads=1)


def _work(job: Job) -> dict[str, Any]:
    from voxtral_tts.data.prepare import PrepareOptions, process_audio

    assert _SYNTH is not None and _OUT is not None
    t0 = time.monotonic()
    try:
        x, sr = _SYNTH(job.identity.voice, job.text)
        if x.size == 0 or not (abs(x).max() > 1e-4):
            return {"ok": False, "reason": "silent", "detail": "teacher produced silence"}
        if job.identity.transform is not None:
            x = augment.apply(x, sr, job.identity.transform)
        # Float WAV in between, so that nothing clips before loudness normalisation.
        src = _SYNTH.tmp / f"{job.id}.wav"
        sf.write(str(src), x, sr, subtype="FLOAT")
        opts = PrepareOptions(trim=True, min_seconds=0.3, max_seconds=30.0)
        res = process_audio(src, _OUT / job.audio, opts)
        src.unlink(missing_ok=True)
    except Exception as e:  # a bad clip must not end a job of hours; the summary lists it
        res = {"ok": False, "reason": "error", "detail": f"{type(e).__name__}: {e}"}
    res["seconds_cpu"] = round(time.monotonic() - t0, 3)
    return res


def run_pool(jobs: list[Job], out: Path, workers: int) -> Iterable[tuple[Job, dict[str, Any]]]:
    """(job, result) in completion order. A worker that dies breaks the pool; the pool is restarted and the
    jobs that were in flight are retried once each, alone."""
    pending = list(reversed(jobs))
    retry: list[Job] = []
    while pending or retry:
        if retry:
            batch, limit = [retry.pop()], 1
        else:
            batch, limit = pending, 3 * workers
        ex = ProcessPoolExecutor(
            workers if limit > 1 else 1, initializer=_init_worker, initargs=(str(out), os.getpid())
        )
        inflight: dict[Any, Job] = {}
        broken = False
        try:
            while batch or inflight:
                while batch and len(inflight) < limit:
                    j = batch.pop()
                    inflight[ex.submit(_work, j)] = j
                done, _ = wait(inflight, return_when=FIRST_COMPLETED)
                for fut in done:
                    j = inflight.pop(fut)
                    try:
                        yield j, fut.result()
                    except BrokenProcessPool:
                        if limit == 1:
                            yield j, {"ok": False, "reason": "crashed", "detail": "worker died on this clip"}
                        else:
                            retry.append(j)
                        broken = True
                if broken:
                    retry.extend(inflight.values())
                    inflight.clear()
                    break
        finally:
            ex.shutdown(wait=not broken, cancel_futures=True)


# --------------------------------------------------------------------------------------------------------------
# Journal, manifests, summary


def synthesize(
    todo: list[Job], out: Path, workers: int, journal: dict[str, dict[str, Any]], journal_path: Path
) -> Iterator[tuple[int, Job, dict[str, Any]]]:
    """(count, job, result) as clips finish, each result journaled first, so a killed build resumes where it was."""
    with open(journal_path, "a", encoding="utf-8") as jf:
        for n, (j, res) in enumerate(run_pool(todo, out, workers), 1):
            res.update({"id": j.id, "teacher": j.identity.voice.engine, "v": PROCESS_VERSION})
            jf.write(json.dumps(res, ensure_ascii=False) + "\n")
            jf.flush()
            journal[j.id] = res
            yield n, j, res


def load_journal(path: Path) -> dict[str, dict[str, Any]]:
    done: dict[str, dict[str, Any]] = {}
    if path.exists():
        with open(path, encoding="utf-8") as f:
            for line in f:
                try:
                    d = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut by a kill; that clip is simply redone
                done[d["id"]] = d
    return done


def entry_for(job: Job, res: dict[str, Any]) -> dict[str, Any]:
    ident = job.identity
    v = ident.voice
    return {
        "id": job.id,
        "audio": job.audio,
        "text": job.text,
        "language": job.lang,
        "speaker": ident.speaker,
        "duration": res["duration"],
        "split": job.split,
        "teacher": v.engine,
        "voice": v.arg,
        "base_speaker": v.speaker,
        "person": v.person,
        "locale": v.locale,
        "augment": ident.transform.describe() if ident.transform else None,
        "heldout_speaker": ident.heldout,
        "kind": job.kind,
        "licence_tier": v.tier,
        "teacher_licence": v.licence,
    }


def write_outputs(out: Path, jobs: list[Job], journal: dict[str, dict[str, Any]], suffix: str = "") -> dict[str, list]:
    from voxtral_tts.data.manifest import Entry, write_manifest

    by_split: dict[str, list[Entry]] = defaultdict(list)
    for j in jobs:
        r = journal.get(j.id)
        if r and r.get("ok") and (out / j.audio).exists():
            by_split[j.split].append(Entry.from_dict(entry_for(j, r), where=j.id))
    names = {
        "train": "manifest.jsonl",
        "heldout_sentences": "heldout_sentences.jsonl",
        "heldout_speakers": "heldout_speakers.jsonl",
    }
    for split, name in names.items():
        entries = sorted(by_split.get(split, []), key=lambda e: (e.language, e.speaker, e.id))
        write_manifest(out / name.replace(".jsonl", f"{suffix}.jsonl"), entries)
    return by_split


def result_licence(tier: str, voices: list[Voice]) -> str:
    used = {v.tier for v in voices}
    if "noncommercial" in used:
        return (
            "non-commercial only: free redistribution with the teachers' notices, no sale and no inclusion in a "
            "sold product (MBROLA database terms; OALD lexicon; Festival el_diphone); plus CC-BY-SA-4.0 share-alike "
            "if copyleft teachers are in"
        )
    if "copyleft" in used:
        return "CC-BY-SA-4.0 or GPL-3.0-or-later (share-alike from Leticia-F123 and the GPL Festival diphone voices)"
    return "Apache-2.0, with attribution of the teacher voices in NOTICE (see recipes/default/licences.md)"


def summarize(
    by_split: dict[str, list], jobs: list[Job], journal: dict[str, dict[str, Any]], info: dict[str, Any], meta: dict
) -> dict[str, Any]:
    def hours(x: float) -> float:
        return round(x / 3600, 3)

    out: dict[str, Any] = {"meta": meta, "splits": {}}
    for split, entries in by_split.items():
        tot = sum(e.duration for e in entries)
        per_lang: dict[str, float] = defaultdict(float)
        per_teacher: dict[str, float] = defaultdict(float)
        per_lang_teacher: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        speakers: dict[str, set[str]] = defaultdict(set)
        aug_secs = 0.0
        for e in entries:
            per_lang[e.language] += e.duration
            per_teacher[e.extra["teacher"]] += e.duration
            per_lang_teacher[e.language][e.extra["teacher"]] += e.duration
            speakers[e.language].add(e.speaker)
            aug_secs += e.duration if e.extra["augment"] else 0.0
        all_speakers = {e.speaker for e in entries}
        out["splits"][split] = {
            "clips": len(entries),
            "hours": hours(tot),
            "mean_clip_seconds": round(tot / max(1, len(entries)), 2),
            "speakers": len(all_speakers),
            "augmented_share": round(aug_secs / tot, 3) if tot else 0.0,
            "hours_per_language": {k: hours(v) for k, v in sorted(per_lang.items())},
            "speakers_per_language": {k: len(v) for k, v in sorted(speakers.items())},
            "hours_per_teacher": {k: hours(v) for k, v in sorted(per_teacher.items(), key=lambda kv: -kv[1])},
            "hours_per_language_teacher": {
                lang: {k: hours(v) for k, v in sorted(t.items(), key=lambda kv: -kv[1])}
                for lang, t in sorted(per_lang_teacher.items())
            },
        }
    failed: dict[str, int] = defaultdict(int)
    examples: dict[str, str] = {}
    planned = {j.id for j in jobs}
    for jid, r in journal.items():
        if jid in planned and not r.get("ok"):
            key = f"{r.get('teacher', '?')}:{r.get('reason', '?')}"
            failed[key] += 1
            examples.setdefault(key, str(r.get("detail", ""))[:200])
    out["skipped"] = {"counts": dict(sorted(failed.items())), "examples": examples}
    # Summed over all runs that made this corpus, so a resumed build still reports what it cost.
    busy = sum(r.get("seconds_cpu", 0.0) for jid, r in journal.items() if jid in planned)
    out["worker_hours_total"] = round(busy / 3600, 2)
    out["sentences"] = info["pool"]
    out["heldout_speaker_identities"] = info["heldout_identities"]
    return out


# --------------------------------------------------------------------------------------------------------------


def _hms(s: float) -> str:
    s = int(s)
    return f"{s // 3600}h{s % 3600 // 60:02d}m{s % 60:02d}s" if s >= 3600 else f"{s // 60}m{s % 60:02d}s"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--out", type=Path, default=ROOT / "data" / "default-corpus")
    ap.add_argument("--profile", choices=sorted(PROFILES), default="default")
    ap.add_argument("--hours", type=float, help="scale the profile to this many training hours in total")
    ap.add_argument("--licence", choices=teachers.TIERS, default="permissive", help="most restrictive teacher licence tier to use (default: permissive)")  # fmt: skip
    ap.add_argument("--langs", help="comma-separated subset of " + ",".join(LANGUAGES))
    ap.add_argument("--workers", type=int, default=teachers.cpu_count())
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--plan-only", action="store_true", help="print the plan and its time estimate, synthesize nothing")
    ap.add_argument("--snapshot", action="store_true", help="write *.partial.jsonl manifests of the clips finished so far, synthesize nothing")  # fmt: skip
    ap.add_argument("--only", type=Path, metavar="MANIFEST", help="synthesize only the clips of this manifest (ids of this plan), write no manifests")  # fmt: skip
    ap.add_argument("--retry-failed", action="store_true", help="redo clips that failed in an earlier run")
    args = ap.parse_args(argv)

    prof = PROFILES[args.profile]
    if args.langs:
        want = tuple(x.strip() for x in args.langs.split(",") if x.strip())
        bad = [x for x in want if x not in LANGUAGES]
        if bad:
            ap.error(f"--langs: unknown {bad}; choose from {','.join(LANGUAGES)}")
        prof = Profile(**{**asdict(prof), "languages": want})
    if args.hours:
        scale = args.hours / sum(prof.hours[lang] for lang in prof.languages)
        prof = Profile(**{**asdict(prof), "hours": {k: v * scale for k, v in prof.hours.items()}})

    voices = teachers.select_voices(args.licence, prof.languages)
    missing = sorted({v.engine for v in voices if not teachers.engine_available(v.engine)})
    if missing:
        print(f"build_corpus: engines not installed, their voices are skipped: {', '.join(missing)} "
              "(run recipes/default/install_engines.sh)", file=sys.stderr)  # fmt: skip
        voices = [v for v in voices if v.engine not in missing]
    if prof.espeak_variants is not None:
        keep = set(teachers.espeak_variants()[: prof.espeak_variants]) | {
            p.removeprefix("espeak-") for p in HELDOUT_PERSONS if p.startswith("espeak-")
        }
        voices = [v for v in voices if v.engine != "espeak" or v.arg.split("+")[1] in keep]
    if prof.max_kokoro_styles is not None:
        styles = set(teachers.KOKORO_STYLES[: prof.max_kokoro_styles]) | {"jf_tebukuro"}
        voices = [v for v in voices if v.engine != "kokoro" or v.arg in styles]

    t_plan = time.monotonic()
    jobs, info = build_plan(voices, prof, args.seed)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    journal_path = out / "journal.jsonl"
    journal = load_journal(journal_path)

    def done(j: Job) -> bool:
        r = journal.get(j.id)
        if r is None:
            return False
        if r.get("ok"):
            return (out / j.audio).exists()
        return not args.retry_failed

    todo = [j for j in jobs if not done(j)]
    n_done = len(jobs) - len(todo)
    if args.only:  # e.g. the codec check set, before the corpus around it exists
        want = {json.loads(line)["id"] for line in args.only.read_text(encoding="utf-8").splitlines() if line.strip()}
        unknown = want - {j.id for j in jobs}
        if unknown:
            raise SystemExit(f"build_corpus: {args.only}: {len(unknown)} ids are not in this plan, e.g. {min(unknown)}")
        todo = [j for j in todo if j.id in want]
    total_cost = sum(j.cost() for j in todo) / max(1, args.workers)
    est_h = {split: sum(j.est_seconds for j in jobs if j.split == split) / 3600 for split in ("train", "heldout_sentences", "heldout_speakers")}  # fmt: skip
    n_speakers = len({j.identity.speaker for j in jobs if j.split == "train"})
    print(
        f"plan: {len(jobs)} clips ({', '.join(f'{k} ~{v:.2f} h' for k, v in est_h.items())}), {n_speakers} training "
        f"speakers, {len(voices)} teacher voices, licence tier {args.licence}; {n_done} already done; "
        f"estimated {_hms(total_cost)} with {args.workers} workers (planned in {time.monotonic() - t_plan:.1f} s)",
        file=sys.stderr,
    )
    if args.plan_only:
        by_engine: dict[str, float] = defaultdict(float)
        for j in jobs:
            by_engine[f"{j.lang}:{j.identity.voice.engine}"] += j.est_seconds / 3600
        for k, v in sorted(by_engine.items()):
            print(f"  {k:16s} ~{v:.2f} h", file=sys.stderr)
        return 0
    if args.snapshot:
        by_split = write_outputs(out, jobs, journal, suffix=".partial")
        hours = {k: round(sum(e.duration for e in v) / 3600, 2) for k, v in by_split.items()}
        print(f"snapshot: {', '.join(f'{k} {len(v)} clips ({hours[k]} h)' for k, v in by_split.items())}; "
              f"manifests in {out}/*.partial.jsonl", file=sys.stderr)  # fmt: skip
        return 0

    meta = {
        "profile": args.profile,
        "licence_tier": args.licence,
        "result_licence": result_licence(args.licence, voices),
        "seed": args.seed,
        "languages": list(prof.languages),
        "teachers": sorted({f"{v.engine}:{v.arg}" for v in voices}),
        "process_version": PROCESS_VERSION,
        "processing": "24 kHz mono, soxr HQ, trimmed (-40 dB rel / -60 dBFS, 0.1 s margin), -23 LUFS, 16-bit FLAC",
        "augmentation": "praat-parselmouth Change gender: formant ratio, pitch median ratio, pitch range, tempo",
    }
    (out / "corpus.json").write_text(json.dumps({**meta, "profile_settings": asdict(prof)}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")  # fmt: skip

    t0 = time.monotonic()
    done_cost, last, n_ok, n_fail, secs = 0.0, t0, 0, 0, 0.0
    all_cost = sum(j.cost() for j in todo)
    stop = {"flag": False}

    def on_signal(signum: int, frame: Any) -> None:
        stop["flag"] = True

    old = signal.signal(signal.SIGTERM, on_signal)
    try:
        for n, j, res in synthesize(todo, out, args.workers, journal, journal_path):
            if res.get("ok"):
                n_ok += 1
                secs += res["duration"]
            else:
                n_fail += 1
            done_cost += j.cost()
            now = time.monotonic()
            if (now - last >= 30 and now - t0 >= 20) or n == len(todo):
                last = now
                el = now - t0
                eta = el * (all_cost - done_cost) / done_cost if done_cost else float("inf")
                print(
                    f"synth: {n}/{len(todo)} clips ({100 * done_cost / max(all_cost, 1e-9):.0f}% of work), "
                    f"{secs / 3600:.2f} h of audio, {n_fail} failed, elapsed {_hms(el)}, "
                    f"ETA {_hms(eta) if math.isfinite(eta) else '?'}",
                    file=sys.stderr,
                    flush=True,
                )
            if stop["flag"]:
                print("build_corpus: stopping on SIGTERM; re-run to resume", file=sys.stderr)
                break
    except KeyboardInterrupt:
        print("\nbuild_corpus: interrupted; re-run the same command to resume", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, old)
    if stop["flag"]:
        return 143
    if args.only:  # a few clips are not a corpus: no manifests, no summary
        return 0

    by_split = write_outputs(out, jobs, journal)
    meta["wall_seconds_this_run"] = round(time.monotonic() - t0, 1)
    summary = summarize(by_split, jobs, journal, info, meta)
    tmp = out / "corpus_summary.json.tmp"
    tmp.write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(out / "corpus_summary.json")
    for split, s in summary["splits"].items():
        print(f"{split}: {s['clips']} clips, {s['hours']} h, {s['speakers']} speakers; per language {s['hours_per_language']}", file=sys.stderr)  # fmt: skip
    if summary["skipped"]["counts"]:
        print(f"skipped: {summary['skipped']['counts']}", file=sys.stderr)
    # Workers' scratch folders, and half-written clips of a killed run (their journal lines never came).
    shutil.rmtree(out / ".tmp", ignore_errors=True)
    for stray in (out / "audio").rglob("*.flac.tmp"):
        stray.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
