"""Italian: decimal comma, thousands dot, "1° maggio" and "primo maggio", "quattordici e trenta",
"XX secolo", "un'ora"."""

from __future__ import annotations

import re

from num2words import num2words

from .base import Currency, Lang, Noun, roman_to_int

MONTHS = (
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
)
_MONTH_ALT = "|".join(MONTHS)


def cardinal(n: int) -> str:
    return num2words(n, lang="it")


def gendered(words: str, gender: str) -> str:
    if words == "uno":
        return "una" if gender == "f" else "un"
    return words


def ordinal(n: int, gender: str = "m") -> str:
    words = num2words(n, lang="it", to="ordinal")
    return re.sub(r"o$", "a", words) if gender == "f" else words


def date(d: int, m: int, y: int | None, before: str) -> str:
    s = f"{'primo' if d == 1 else cardinal(d)} {MONTHS[m - 1]}"
    return f"{s} {cardinal(y)}" if y else s


def time(h: int, m: int, ap: str | None) -> str:
    hour = gendered(cardinal(h), "f")
    return f"{hour} e {cardinal(m)}" if m else hour


def count(lang: Lang, n: int, noun: Noun) -> str:
    words = lang.number(str(n), None, gender=noun.gender)
    if n == 1:
        # "una ora" elides to "un'ora"
        if noun.gender == "f" and noun.one[0] in "aeiou":
            return f"un'{noun.one}"
        return f"{words} {noun.one}"
    return f"{words} {noun.many}"


def money(lang: Lang, cur: Currency, whole: str, frac: str | None, scale: str | None) -> str:
    if scale:
        return f"{lang.number(whole, frac)} {scale} di {cur.major.many}"
    if frac and (len(frac) > 2 or cur.minor is None):
        return lang.counted(whole, frac, cur.major)
    cents = int(frac.ljust(2, "0")) if frac else 0
    if not int(whole) and cents:
        return lang.counted(str(cents), None, cur.minor)
    s = lang.counted(whole, None, cur.major)
    return f"{s} e {lang.counted(str(cents), None, cur.minor)}" if cents else s


def _century_before(m: re.Match, lang: Lang) -> str:
    n = roman_to_int(m.group(1))
    return f"{ordinal(n)} {m.group(2)}" if n else m.group()


def _century_after(m: re.Match, lang: Lang) -> str:
    n = roman_to_int(m.group(2))
    return f"{m.group(1)} {ordinal(n)}" if n else m.group()


def _first_of_month(m: re.Match, lang: Lang) -> str:
    return f"primo {m.group(1)}"


_T = r"(?<!\w)"
ABBREVIATIONS = [
    (_T + r"Sig\.ra", "signora"),
    (_T + r"Sig\.na", "signorina"),
    (_T + r"Sigg\.", "signori"),
    (_T + r"Sig\.", "signor"),
    (_T + r"Dott\.ssa", "dottoressa"),
    (_T + r"Dott\.", "dottor"),
    (_T + r"Prof\.ssa", "professoressa"),
    (_T + r"Prof\.", "professor"),
    (_T + r"Avv\.", "avvocato"),
    (_T + r"Ing\.", "ingegner"),
    (_T + r"ecc\.", "eccetera"),
    (_T + r"ad es\.", "ad esempio"),
    (_T + r"p\.\s?es\.", "per esempio"),
    (_T + r"n\.\s?(?=\d)", "numero "),
    (_T + r"pagg?\.\s?(?=\d)", "pagina "),
    (_T + r"ca\.", "circa"),
    (_T + r"S\.(?=\s+[A-Z])", "San"),
    (_T + r"a\.\s?C\.", "avanti Cristo"),
    (_T + r"d\.\s?C\.", "dopo Cristo"),
]

UNITS = {
    "km": Noun("chilometro", "chilometri"),
    "m": Noun("metro", "metri"),
    "cm": Noun("centimetro", "centimetri"),
    "mm": Noun("millimetro", "millimetri"),
    "kg": Noun("chilogrammo", "chilogrammi"),
    "g": Noun("grammo", "grammi"),
    "mg": Noun("milligrammo", "milligrammi"),
    "l": Noun("litro", "litri"),
    "L": Noun("litro", "litri"),
    "ml": Noun("millilitro", "millilitri"),
    "km/h": Noun("chilometro orario", "chilometri orari"),
    "m/s": Noun("metro al secondo", "metri al secondo"),
    "°C": Noun("grado Celsius", "gradi Celsius"),
    "°": Noun("grado", "gradi"),
    "h": Noun("ora", "ore", "f"),
    "min": Noun("minuto", "minuti"),
    "s": Noun("secondo", "secondi"),
    "ms": Noun("millisecondo", "millisecondi"),
    "t": Noun("tonnellata", "tonnellate", "f"),
    "GB": Noun("gigabyte", "gigabyte"),
    "MB": Noun("megabyte", "megabyte"),
    "kB": Noun("kilobyte", "kilobyte"),
    "TB": Noun("terabyte", "terabyte"),
    "Hz": Noun("hertz", "hertz"),
    "kHz": Noun("kilohertz", "kilohertz"),
    "MHz": Noun("megahertz", "megahertz"),
    "GHz": Noun("gigahertz", "gigahertz"),
    "W": Noun("watt", "watt"),
    "kW": Noun("kilowatt", "kilowatt"),
    "kWh": Noun("kilowattora", "kilowattora"),
    "V": Noun("volt", "volt"),
}

CURRENCIES = {
    "EUR": Currency(Noun("euro", "euro"), Noun("centesimo", "centesimi")),
    "USD": Currency(Noun("dollaro", "dollari"), Noun("centesimo", "centesimi")),
    "GBP": Currency(Noun("sterlina", "sterline", "f"), Noun("penny", "pence")),
    "JPY": Currency(Noun("yen", "yen")),
    "INR": Currency(Noun("rupia", "rupie", "f")),
    "BRL": Currency(Noun("real", "real")),
    "CHF": Currency(Noun("franco svizzero", "franchi svizzeri"), Noun("centesimo", "centesimi")),
    "SAR": Currency(Noun("riyal", "riyal")),
    "AED": Currency(Noun("dirham", "dirham")),
    "EGP": Currency(Noun("sterlina egiziana", "sterline egiziane", "f")),
    "MAD": Currency(Noun("dirham", "dirham")),
}

LANG = Lang(
    code="it",
    cardinal=cardinal,
    gendered=gendered,
    ordinal=ordinal,
    decimal_sep=",",
    group_seps=".",
    point="virgola",
    minus="meno",
    percent="per cento",
    months=MONTHS,
    currencies=CURRENCIES,
    units=UNITS,
    count=count,
    url_words={
        "dot": "punto",
        "at": "chiocciola",
        "slash": "barra",
        "dash": "trattino",
        "underscore": "trattino basso",
        "colon": "due punti",
    },
    symbols={
        "&": "e",
        "+": "più",
        "=": "uguale a",
        "@": "chiocciola",
        "#": "numero",
        "%": "per cento",
        "§": "paragrafo",
        "~": "circa",
        "×": "per",
        "±": "più o meno",
        "°": "gradi",
        "/": "",
        "*": "",
        "_": "",
        "|": "",
    },
    range_word="a",
    date=date,
    time=time,
    money=money,
    abbreviations=ABBREVIATIONS,
    sentence_final_abbrevs=frozenset({"eccetera", "avanti Cristo", "dopo Cristo"}),
    ordinal_re=r"(?<![\w])(?P<n>\d+)(?P<s>º|ª)(?!\w)",
    ordinal_gender={"ª": "f"},
    scales={"milioni": "milioni", "milione": "milione", "miliardi": "miliardi", "miliardo": "miliardo"},
    early=[
        (r"\b([IVXLC]+)\s+(secolo)\b", _century_before),
        (r"\b(secolo)\s+([IVXLC]+)\b", _century_after),
        (rf"(?<![\d.,])1[°º]?\s+({_MONTH_ALT})\b", _first_of_month),
    ],
)
