"""German: decimal comma, thousands dot, "3. Mai" ordinals whose ending follows the word before, "14:30 Uhr",
years read in hundreds ("neunzehnhundertneunundneunzig")."""

from __future__ import annotations

import re

from num2words import num2words

from .base import Currency, Lang, Noun, text_before

MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)
_MONTH_ALT = "|".join(MONTHS)
# After these words an ordinal takes the weak ending -en ("am dritten Mai"); after der/die/das, -e.
_WEAK_EN = frozenset({"am", "im", "vom", "zum", "beim", "dem", "den", "des", "seit", "ab", "bis", "zur"})
_WEAK_E = frozenset({"der", "die", "das"})
_ARTICLES = _WEAK_EN | _WEAK_E


def cardinal(n: int) -> str:
    return num2words(n, lang="de")


def gendered(words: str, gender: str) -> str:
    # "eins" is the counting form; before a noun it is "ein" (masculine, neuter) or "eine" (feminine).
    if words.endswith("eins"):
        return words[:-1] + ("e" if gender == "f" else "")
    return words


def _stem(n: int) -> str:
    return num2words(n, lang="de", to="ordinal")  # "dritte"


def ordinal(n: int, gender: str = "m", before: str = "") -> str:
    stem = _stem(n)
    if before in _WEAK_EN:
        return stem + "n"
    if before in _WEAK_E:
        return stem
    return stem + "r"


def year(n: int) -> str:
    return num2words(n, lang="de", to="year") if 1100 <= n <= 1999 else cardinal(n)


def date(d: int, m: int, y: int | None, before: str) -> str:
    s = f"{ordinal(d, before=before)} {MONTHS[m - 1]}"
    return f"{s} {year(y)}" if y else s


def time(h: int, m: int, ap: str | None) -> str:
    s = f"{gendered(cardinal(h), 'm')} Uhr"
    return f"{s} {cardinal(m)}" if m else s


def money(lang: Lang, cur: Currency, whole: str, frac: str | None, scale: str | None) -> str:
    if scale:
        return f"{lang.number(whole, frac)} {scale} {cur.major.many}"
    if frac and (len(frac) > 2 or cur.minor is None):
        return lang.counted(whole, frac, cur.major)
    cents = int(frac.ljust(2, "0")) if frac else 0
    if not int(whole) and cents:
        return lang.counted(str(cents), None, cur.minor)
    s = lang.counted(whole, None, cur.major)
    return f"{s} {cardinal(cents)}" if cents else s


def _ordinal_dot(m: re.Match, lang: Lang) -> str:
    # "3." is an ordinal before a month or after an article/preposition; elsewhere it is a number that
    # ends a sentence, and is left alone.
    n = int(m.group(1))
    before = text_before(m.string, m.start())
    month = m.group(2)
    if month:
        s = f"{ordinal(n, before=before)} {month}"
        return f"{s} {year(int(m.group(3)))}" if m.group(3) else s
    if before in _ARTICLES:
        return ordinal(n, before=before)
    return m.group()


def _clock(m: re.Match, lang: Lang) -> str:
    h, mi = int(m.group(1)), int(m.group(2) or 0)
    return time(h, mi, None) if h <= 24 and mi <= 59 else m.group()


def _day_month(m: re.Match, lang: Lang) -> str:
    d, mo = int(m.group(1)), int(m.group(2))
    if not (1 <= d <= 31 and 1 <= mo <= 12):
        return m.group()
    return date(d, mo, None, text_before(m.string, m.start()))


def _month_year(m: re.Match, lang: Lang) -> str:
    return f"{m.group(1)} {year(int(m.group(2)))}"


def _year_after(m: re.Match, lang: Lang) -> str:
    return f"{m.group(1)} {year(int(m.group(2)))}"


_T = r"(?<!\w)"
ABBREVIATIONS = [
    (_T + r"z\.\s?B\.", "zum Beispiel"),
    (_T + r"d\.\s?h\.", "das heißt"),
    (_T + r"u\.\s?a\.", "unter anderem"),
    (_T + r"v\.\s?a\.", "vor allem"),
    (_T + r"z\.\s?T\.", "zum Teil"),
    (_T + r"usw\.", "und so weiter"),
    (_T + r"bzw\.", "beziehungsweise"),
    (_T + r"bspw\.", "beispielsweise"),
    (_T + r"ca\.", "circa"),
    (_T + r"evtl\.", "eventuell"),
    (_T + r"ggf\.", "gegebenenfalls"),
    (_T + r"inkl\.", "inklusive"),
    (_T + r"vgl\.", "vergleiche"),
    (_T + r"etc\.", "et cetera"),
    (_T + r"Nr\.\s?", "Nummer "),
    (_T + r"S\.\s?(?=\d)", "Seite "),
    (_T + r"Dr\.(?=\s)", "Doktor"),
    (_T + r"Prof\.(?=\s)", "Professor"),
    (_T + r"Hrn\.(?=\s)", "Herrn"),
    (_T + r"Hr\.(?=\s)", "Herr"),
    (_T + r"Fr\.(?=\s+[A-ZÄÖÜ])", "Frau"),
    (_T + r"Str\.", "Straße"),
    (_T + r"St\.(?=\s+[A-ZÄÖÜ])", "Sankt"),
    (_T + r"Mio\.", "Millionen"),
    (_T + r"Mrd\.", "Milliarden"),
    (_T + r"Tsd\.", "Tausend"),
]

UNITS = {
    "km": Noun("Kilometer", "Kilometer"),
    "m": Noun("Meter", "Meter"),
    "cm": Noun("Zentimeter", "Zentimeter"),
    "mm": Noun("Millimeter", "Millimeter"),
    "kg": Noun("Kilogramm", "Kilogramm", "n"),
    "g": Noun("Gramm", "Gramm", "n"),
    "mg": Noun("Milligramm", "Milligramm", "n"),
    "l": Noun("Liter", "Liter"),
    "L": Noun("Liter", "Liter"),
    "ml": Noun("Milliliter", "Milliliter"),
    "km/h": Noun("Kilometer pro Stunde", "Kilometer pro Stunde"),
    "m/s": Noun("Meter pro Sekunde", "Meter pro Sekunde"),
    "°C": Noun("Grad Celsius", "Grad Celsius", "n"),
    "°": Noun("Grad", "Grad", "n"),
    "h": Noun("Stunde", "Stunden", "f"),
    "Std.": Noun("Stunde", "Stunden", "f"),
    "min": Noun("Minute", "Minuten", "f"),
    "Min.": Noun("Minute", "Minuten", "f"),
    "s": Noun("Sekunde", "Sekunden", "f"),
    "Sek.": Noun("Sekunde", "Sekunden", "f"),
    "ms": Noun("Millisekunde", "Millisekunden", "f"),
    "t": Noun("Tonne", "Tonnen", "f"),
    "GB": Noun("Gigabyte", "Gigabyte", "n"),
    "MB": Noun("Megabyte", "Megabyte", "n"),
    "kB": Noun("Kilobyte", "Kilobyte", "n"),
    "TB": Noun("Terabyte", "Terabyte", "n"),
    "Hz": Noun("Hertz", "Hertz", "n"),
    "kHz": Noun("Kilohertz", "Kilohertz", "n"),
    "MHz": Noun("Megahertz", "Megahertz", "n"),
    "GHz": Noun("Gigahertz", "Gigahertz", "n"),
    "W": Noun("Watt", "Watt", "n"),
    "kW": Noun("Kilowatt", "Kilowatt", "n"),
    "kWh": Noun("Kilowattstunde", "Kilowattstunden", "f"),
    "V": Noun("Volt", "Volt", "n"),
}

CURRENCIES = {
    "EUR": Currency(Noun("Euro", "Euro"), Noun("Cent", "Cent")),
    "USD": Currency(Noun("Dollar", "Dollar"), Noun("Cent", "Cent")),
    "GBP": Currency(Noun("Pfund", "Pfund", "n"), Noun("Penny", "Pence")),
    "JPY": Currency(Noun("Yen", "Yen")),
    "INR": Currency(Noun("Rupie", "Rupien", "f"), Noun("Paisa", "Paise")),
    "BRL": Currency(Noun("Real", "Reais"), Noun("Centavo", "Centavos")),
    "CHF": Currency(Noun("Franken", "Franken"), Noun("Rappen", "Rappen")),
    "SAR": Currency(Noun("Riyal", "Riyal")),
    "AED": Currency(Noun("Dirham", "Dirham")),
    "EGP": Currency(Noun("ägyptisches Pfund", "ägyptische Pfund", "n")),
    "MAD": Currency(Noun("Dirham", "Dirham")),
}

LANG = Lang(
    code="de",
    cardinal=cardinal,
    gendered=gendered,
    ordinal=ordinal,
    year=year,
    decimal_sep=",",
    group_seps=".",
    point="Komma",
    fraction_digits=True,
    minus="minus",
    percent="Prozent",
    months=MONTHS,
    currencies=CURRENCIES,
    units=UNITS,
    url_words={
        "dot": "Punkt",
        "at": "at",
        "slash": "Schrägstrich",
        "dash": "Bindestrich",
        "underscore": "Unterstrich",
        "colon": "Doppelpunkt",
    },
    symbols={
        "&": "und",
        "+": "plus",
        "=": "gleich",
        "@": "at",
        "#": "Nummer",
        "%": "Prozent",
        "§": "Paragraf",
        "~": "etwa",
        "×": "mal",
        "±": "plus minus",
        "°": "Grad",
        "/": "",
        "*": "",
        "_": "",
        "|": "",
    },
    range_word="bis",
    date=date,
    time=time,
    money=money,
    abbreviations=ABBREVIATIONS,
    sentence_final_abbrevs=frozenset({"und so weiter", "et cetera"}),
    scales={
        "Tausend": "Tausend",
        "Millionen": "Millionen",
        "Million": "Million",
        "Milliarden": "Milliarden",
        "Milliarde": "Milliarde",
    },
    early=[
        (r"(?<![\w\d:.,])(\d{1,2})(?:[:.](\d{2}))?\s?Uhr\b", _clock),
        (rf"(?<![\d.,])(\d{{1,2}})\.\s?(?:({_MONTH_ALT})(?:\s+(\d{{4}}))?)?(?=\s|$)", _ordinal_dot),
        (r"(?<![\d.,])(\d{1,2})\.(\d{1,2})\.(?!\d)", _day_month),
        (rf"\b({_MONTH_ALT})\s+(\d{{4}})(?!\d)", _month_year),
        (r"\b((?:[Ii]m Jahre?|[Ss]eit|[Bb]is|[Aa]b|[Vv]on))\s+(1\d{3})(?![\d.,]\d|\d)", _year_after),
    ],
)
