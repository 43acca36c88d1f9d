"""Reading and writing models in the official layout (spec §5):

    params.json  consolidated.safetensors  tekken.json  voice_embedding/<name>.pt

Tensor names are the official ones on disk; inside, the modules are grouped by concern, and the
table below maps between the two.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Mapping
from pathlib import Path

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import save_file

from .config import ModelArgs, load_params
from .errors import CheckpointError
from .model import VoxtralModel
from .model.envelope import PINNED_FILE, PinnedLatent
from .text.tekken import set_tekken_voices

log = logging.getLogger(__name__)

WEIGHTS = "consolidated.safetensors"
PARAMS = "params.json"
TOKENIZER = "tekken.json"
VOICES = "voice_embedding"

# (official prefix, internal prefix). First match wins, so more specific prefixes come first.
_PREFIXES = [
    ("mm_audio_embeddings.tok_embeddings.", "backbone.tok_embeddings."),
    ("mm_audio_embeddings.audio_codebook_embeddings.", "audio_embeddings."),
    ("layers.", "backbone.layers."),
    ("norm.", "backbone.norm."),
    ("acoustic_transformer.", "acoustic_transformer."),
    ("audio_tokenizer.", "codec."),
]
_ENCODER_PREFIXES = ("audio_tokenizer.input_proj.", "audio_tokenizer.encoder_blocks.")
_DTYPES = {torch.float32, torch.bfloat16, torch.float16}


def to_official(name: str) -> str:
    for official, internal in _PREFIXES:
        if name.startswith(internal):
            return official + name[len(internal) :]
    raise KeyError(name)


def to_internal(name: str) -> str | None:
    for official, internal in _PREFIXES:
        if name.startswith(official):
            return internal + name[len(official) :]
    return None


def official_state_dict(model: VoxtralModel) -> dict[str, torch.Tensor]:
    return {to_official(k): v for k, v in model.state_dict().items()}


def _listing(kind: str, names: list[str], limit: int = 8) -> str:
    shown = ", ".join(names[:limit])
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return f"{len(names)} {kind} ({shown}{more})"


def load_model(
    folder: str | Path, dtype: torch.dtype = torch.float32, device: str | torch.device = "cpu"
) -> tuple[ModelArgs, VoxtralModel]:
    """Build the model from a folder in the official layout. Encoder tensors are optional."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CheckpointError(f"{folder}: model folder not found")
    args = load_params(folder / PARAMS)
    path = folder / WEIGHTS
    if not path.exists():
        raise CheckpointError(f"{path}: not found (a model folder needs {WEIGHTS})")
    try:
        f = safe_open(str(path), framework="pt", device="cpu")
        shapes = {k: list(f.get_slice(k).get_shape()) for k in f.keys()}
    except (SafetensorError, OSError, ValueError) as e:
        raise CheckpointError(f"{path}: corrupt or truncated safetensors file ({e})") from None

    has_encoder = any(k.startswith(_ENCODER_PREFIXES) for k in shapes)
    with torch.device("meta"):
        model = VoxtralModel(args, with_encoder=has_encoder)
    expected = {to_official(k): list(v.shape) for k, v in model.state_dict().items()}
    missing = sorted(set(expected) - set(shapes))
    unexpected = sorted(set(shapes) - set(expected))
    misshaped = sorted(
        f"{k} {shapes[k]} != {expected[k]}" for k in set(expected) & set(shapes) if shapes[k] != expected[k]
    )
    if missing or unexpected or misshaped:
        parts = [
            _listing(kind, names)
            for kind, names in (("missing", missing), ("unexpected", unexpected), ("mis-shaped", misshaped))
            if names
        ]
        raise CheckpointError(f"{path}: tensors do not match {PARAMS}: " + "; ".join(parts))

    state = {}
    try:
        for name in shapes:
            t = f.get_tensor(name)
            if t.dtype not in _DTYPES:
                raise CheckpointError(f"{path}: tensor {name} has dtype {t.dtype}; expected bf16, fp16 or fp32")
            state[to_internal(name)] = t.to(device=device, dtype=dtype)
    except (SafetensorError, OSError, RuntimeError) as e:
        raise CheckpointError(f"{path}: cannot read tensor data, the file is corrupt or truncated ({e})") from None
    model.load_state_dict(state, assign=True, strict=True)
    model.eval().requires_grad_(False)
    if (folder / PINNED_FILE).exists():
        model.use_pinned(read_pinned(folder / PINNED_FILE, args))
    if not has_encoder:
        log.info("%s has no codec encoder: preset voices only, no cloning", folder)
    return args, model


def read_pinned(path: Path, args: ModelArgs) -> PinnedLatent:
    """A pinned codec's envelope definition, checked against the codec it belongs to."""
    try:
        pin = PinnedLatent.from_json(path.read_text())
    except (ValueError, KeyError, TypeError, RuntimeError) as e:
        raise CheckpointError(f"{path}: malformed pinned-latent file ({type(e).__name__}: {e})") from None
    c = args.codec
    if pin.hop * pin.subframes != c.samples_per_frame or pin.subframes * pin.bands != c.acoustic_dim:
        raise CheckpointError(
            f"{path}: {pin.subframes} sub-frames x {pin.bands} bands of {pin.hop} samples do not fit the codec's "
            f"{c.acoustic_dim} acoustic values per frame of {c.samples_per_frame} samples ({PARAMS})"
        )
    if not bool((pin.std > 0).all()):
        raise CheckpointError(f"{path}: the envelope statistics are unset (std must be positive)")
    return pin


def publish(tmp: Path, path: Path) -> Path:
    """Rename a finished temporary file into place, readable as the umask allows: safetensors creates its
    files owner-only (0600), so a model saved by one user could not be served by another."""
    mask = os.umask(0)
    os.umask(mask)
    tmp.chmod(0o666 & ~mask)
    tmp.replace(path)
    return path


def save_model(
    folder: str | Path,
    model: VoxtralModel,
    tokenizer: str | Path,
    voices: Mapping[str, torch.Tensor] | None = None,
    dtype: torch.dtype = torch.bfloat16,
) -> Path:
    """Write `model` in the official layout. `tokenizer` is the tekken.json to ship; `voices` maps
    preset names to their [N, dim] input-embedding rows. The voice tables in params.json and
    tekken.json are rewritten to match `voices` when it is given."""
    if dtype not in _DTYPES:
        raise ValueError(f"cannot save in {dtype}; use bf16, fp16 or fp32")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    args = model.args
    if voices is not None:
        args.codec.voice = {name: i for i, name in enumerate(voices)}
    state = {k: v.detach().to(dtype=dtype, device="cpu").contiguous() for k, v in official_state_dict(model).items()}
    tmp = folder / (WEIGHTS + ".tmp")
    save_file(state, str(tmp), metadata={"format": "pt"})
    publish(tmp, folder / WEIGHTS)  # never leave a half-written checkpoint under the real name
    (folder / PARAMS).write_text(json.dumps(args.to_dict(), indent=2) + "\n")
    pinned = folder / PINNED_FILE
    if model.pinned is not None:
        pinned.write_text(model.pinned.to_json())
    elif pinned.exists():
        pinned.unlink()  # a stale one would change what this model's acoustic codes mean
    tok_dst = folder / TOKENIZER
    if voices is not None:
        set_tekken_voices(tokenizer, tok_dst, {name: int(rows.shape[0]) for name, rows in voices.items()})
    elif Path(tokenizer).resolve() != tok_dst.resolve():
        shutil.copyfile(tokenizer, tok_dst)
    if voices:
        vdir = folder / VOICES
        vdir.mkdir(exist_ok=True)
        for name, rows in voices.items():
            torch.save(rows.detach().to(dtype=torch.bfloat16, device="cpu").contiguous(), vdir / f"{name}.pt")
    return folder
