"""`voxtral-tts serve`: an OpenAI-compatible speech server (needs the `server` extra)."""

from .cli import add_parser

__all__ = ["add_parser"]
