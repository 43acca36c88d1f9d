"""`voxtral-tts eval`: synthesise a test set and score it with independent judges."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import VoxtralError

DEFAULT_MAX_SECONDS = 30.0


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the `eval` subcommand on the main parser's subparsers."""
    e = sub.add_parser(
        "eval",
        help="synthesise a test set and score WER/CER, speaker similarity, MOS, RTF and time to first audio",
        description="Synthesise every item of a test set, transcribe it with an independent ASR model, and write "
        "results.json, report.md, plots and the audio into --out. Judges load offline from installed packages.",
    )
    e.add_argument("--model", help="model folder in the official layout")
    e.add_argument("--device", help="cpu, cuda, ... (default: cuda if available)")
    e.add_argument("--dtype", choices=["fp32", "bf16", "fp16"], help="default: bf16 on cuda, fp32 on cpu")
    e.add_argument(
        "--set",
        default="multilingual",
        help="a built-in set (multilingual, cloning), a .jsonl file, or a Seed-TTS-eval meta.lst (default: multilingual)",
    )
    e.add_argument("--out", required=True, help="output folder for results.json, report.md, plots/ and audio/")
    e.add_argument("--lang", help="language of a meta.lst set (or of .jsonl lines without `lang`)")
    e.add_argument("--ref-root", help="folder that relative ref_audio paths are resolved against (default: the set's)")
    e.add_argument("--per-lang", type=int, help="keep only the first N items of each language")
    e.add_argument("--voice", help="preset voice for items that name none (default: `<lang>_...`, else the first)")
    e.add_argument(
        "--voice-refs",
        help="folder of reference clips per preset voice, <voice>/*.wav, for SIM (default: <model>/voice_refs "
        "if it exists; without clips SIM is measured against the voice's own anchor sentence)",
    )
    e.add_argument("--seed", type=int, default=0, help="synthesis seed for every item (default 0)")
    e.add_argument(
        "--max-seconds",
        type=float,
        default=DEFAULT_MAX_SECONDS,
        help=f"cap per item, so run-on output is flagged rather than waited for (default {DEFAULT_MAX_SECONDS:g})",
    )
    e.add_argument(
        "--asr",
        default="whisper-base",
        help="whisper-base, whisper-tiny.en, a CTranslate2 folder, module:factory, none",
    )
    e.add_argument("--speaker", default="resemblyzer", help="resemblyzer, module:factory, none")
    e.add_argument("--mos", default="distillmos", help="distillmos, module:factory, none")
    e.add_argument("--label", help="name of this run in reports (default: the model folder's name)")
    e.add_argument("--compare", help="another run's results.json, shown side by side in report.md")
    e.add_argument(
        "--report-only", metavar="RESULTS", help="re-render report.md from an existing results.json (no synthesis)"
    )
    e.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    e.set_defaults(func=cmd_eval)
    return e


def _progress(i: int, n: int, row: dict) -> None:
    if row.get("error"):
        print(f"[{i}/{n}] {row['id']}: FAILED {row['error']}", file=sys.stderr)
        return
    parts = [f"[{i}/{n}] {row['id']}", f"{row.get('duration_s', 0):.2f} s", f"RTF {row.get('rtf') or 0:.2f}"]
    if row.get("cer") is not None:
        parts.append(f"WER {row['wer']:.2f} CER {row['cer']:.2f}")
    if row.get("sim") is not None:
        parts.append(f"SIM {row['sim']:.2f}")
    if row.get("mos") is not None:
        parts.append(f"MOS {row['mos']:.2f}")
    if row.get("flags"):
        parts.append("flags: " + ",".join(row["flags"]))
    print("  ".join(parts), file=sys.stderr)


def cmd_eval(args: argparse.Namespace) -> int:
    from .report import load_results, render_report, write_results

    out = Path(args.out).expanduser()
    other = load_results(args.compare) if args.compare else None
    if args.report_only:
        doc = load_results(args.report_only)
        out.mkdir(parents=True, exist_ok=True)
        path = render_report(
            doc, out, other=other, plots=not args.no_plots, audio_root=Path(args.report_only).expanduser().parent
        )
        print(f"wrote {path}", file=sys.stderr)
        return 0
    if not args.model:
        raise VoxtralError("eval needs --model (or --report-only RESULTS.json)")

    from ..cli import _load
    from .asr import load_asr
    from .mos import load_mos
    from .runner import Judges, build_results, run_items
    from .sets import load_set
    from .speaker import load_speaker
    from .synth import VoxtralSynth

    items = load_set(args.set, lang=args.lang, ref_root=args.ref_root, per_lang=args.per_lang)
    # Load the judges before the model: a missing judge should fail in seconds, not after synthesis.
    judges = Judges(asr=load_asr(args.asr), speaker=load_speaker(args.speaker), mos=load_mos(args.mos))
    tts = _load(args)
    voice_refs = Path(args.voice_refs).expanduser() if args.voice_refs else Path(tts.folder) / "voice_refs"
    if args.voice_refs and not voice_refs.is_dir():
        raise VoxtralError(f"{voice_refs}: --voice-refs folder not found")
    if not voice_refs.is_dir():
        voice_refs = None
    if args.voice and args.voice not in tts.voices():
        raise VoxtralError(f"unknown voice {args.voice!r}; this model has: {', '.join(tts.voices()) or 'none'}")
    synth = VoxtralSynth(tts, seed=args.seed, max_seconds=args.max_seconds, voice=args.voice)
    out.mkdir(parents=True, exist_ok=True)
    print(f"evaluating {len(items)} items into {out}", file=sys.stderr)
    rows = run_items(synth, items, judges, out, voice_refs=voice_refs, max_seconds=args.max_seconds, progress=_progress)
    synth_info = {**synth.describe(), "label": args.label or Path(tts.folder).name}
    set_info = {"path": str(args.set), "n_items": len(items), "lang": args.lang, "per_lang": args.per_lang}
    settings = {
        "seed": args.seed,
        "max_seconds": args.max_seconds,
        "voice": args.voice,
        "voice_refs": str(voice_refs) if voice_refs else None,
    }
    command = ["voxtral-tts", "eval", "--model", str(args.model), "--set", str(args.set), "--out", str(args.out)]
    for flag in ("lang", "ref_root", "per_lang", "voice", "voice_refs", "seed", "max_seconds", "asr", "speaker", "mos"):
        value = getattr(args, flag)
        if value is not None:
            command += [f"--{flag.replace('_', '-')}", str(value)]
    doc = build_results(rows, synth_info, judges, set_info, settings, command=command)
    write_results(doc, out)
    path = render_report(doc, out, other=other, plots=not args.no_plots)
    ov = doc["overall"]
    print(
        f"wrote {out / 'results.json'} and {path}: WER {ov['wer'] if ov['wer'] is not None else '-'}, "
        f"CER {ov['cer'] if ov['cer'] is not None else '-'}, SIM {ov['sim_mean']}, MOS {ov['mos_mean']}, "
        f"RTF {ov['rtf_mean']}, {ov['n_failed']} failed, {ov['n_flagged']} flagged",
        file=sys.stderr,
    )
    return 0
