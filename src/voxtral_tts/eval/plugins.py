"""Judges are pluggable: a built-in name, a folder, or `module:factory` for any object with the right method."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from ..errors import VoxtralError


def load_factory(spec: str) -> Callable[..., Any]:
    """Import `package.module:attribute` and return the attribute (a class or a function)."""
    mod_name, _, attr = spec.partition(":")
    if not mod_name or not attr:
        raise VoxtralError(f"{spec!r}: a plugin is written module:factory, e.g. mypkg.judges:MyASR")
    try:
        mod = importlib.import_module(mod_name)
    except ImportError as e:
        raise VoxtralError(f"{spec!r}: cannot import {mod_name} ({e})") from None
    try:
        return getattr(mod, attr)
    except AttributeError:
        raise VoxtralError(f"{spec!r}: {mod_name} has no attribute {attr}") from None


def package_version(dist: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return None
