"""Errors that reach users. Each message is one line that says what went wrong and where."""


class VoxtralError(Exception):
    """Base class for every error voxtral-tts raises on bad input."""


class CheckpointError(VoxtralError):
    """A model folder is missing files, or holds malformed or mismatched ones."""


class VoiceError(VoxtralError):
    """An unknown or malformed preset voice."""


class TextError(VoxtralError):
    """Text that cannot be synthesized (empty, too long)."""


class ReferenceAudioError(VoxtralError):
    """Reference audio that cannot be used for cloning (unreadable, silent, too short)."""


class EncoderMissingError(VoxtralError):
    """Cloning was asked of a checkpoint that ships no codec encoder."""


class DataError(VoxtralError):
    """A corpus, manifest or frames folder that cannot be used."""
