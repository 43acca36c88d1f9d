"""The `voxtral-tts` command line."""

from __future__ import annotations

import argparse
import logging
import os
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

    return VoxtralTTS.from_pretrained(
        args.model, device=args.device, dtype=_dtype(args.dtype), quantize=getattr(args, "quantize", None)
    )


def _read_text(text: str | None, text_file: str | None = None) -> str:
    if text is not None and text_file is not None:
        raise VoxtralError("give the text or --text-file, not both")
    if text_file is not None:
        if text_file == "-":
            return sys.stdin.read()
        path = Path(text_file)
        if not path.is_file():
            raise VoxtralError(f"{path}: text file not found")
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError as e:
            raise VoxtralError(f"{path}: not UTF-8 text (byte {e.start})") from None
    if text is None:
        raise VoxtralError("give the text to speak, - to read stdin, or --text-file FILE")
    return sys.stdin.read() if text == "-" else text


def cmd_speak(args: argparse.Namespace) -> int:
    from .longform import TIMESTAMP_SOURCE, Guard, LongFormJob, LongFormOptions
    from .watermark.c2pa import credentials as c2pa_credentials
    from .watermark.c2pa import sign_file as sign_c2pa
    from .watermark.output import mark, provenance_tags

    text = _read_text(args.text, args.text_file)
    out = Path(args.output)
    if out.suffix.lower() not in (".wav", ".flac"):
        raise VoxtralError(f"{out}: output must end in .wav or .flac")
    if args.voice and args.ref_audio:
        raise VoxtralError("give either --voice or --ref-audio, not both")
    stamps = Path(args.timestamps) if args.timestamps else None
    if stamps is not None and stamps.suffix.lower() not in (".srt", ".vtt"):
        raise VoxtralError(f"{stamps}: --timestamps must end in .srt or .vtt")
    judge = None
    if stamps is not None:
        from .eval.asr import load_asr

        judge = load_asr(args.timestamps_asr)  # before synthesis: a missing judge fails fast
    tts = _load(args)
    if args.watermark_key:
        from .watermark import load_key

        tts.watermark_key = load_key(args.watermark_key)
    marker = tts.output_marker(not args.no_watermark, str(out))
    options = LongFormOptions(guard=Guard(retries=args.retries)) if args.retries is not None else None
    job = LongFormJob(
        tts,
        text,
        voice=args.voice,
        ref_audio=args.ref_audio,
        seed=args.seed,
        cfg_alpha=args.cfg_alpha,
        noise_scale=args.noise_scale,
        max_seconds=args.max_seconds,
        normalize_text=not args.no_normalize,
        language=args.language,
        options=options,
        streaming=args.stream,
    )
    t0 = time.perf_counter()
    if args.stream:
        fmt = "WAV" if out.suffix.lower() == ".wav" else "FLAC"
        n = 0
        first = None
        kept = []
        with sf.SoundFile(str(out), "w", samplerate=tts.sample_rate, channels=1, format=fmt, subtype="PCM_16") as f:
            for name, value in provenance_tags(tts.folder.name, marker).items():
                setattr(f, name, value)  # before any audio: FLAC writes its comments in the header
            for chunk in job.stream():
                chunk = mark(chunk, marker)
                if first is None:
                    first = time.perf_counter() - t0
                f.write(np.clip(chunk, -1, 1))
                n += chunk.size
                if stamps is not None:
                    kept.append(chunk)
        seconds = n / tts.sample_rate
        samples = np.concatenate(kept) if kept else np.zeros(0, np.float32)
        ttfa = f", first audio after {first:.2f} s" if first is not None else ""
    else:
        audio = job.run()
        audio.samples = mark(audio.samples, marker)
        audio.provenance = provenance_tags(tts.folder.name, marker)
        audio.save(out)
        seconds = audio.duration
        samples = audio.samples
        ttfa = ""
    wall = time.perf_counter() - t0
    if (creds := c2pa_credentials(args.c2pa_cert, args.c2pa_key)) is not None:
        wm = provenance_tags(tts.folder.name, marker)["comment"].split("; ")[-1]
        sign_c2pa(out, *creds, model_name=tts.folder.name, watermark=wm)
    rtf = wall / seconds if seconds else float("inf")
    chunks = f", {len(job.records)} chunks" if len(job.records) > 1 else ""
    print(f"wrote {out}: {seconds:.2f} s of audio in {wall:.2f} s (RTF {rtf:.2f}{ttfa}{chunks})", file=sys.stderr)
    if stamps is not None:
        from .longform import format_subtitles, word_timestamps

        spans = [(r.start, r.end) for r in job.records] or None
        words = word_timestamps(samples, tts.sample_rate, job.lang, spans=spans, asr=judge)
        stamps.write_text(format_subtitles(words, stamps.suffix.lower()[1:]), encoding="utf-8")
        print(f"wrote {stamps}: {len(words)} words; timings from {TIMESTAMP_SOURCE}", file=sys.stderr)
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
            "--model",
            help="model folder in the official layout (params.json, consolidated.safetensors, ...); default: the "
            "model that ships with the package",
        )
        sp.add_argument("--device", help="cpu, cuda, cuda:1 ... (default: cuda if available)")
        sp.add_argument("--dtype", choices=["fp32", "bf16", "fp16"], help="default: bf16 on cuda, fp32 on cpu")
        sp.add_argument("--quantize", choices=["int8"], help="int8 weight-only backbone (less memory)")

    s = sub.add_parser("speak", help="synthesize text (of any length) to a WAV or FLAC file")
    s.add_argument("text", nargs="?", help="the text to speak, or - to read it from stdin")
    s.add_argument(
        "--text-file", help="read the text from this UTF-8 file (- for stdin); long texts are read in chunks"
    )
    model_args(s)
    who = s.add_mutually_exclusive_group()
    who.add_argument("--voice", help="preset voice name (see `voices`)")
    who.add_argument("--ref-audio", help="reference clip of 3-25 s to clone (any common format and rate)")
    s.add_argument("-o", "--output", required=True, help="output .wav or .flac")
    s.add_argument("--seed", type=int, help="random seed for reproducible output")
    s.add_argument("--cfg-alpha", type=float, help="classifier-free guidance strength (default 1.2)")
    s.add_argument(
        "--noise-scale", type=float, help="scale of the flow's start noise, 0-2 (default 1.0; lower is steadier)"
    )
    s.add_argument("--max-seconds", type=float, help="stop after this much audio")
    s.add_argument("--stream", action="store_true", help="write audio as it is generated")
    s.add_argument(
        "--no-normalize", action="store_true", help="speak the text as written (no number/date/... expansion)"
    )
    s.add_argument("--language", help="en fr de es it pt nl ar hi (default: guessed from the text and voice)")
    s.add_argument("--retries", type=int, help="new-seed retries for a chunk of implausible duration (default 2)")
    s.add_argument(
        "--timestamps", metavar="FILE", help="also write word timings to FILE.srt or FILE.vtt (from the ASR judge)"
    )
    s.add_argument("--timestamps-asr", default="whisper-base", help=argparse.SUPPRESS)
    s.add_argument(
        "--no-watermark", action="store_true", help="do NOT mark the audio as synthetic (logged; see docs/watermark.md)"
    )
    s.add_argument("--watermark-key", metavar="FILE", help="watermark key file (default: this deployment's key)")
    s.add_argument("--c2pa-cert", metavar="PEM", help="sign a C2PA manifest with this chain (or $VOXTRAL_C2PA_CERT)")
    s.add_argument("--c2pa-key", metavar="PEM", help="the C2PA signing key (or $VOXTRAL_C2PA_KEY)")
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

    from .watermark.cli import add_parsers as add_watermark_parsers

    add_watermark_parsers(sub)
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


def run() -> None:
    """The console entry point."""
    code = main()
    if int(os.environ.get("WORLD_SIZE", "1")) > 1:
        # Under torchrun, gloo's worker threads now and then abort the interpreter's teardown after a run that
        # finished ("terminate called without an active exception"), failing a good job. Everything is
        # written and the process group left by now, so skip the teardown.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    run()
