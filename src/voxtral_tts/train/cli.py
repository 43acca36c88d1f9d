"""`voxtral-tts train ...`, `voxtral-tts export` and `voxtral-tts voice create`."""

from __future__ import annotations

import argparse
import sys


def cmd_train_lm(args: argparse.Namespace) -> int:
    from .config import LMConfig, load_config
    from .lm_run import train_lm

    cfg = load_config(LMConfig, args.config, args.set)
    out = train_lm(cfg)
    print(f"run folder: {out}", file=sys.stderr)
    return 0


def cmd_train_codec(args: argparse.Namespace) -> int:
    from .codec_run import train_codec
    from .config import CodecConfig, load_config

    cfg = load_config(CodecConfig, args.config, args.set)
    out = train_codec(cfg)
    print(f"run folder: {out}", file=sys.stderr)
    return 0


def cmd_codec_eval(args: argparse.Namespace) -> int:
    from .codec_eval import evaluate_codec, format_table

    result = evaluate_codec(
        args.model, args.manifest, args.out, args.limit, args.asr, unquantized=args.unquantized, acoustic=args.acoustic
    )
    print(format_table(result))
    return 0


def cmd_plot(args: argparse.Namespace) -> int:
    from .plot import plot_compare, plot_run

    if len(args.run) == 1:
        print(plot_run(args.run[0], args.output))
        return 0
    if not args.output:
        raise SystemExit("voxtral-tts train plot: comparing runs needs --output, the PNG to write")
    print(plot_compare(args.run, args.output, tuple(k for k in args.keys.split(",") if k)))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    import torch

    from .export import export_run

    dtype = {"bf16": torch.bfloat16, "fp32": torch.float32}[args.dtype]
    print(f"wrote {export_run(args.run, args.out, dtype=dtype, best=args.best)}", file=sys.stderr)
    return 0


def cmd_voice_create(args: argparse.Namespace) -> int:
    from ..api import VoxtralTTS
    from ..consent import create_voice_from_args

    tts = VoxtralTTS.from_pretrained(args.model, device=args.device)
    path = create_voice_from_args(tts, args)  # consent record (and spoken check) first, audit-logged
    print(f"wrote {path}", file=sys.stderr)
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    train = sub.add_parser("train", help="train a codec or an LM (see docs/training.md)")
    tsub = train.add_subparsers(dest="what", required=True)
    for what, func in (("lm", cmd_train_lm), ("codec", cmd_train_codec)):
        p = tsub.add_parser(what, help=f"train the {what}; resumes from the run folder's last.pt")
        p.add_argument("--config", required=True, help="YAML config file")
        p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a config key")
        p.set_defaults(func=func)
    p = tsub.add_parser("codec-eval", help="judge a codec's reconstructions: WER/CER vs the originals, SIM, mel")
    p.add_argument("--model", required=True, help="model folder with a codec encoder (e.g. an exported codec run)")
    p.add_argument("--manifest", required=True, help="held-out clips (data import format)")
    p.add_argument("--out", required=True)
    p.add_argument("--limit", type=int, default=40)
    p.add_argument("--asr", default="whisper-base")
    p.add_argument("--unquantized", action="store_true", help="decode the continuous latent: the autoencoder alone")
    p.add_argument(
        "--acoustic",
        choices=("codec", "envelope"),
        default="codec",
        help="envelope: a pinned codec's frames as the LM learns them (true envelopes), the synthesis path",
    )
    p.set_defaults(func=cmd_codec_eval)
    p = tsub.add_parser("plot", help="plot a run's loss curves, or several runs' held-out losses, to PNG")
    p.add_argument("run", nargs="+", help="one run folder, or several to compare their held-out losses")
    p.add_argument("-o", "--output")
    p.add_argument(
        "--keys", default="fm,ce", help="comparing: the held-out losses to draw (val_<key>), comma-separated"
    )
    p.set_defaults(func=cmd_plot)

    p = sub.add_parser("export", help="write a training run as a model folder in the official layout")
    p.add_argument("run", help="run folder (holds last.pt)")
    p.add_argument("--out", required=True)
    p.add_argument("--dtype", choices=["bf16", "fp32"], default="bf16")
    p.add_argument("--best", action="store_true", help="an LM run's lowest held-out loss (best.pt), not its last step")
    p.set_defaults(func=cmd_export)

    voice = sub.add_parser("voice", help="manage a model's preset voices")
    vsub = voice.add_subparsers(dest="action", required=True)
    p = vsub.add_parser("create", help="encode a reference clip into voice_embedding/NAME.pt")
    p.add_argument("--model", required=True)
    p.add_argument("--ref", required=True, help="reference clip, 3-25 s")
    p.add_argument("--name", required=True)
    p.add_argument("--overwrite", action="store_true")
    p.add_argument("--device")
    from ..consent import add_consent_arguments

    add_consent_arguments(p)
    p.set_defaults(func=cmd_voice_create)
