"""Spanish: decimal comma, thousands dot, "3 de marzo de 2024", "1.º"/"1.ª", "siglo XX", amounts
"con ... céntimos", numbers agreeing with the noun ("veintiún euros", "doscientas libras")."""

from __future__ import annotations

import re

from num2words import num2words

from .base import Currency, Lang, Noun, roman_to_int

MONTHS = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)
_ORDINALS = ("primero segundo tercero cuarto quinto sexto séptimo octavo noveno décimo undécimo duodécimo").split()


def cardinal(n: int) -> str:
    return num2words(n, lang="es")


def gendered(words: str, gender: str) -> str:
    if gender == "f":
        words = re.sub(r"ientos\b", "ientas", words)
        return re.sub(r"uno$", "una", words)
    # Before a masculine noun "uno" shortens: "un euro", "veintiún euros", "treinta y un días".
    return re.sub(r"veintiuno$", "veintiún", re.sub(r"\buno$", "un", words))


def ordinal(n: int, gender: str = "m") -> str:
    words = _ORDINALS[n - 1] if 1 <= n <= len(_ORDINALS) else num2words(n, lang="es", to="ordinal")
    if gender == "f":
        return re.sub(r"o\b", "a", words)
    if gender == "apocope":
        return re.sub(r"(primer|tercer)o$", r"\1", words)
    return words


def date(d: int, m: int, y: int | None, before: str) -> str:
    s = f"{cardinal(d)} de {MONTHS[m - 1]}"
    return f"{s} de {cardinal(y)}" if y else s


def time(h: int, m: int, ap: str | None) -> str:
    hour = gendered(cardinal(h), "f")
    return f"{hour} y {cardinal(m)}" if m else f"{hour} en punto"


def money(lang: Lang, cur: Currency, whole: str, frac: str | None, scale: str | None) -> str:
    if scale:
        return f"{lang.number(whole, frac)} {scale} de {cur.major.many}"
    if frac and (len(frac) > 2 or cur.minor is None):
        return lang.counted(whole, frac, cur.major)
    cents = int(frac.ljust(2, "0")) if frac else 0
    if not int(whole) and cents:
        return lang.counted(str(cents), None, cur.minor)
    s = lang.counted(whole, None, cur.major)
    return f"{s} con {lang.counted(str(cents), None, cur.minor)}" if cents else s


def _century(m: re.Match, lang: Lang) -> str:
    n = roman_to_int(m.group(2))
    if not n:
        return m.group()
    # Centuries up to the tenth are read as ordinals, later ones as cardinals ("siglo veinte").
    return f"{m.group(1)} {ordinal(n) if n <= 10 else cardinal(n)}"


_T = r"(?<!\w)"
ABBREVIATIONS = [
    (_T + r"Srta\.", "señorita"),
    (_T + r"Sra\.", "señora"),
    (_T + r"Sr\.", "señor"),
    (_T + r"Dra\.", "doctora"),
    (_T + r"Dr\.", "doctor"),
    (_T + r"Uds\.", "ustedes"),
    (_T + r"Ud\.", "usted"),
    (_T + r"Vd\.", "usted"),
    (_T + r"Dña\.", "doña"),
    (_T + r"D\.(?=\s+[A-ZÁÉÍÓÚ])", "don"),
    (_T + r"etc\.", "etcétera"),
    (_T + r"p\.\s?ej\.", "por ejemplo"),
    (_T + r"(?:núm\.|n\.º|nº)\s?", "número "),
    (_T + r"aprox\.", "aproximadamente"),
    (_T + r"Avda\.", "avenida"),
    (_T + r"Av\.(?=\s)", "avenida"),
    (_T + r"EE\.\s?UU\.", "Estados Unidos"),
    (_T + r"pág\.\s?", "página "),
    (_T + r"a\.\s?C\.", "antes de Cristo"),
    (_T + r"d\.\s?C\.", "después de Cristo"),
]

UNITS = {
    "km": Noun("kilómetro", "kilómetros"),
    "m": Noun("metro", "metros"),
    "cm": Noun("centímetro", "centímetros"),
    "mm": Noun("milímetro", "milímetros"),
    "kg": Noun("kilogramo", "kilogramos"),
    "g": Noun("gramo", "gramos"),
    "mg": Noun("miligramo", "miligramos"),
    "l": Noun("litro", "litros"),
    "L": Noun("litro", "litros"),
    "ml": Noun("mililitro", "mililitros"),
    "km/h": Noun("kilómetro por hora", "kilómetros por hora"),
    "m/s": Noun("metro por segundo", "metros por segundo"),
    "°C": Noun("grado Celsius", "grados Celsius"),
    "°": Noun("grado", "grados"),
    "h": Noun("hora", "horas", "f"),
    "min": Noun("minuto", "minutos"),
    "s": Noun("segundo", "segundos"),
    "ms": Noun("milisegundo", "milisegundos"),
    "t": Noun("tonelada", "toneladas", "f"),
    "GB": Noun("gigabyte", "gigabytes"),
    "MB": Noun("megabyte", "megabytes"),
    "kB": Noun("kilobyte", "kilobytes"),
    "TB": Noun("terabyte", "terabytes"),
    "Hz": Noun("hercio", "hercios"),
    "kHz": Noun("kilohercio", "kilohercios"),
    "MHz": Noun("megahercio", "megahercios"),
    "GHz": Noun("gigahercio", "gigahercios"),
    "W": Noun("vatio", "vatios"),
    "kW": Noun("kilovatio", "kilovatios"),
    "kWh": Noun("kilovatio hora", "kilovatios hora"),
    "V": Noun("voltio", "voltios"),
}

CURRENCIES = {
    "EUR": Currency(Noun("euro", "euros"), Noun("céntimo", "céntimos")),
    "USD": Currency(Noun("dólar", "dólares"), Noun("centavo", "centavos")),
    "GBP": Currency(Noun("libra", "libras", "f"), Noun("penique", "peniques")),
    "JPY": Currency(Noun("yen", "yenes")),
    "INR": Currency(Noun("rupia", "rupias", "f"), Noun("paisa", "paisas", "f")),
    "BRL": Currency(Noun("real", "reales"), Noun("centavo", "centavos")),
    "CHF": Currency(Noun("franco suizo", "francos suizos"), Noun("céntimo", "céntimos")),
    "SAR": Currency(Noun("riyal", "riyales")),
    "AED": Currency(Noun("dírham", "dírhams")),
    "EGP": Currency(Noun("libra egipcia", "libras egipcias", "f")),
    "MAD": Currency(Noun("dírham", "dírhams")),
}

LANG = Lang(
    code="es",
    cardinal=cardinal,
    gendered=gendered,
    ordinal=ordinal,
    decimal_sep=",",
    group_seps=".",
    point="coma",
    minus="menos",
    percent="por ciento",
    months=MONTHS,
    currencies=CURRENCIES,
    units=UNITS,
    url_words={
        "dot": "punto",
        "at": "arroba",
        "slash": "barra",
        "dash": "guion",
        "underscore": "guion bajo",
        "colon": "dos puntos",
    },
    symbols={
        "&": "y",
        "+": "más",
        "=": "igual a",
        "@": "arroba",
        "#": "número",
        "%": "por ciento",
        "§": "sección",
        "~": "aproximadamente",
        "×": "por",
        "±": "más o menos",
        "°": "grados",
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
    sentence_final_abbrevs=frozenset({"etcétera", "Estados Unidos", "antes de Cristo", "después de Cristo"}),
    ordinal_re=r"(?<![\w])(?P<n>\d+)\.?(?P<s>º|ª|er)(?!\w)",
    ordinal_gender={"ª": "f", "er": "apocope"},
    scales={
        "mil millones": "mil millones",
        "millones": "millones",
        "millón": "millón",
        "mil": "mil",
        "M": "millones",
    },
    early=[(r"\b(siglo|Siglo)\s+([IVXLC]+)\b", _century)],
)
