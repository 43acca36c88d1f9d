"""English: US date order (month/day/year), decimal point, years read in pairs ("nineteen ninety-nine")."""

from __future__ import annotations

import re

from num2words import num2words

from .base import Currency, Lang, Noun, keep_stop

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH_ALT = "|".join(MONTHS)


def cardinal(n: int) -> str:
    # num2words writes "one thousand, two hundred"; a comma would make the model pause mid-number.
    return num2words(n, lang="en").replace(",", "")


def ordinal(n: int, gender: str = "m") -> str:
    return num2words(n, lang="en", to="ordinal").replace(",", "")


def year(n: int) -> str:
    if 1100 <= n <= 2099 and not 2000 <= n <= 2009:
        return num2words(n, lang="en", to="year").replace("-oh-", " oh ").replace("oh-", "oh ")
    return cardinal(n)


def date(d: int, m: int, y: int | None, before: str) -> str:
    s = f"{MONTHS[m - 1]} {ordinal(d)}"
    return f"{s}, {year(y)}" if y else s


def time(h: int, m: int, ap: str | None) -> str:
    hour = cardinal(h)
    if m == 0:
        mins = "" if ap else " o'clock" if h <= 12 else " hundred"
    elif m < 10:
        mins = f" oh {cardinal(m)}"
    else:
        mins = f" {cardinal(m)}"
    suffix = f" {ap[0]} m" if ap else ""
    return f"{hour}{mins}{suffix}"


def money(lang: Lang, cur: Currency, whole: str, frac: str | None, scale: str | None) -> str:
    if scale:
        return f"{lang.number(whole, frac)} {scale} {cur.major.many}"
    if frac and (len(frac) > 2 or cur.minor is None):
        return f"{lang.number(whole, frac)} {cur.major.many}"
    cents = int(frac.ljust(2, "0")) if frac else 0
    parts = []
    if int(whole) or not cents:
        parts.append(lang.counted(whole, None, cur.major))
    if cents:
        parts.append(lang.counted(str(cents), None, cur.minor))
    return " and ".join(parts)


def _year_after(m: re.Match, lang: Lang) -> str:
    return f"{m.group(1)} {year(int(m.group(2)))}"


def _decade(m: re.Match, lang: Lang) -> str:
    words = year(int(m.group(1)))
    return words[:-1] + "ies" if words.endswith("y") else words + "s"


def _am_pm(m: re.Match, lang: Lang) -> str:
    h = int(m.group(1))
    return time(h, 0, m.group(2).lower() + "m") + keep_stop(m) if 1 <= h <= 12 else m.group()


def _month_day(m: re.Match, lang: Lang) -> str:
    s = f"{m.group(1)} {ordinal(int(m.group(2)))}"
    return f"{s}, {year(int(m.group(3)))}" if m.group(3) else s


def _day_month(m: re.Match, lang: Lang) -> str:
    s = f"the {ordinal(int(m.group(1)))} of {m.group(2)}"
    return f"{s} {year(int(m.group(3)))}" if m.group(3) else s


def _month_year(m: re.Match, lang: Lang) -> str:
    return f"{m.group(1)} {year(int(m.group(2)))}"


_T = r"(?<!\w)"
ABBREVIATIONS = [
    (_T + r"Mr\.(?=\s)", "Mister"),
    (_T + r"Mrs\.(?=\s)", "Missus"),
    (_T + r"Ms\.(?=\s)", "Miz"),
    (_T + r"Dr\.(?=\s)", "Doctor"),
    (_T + r"Prof\.(?=\s)", "Professor"),
    (_T + r"St\.(?=\s+[A-Z])", "Saint"),
    (_T + r"St\.", "Street"),
    (_T + r"Ave\.", "Avenue"),
    (_T + r"Mt\.(?=\s)", "Mount"),
    (_T + r"Jr\.", "Junior"),
    (_T + r"Sr\.", "Senior"),
    (_T + r"Inc\.", "Incorporated"),
    (_T + r"Ltd\.", "Limited"),
    (_T + r"Dept\.", "Department"),
    (_T + r"vs\.?(?=\s)", "versus"),
    (_T + r"etc\.", "et cetera"),
    (_T + r"e\.g\.", "for example"),
    (_T + r"i\.e\.", "that is"),
    (_T + r"approx\.", "approximately"),
    (_T + r"[Nn]o\.\s?(?=\d)", "number "),
    (_T + r"Nos\.\s?(?=\d)", "numbers "),
    (_T + r"Jan\.(?=\s)", "January"),
    (_T + r"Feb\.(?=\s)", "February"),
    (_T + r"Aug\.(?=\s)", "August"),
    (_T + r"Sept?\.(?=\s)", "September"),
    (_T + r"Oct\.(?=\s)", "October"),
    (_T + r"Nov\.(?=\s)", "November"),
    (_T + r"Dec\.(?=\s)", "December"),
]

UNITS = {
    "km": Noun("kilometer", "kilometers"),
    "m": Noun("meter", "meters"),
    "cm": Noun("centimeter", "centimeters"),
    "mm": Noun("millimeter", "millimeters"),
    "kg": Noun("kilogram", "kilograms"),
    "g": Noun("gram", "grams"),
    "mg": Noun("milligram", "milligrams"),
    "l": Noun("liter", "liters"),
    "L": Noun("liter", "liters"),
    "ml": Noun("milliliter", "milliliters"),
    "mL": Noun("milliliter", "milliliters"),
    "km/h": Noun("kilometer per hour", "kilometers per hour"),
    "m/s": Noun("meter per second", "meters per second"),
    "mph": Noun("mile per hour", "miles per hour"),
    "°C": Noun("degree Celsius", "degrees Celsius"),
    "°F": Noun("degree Fahrenheit", "degrees Fahrenheit"),
    "°": Noun("degree", "degrees"),
    "h": Noun("hour", "hours"),
    "hr": Noun("hour", "hours"),
    "hrs": Noun("hour", "hours"),
    "min": Noun("minute", "minutes"),
    "sec": Noun("second", "seconds"),
    "ms": Noun("millisecond", "milliseconds"),
    "GB": Noun("gigabyte", "gigabytes"),
    "MB": Noun("megabyte", "megabytes"),
    "kB": Noun("kilobyte", "kilobytes"),
    "KB": Noun("kilobyte", "kilobytes"),
    "TB": Noun("terabyte", "terabytes"),
    "Hz": Noun("hertz", "hertz"),
    "kHz": Noun("kilohertz", "kilohertz"),
    "MHz": Noun("megahertz", "megahertz"),
    "GHz": Noun("gigahertz", "gigahertz"),
    "W": Noun("watt", "watts"),
    "kW": Noun("kilowatt", "kilowatts"),
    "kWh": Noun("kilowatt hour", "kilowatt hours"),
    "V": Noun("volt", "volts"),
    "ft": Noun("foot", "feet"),
    "mi": Noun("mile", "miles"),
    "lb": Noun("pound", "pounds"),
    "lbs": Noun("pound", "pounds"),
    "oz": Noun("ounce", "ounces"),
}

CURRENCIES = {
    "USD": Currency(Noun("dollar", "dollars"), Noun("cent", "cents")),
    "EUR": Currency(Noun("euro", "euros"), Noun("cent", "cents")),
    "GBP": Currency(Noun("pound", "pounds"), Noun("penny", "pence")),
    "JPY": Currency(Noun("yen", "yen")),
    "INR": Currency(Noun("rupee", "rupees"), Noun("paisa", "paise")),
    "BRL": Currency(Noun("real", "reais"), Noun("centavo", "centavos")),
    "CHF": Currency(Noun("Swiss franc", "Swiss francs"), Noun("centime", "centimes")),
    "SAR": Currency(Noun("riyal", "riyals"), Noun("halala", "halalas")),
    "AED": Currency(Noun("dirham", "dirhams"), Noun("fils", "fils")),
    "EGP": Currency(Noun("Egyptian pound", "Egyptian pounds"), Noun("piastre", "piastres")),
    "MAD": Currency(Noun("dirham", "dirhams"), Noun("centime", "centimes")),
}

LANG = Lang(
    code="en",
    cardinal=cardinal,
    ordinal=ordinal,
    year=year,
    decimal_sep=".",
    group_seps=",",
    point="point",
    fraction_digits=True,
    minus="minus",
    percent="percent",
    months=MONTHS,
    numeric_date_order="mdy",
    currencies=CURRENCIES,
    units=UNITS,
    url_words={
        "dot": "dot",
        "at": "at",
        "slash": "slash",
        "dash": "dash",
        "underscore": "underscore",
        "colon": "colon",
    },
    symbols={
        "&": "and",
        "+": "plus",
        "=": "equals",
        "@": "at",
        "#": "number",
        "%": "percent",
        "§": "section",
        "~": "about",
        "×": "times",
        "±": "plus or minus",
        "°": "degrees",
        "/": "",
        "*": "",
        "_": "",
        "|": "",
    },
    range_word="to",
    date=date,
    time=time,
    money=money,
    abbreviations=ABBREVIATIONS,
    sentence_final_abbrevs=frozenset({"et cetera", "Junior", "Senior", "Incorporated", "Limited", "Street"}),
    ordinal_re=r"(?<![\w])(?P<n>\d+)(?P<s>st|nd|rd|th)(?!\w)",
    scales={
        "thousand": "thousand",
        "million": "million",
        "billion": "billion",
        "trillion": "trillion",
        "k": "thousand",
        "m": "million",
        "M": "million",
        "bn": "billion",
        "B": "billion",
    },
    early=[
        (rf"\b({_MONTH_ALT})\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?(?![\d:])", _month_day),
        (rf"(?<![\d.,])(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_ALT})(?:,?\s+(\d{{4}}))?(?!\d)", _day_month),
        (rf"\b({_MONTH_ALT})\s+(\d{{4}})(?!\d)", _month_year),
        (r"(?<![\d:.,])(\d{1,2})\s?([ap])\.?m\.?(?!\w)", _am_pm),
        (
            r"\b((?:[Ii]n|[Ss]ince|by|[Uu]ntil|till|[Ff]rom|of|year|circa|[Bb]efore|[Aa]fter))\s+(\d{4})(?![\d.,]\d|\d)",
            _year_after,
        ),
        (r"(?<![\d.,])(1\d{2}0|20\d0)'?s\b", _decade),
    ],
)
