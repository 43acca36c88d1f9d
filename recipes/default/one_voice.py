"""A corpus of one teacher voice: many sentences of one language, none of the other speakers.

The recipe's corpus spreads 6 h over 158 speakers and nine languages, about 100 clips a voice, and its LM does
not speak words yet. This corpus asks whether the same LM, fine-tuned on one voice, learns to speak new
sentences in CPU hours: if it does, the compute the full corpus needs grows with its voices and languages,
and a narrow model can speak while the wide one trains. Training sentences are the recipe's own training
pool (the same seed and split as `build_corpus.py`), so the held-out sentences stay unseen by every LM of
the recipe; they are synthesized too, in the same voice, for the judge.

    .venv/bin/python recipes/default/one_voice.py --voice piper-joe --clips 3000 --out data/one-voice
    voxtral-tts data encode --model models/default-codec --manifest data/one-voice/manifest.jsonl --out data/one-voice-frames
    voxtral-tts data encode --model models/default-codec --manifest data/one-voice/heldout_sentences.jsonl --out data/one-voice-frames-val

Resumable: clips already in the journal are not synthesized again.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import build_corpus  # noqa: E402
import sentences  # noqa: E402
import teachers  # noqa: E402


def plan(voice: teachers.Voice, n_clips: int, seed: int, pool: int, heldout: int) -> list[build_corpus.Job]:
    """The first `n_clips` training sentences of the recipe's pool, and all its held-out ones, in `voice`."""
    train, held = sentences.split_pool(sentences.build_pool(voice.lang, pool, seed), heldout, seed, voice.lang)
    ident = build_corpus.Identity(voice.speaker, voice, None, None)
    spc = build_corpus.SEC_PER_CHAR[voice.lang]
    jobs = [build_corpus._job("train", voice.lang, s, ident, spc) for s in train[:n_clips]]
    return jobs + [build_corpus._job("heldout_sentences", voice.lang, s, ident, spc) for s in held]


def pick_voice(speaker: str, lang: str | None = None) -> teachers.Voice:
    """The teacher voice `speaker` in `lang`; `lang` may be left out when the voice speaks one language."""
    found = [v for v in teachers.all_voices() if v.speaker == speaker and lang in (None, v.lang)]
    if not found:
        names = sorted({v.speaker for v in teachers.all_voices()})
        where = f" in {lang!r}" if lang else ""
        raise SystemExit(f"one_voice: no voice {speaker!r}{where}; teachers.py has: {', '.join(names)}")
    if len(found) > 1:
        langs = ", ".join(v.lang for v in found)
        raise SystemExit(f"one_voice: {speaker!r} speaks {langs}; choose one with --lang")
    return found[0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--voice", default="piper-joe", help="a teacher speaker name (teachers.py), e.g. piper-joe")
    ap.add_argument("--lang", help="the language, for a voice that speaks several (Kokoro styles, espeak-ng variants)")
    ap.add_argument("--clips", type=int, default=3000, help="training sentences")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--workers", type=int, default=teachers.cpu_count())
    ap.add_argument("--seed", type=int, default=1234, help="the corpus seed whose sentence split is kept")
    args = ap.parse_args(argv)

    voice = pick_voice(args.voice, args.lang)
    if not teachers.engine_available(voice.engine):
        raise SystemExit(f"one_voice: engine {voice.engine} is not installed (run recipes/default/install_engines.sh)")
    prof = build_corpus.PROFILES["default"]
    jobs = plan(voice, args.clips, args.seed, prof.pool, prof.heldout_sentences)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    journal_path = out / "journal.jsonl"
    journal = build_corpus.load_journal(journal_path)
    todo = [j for j in jobs if not (journal.get(j.id, {}).get("ok") and (out / j.audio).exists())]
    print(f"one_voice: {len(jobs)} clips of {voice.speaker} ({voice.lang}), {len(todo)} to make", file=sys.stderr)
    t0, last, secs = time.monotonic(), time.monotonic(), 0.0
    for n, _, res in build_corpus.synthesize(todo, out, args.workers, journal, journal_path):
        secs += res.get("duration", 0.0) if res.get("ok") else 0.0
        now = time.monotonic()
        if now - last >= 30 or n == len(todo):
            last, el = now, now - t0
            eta = el * (len(todo) - n) / n
            print(
                f"synth: {n}/{len(todo)} clips, {secs / 3600:.2f} h of audio, elapsed {build_corpus._hms(el)}, "
                f"ETA {build_corpus._hms(eta)}",
                file=sys.stderr,
                flush=True,
            )
    by_split = build_corpus.write_outputs(out, jobs, journal)
    for split, entries in by_split.items():
        print(f"{split}: {len(entries)} clips, {sum(e.duration for e in entries) / 3600:.2f} h", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
