"""voxtral-tts: an open implementation of Voxtral TTS (Mistral, 2026)."""

from .api import Request, VoxtralTTS
from .audio import Audio
from .errors import (
    CheckpointError,
    DataError,
    EncoderMissingError,
    ReferenceAudioError,
    TextError,
    VoiceError,
    VoxtralError,
)

__version__ = "0.1.0"

__all__ = [
    "Audio",
    "CheckpointError",
    "DataError",
    "EncoderMissingError",
    "ReferenceAudioError",
    "Request",
    "TextError",
    "VoiceError",
    "VoxtralError",
    "VoxtralTTS",
    "__version__",
]
