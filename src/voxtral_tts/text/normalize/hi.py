"""Hindi: number words written out here (num2words has no Hindi), in the Indian scale of lakh (10^5), crore
(10^7), arab (10^9) and kharab (10^11); Devanagari digits and Indian digit grouping ("1,00,000") accepted;
years read in hundreds ("उन्नीस सौ सैंतालीस"); "3:30" as "तीन बजकर तीस मिनट"."""

from __future__ import annotations

import re

from .base import END, Currency, Lang, Noun

# 0-99: Hindi has a separate word for every number below a hundred.
_UNITS = (
    "शून्य एक दो तीन चार पाँच छह सात आठ नौ "
    "दस ग्यारह बारह तेरह चौदह पंद्रह सोलह सत्रह अठारह उन्नीस "
    "बीस इक्कीस बाईस तेईस चौबीस पच्चीस छब्बीस सत्ताईस अट्ठाईस उनतीस "
    "तीस इकतीस बत्तीस तैंतीस चौंतीस पैंतीस छत्तीस सैंतीस अड़तीस उनतालीस "
    "चालीस इकतालीस बयालीस तैंतालीस चवालीस पैंतालीस छियालीस सैंतालीस अड़तालीस उनचास "
    "पचास इक्यावन बावन तिरेपन चौवन पचपन छप्पन सत्तावन अट्ठावन उनसठ "
    "साठ इकसठ बासठ तिरसठ चौंसठ पैंसठ छियासठ सड़सठ अड़सठ उनहत्तर "
    "सत्तर इकहत्तर बहत्तर तिहत्तर चौहत्तर पचहत्तर छिहत्तर सतहत्तर अठहत्तर उन्यासी "
    "अस्सी इक्यासी बयासी तिरासी चौरासी पचासी छियासी सत्तासी अट्ठासी नवासी "
    "नब्बे इक्यानबे बानबे तिरानबे चौरानबे पचानबे छियानबे सत्तानबे अट्ठानबे निन्यानबे"
).split()
assert len(_UNITS) == 100
_SCALES = ((10**11, "खरब"), (10**9, "अरब"), (10**7, "करोड़"), (10**5, "लाख"), (1000, "हज़ार"), (100, "सौ"))

MONTHS = (
    "जनवरी",
    "फ़रवरी",
    "मार्च",
    "अप्रैल",
    "मई",
    "जून",
    "जुलाई",
    "अगस्त",
    "सितंबर",
    "अक्टूबर",
    "नवंबर",
    "दिसंबर",
)
_ORD = {1: ("पहला", "पहली"), 2: ("दूसरा", "दूसरी"), 3: ("तीसरा", "तीसरी"), 4: ("चौथा", "चौथी"), 6: ("छठा", "छठी")}


def cardinal(n: int) -> str:
    if n < 100:
        return _UNITS[n]
    parts = []
    for value, name in _SCALES:
        if n >= value:
            q, n = divmod(n, value)
            parts.append(f"{cardinal(q)} {name}")
    if n:
        parts.append(_UNITS[n])
    return " ".join(parts)


def ordinal(n: int, gender: str = "m") -> str:
    f = gender == "f"
    if n in _ORD:
        return _ORD[n][f]
    return f"{cardinal(n)}{'वीं' if f else 'वाँ'}"


def year(n: int) -> str:
    # 1947 is "उन्नीस सौ सैंतालीस" (nineteen hundred forty-seven), not "एक हज़ार नौ सौ ...".
    if 1100 <= n <= 1999:
        hundreds, rest = divmod(n, 100)
        return f"{_UNITS[hundreds]} सौ" + (f" {_UNITS[rest]}" if rest else "")
    return cardinal(n)


def date(d: int, m: int, y: int | None, before: str) -> str:
    s = f"{cardinal(d)} {MONTHS[m - 1]}"
    return f"{s} {year(y)}" if y else s


def time(h: int, m: int, ap: str | None) -> str:
    return f"{cardinal(h)} बजकर {cardinal(m)} मिनट" if m else f"{cardinal(h)} बजे"


def money(lang: Lang, cur: Currency, whole: str, frac: str | None, scale: str | None) -> str:
    if scale:
        return f"{lang.number(whole, frac)} {scale} {cur.major.many}"
    if frac and (len(frac) > 2 or cur.minor is None):
        return lang.counted(whole, frac, cur.major)
    cents = int(frac.ljust(2, "0")) if frac else 0
    if not int(whole) and cents:
        return lang.counted(str(cents), None, cur.minor)
    s = lang.counted(whole, None, cur.major)
    return f"{s} {lang.counted(str(cents), None, cur.minor)}" if cents else s


def _clock(m: re.Match, lang: Lang) -> str:
    h, mi = int(m.group(1)), int(m.group(2))
    return time(h, mi, None) if h <= 24 and mi <= 59 else m.group()


def _year_after(m: re.Match, lang: Lang) -> str:
    return f"{m.group(1)} {year(int(m.group(2)))}"


def _month_year(m: re.Match, lang: Lang) -> str:
    return f"{m.group(1)} {year(int(m.group(2)))}"


_T = r"(?<![\w\u0900-\u097f])"
ABBREVIATIONS = [
    (_T + r"डॉ\.\s?", "डॉक्टर "),
    (_T + r"प्रो\.\s?", "प्रोफ़ेसर "),
    (_T + r"कि\.\s?मी\.?", "किलोमीटर"),
    (_T + r"ई\.\s?पू\.?", "ईसा पूर्व"),
    (_T + r"नं\.\s?(?=\d)", "नंबर "),
    (_T + r"Dr\.\s?", "डॉक्टर "),
]

_KM = Noun("किलोमीटर", "किलोमीटर")
_M = Noun("मीटर", "मीटर")
_CM = Noun("सेंटीमीटर", "सेंटीमीटर")
_MM = Noun("मिलीमीटर", "मिलीमीटर")
_KG = Noun("किलोग्राम", "किलोग्राम")
_G = Noun("ग्राम", "ग्राम")
_L = Noun("लीटर", "लीटर")
_ML = Noun("मिलीलीटर", "मिलीलीटर")
UNITS = {
    "km": _KM,
    "किमी": _KM,
    "m": _M,
    "मी": _M,
    "cm": _CM,
    "सेमी": _CM,
    "mm": _MM,
    "मिमी": _MM,
    "kg": _KG,
    "किग्रा": _KG,
    "g": _G,
    "ग्रा": _G,
    "l": _L,
    "L": _L,
    "ली": _L,
    "ml": _ML,
    "मिली": _ML,
    "km/h": Noun("किलोमीटर प्रति घंटा", "किलोमीटर प्रति घंटा"),
    "°C": Noun("डिग्री सेल्सियस", "डिग्री सेल्सियस"),
    "°": Noun("डिग्री", "डिग्री"),
    "h": Noun("घंटा", "घंटे"),
    "min": Noun("मिनट", "मिनट"),
    "s": Noun("सेकंड", "सेकंड"),
    "GB": Noun("गीगाबाइट", "गीगाबाइट"),
    "MB": Noun("मेगाबाइट", "मेगाबाइट"),
    "W": Noun("वाट", "वाट"),
    "kW": Noun("किलोवाट", "किलोवाट"),
    "V": Noun("वोल्ट", "वोल्ट"),
}

CURRENCIES = {
    "INR": Currency(Noun("रुपया", "रुपये"), Noun("पैसा", "पैसे")),
    "USD": Currency(Noun("डॉलर", "डॉलर"), Noun("सेंट", "सेंट")),
    "EUR": Currency(Noun("यूरो", "यूरो"), Noun("सेंट", "सेंट")),
    "GBP": Currency(Noun("पाउंड", "पाउंड"), Noun("पेंस", "पेंस")),
    "JPY": Currency(Noun("येन", "येन")),
    "BRL": Currency(Noun("रियाल", "रियाल")),
    "CHF": Currency(Noun("स्विस फ़्रैंक", "स्विस फ़्रैंक")),
    "SAR": Currency(Noun("रियाल", "रियाल")),
    "AED": Currency(Noun("दिरहम", "दिरहम")),
    "EGP": Currency(Noun("मिस्री पाउंड", "मिस्री पाउंड")),
    "MAD": Currency(Noun("दिरहम", "दिरहम")),
}

LANG = Lang(
    code="hi",
    cardinal=cardinal,
    ordinal=ordinal,
    year=year,
    decimal_sep=".",
    group_seps=",",
    # Indian grouping: the last three digits, then pairs ("12,34,567"); plain thousands also accepted.
    group_re=r"\d{1,2}(?:,\d{2})+,\d{3}|\d{1,3}(?:,\d{3})+",
    point="दशमलव",
    fraction_digits=True,
    minus="माइनस",
    percent="प्रतिशत",
    months=MONTHS,
    currencies=CURRENCIES,
    units=UNITS,
    url_words={
        "dot": "डॉट",
        "at": "एट द रेट",
        "slash": "स्लैश",
        "dash": "डैश",
        "underscore": "अंडरस्कोर",
        "colon": "कोलन",
    },
    symbols={
        "&": "और",
        "+": "प्लस",
        "=": "बराबर",
        "@": "एट",
        "#": "नंबर",
        "%": "प्रतिशत",
        "~": "लगभग",
        "×": "गुणा",
        "±": "प्लस माइनस",
        "°": "डिग्री",
        "/": "",
        "*": "",
        "_": "",
        "|": "",
    },
    range_word="से",
    date=date,
    time=time,
    money=money,
    abbreviations=ABBREVIATIONS,
    sentence_final_abbrevs=frozenset({"ईसा पूर्व"}),
    ordinal_re=rf"(?<![\w])(?P<n>\d+)\s?(?P<s>ला|ली|ले|रा|री|रे|था|थी|थे|ठा|ठी|वाँ|वां|वीं|वें){END}",
    ordinal_gender={"ली": "f", "री": "f", "थी": "f", "ठी": "f", "वीं": "f"},
    scales={"हज़ार": "हज़ार", "हजार": "हज़ार", "लाख": "लाख", "करोड़": "करोड़", "अरब": "अरब"},
    early=[
        (r"(?<![\d:.,])(\d{1,2}):(\d{2})(?:\s?बजे)?(?![\d:]|[.,]\d)", _clock),
        (r"(सन्|वर्ष|साल)\s+(\d{4})(?!\d)", _year_after),
        (rf"(?<![\d.,])(1[1-9]\d{{2}})(?=\s+(?:में|से|तक|का|की|के){END})", lambda m, lang: year(int(m.group(1)))),
        (rf"({'|'.join(MONTHS)})\s+(\d{{4}})(?!\d)", _month_year),
    ],
)
