"""Number words for the template grammars: num2words where it is right, with the fixes it needs, and a table
for Hindi, which num2words does not speak."""

from __future__ import annotations

import random

from num2words import num2words

_N2W_LANG = {"en": "en", "fr": "fr", "de": "de", "es": "es", "it": "it", "pt": "pt_BR", "nl": "nl", "ar": "ar"}

# 0-99 in Hindi. Every one is irregular, so a table is the only correct way.
HI_0_99 = (
    "शून्य एक दो तीन चार पाँच छह सात आठ नौ दस ग्यारह बारह तेरह चौदह पंद्रह सोलह सत्रह अठारह उन्नीस "
    "बीस इक्कीस बाईस तेईस चौबीस पच्चीस छब्बीस सत्ताईस अट्ठाईस उनतीस तीस इकतीस बत्तीस तैंतीस चौंतीस "
    "पैंतीस छत्तीस सैंतीस अड़तीस उनतालीस चालीस इकतालीस बयालीस तैंतालीस चवालीस पैंतालीस छियालीस सैंतालीस "
    "अड़तालीस उनचास पचास इक्यावन बावन तिरपन चौवन पचपन छप्पन सत्तावन अट्ठावन उनसठ साठ इकसठ बासठ तिरसठ "
    "चौंसठ पैंसठ छियासठ सड़सठ अड़सठ उनहत्तर सत्तर इकहत्तर बहत्तर तिहत्तर चौहत्तर पचहत्तर छिहत्तर "
    "सतहत्तर अठहत्तर उन्यासी अस्सी इक्यासी बयासी तिरासी चौरासी पचासी छियासी सत्तासी अट्ठासी नवासी नब्बे "
    "इक्यानबे बानबे तिरानबे चौरानबे पचानबे छियानबे सत्तानबे अट्ठानबे निन्यानबे"
).split()
assert len(HI_0_99) == 100


def hindi(n: int) -> str:
    """Cardinal in Hindi words, 0 <= n < 100000 (Indian grouping: hazaar, then sau)."""
    if n < 100:
        return HI_0_99[n]
    parts = []
    th, rest = divmod(n, 1000)
    if th:
        parts.append(f"{HI_0_99[th]} हज़ार")
    h, rest = divmod(rest, 100)
    if h:
        parts.append(f"{HI_0_99[h]} सौ")
    if rest:
        parts.append(HI_0_99[rest])
    return " ".join(parts)


def words(n: int, lang: str) -> str:
    """Cardinal in words."""
    if lang == "hi":
        return hindi(n)
    w = num2words(n, lang=_N2W_LANG[lang])
    if lang in ("en", "pt"):
        w = w.replace(",", "")  # num2words writes "one thousand, nine hundred"; no comma is spoken or written
    if lang == "ar":
        w = w.replace(" و ", " و")  # the conjunction is written joined to the next word
    return w


def year_words(y: int, lang: str) -> str:
    if lang == "hi":
        if 1100 <= y < 2000:
            return f"{HI_0_99[y // 100]} सौ {HI_0_99[y % 100]}" if y % 100 else f"{HI_0_99[y // 100]} सौ"
        return hindi(y)
    if lang == "en":
        return num2words(y, lang="en", to="year")
    if lang == "de" and 1100 <= y < 2000:
        return num2words(y, lang="de", to="year")
    if lang == "nl" and 1100 <= y < 2000:
        return num2words(y, lang="nl", to="year").replace(" ", "")
    return words(y, lang)


def digits_or_words(rng: random.Random, n: int, lang: str, p_digits: float = 0.4) -> str:
    return str(n) if rng.random() < p_digits else words(n, lang)


def year(rng: random.Random, lang: str, lo: int = 1950, hi: int = 2024, p_digits: float = 0.4) -> str:
    y = rng.randint(lo, hi)
    return str(y) if rng.random() < p_digits else year_words(y, lang)
