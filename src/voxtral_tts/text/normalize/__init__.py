"""Text normalisation for the nine Voxtral languages: numbers, dates, times, money, units, abbreviations,
URLs, e-mail addresses and symbols become the words a reader would say.

`normalize(text, lang)` is the entry point; `guess_language` picks a language when none is given. One module
per language holds its words and conventions; `base` holds the shared patterns and their order. Number words
come from num2words for every language but Hindi, whose number words are written out in `hi`.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from functools import cache

from .base import Lang, run

LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl", "ar", "hi")

# Frequent function words, for telling the Latin-script languages apart in text given with no language.
_STOPWORDS = {
    "en": "the and of to is in that it was for with on are this be as have not you he she they",
    "fr": "le la les des est et une un que dans pour pas du sur au qui ce il elle sont avec mais",
    "de": "der die das und ist nicht ein eine mit auf für sich den dem von zu im ich sie es auch",
    "es": "el la los las que y es en una un por con para del se no su al lo como más pero",
    "it": "il la che di è per una un non con sono gli del della le lo in si ma anche questo",
    "pt": "o a os as que de não uma um para com é em do da no na se por mais mas foi",
    "nl": "de het een en van is niet dat op voor met zijn die te er ook als aan maar ik",
}
_STOP_SETS = {k: frozenset(v.split()) for k, v in _STOPWORDS.items()}


@cache
def get_lang(code: str) -> Lang:
    """The rules for language `code` (one of LANGUAGES)."""
    if code not in LANGUAGES:
        raise ValueError(f"language {code!r} is not supported; use one of: {', '.join(LANGUAGES)}")
    return importlib.import_module(f"{__name__}.{code}").LANG


def normalize(text: str, lang: str = "en") -> str:
    """`text` with numbers, dates, times, currencies, units, abbreviations, URLs, e-mail addresses and symbols
    written out as words in language `lang`. Paragraph breaks (blank lines) are kept; other whitespace is
    collapsed. The result may be empty (text of emoji alone, say)."""
    return run(text, get_lang(lang))


def guess_language(text: str, voice: str | None = None) -> str:
    """The language of `text`: by script for Arabic and Hindi, by function words for the Latin-script
    languages, else the language a preset voice is named for (`fr_male` -> fr), else English."""
    counts = {"ar": 0, "hi": 0, "latin": 0}
    for ch in text:
        if not ch.isalpha():
            continue
        name = unicodedata.name(ch, "")
        if name.startswith("ARABIC"):
            counts["ar"] += 1
        elif name.startswith("DEVANAGARI"):
            counts["hi"] += 1
        elif name.startswith("LATIN"):
            counts["latin"] += 1
    script = max(counts, key=counts.get)
    if counts[script] and script != "latin":
        return script
    words = re.findall(r"[^\W\d_]+", text.lower())
    scores = {k: sum(w in s for w in words) for k, s in _STOP_SETS.items()}
    best = max(scores, key=scores.get)
    runner_up = max(v for k, v in scores.items() if k != best)
    if scores[best] >= 2 and scores[best] >= 1.5 * runner_up:
        return best
    prefix = (voice or "").split("_")[0]
    if prefix in LANGUAGES:
        return prefix
    return "en"


__all__ = ["LANGUAGES", "get_lang", "guess_language", "normalize"]
