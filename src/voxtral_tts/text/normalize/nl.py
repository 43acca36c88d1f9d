"""Dutch: decimal comma, thousands dot, day-month-year with cardinal days ("twaalf maart"), "14.30 uur",
"1e"/"2de"/"8ste", years read in hundreds ("negentienhonderdnegenennegentig")."""

from __future__ import annotations

import re

from num2words import num2words

from .base import Currency, Lang, Noun

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
_MONTH_ALT = "|".join(MONTHS)


def cardinal(n: int) -> str:
    # num2words writes the stressed "één" inside compounds too ("honderdéén"); only the lone word takes it.
    return re.sub(r"(?<=\w)één", "een", num2words(n, lang="nl"))


def ordinal(n: int, gender: str = "m") -> str:
    return num2words(n, lang="nl", to="ordinal")


def year(n: int) -> str:
    if 1100 <= n <= 1999 and n % 100:
        return f"{cardinal(n // 100)}honderd{cardinal(n % 100)}"
    return cardinal(n)


def date(d: int, m: int, y: int | None, before: str) -> str:
    s = f"{cardinal(d)} {MONTHS[m - 1]}"
    return f"{s} {year(y)}" if y else s


def time(h: int, m: int, ap: str | None) -> str:
    s = f"{cardinal(h)} uur"
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


def _clock(m: re.Match, lang: Lang) -> str:
    h, mi = int(m.group(1)), int(m.group(2) or 0)
    return time(h, mi, None) if h <= 24 and mi <= 59 else m.group()


def _month_year(m: re.Match, lang: Lang) -> str:
    return f"{m.group(1)} {year(int(m.group(2)))}"


def _year_after(m: re.Match, lang: Lang) -> str:
    return f"{m.group(1)} {year(int(m.group(2)))}"


_T = r"(?<!\w)"
ABBREVIATIONS = [
    (_T + r"[Dd]hr\.", "de heer"),
    (_T + r"[Mm]evr\.", "mevrouw"),
    (_T + r"[Mm]w\.", "mevrouw"),
    (_T + r"[Dd]r\.(?=\s)", "dokter"),
    (_T + r"[Pp]rof\.(?=\s)", "professor"),
    (_T + r"bijv\.", "bijvoorbeeld"),
    (_T + r"bv\.", "bijvoorbeeld"),
    (_T + r"d\.w\.z\.", "dat wil zeggen"),
    (_T + r"enz\.", "enzovoort"),
    (_T + r"etc\.", "etcetera"),
    (_T + r"o\.a\.", "onder andere"),
    (_T + r"m\.b\.t\.", "met betrekking tot"),
    (_T + r"t\.o\.v\.", "ten opzichte van"),
    (_T + r"i\.p\.v\.", "in plaats van"),
    (_T + r"a\.u\.b\.", "alstublieft"),
    (_T + r"[Nn]r\.\s?", "nummer "),
    (_T + r"blz\.\s?", "bladzijde "),
    (_T + r"ca\.", "circa"),
    (_T + r"St\.(?=\s+[A-Z])", "Sint"),
]

UNITS = {
    "km": Noun("kilometer", "kilometer"),
    "m": Noun("meter", "meter"),
    "cm": Noun("centimeter", "centimeter"),
    "mm": Noun("millimeter", "millimeter"),
    "kg": Noun("kilogram", "kilogram"),
    "g": Noun("gram", "gram"),
    "mg": Noun("milligram", "milligram"),
    "l": Noun("liter", "liter"),
    "L": Noun("liter", "liter"),
    "ml": Noun("milliliter", "milliliter"),
    "km/u": Noun("kilometer per uur", "kilometer per uur"),
    "km/h": Noun("kilometer per uur", "kilometer per uur"),
    "m/s": Noun("meter per seconde", "meter per seconde"),
    "°C": Noun("graad Celsius", "graden Celsius"),
    "°": Noun("graad", "graden"),
    "u": Noun("uur", "uur"),
    "min": Noun("minuut", "minuten"),
    "s": Noun("seconde", "seconden"),
    "sec": Noun("seconde", "seconden"),
    "ms": Noun("milliseconde", "milliseconden"),
    "t": Noun("ton", "ton"),
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
    "kWh": Noun("kilowattuur", "kilowattuur"),
    "V": Noun("volt", "volt"),
}

CURRENCIES = {
    "EUR": Currency(Noun("euro", "euro"), Noun("cent", "cent")),
    "USD": Currency(Noun("dollar", "dollar"), Noun("cent", "cent")),
    "GBP": Currency(Noun("pond", "pond"), Noun("penny", "pence")),
    "JPY": Currency(Noun("yen", "yen")),
    "INR": Currency(Noun("roepie", "roepies")),
    "BRL": Currency(Noun("real", "real")),
    "CHF": Currency(Noun("Zwitserse frank", "Zwitserse frank"), Noun("rappen", "rappen")),
    "SAR": Currency(Noun("riyal", "riyal")),
    "AED": Currency(Noun("dirham", "dirham")),
    "EGP": Currency(Noun("Egyptisch pond", "Egyptisch pond")),
    "MAD": Currency(Noun("dirham", "dirham")),
}

LANG = Lang(
    code="nl",
    cardinal=cardinal,
    ordinal=ordinal,
    year=year,
    decimal_sep=",",
    group_seps=".",
    point="komma",
    minus="min",
    percent="procent",
    months=MONTHS,
    currencies=CURRENCIES,
    units=UNITS,
    url_words={
        "dot": "punt",
        "at": "apenstaartje",
        "slash": "schuine streep",
        "dash": "streepje",
        "underscore": "liggend streepje",
        "colon": "dubbele punt",
    },
    symbols={
        "&": "en",
        "+": "plus",
        "=": "is gelijk aan",
        "@": "apenstaartje",
        "#": "nummer",
        "%": "procent",
        "§": "paragraaf",
        "~": "ongeveer",
        "×": "keer",
        "±": "plus of min",
        "°": "graden",
        "/": "",
        "*": "",
        "_": "",
        "|": "",
    },
    range_word="tot",
    date=date,
    time=time,
    money=money,
    abbreviations=ABBREVIATIONS,
    sentence_final_abbrevs=frozenset({"enzovoort", "etcetera"}),
    ordinal_re=r"(?<![\w])(?P<n>\d+)(?P<s>e|ste|de)(?!\w)",
    scales={"miljoen": "miljoen", "miljard": "miljard", "duizend": "duizend", "mln": "miljoen", "mld": "miljard"},
    early=[
        (r"(?<![\w\d:.,])(\d{1,2})(?:[:.](\d{2}))?\s?uur\b", _clock),
        (rf"\b({_MONTH_ALT})\s+(\d{{4}})(?!\d)", _month_year),
        (r"\b((?:[Ii]n|[Ss]inds|[Tt]ot|jaar))\s+(1\d{3})(?![\d.,]\d|\d)", _year_after),
    ],
)
