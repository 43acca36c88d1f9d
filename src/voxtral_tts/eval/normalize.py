"""Text normalisation before WER/CER, as ASR evaluations do it.

English uses Whisper's `EnglishTextNormalizer` (spelling, contractions, numbers to digits), the normaliser
behind the Whisper paper's and most TTS papers' English WER. Other languages use a basic normaliser: Unicode
NFKC, digits spelled out with num2words in the item's language (so "45" and "quarante-cinq" agree, whichever
form the recogniser writes), casefolding, punctuation and symbols to spaces. Combining marks are kept, since
in Devanagari and Arabic they are letters' vowels, not decoration.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .errors import JudgeMissingError

# num2words language codes for the set's languages; Hindi is handled by indic_numtowords.
_NUM2WORDS = {"fr": "fr", "de": "de", "es": "es", "it": "it", "pt": "pt", "nl": "nl", "ar": "ar", "en": "en"}

_ARABIC_TASHKEEL = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # harakat, tatweel
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_NUMBER = re.compile(r"\d+")
# The set's prices are in euros; recognisers write "45 €" as often as "45 euros".
_EURO = {
    "fr": "euros",
    "es": "euros",
    "pt": "euros",
    "it": "euro",
    "de": "euro",
    "nl": "euro",
    "ar": "يورو",
    "hi": "यूरो",
}


@lru_cache(maxsize=1)
def _english():
    try:
        from whisper_normalizer.english import EnglishTextNormalizer
    except ImportError:
        raise JudgeMissingError("the Whisper English text normaliser", "pip install whisper-normalizer") from None
    return EnglishTextNormalizer()


def _spell_number(digits: str, lang: str) -> str:
    n = int(digits)
    if lang == "hi":
        try:
            from indic_numtowords import num2words as indic
        except ImportError:
            return digits
        return indic(n, lang="hi")
    code = _NUM2WORDS.get(lang)
    if code is None:
        return digits
    try:
        from num2words import num2words
    except ImportError:
        raise JudgeMissingError("num2words (spells out numbers before WER)", "pip install num2words") from None
    try:
        return num2words(n, lang=code)
    except (NotImplementedError, OverflowError, ValueError):
        return digits


def _ascii_digits(text: str) -> str:
    # Eastern Arabic, Devanagari and other decimal digits become ASCII so that num2words sees them.
    return "".join(str(unicodedata.digit(c)) if c.isdigit() and not c.isascii() else c for c in text)


def basic_normalize(text: str, lang: str) -> str:
    """Language-neutral normalisation for languages other than English (see the module docstring)."""
    text = _ascii_digits(unicodedata.normalize("NFKC", text))
    text = re.sub(r"(?<=\d)[,.\u202f\u00a0 ](?=\d{3}\b)", "", text)  # thousands separators: 1 000, 1.000, 1,000
    if lang in _EURO:
        text = text.replace("€", f" {_EURO[lang]} ")
    text = _NUMBER.sub(lambda m: f" {_spell_number(m.group(), lang)} ", text)
    text = text.casefold()
    text = text.replace("’", "'").replace("`", "'")
    if lang == "ar":
        text = _ARABIC_TASHKEEL.sub("", text).translate(_ARABIC_FOLD)
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        out.append(ch if cat[0] in "LNM" or ch == "'" else " ")
    text = "".join(out)
    text = re.sub(r"(?<!\w)'|'(?!\w)", " ", text)  # apostrophes survive only inside words (l'été, it's)
    return " ".join(text.split())


def normalize_text(text: str, lang: str) -> str:
    """Normalise a reference or a transcript for scoring in language `lang` (ISO 639-1)."""
    lang = lang.lower().split("-")[0].split("_")[0]
    if lang == "en":
        return " ".join(_english()(text).split())
    return basic_normalize(text, lang)
