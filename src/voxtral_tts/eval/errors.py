"""Errors of the evaluation tools."""

from __future__ import annotations

from ..errors import VoxtralError


class JudgeMissingError(VoxtralError):
    """A judge model (ASR, speaker encoder, MOS predictor) or a library it needs is not installed."""

    def __init__(self, what: str, install: str) -> None:
        super().__init__(f"{what} is not installed; install it with: {install}")
        self.install = install


class EvalSetError(VoxtralError):
    """A test set file that cannot be read."""
