"""API keys: who is calling. Keys are never stored; an owner is a short hash of the key."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

ANONYMOUS = "anonymous"  # the owner of everything when the server runs without keys


def owner_id(key: str) -> str:
    return "k" + hashlib.sha256(key.encode()).hexdigest()[:24]


def load_keys(keys: list[str] | None, keys_file: str | Path | None) -> list[str]:
    """Keys from the command line and from a file with one key per line ('#' starts a comment)."""
    out = [k.strip() for k in keys or [] if k.strip()]
    if keys_file is not None:
        for line in Path(keys_file).read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                out.append(line)
    for k in out:
        if len(k) < 8 or any(c.isspace() for c in k):
            raise ValueError("API keys must be at least 8 characters with no whitespace")
    return out


class KeyRing:
    def __init__(self, keys: list[str]) -> None:
        self._keys = [k.encode() for k in keys]

    @property
    def enabled(self) -> bool:
        return bool(self._keys)

    def owner(self, authorization: str | None) -> str | None:
        """The owner for an `Authorization` header value, or None when it grants nothing."""
        if not self._keys:
            return ANONYMOUS
        if not authorization:
            return None
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        given = token.strip().encode()
        match = None
        for k in self._keys:  # compare with every key so timing does not reveal which one matched
            if hmac.compare_digest(k, given):
                match = k
        return owner_id(match.decode()) if match is not None else None
