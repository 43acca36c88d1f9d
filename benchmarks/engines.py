"""Score the speech engines installed here exactly as `voxtral-tts eval` scores our model: same sentences,
same ASR, speaker and MOS judges, same metrics. Prints one table and writes each engine's results.json.

    python benchmarks/engines.py --per-lang 10                     # every installed engine
    python benchmarks/engines.py --engines pico,mbrola --langs fr,de
    python benchmarks/engines.py --per-lang 10 --model DIR         # add a voxtral-tts model as one more row
    python benchmarks/engines.py --make-refs DIR                   # write the cloning set's reference clips

Engines: espeak-ng, MBROLA, SVOX Pico, Flite, Festival, RHVoice (Debian) and Piper (PyPI); see docs/eval.md
for the install commands. Engines that are not installed are listed and skipped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

from voxtral_tts.eval.asr import load_asr
from voxtral_tts.eval.engines import ENGINES, available_engines, make_reference_clips
from voxtral_tts.eval.mos import load_mos
from voxtral_tts.eval.report import fmt, render_report, write_results
from voxtral_tts.eval.runner import Judges, build_results, run_items, system_info
from voxtral_tts.eval.sets import load_set
from voxtral_tts.eval.speaker import load_speaker


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--set", default="multilingual", help="built-in set name or file (default: multilingual)")
    p.add_argument("--lang", help="language of a meta.lst set")
    p.add_argument("--per-lang", type=int, default=10, help="first N sentences of each language (default 10)")
    p.add_argument("--langs", help="comma-separated languages to keep (default: all in the set)")
    p.add_argument("--engines", help=f"comma-separated, from {', '.join(ENGINES)} (default: all installed)")
    p.add_argument("--model", help="also score this voxtral-tts model folder")
    p.add_argument("--voice", help="preset voice for --model")
    p.add_argument("--max-seconds", type=float, default=30.0)
    p.add_argument("--asr", default="whisper-base")
    p.add_argument("--speaker", default="resemblyzer")
    p.add_argument("--mos", default="distillmos")
    p.add_argument("--out", default="build/bench-engines", help="folder for per-engine results (default %(default)s)")
    p.add_argument("--make-refs", metavar="DIR", help="write the cloning set's reference clips into DIR and exit")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.make_refs:
        items = load_set("cloning", ref_root=args.make_refs)
        for path, who in make_reference_clips(items, args.make_refs).items():
            print(f"{path}\t{who}")
        return 0

    items = load_set(args.set, lang=args.lang, per_lang=args.per_lang)
    if args.langs:
        keep = set(args.langs.split(","))
        items = [it for it in items if it.lang in keep]
    names = args.engines.split(",") if args.engines else None
    engines = available_engines(names)
    missing = [n for n in (names or ENGINES) if n not in {e.name for e in engines}]
    for n in missing:
        print(f"skipping {n}: not installed ({ENGINES[n].packages})", file=sys.stderr)
    judges = Judges(asr=load_asr(args.asr), speaker=load_speaker(args.speaker), mos=load_mos(args.mos))
    if args.model:
        from voxtral_tts import VoxtralTTS
        from voxtral_tts.eval.synth import VoxtralSynth

        synth = VoxtralSynth(VoxtralTTS.from_pretrained(args.model), max_seconds=args.max_seconds, voice=args.voice)
        engines.insert(0, synth)
    out = Path(args.out)
    t_start = time.perf_counter()
    load_start = os.getloadavg()[0]
    table = []
    for eng in engines:
        langs = getattr(eng, "languages", None)
        todo = [it for it in items if langs is None or it.lang in langs()]
        if not todo:
            continue
        print(f"{eng.name}: {len(todo)} items", file=sys.stderr)
        rows = run_items(eng, todo, judges, out / eng.name, max_seconds=args.max_seconds)
        info = eng.describe()
        info.setdefault("label", eng.name)
        set_info = {"path": str(args.set), "n_items": len(todo), "per_lang": args.per_lang}
        doc = build_results(rows, info, judges, set_info, {"max_seconds": args.max_seconds}, command=sys.argv)
        write_results(doc, out / eng.name)
        render_report(doc, out / eng.name, plots=False)
        for lang, agg in sorted(doc["languages"].items()):
            voice = next((r.get("voice") for r in rows if r["lang"] == lang and r.get("voice")), "—")
            sr = next((r.get("sample_rate") for r in rows if r["lang"] == lang and r.get("sample_rate")), None)
            table.append((eng.name, voice, lang, agg, sr))

    header = ["engine", "voice", "lang", "n", "WER", "CER", "SIM (self)", "MOS", "RTF", "sr"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name, voice, lang, a, sr in table:
        weak = "†" if a.get("judge_reliability") == "low" else ""
        lines.append(
            f"| {name} | {voice} | {lang}{weak} | {a['n'] - a['n_failed']}/{a['n']} | {fmt(a['wer'], pct=True)} | "
            f"{fmt(a['cer'], pct=True)} | {fmt(a['sim_mean'])} | {fmt(a['mos_mean'], 2)} | {fmt(a['rtf_mean'], 3)} | "
            f"{sr or '—'} |"
        )
    sysinfo = system_info()
    footer = [
        "",
        f"Command: `python benchmarks/engines.py {' '.join(sys.argv[1:] if argv is None else argv)}`",
        f"Machine: {sysinfo.get('cpu') or sysinfo['machine']}, {sysinfo['cpu_count']} CPUs, {sysinfo['platform']}; "
        f"date {dt.date.today().isoformat()}; {time.perf_counter() - t_start:.0f} s in all; load average "
        f"{load_start:.1f} at the start and {os.getloadavg()[0]:.1f} at the end (RTF is wall time: other work on "
        "the machine inflates it).",
        f"Judges: ASR {args.asr}, speaker {args.speaker}, MOS {args.mos}. † Whisper base is weak here: read CER.",
    ]
    text = "\n".join(lines + footer)
    out.mkdir(parents=True, exist_ok=True)
    (out / "engines.md").write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
