"""French: decimal comma, thousands grouped by spaces, day-month-year, "14h30", "1er", "XXe siècle"."""

from __future__ import annotations

import re

from num2words import num2words

from .base import Currency, Lang, Noun, roman_to_int

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_MONTH_ALT = "|".join(MONTHS)


def cardinal(n: int) -> str:
    return num2words(n, lang="fr")


def gendered(words: str, gender: str) -> str:
    return re.sub(r"\bun$", "une", words) if gender == "f" else words


def ordinal(n: int, gender: str = "m") -> str:
    if n == 1:
        return "première" if gender == "f" else "premier"
    return num2words(n, lang="fr", to="ordinal")


def date(d: int, m: int, y: int | None, before: str) -> str:
    day = "premier" if d == 1 else cardinal(d)
    s = f"{day} {MONTHS[m - 1]}"
    return f"{s} {cardinal(y)}" if y else s


def time(h: int, m: int, ap: str | None) -> str:
    s = f"{gendered(cardinal(h), 'f')} {'heure' if h <= 1 else 'heures'}"
    return f"{s} {cardinal(m)}" if m else s


def _elide(word: str) -> str:
    return f"d'{word}" if word[0] in "aeéèêiouy" else f"de {word}"


def money(lang: Lang, cur: Currency, whole: str, frac: str | None, scale: str | None) -> str:
    if scale:
        return f"{lang.number(whole, frac)} {scale} {_elide(cur.major.many)}"
    if frac and (len(frac) > 2 or cur.minor is None):
        return lang.counted(whole, frac, cur.major)
    cents = int(frac.ljust(2, "0")) if frac else 0
    if not int(whole) and cents:
        return lang.counted(str(cents), None, cur.minor)
    s = lang.counted(whole, None, cur.major)
    return f"{s} {cardinal(cents)}" if cents else s


def _hour(m: re.Match, lang: Lang) -> str:
    h, mi = int(m.group(1)), int(m.group(2) or 0)
    return time(h, mi, None) if h <= 24 and mi <= 59 else m.group()


def _century(m: re.Match, lang: Lang) -> str:
    n = roman_to_int(m.group(1))
    return f"{ordinal(n)} {m.group(2)}" if n else m.group()


def _first_of_month(m: re.Match, lang: Lang) -> str:
    return f"premier {m.group(1)}"


_T = r"(?<!\w)"
ABBREVIATIONS = [
    (_T + r"MM\.(?=\s)", "Messieurs"),
    (_T + r"M\.(?=\s+[A-ZÉ])", "Monsieur"),
    (_T + r"Mmes\b\.?", "Mesdames"),
    (_T + r"Mme\b\.?", "Madame"),
    (_T + r"Mlle\b\.?", "Mademoiselle"),
    (_T + r"Dr\b\.?(?=\s)", "Docteur"),
    (_T + r"Pr\b\.?(?=\s+[A-ZÉ])", "Professeur"),
    (_T + r"Ste(?=-)", "Sainte"),
    (_T + r"St(?=-)", "Saint"),
    (_T + r"etc\.", "et cetera"),
    (_T + r"p\.\s?ex\.", "par exemple"),
    (_T + r"c\.-à-d\.", "c'est-à-dire"),
    (_T + r"[nN]°\s?(?=\d)", "numéro "),
    (_T + r"env\.", "environ"),
    (_T + r"av\.\s?J\.-C\.", "avant Jésus-Christ"),
    (_T + r"apr\.\s?J\.-C\.", "après Jésus-Christ"),
    (_T + r"bd(?=\s)", "boulevard"),
    (_T + r"av\.(?=\s)", "avenue"),
    (_T + r"cf\.", "confer"),
    (_T + r"p\.\s?(?=\d)", "page "),
]

UNITS = {
    "km": Noun("kilomètre", "kilomètres"),
    "m": Noun("mètre", "mètres"),
    "cm": Noun("centimètre", "centimètres"),
    "mm": Noun("millimètre", "millimètres"),
    "kg": Noun("kilogramme", "kilogrammes"),
    "g": Noun("gramme", "grammes"),
    "mg": Noun("milligramme", "milligrammes"),
    "l": Noun("litre", "litres"),
    "L": Noun("litre", "litres"),
    "ml": Noun("millilitre", "millilitres"),
    "mL": Noun("millilitre", "millilitres"),
    "km/h": Noun("kilomètre par heure", "kilomètres par heure"),
    "m/s": Noun("mètre par seconde", "mètres par seconde"),
    "°C": Noun("degré Celsius", "degrés Celsius"),
    "°": Noun("degré", "degrés"),
    "min": Noun("minute", "minutes", "f"),
    "s": Noun("seconde", "secondes", "f"),
    "ms": Noun("milliseconde", "millisecondes", "f"),
    "t": Noun("tonne", "tonnes", "f"),
    "Go": Noun("gigaoctet", "gigaoctets"),
    "Mo": Noun("mégaoctet", "mégaoctets"),
    "ko": Noun("kilooctet", "kilooctets"),
    "To": Noun("téraoctet", "téraoctets"),
    "Hz": Noun("hertz", "hertz"),
    "kHz": Noun("kilohertz", "kilohertz"),
    "MHz": Noun("mégahertz", "mégahertz"),
    "GHz": Noun("gigahertz", "gigahertz"),
    "W": Noun("watt", "watts"),
    "kW": Noun("kilowatt", "kilowatts"),
    "kWh": Noun("kilowattheure", "kilowattheures"),
    "V": Noun("volt", "volts"),
}

CURRENCIES = {
    "EUR": Currency(Noun("euro", "euros"), Noun("centime", "centimes")),
    "USD": Currency(Noun("dollar", "dollars"), Noun("cent", "cents")),
    "GBP": Currency(Noun("livre", "livres", "f"), Noun("penny", "pence")),
    "JPY": Currency(Noun("yen", "yens")),
    "INR": Currency(Noun("roupie", "roupies", "f"), Noun("paisa", "paisas")),
    "BRL": Currency(Noun("réal", "réais"), Noun("centavo", "centavos")),
    "CHF": Currency(Noun("franc suisse", "francs suisses"), Noun("centime", "centimes")),
    "SAR": Currency(Noun("riyal", "riyals"), Noun("halala", "halalas")),
    "AED": Currency(Noun("dirham", "dirhams"), Noun("fils", "fils")),
    "EGP": Currency(Noun("livre égyptienne", "livres égyptiennes", "f"), Noun("piastre", "piastres", "f")),
    "MAD": Currency(Noun("dirham", "dirhams"), Noun("centime", "centimes")),
}

LANG = Lang(
    code="fr",
    cardinal=cardinal,
    gendered=gendered,
    ordinal=ordinal,
    decimal_sep=",",
    group_seps=" .",
    point="virgule",
    minus="moins",
    percent="pour cent",
    months=MONTHS,
    currencies=CURRENCIES,
    units=UNITS,
    url_words={
        "dot": "point",
        "at": "arobase",
        "slash": "slash",
        "dash": "tiret",
        "underscore": "tiret bas",
        "colon": "deux-points",
    },
    symbols={
        "&": "et",
        "+": "plus",
        "=": "égale",
        "@": "arobase",
        "#": "numéro",
        "%": "pour cent",
        "§": "paragraphe",
        "~": "environ",
        "×": "fois",
        "±": "plus ou moins",
        "°": "degrés",
        "/": "",
        "*": "",
        "_": "",
        "|": "",
    },
    range_word="à",
    date=date,
    time=time,
    money=money,
    singular_below_two=True,
    abbreviations=ABBREVIATIONS,
    sentence_final_abbrevs=frozenset({"et cetera"}),
    ordinal_re=r"(?<![\w])(?P<n>\d+)(?P<s>er|re|ère|ème|e|nd|nde)(?!\w)",
    ordinal_gender={"re": "f", "ère": "f", "nde": "f"},
    scales={
        "mille": "mille",
        "millions": "millions",
        "million": "million",
        "milliards": "milliards",
        "milliard": "milliard",
        "M": "millions",
        "Md": "milliards",
        "Mds": "milliards",
    },
    early=[
        (r"(?<![\w\d:.,])(\d{1,2})\s?h\s?(\d{2})?(?![\w\d])", _hour),
        (r"\b([IVXLC]+)(?:e|ème|er)\s+(siècles?|millénaires?)\b", _century),
        (rf"(?<![\d.,])1\s+({_MONTH_ALT})\b", _first_of_month),
    ],
)
