"""The `voxtral-tts` command line."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from .errors import VoxtralError

PROG = "voxtral-tts"


def _dtype(name: str | None):
    import torch

    if name is None:
        return None
    return {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}[name]


def _load(args: argparse.Namespace):
    from .api import VoxtralTTS

    return VoxtralTTS.from_pretrained(args.model, device=args.device, dtype=_dtype(args.dtype))


def _read_text(text: str) -> str:
    return sys.stdin.read() if text == "-" else text


def cmd_speak(args: argparse.Namespace) -> int:
    text = _read_text(args.text)
    out = Path(args.output)
    if out.suffix.lower() not in (".wav", ".flac"):
        raise VoxtralError(f"{out}: output must end in .wav or .flac")
    if args.voice and args.ref_audio:
        raise VoxtralError("give either --voice or --ref-audio, not both")
    tts = _load(args)
    kw = dict(
        voice=args.voice,
        ref_audio=args.ref_audio,
        seed=args.seed,
        cfg_alpha=args.cfg_alpha,
        max_seconds=args.max_seconds,
    )
    t0 = time.perf_counter()
    if args.stream:
        fmt = "WAV" if out.suffix.lower() == ".wav" else "FLAC"
        n = 0
        first = None
        with sf.SoundFile(str(out), "w", samplerate=tts.sample_rate, channels=1, format=fmt, subtype="PCM_16") as f:
            for chunk in tts.stream(text, **kw):
                if first is None:
                    first = time.perf_counter() - t0
                f.write(np.clip(chunk, -1, 1))
                n += chunk.size
        seconds = n / tts.sample_rate
        ttfa = f", first audio after {first:.2f} s" if first is not None else ""
    else:
        audio = tts.generate(text, **kw)
        audio.save(out)
        seconds = audio.duration
        ttfa = ""
    wall = time.perf_counter() - t0
    rtf = wall / seconds if seconds else float("inf")
    print(f"wrote {out}: {seconds:.2f} s of audio in {wall:.2f} s (RTF {rtf:.2f}{ttfa})", file=sys.stderr)
    return 0


def cmd_voices(args: argparse.Namespace) -> int:
    tts = _load(args)
    for name in tts.voices():
        n = tts.voice_bank.slots[name]
        print(f"{name}\t{(n - 1) / tts.frame_rate:.1f} s")
    if not tts.can_clone:
        print("(no codec encoder in this checkpoint: cloning from reference audio is unavailable)", file=sys.stderr)
    return 0


def cmd_tiny(args: argparse.Namespace) -> int:
    from .tiny import make_tiny_checkpoint

    folder = make_tiny_checkpoint(args.folder, seed=args.seed, with_encoder=not args.no_encoder)
    print(f"wrote a tiny random checkpoint to {folder} (its audio is noise: the weights are random)", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description="Voxtral text-to-speech.")
    p.add_argument("-v", "--verbose", action="store_true", help="log progress")
    sub = p.add_subparsers(dest="command", required=True)

    def model_args(sp: argparse.ArgumentParser) -> None:
        sp.add_argument(
            "--model", help="model folder in the official layout (params.json, consolidated.safetensors, ...)"
        )
        sp.add_argument("--device", help="cpu, cuda, cuda:1 ... (default: cuda if available)")
        sp.add_argument("--dtype", choices=["fp32", "bf16", "fp16"], help="default: bf16 on cuda, fp32 on cpu")

    s = sub.add_parser("speak", help="synthesize text to a WAV or FLAC file")
    s.add_argument("text", help="the text to speak, or - to read it from stdin")
    model_args(s)
    who = s.add_mutually_exclusive_group()
    who.add_argument("--voice", help="preset voice name (see `voices`)")
    who.add_argument("--ref-audio", help="reference clip of 3-25 s to clone (any common format and rate)")
    s.add_argument("-o", "--output", required=True, help="output .wav or .flac")
    s.add_argument("--seed", type=int, help="random seed for reproducible output")
    s.add_argument("--cfg-alpha", type=float, help="classifier-free guidance strength (default 1.2)")
    s.add_argument("--max-seconds", type=float, help="stop after this much audio")
    s.add_argument("--stream", action="store_true", help="write audio as it is generated")
    s.set_defaults(func=cmd_speak)

    v = sub.add_parser("voices", help="list a model's preset voices")
    model_args(v)
    v.set_defaults(func=cmd_voices)

    t = sub.add_parser("tiny", help="write a tiny random checkpoint in the official layout (for tests and demos)")
    t.add_argument("folder")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--no-encoder", action="store_true", help="leave out the codec encoder, like the official release")
    t.set_defaults(func=cmd_tiny)

    from .train.cli import add_parsers as add_train_parsers

    add_train_parsers(sub)

    from .data.cli import add_parser as add_data_parser

    add_data_parser(sub)

    from .eval.cli import add_parser as add_eval_parser

    add_eval_parser(sub)

    from .server import add_parser as add_serve_parser

    add_serve_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    try:
        return args.func(args)
    except VoxtralError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 1
    except (OSError, ValueError) as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
