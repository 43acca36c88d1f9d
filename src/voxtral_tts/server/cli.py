"""The `serve` subcommand. FastAPI and uvicorn are imported only when it runs."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from ..errors import VoxtralError

log = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("serve", help="serve an OpenAI-compatible speech API and a web page")
    s.add_argument("--model", help="model folder in the official layout (default: the installed default model)")
    s.add_argument("--device", help="cpu, cuda, cuda:1 ... (default: cuda if available)")
    s.add_argument("--dtype", choices=["fp32", "bf16", "fp16"], help="default: bf16 on cuda, fp32 on cpu")
    s.add_argument(
        "--threads",
        type=int,
        help="CPU threads for each of the two compute threads, the frame loop and the codec decoder "
        "(default on a CPU: half of torch's thread count, at least 1)",
    )
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--api-key", action="append", default=[], help="require this Bearer key (repeatable)")
    s.add_argument("--api-keys-file", help="file with one API key per line ('#' comments)")
    s.add_argument(
        "--data-dir", type=Path, help="where cloned voices are stored (default: ~/.local/share/voxtral-tts/server)"
    )
    s.add_argument("--model-name", help="the model id clients use (default: the model folder's name)")
    s.add_argument("--max-batch", type=int, default=16, help="requests generated together (default 16)")
    s.add_argument(
        "--max-len", type=int, default=4096, help="cache positions per request: prompt + frames (default 4096)"
    )
    s.add_argument("--max-queue", type=int, default=64, help="waiting requests before answering 429 (default 64)")
    s.add_argument("--timeout", type=float, default=300.0, help="seconds per request, queueing included (default 300)")
    s.add_argument("--max-seconds", type=float, default=164.0, help="audio per request (default 164)")
    s.add_argument("--max-input-chars", type=int, default=4096)
    s.add_argument("--max-upload-mb", type=float, default=10.0, help="largest reference clip upload (default 10)")
    s.add_argument(
        "--no-watermark", action="store_true", help="do NOT mark responses as synthetic (logged; docs/watermark.md)"
    )
    s.add_argument("--watermark-key", metavar="FILE", help="watermark key file (default: this deployment's key)")
    s.add_argument(
        "--clone-policy",
        choices=["open", "registered-only"],
        default="open",
        help="registered-only: refuse ref_audio in speech requests; clone only through POST /v1/audio/voices",
    )
    s.add_argument(
        "--verify-consent",
        action="store_true",
        help="voice creation also needs consent_audio: the speaker saying the consent phrase (ASR + speaker checks)",
    )
    s.add_argument("--audit-log", type=Path, help="append-only consent audit log (default: DATA_DIR/audit.jsonl)")
    s.set_defaults(func=cmd_serve)


def serve_threads(requested: int | None, device_type: str) -> int | None:
    """Intra-op threads for the server's process, or None to leave torch's choice.

    The scheduler steps the model on one thread while another decodes audio, and both draw on torch's
    thread pool at once. On a CPU, a pool as large as the machine then has twice as many busy threads as
    cores, and they spin against each other: on a 2-core box one request took 1.3-1.6x as long and four
    streams delivered about a quarter less audio (docs/benchmarks.md). Half the cores each avoids that."""
    if requested is not None:
        if requested < 1:
            raise VoxtralError(f"--threads must be at least 1, got {requested}")
        return requested
    if device_type != "cpu":
        return None
    import torch

    return max(1, torch.get_num_threads() // 2)


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from .app import create_app
    except ImportError as e:
        raise VoxtralError(
            f"serve needs the server extra: pip install 'voxtral-tts[server]' ({e.name} is missing)"
        ) from None
    from ..api import VoxtralTTS
    from ..cli import _dtype
    from .auth import load_keys
    from .config import MiB, ServerConfig

    keys = load_keys(args.api_key, args.api_keys_file)
    for name in ("max_batch", "max_len", "max_queue", "max_input_chars"):
        if getattr(args, name) < 1:
            raise VoxtralError(f"--{name.replace('_', '-')} must be at least 1")
    if args.timeout <= 0 or args.max_seconds <= 0 or args.max_upload_mb <= 0:
        raise VoxtralError("--timeout, --max-seconds and --max-upload-mb must be positive")
    tts = VoxtralTTS.from_pretrained(args.model, device=args.device, dtype=_dtype(args.dtype))
    threads = serve_threads(args.threads, tts.model.device.type)
    if threads is not None:
        import torch

        torch.set_num_threads(threads)
    if args.watermark_key:
        from ..watermark import load_key

        tts.watermark_key = load_key(args.watermark_key)
    config = ServerConfig(
        api_keys=keys,
        model_name=args.model_name,
        max_batch=args.max_batch,
        max_len=args.max_len,
        max_queue=args.max_queue,
        request_timeout=args.timeout,
        max_seconds=args.max_seconds,
        max_input_chars=args.max_input_chars,
        max_upload_bytes=int(args.max_upload_mb * MiB),
        watermark=not args.no_watermark,
        clone_policy=args.clone_policy,
        verify_consent=args.verify_consent,
        audit_log=args.audit_log,
    )
    if args.data_dir is not None:
        config.data_dir = args.data_dir
    app = create_app(tts, config)
    auth = f"{len(keys)} API key(s)" if keys else "no API key (anyone who can connect may use it)"
    print(
        f"serving {tts.folder} on http://{args.host}:{args.port} with {auth}; voices in {config.data_dir}"
        + (f"; {threads} CPU thread(s) each for the frame loop and the decoder" if threads else ""),
        flush=True,
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="info" if args.verbose else "warning")
    return 0
