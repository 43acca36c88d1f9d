"""Arabic (Modern Standard): Eastern Arabic digits and separators accepted, day-month-year with the
months used in Egypt and the Gulf, counted nouns in the dual (2), plural (3-10) or accusative singular
(11-99), numerals 3-10 taking the opposite gender to the noun ("ثلاثة دولارات", "ثلاث ساعات")."""

from __future__ import annotations

import re

from num2words import num2words

from .base import Currency, Lang, Noun, text_before

MONTHS = (
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
)
_ORD_M = "الأول الثاني الثالث الرابع الخامس السادس السابع الثامن التاسع العاشر".split()
_ORD_F = "الأولى الثانية الثالثة الرابعة الخامسة السادسة السابعة الثامنة التاسعة العاشرة".split()


def cardinal(n: int) -> str:
    words = num2words(n, lang="ar")
    # The conjunction و is written joined to the next word; num2words leaves a space after it.
    words = re.sub(r"(^|\s)و\s+", r"\1و", words)
    # num2words leaves a final 200 or 2000 in the construct state ("مئتا", "ألفا"), which needs a noun after it.
    return re.sub(r"(مئتا|ألفا|مليونا|مليارا)$", lambda m: m.group(1) + "ن", words)


def ordinal(n: int, gender: str = "m") -> str:
    table = _ORD_F if gender == "f" else _ORD_M
    return table[n - 1] if 1 <= n <= 10 else cardinal(n)


def count(lang: Lang, n: int, noun: Noun) -> str:
    female = noun.gender == "f"
    if n == 1:
        return f"{noun.one} {'واحدة' if female else 'واحد'}"
    if n == 2:
        return noun.two or f"{noun.one} {'اثنتان' if female else 'اثنان'}"
    words = cardinal(n)
    r = n % 100
    if 3 <= r <= 10:
        if female:
            words = re.sub(r"(ثلاث|أربع|خمس|ست|سبع|ثماني|تسع|عشر)ة$", r"\1", words)
        return f"{words} {noun.many}"
    if 11 <= r <= 99:
        return f"{words} {noun.acc or noun.one}"
    return f"{words} {noun.one}"


def date(d: int, m: int, y: int | None, before: str) -> str:
    s = f"{cardinal(d)} {MONTHS[m - 1]}"
    return f"{s} {cardinal(y)}" if y else s


def time(h: int, m: int, ap: str | None) -> str:
    s = cardinal(h)
    return f"{s} و{cardinal(m)} دقيقة" if m else s


def money(lang: Lang, cur: Currency, whole: str, frac: str | None, scale: str | None) -> str:
    if scale:
        return f"{lang.number(whole, frac)} {scale} {cur.major.one}"
    if frac and (len(frac) > 2 or cur.minor is None):
        return f"{lang.number(whole, frac)} {cur.major.one}"
    cents = int(frac.ljust(2, "0")) if frac else 0
    if not int(whole) and cents:
        return count(lang, cents, cur.minor)
    s = count(lang, int(whole), cur.major)
    return f"{s} و{count(lang, cents, cur.minor)}" if cents else s


def _clock(m: re.Match, lang: Lang) -> str:
    h, mi = int(m.group(1)), int(m.group(2))
    if h > 24 or mi > 59:
        return m.group()
    s = time(h, mi, None)
    return s if text_before(m.string, m.start()) == "الساعة" else f"الساعة {s}"


def _era(m: re.Match, lang: Lang) -> str:
    return f"{cardinal(int(m.group(1)))} {'ميلادي' if m.group(2) == 'م' else 'هجري'}"


_T = r"(?<!\w)"
ABBREVIATIONS = [
    (_T + r"د\.\s?(?=\w)", "الدكتور "),
    (_T + r"أ\.\s?(?=\w)", "الأستاذ "),
    (_T + r"ص\.\s?ب\.?", "صندوق بريد"),
    (_T + r"إلخ\.?", "إلى آخره"),
    (_T + r"ق\.\s?م\.?", "قبل الميلاد"),
]

_KM = Noun("كيلومتر", "كيلومترات", two="كيلومتران", acc="كيلومترًا")
_KG = Noun("كيلوغرام", "كيلوغرامات", two="كيلوغرامان", acc="كيلوغرامًا")
_M = Noun("متر", "أمتار", two="متران", acc="مترًا")
_CM = Noun("سنتيمتر", "سنتيمترات", two="سنتيمتران", acc="سنتيمترًا")
_MM = Noun("مليمتر", "مليمترات", two="مليمتران", acc="مليمترًا")
_G = Noun("غرام", "غرامات", two="غرامان", acc="غرامًا")
_L = Noun("لتر", "لترات", two="لتران", acc="لترًا")
_DEG = Noun("درجة مئوية", "درجات مئوية", "f", two="درجتان مئويتان", acc="درجة مئوية")
_HOUR = Noun("ساعة", "ساعات", "f", two="ساعتان", acc="ساعة")
_MIN = Noun("دقيقة", "دقائق", "f", two="دقيقتان", acc="دقيقة")
_SEC = Noun("ثانية", "ثوان", "f", two="ثانيتان", acc="ثانية")
_KMH = Noun(
    "كيلومتر في الساعة",
    "كيلومترات في الساعة",
    two="كيلومتران في الساعة",
    acc="كيلومترًا في الساعة",
)
UNITS = {
    "km": _KM,
    "كم": _KM,
    "kg": _KG,
    "كغ": _KG,
    "كجم": _KG,
    "m": _M,
    "cm": _CM,
    "سم": _CM,
    "mm": _MM,
    "مم": _MM,
    "g": _G,
    "غ": _G,
    "l": _L,
    "L": _L,
    "km/h": _KMH,
    "كم/س": _KMH,
    "°C": _DEG,
    "°": Noun("درجة", "درجات", "f", two="درجتان", acc="درجة"),
    "h": _HOUR,
    "min": _MIN,
    "s": _SEC,
    "GB": Noun("غيغابايت", "غيغابايت"),
    "MB": Noun("ميغابايت", "ميغابايت"),
}

CURRENCIES = {
    "USD": Currency(
        Noun("دولار", "دولارات", two="دولاران", acc="دولارًا"), Noun("سنت", "سنتات", two="سنتان", acc="سنتًا")
    ),
    "EUR": Currency(Noun("يورو", "يورو", two="يوروان", acc="يورو"), Noun("سنت", "سنتات", two="سنتان", acc="سنتًا")),
    "SAR": Currency(
        Noun("ريال", "ريالات", two="ريالان", acc="ريالًا"), Noun("هللة", "هللات", "f", two="هللتان", acc="هللة")
    ),
    "AED": Currency(Noun("درهم", "دراهم", two="درهمان", acc="درهمًا"), Noun("فلس", "فلوس", two="فلسان", acc="فلسًا")),
    "EGP": Currency(Noun("جنيه", "جنيهات", two="جنيهان", acc="جنيهًا"), Noun("قرش", "قروش", two="قرشان", acc="قرشًا")),
    "GBP": Currency(
        Noun("جنيه إسترليني", "جنيهات إسترلينية", two="جنيهان إسترلينيان", acc="جنيهًا إسترلينيًا"),
        Noun("بنس", "بنسات", two="بنسان", acc="بنسًا"),
    ),
    "MAD": Currency(Noun("درهم", "دراهم", two="درهمان", acc="درهمًا")),
    "JPY": Currency(Noun("ين", "ينات", two="ينان", acc="ينًا")),
    "INR": Currency(Noun("روبية", "روبيات", "f", two="روبيتان", acc="روبية")),
    "CHF": Currency(Noun("فرنك سويسري", "فرنكات سويسرية", two="فرنكان سويسريان", acc="فرنكًا سويسريًا")),
    "BRL": Currency(Noun("ريال برازيلي", "ريالات برازيلية", two="ريالان برازيليان", acc="ريالًا برازيليًا")),
}

LANG = Lang(
    code="ar",
    cardinal=cardinal,
    ordinal=ordinal,
    count=count,
    decimal_sep=".",
    group_seps=",",
    point="فاصلة",
    minus="سالب",
    percent="بالمئة",
    months=MONTHS,
    currencies=CURRENCIES,
    units=UNITS,
    url_words={
        "dot": "نقطة",
        "at": "آت",
        "slash": "شرطة مائلة",
        "dash": "شرطة",
        "underscore": "شرطة سفلية",
        "colon": "نقطتان",
    },
    symbols={
        "&": "و",
        "+": "زائد",
        "=": "يساوي",
        "@": "آت",
        "#": "رقم",
        "%": "بالمئة",
        "§": "فقرة",
        "~": "حوالي",
        "×": "ضرب",
        "±": "زائد أو ناقص",
        "°": "درجة",
        "/": "",
        "*": "",
        "_": "",
        "|": "",
        "ـ": "",  # tatweel stretches a word on the page and has no sound
    },
    range_word="إلى",
    date=date,
    time=time,
    money=money,
    abbreviations=ABBREVIATIONS,
    sentence_final_abbrevs=frozenset({"إلى آخره", "قبل الميلاد"}),
    scales={"ألف": "ألف", "مليون": "مليون", "مليار": "مليار"},
    early=[
        (r"(?<![\d.,])(\d{3,4})\s?(م|هـ)(?![\w\u0640])", _era),
        (r"(?<![\d:.,])(\d{1,2}):(\d{2})(?![\d:]|[.,]\d)", _clock),
    ],
)
