"""Errors of the watermark and consent code; all are VoxtralErrors, so the CLI prints them as one line."""

from ..errors import VoxtralError


class WatermarkKeyError(VoxtralError):
    """A watermark key file that is missing, malformed or would be overwritten."""


class ConsentError(VoxtralError):
    """A voice may not be cloned: the consent record is missing or incomplete, or its spoken consent failed."""
