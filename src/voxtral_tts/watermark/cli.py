"""`voxtral-tts detect FILE...` and `voxtral-tts watermark keygen`."""

from __future__ import annotations

import argparse
import json
import sys


def cmd_detect(args: argparse.Namespace) -> int:
    from .detect import detect_file
    from .keys import detector_keys

    keys = detector_keys(args.key)
    results = []
    for path in args.files:
        det = detect_file(path, keys, args.model_name)
        results.append({"file": path, **det.to_dict()})
        if not args.json:
            print(f"{path}: {_describe(det)}")
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


def _describe(det) -> str:
    if not det.present:
        why = f"; {'; '.join(det.notes)}" if det.notes else ""
        return f"no watermark found (z {det.z:.1f}, threshold {_threshold():.1f}{why})"
    model = det.model or f"model id {det.model_id:#06x}"
    payload = f"{model}, payload verified" if det.payload_ok else "payload unreadable"
    return (
        f"WATERMARK PRESENT: confidence {det.confidence:.6f} (z {det.z:.1f}), key id {det.key_id:#06x}, {payload}"
        f", speed {det.speed:.3f}"
    )


def _threshold() -> float:
    from .detect import Z_THRESHOLD

    return Z_THRESHOLD


def cmd_keygen(args: argparse.Namespace) -> int:
    from .keys import default_key_path, new_key, save_key

    if args.key_id is not None and not 1 <= args.key_id <= 0xFFFF:
        print("voxtral-tts: error: --key-id must be 1 to 65535 (0 is the public key)", file=sys.stderr)
        return 1
    key = new_key(args.key_id)
    path = save_key(key, args.out or default_key_path(), overwrite=args.force)
    print(f"wrote watermark key {key.key_id:#06x} to {path}; keep it secret, and keep it: detection needs it")
    return 0


def add_parsers(sub: argparse._SubParsersAction) -> None:
    d = sub.add_parser("detect", help="look for the voxtral-tts watermark in audio files")
    d.add_argument("files", nargs="+", metavar="FILE", help="WAV, FLAC, Ogg (Vorbis/Opus) or MP3")
    d.add_argument(
        "--key",
        action="append",
        default=[],
        metavar="FILE",
        help="watermark key file to try (repeatable; default: this deployment's key); the public key is always tried",
    )
    d.add_argument(
        "--model-name", action="append", default=[], help="name a decoded model id can be matched to (repeatable)"
    )
    d.add_argument("--json", action="store_true", help="print presence, confidence and payload as JSON")
    d.set_defaults(func=cmd_detect)

    w = sub.add_parser("watermark", help="manage this deployment's watermark key")
    wsub = w.add_subparsers(dest="action", required=True)
    k = wsub.add_parser("keygen", help="write a new random watermark key (default: the deployment's key file)")
    k.add_argument("--out", help="key file to write (default: ~/.config/voxtral-tts/watermark-key.json)")
    k.add_argument("--key-id", type=int, help="the 16-bit key id to give it (default: random)")
    k.add_argument("--force", action="store_true", help="replace an existing key file (old marks become unreadable)")
    k.set_defaults(func=cmd_keygen)
