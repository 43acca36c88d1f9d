"""Text side: the tekken tokenizer and the speech prompt built through mistral-common."""

from .tekken import write_tekken
from .tokenizer import PromptTokenizer

__all__ = ["PromptTokenizer", "write_tekken"]
