"""Watermark keys: one secret per deployment, with a public 16-bit key id that the mark carries.

Where the key comes from, first match wins:
1. a key passed in code (`VoxtralTTS.watermark_key = load_key(path)`) or on the command line (`--watermark-key`);
2. the file named by $VOXTRAL_WATERMARK_KEY;
3. $XDG_CONFIG_HOME/voxtral-tts/watermark-key.json (~/.config/...), created with a fresh random secret and key
   id the first time anything is marked on this machine;
4. if that file cannot be created, the public key (key id 0), with a warning: its marks can be found by
   anyone who has this code, and so can be removed more easily.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from .errors import WatermarkKeyError

log = logging.getLogger(__name__)

ENV_KEY = "VOXTRAL_WATERMARK_KEY"
KEY_FILE_NAME = "watermark-key.json"
PUBLIC_KEY_ID = 0


@dataclass(frozen=True)
class WatermarkKey:
    """A secret (16 bytes or more) and the 16-bit id that names it in marks and detector reports."""

    secret: bytes
    key_id: int
    source: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.key_id <= 0xFFFF:
            raise WatermarkKeyError(f"{self.source or 'key'}: key_id {self.key_id} is not a 16-bit number")
        if len(self.secret) < 16 and self.key_id != PUBLIC_KEY_ID:
            raise WatermarkKeyError(f"{self.source or 'key'}: the secret must be at least 16 bytes")

    def __repr__(self) -> str:  # never print the secret
        return f"WatermarkKey(key_id={self.key_id:#06x}, source={self.source!r})"


PUBLIC_KEY = WatermarkKey(b"voxtral-tts public watermark key", PUBLIC_KEY_ID, "public")


def default_key_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "voxtral-tts" / KEY_FILE_NAME


def new_key(key_id: int | None = None) -> WatermarkKey:
    """A fresh random secret; a random non-zero key id unless one is given."""
    kid = key_id if key_id is not None else 1 + secrets.randbelow(0xFFFF)
    return WatermarkKey(secrets.token_bytes(32), kid, "new")


def save_key(key: WatermarkKey, path: str | Path, overwrite: bool = False) -> Path:
    """Write `key` as JSON readable by its owner only."""
    path = Path(path).expanduser()
    if path.exists() and not overwrite:
        raise WatermarkKeyError(f"{path}: a key file is already there; refusing to overwrite it")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump({"scheme": "voxtral-stft-v1", "key_id": key.key_id, "secret": key.secret.hex()}, f)
        f.write("\n")
    tmp.replace(path)
    return path


def load_key(path: str | Path) -> WatermarkKey:
    path = Path(path).expanduser()
    try:
        data = json.loads(path.read_text())
        return WatermarkKey(bytes.fromhex(data["secret"]), int(data["key_id"]), str(path))
    except FileNotFoundError:
        raise WatermarkKeyError(f"{path}: watermark key file not found") from None
    except (ValueError, KeyError, TypeError) as e:
        raise WatermarkKeyError(f"{path}: not a watermark key file ({type(e).__name__}: {e})") from None


def resolve_key(path: str | Path | None = None, create: bool = True) -> WatermarkKey:
    """The key this deployment marks with (see the module docstring for the order)."""
    if path is not None:
        return load_key(path)
    env = os.environ.get(ENV_KEY)
    if env:
        return load_key(env)
    default = default_key_path()
    if default.exists():
        return load_key(default)
    if not create:
        return PUBLIC_KEY
    try:
        save_key(new_key(), default)
    except FileExistsError:  # another process made it first: use theirs, read just below
        pass
    except OSError as e:
        log.warning(
            "cannot create a watermark key at %s (%s); marking with the PUBLIC key (key id 0): set %s to a key file "
            "made by `voxtral-tts watermark keygen`",
            default,
            e,
            ENV_KEY,
        )
        return PUBLIC_KEY
    key = load_key(default)
    log.warning(
        "created this deployment's watermark key at %s (key id %#06x); keep it: detecting your outputs needs it",
        default,
        key.key_id,
    )
    return key


def detector_keys(paths: list[str | Path] | None = None) -> list[WatermarkKey]:
    """The keys a detector tries: those given, else this deployment's (if it has one); the public key always."""
    keys = [load_key(p) for p in paths or []]
    if not keys:
        own = resolve_key(create=False)
        if own is not PUBLIC_KEY:
            keys.append(own)
    if all(k.key_id != PUBLIC_KEY_ID for k in keys):
        keys.append(PUBLIC_KEY)
    return keys
