"""Portuguese, with Brazilian number words and spellings (the larger audience): decimal comma, thousands
dot, "3 de março de 2024", "1º"/"1ª", "R$ 10,50", numbers agreeing with feminine nouns ("duas horas")."""

from __future__ import annotations

import re

from num2words import num2words

from .base import Currency, Lang, Noun

MONTHS = (
    "janeiro",
    "fevereiro",
    "março",
    "abril",
    "maio",
    "junho",
    "julho",
    "agosto",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
)
_MONTH_ALT = "|".join(MONTHS)


def cardinal(n: int) -> str:
    # num2words puts commas between the groups; a comma would make the model pause mid-number.
    return num2words(n, lang="pt_BR").replace(",", "")


def gendered(words: str, gender: str) -> str:
    if gender != "f":
        return words
    words = re.sub(r"\bum$", "uma", words)
    words = re.sub(r"\bdois$", "duas", words)
    return re.sub(r"entos\b", "entas", words)


def ordinal(n: int, gender: str = "m") -> str:
    words = num2words(n, lang="pt_BR", to="ordinal")
    return re.sub(r"o\b", "a", words) if gender == "f" else words


def date(d: int, m: int, y: int | None, before: str) -> str:
    s = f"{'primeiro' if d == 1 else cardinal(d)} de {MONTHS[m - 1]}"
    return f"{s} de {cardinal(y)}" if y else s


def time(h: int, m: int, ap: str | None) -> str:
    hour = gendered(cardinal(h), "f")
    if m:
        return f"{hour} e {cardinal(m)}"
    return f"{hour} {'hora' if h == 1 else 'horas'}"


def money(lang: Lang, cur: Currency, whole: str, frac: str | None, scale: str | None) -> str:
    if scale:
        return f"{lang.number(whole, frac)} {scale} de {cur.major.many}"
    if frac and (len(frac) > 2 or cur.minor is None):
        return lang.counted(whole, frac, cur.major)
    cents = int(frac.ljust(2, "0")) if frac else 0
    if not int(whole) and cents:
        return lang.counted(str(cents), None, cur.minor)
    s = lang.counted(whole, None, cur.major)
    return f"{s} e {lang.counted(str(cents), None, cur.minor)}" if cents else s


def _hour(m: re.Match, lang: Lang) -> str:
    h, mi = int(m.group(1)), int(m.group(2) or 0)
    return time(h, mi, None) if h <= 24 and mi <= 59 else m.group()


def _first_of_month(m: re.Match, lang: Lang) -> str:
    return f"primeiro de {m.group(1)}"


_T = r"(?<!\w)"
ABBREVIATIONS = [
    (_T + r"Srta\.", "senhorita"),
    (_T + r"Sra\.", "senhora"),
    (_T + r"Sr\.", "senhor"),
    (_T + r"Dra\.", "doutora"),
    (_T + r"Dr\.", "doutor"),
    (_T + r"Profa\.", "professora"),
    (_T + r"Prof\.", "professor"),
    (_T + r"Exmo\.", "excelentíssimo"),
    (_T + r"V\.\s?Ex\.ª", "Vossa Excelência"),
    (_T + r"etc\.", "et cetera"),
    (_T + r"p\.\s?ex\.", "por exemplo"),
    (_T + r"(?:n\.º|nº|n\.°)\s?", "número "),
    (_T + r"pág\.\s?", "página "),
    (_T + r"Av\.(?=\s)", "avenida"),
    (_T + r"aprox\.", "aproximadamente"),
    (_T + r"a\.\s?C\.", "antes de Cristo"),
    (_T + r"d\.\s?C\.", "depois de Cristo"),
]

UNITS = {
    "km": Noun("quilômetro", "quilômetros"),
    "m": Noun("metro", "metros"),
    "cm": Noun("centímetro", "centímetros"),
    "mm": Noun("milímetro", "milímetros"),
    "kg": Noun("quilograma", "quilogramas"),
    "g": Noun("grama", "gramas"),
    "mg": Noun("miligrama", "miligramas"),
    "l": Noun("litro", "litros"),
    "L": Noun("litro", "litros"),
    "ml": Noun("mililitro", "mililitros"),
    "km/h": Noun("quilômetro por hora", "quilômetros por hora"),
    "m/s": Noun("metro por segundo", "metros por segundo"),
    "°C": Noun("grau Celsius", "graus Celsius"),
    "°": Noun("grau", "graus"),
    "h": Noun("hora", "horas", "f"),
    "min": Noun("minuto", "minutos"),
    "s": Noun("segundo", "segundos"),
    "ms": Noun("milissegundo", "milissegundos"),
    "t": Noun("tonelada", "toneladas", "f"),
    "GB": Noun("gigabyte", "gigabytes"),
    "MB": Noun("megabyte", "megabytes"),
    "kB": Noun("kilobyte", "kilobytes"),
    "TB": Noun("terabyte", "terabytes"),
    "Hz": Noun("hertz", "hertz"),
    "kHz": Noun("quilohertz", "quilohertz"),
    "MHz": Noun("megahertz", "megahertz"),
    "GHz": Noun("gigahertz", "gigahertz"),
    "W": Noun("watt", "watts"),
    "kW": Noun("quilowatt", "quilowatts"),
    "kWh": Noun("quilowatt-hora", "quilowatts-hora"),
    "V": Noun("volt", "volts"),
}

CURRENCIES = {
    "EUR": Currency(Noun("euro", "euros"), Noun("centavo", "centavos")),
    "USD": Currency(Noun("dólar", "dólares"), Noun("centavo", "centavos")),
    "BRL": Currency(Noun("real", "reais"), Noun("centavo", "centavos")),
    "GBP": Currency(Noun("libra", "libras", "f"), Noun("pêni", "pence")),
    "JPY": Currency(Noun("iene", "ienes")),
    "INR": Currency(Noun("rúpia", "rúpias", "f")),
    "CHF": Currency(Noun("franco suíço", "francos suíços"), Noun("centavo", "centavos")),
    "SAR": Currency(Noun("rial", "riais")),
    "AED": Currency(Noun("dirham", "dirhams")),
    "EGP": Currency(Noun("libra egípcia", "libras egípcias", "f")),
    "MAD": Currency(Noun("dirham", "dirhams")),
}

LANG = Lang(
    code="pt",
    cardinal=cardinal,
    gendered=gendered,
    ordinal=ordinal,
    decimal_sep=",",
    group_seps=".",
    point="vírgula",
    minus="menos",
    percent="por cento",
    months=MONTHS,
    currencies=CURRENCIES,
    units=UNITS,
    url_words={
        "dot": "ponto",
        "at": "arroba",
        "slash": "barra",
        "dash": "hífen",
        "underscore": "sublinhado",
        "colon": "dois-pontos",
    },
    symbols={
        "&": "e",
        "+": "mais",
        "=": "igual a",
        "@": "arroba",
        "#": "número",
        "%": "por cento",
        "§": "parágrafo",
        "~": "cerca de",
        "×": "vezes",
        "±": "mais ou menos",
        "°": "graus",
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
    sentence_final_abbrevs=frozenset({"et cetera", "antes de Cristo", "depois de Cristo"}),
    ordinal_re=r"(?<![\w])(?P<n>\d+)\.?(?P<s>º|ª)(?!\w)",
    ordinal_gender={"ª": "f"},
    scales={"milhões": "milhões", "milhão": "milhão", "bilhões": "bilhões", "bilhão": "bilhão", "mil": "mil"},
    early=[
        (r"(?<![\w\d:.,])(\d{1,2})h(\d{2})?(?![\w\d])", _hour),
        (rf"(?<![\d.,])1\s+de\s+({_MONTH_ALT})\b", _first_of_month),
    ],
)
