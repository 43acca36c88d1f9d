"""`voxtral-tts data import` and `voxtral-tts data encode`."""

from __future__ import annotations

import argparse
import json
import sys

from .importers import FORMATS


def cmd_import(args: argparse.Namespace) -> int:
    from .prepare import PrepareOptions, format_summary, import_corpus

    opts = PrepareOptions(
        loudness=args.loudness,
        trim=args.trim,
        min_seconds=args.min_seconds,
        max_seconds=args.max_seconds,
        max_clipped=args.max_clipped,
    )
    summary = import_corpus(
        args.format, args.src, args.out, lang=args.lang, speaker=args.speaker, options=opts, workers=args.workers
    )
    print(format_summary(summary))
    done = f"{summary['processed']} processed, {summary['reused']} from an earlier run"
    print(f"wrote {args.out}/manifest.jsonl and summary.json ({done}, {summary['seconds']:.1f} s)", file=sys.stderr)
    return 0


def cmd_encode(args: argparse.Namespace) -> int:
    from .encode import encode_manifest

    summary = encode_manifest(
        args.model,
        args.manifest,
        args.out,
        device=args.device,
        dtype=args.dtype,
        shard_frames=args.shard_frames,
        acoustic=args.acoustic,
    )
    print(f"encoded {summary['kept']} utterances, {summary['frames']} frames ({summary['hours']:.2f} h)")
    if summary["skipped"]:
        print(f"skipped {summary['skipped']}: {json.dumps(summary['skipped_by_reason'])} (see skipped.jsonl)")
    done = f"{summary['processed']} processed, {summary['reused']} from an earlier run"
    print(f"wrote {args.out}/index.jsonl ({done}, {summary['seconds']:.1f} s)", file=sys.stderr)
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register `data import` and `data encode` under the main parser's subcommands."""
    d = sub.add_parser("data", help="prepare training data: import corpora, cache codec frames")
    dsub = d.add_subparsers(dest="data_command", required=True)

    i = dsub.add_parser(
        "import",
        help="decode, check and normalise a corpus into 24 kHz FLAC plus manifest.jsonl",
        description="Resumable: re-running with the same --out continues where a killed run stopped.",
    )
    i.add_argument("src", help="corpus folder (or its metadata.csv / .tsv file)")
    i.add_argument("--format", required=True, choices=list(FORMATS), help="corpus layout")
    i.add_argument("--out", required=True, help="output folder")
    i.add_argument("--lang", help="language code (default: en for LJSpeech/LibriTTS/VCTK, the locale for Common Voice)")
    i.add_argument("--speaker", help="one speaker name for every utterance (default: from the corpus layout)")
    i.add_argument("--trim", action="store_true", help="cut leading and trailing silence")
    i.add_argument("--min-seconds", type=float, default=1.0, help="skip shorter utterances (default 1)")
    i.add_argument("--max-seconds", type=float, default=30.0, help="skip longer utterances (default 30)")
    i.add_argument("--loudness", type=float, default=-23.0, help="target loudness in LUFS (default -23)")
    i.add_argument(
        "--max-clipped", type=float, default=0.01, help="skip files with more clipped samples than this (default 0.01)"
    )
    i.add_argument("--workers", type=int, help="processes (default: one per CPU)")
    i.set_defaults(func=cmd_import)

    e = dsub.add_parser(
        "encode",
        help="encode a manifest's audio to codec frames for LM training",
        description="Resumable: re-running with the same --out encodes only what is not there yet.",
    )
    e.add_argument("--model", required=True, help="model folder with codec encoder weights")
    e.add_argument(
        "--manifest",
        required=True,
        action="append",
        help="manifest.jsonl (from `data import`); repeat to encode several corpora into one folder",
    )
    e.add_argument("--out", required=True, help="output folder")
    e.add_argument("--device", help="cpu, cuda, cuda:1 ... (default: cuda if available)")
    e.add_argument("--dtype", choices=["fp32", "bf16", "fp16"], default="fp32", help="codec precision (default fp32)")
    e.add_argument("--shard-frames", type=int, default=50_000, help="frames per shard file (default 50000)")
    e.add_argument(
        "--acoustic",
        choices=["auto", "codec", "envelope"],
        default="auto",
        help="acoustic codes from the encoder, or the true envelopes a pinned codec's encoder estimates "
        "(default auto: envelope for a pinned codec, as its cloning prompts carry)",
    )
    e.set_defaults(func=cmd_encode)
