"""The language-independent half of text normalisation: patterns, and the order they run in.

Each language module fills a `Lang` with its words and conventions (number words, decimal separator, date
order, currency and unit names and genders, abbreviations); `run` applies the steps below in a fixed order.
The order matters: URLs and e-mail addresses go first (their dots and digits are not numbers), then
abbreviations, dates, times, money, percentages, units and ordinals (each consumes a number together with
its context), then bare numbers, then symbols.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

# Digits read one by one rather than as a number: very long runs (phone, account and serial numbers).
MAX_CARDINAL_DIGITS = 15


@dataclass(frozen=True)
class Noun:
    """A unit or currency name with what a number in front of it needs: its plural and its gender.

    `two` and `acc` are for Arabic, whose counted nouns take a dual (2) and an accusative singular (11-99).
    """

    one: str
    many: str
    gender: str = "m"
    two: str | None = None
    acc: str | None = None


@dataclass(frozen=True)
class Currency:
    major: Noun
    minor: Noun | None = None


# Currency signs and codes, shared by every language; each language names the currencies.
CURRENCY_SIGNS = {
    "US$": "USD",
    "R$": "BRL",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "Rs.": "INR",
    "Rs": "INR",
    "रु.": "INR",
    "रु": "INR",
    "ر.س": "SAR",
    "ر.س.": "SAR",
    "د.إ": "AED",
    "د.إ.": "AED",
    "ج.م": "EGP",
    "ج.م.": "EGP",
}
CURRENCY_CODES = ("USD", "EUR", "GBP", "JPY", "INR", "BRL", "CHF", "SAR", "AED", "EGP", "MAD")


@dataclass
class Lang:
    """Everything `run` needs to know about one language."""

    code: str
    cardinal: Callable[[int], str]
    ordinal: Callable[[int, str], str]  # (n, gender)
    decimal_sep: str
    group_seps: str  # characters that group thousands (besides NBSP and narrow NBSP)
    point: str  # the word for the decimal separator
    minus: str
    percent: str
    months: tuple[str, ...]
    currencies: dict[str, Currency]
    units: dict[str, Noun]
    url_words: dict[str, str]  # dot, at, slash, dash, underscore, colon
    symbols: dict[str, str]
    range_word: str
    date: Callable[[int, int, int | None, str], str]  # (day, month, year or None, the word before)
    time: Callable[[int, int, str | None], str]  # (hour, minute, "am"/"pm"/None)
    money: Callable[[Lang, Currency, str, str | None, str | None], str]  # (lang, currency, int, frac, scale)
    gendered: Callable[[str, str], str] = lambda words, gender: words  # cardinal words agreeing with a noun
    year: Callable[[int], str] | None = None
    numeric_date_order: str = "dmy"
    fraction_digits: bool = False  # read decimals digit by digit (en, de, hi) rather than as a number
    abbreviations: list[tuple[str, str]] = field(default_factory=list)  # (regex, replacement)
    sentence_final_abbrevs: frozenset[str] = frozenset()  # expansions that may end a sentence (etc.)
    ordinal_re: str | None = None  # regex with groups n and s (the suffix)
    ordinal_gender: dict[str, str] = field(default_factory=dict)  # suffix -> gender
    scales: dict[str, str] = field(default_factory=dict)  # scale words after amounts: written -> spoken
    early: list[tuple[str, Callable[[re.Match, Lang], str]]] = field(default_factory=list)  # before dates
    late: list[tuple[str, Callable[[re.Match, Lang], str]]] = field(default_factory=list)  # before numbers
    count: Callable[[Lang, int, Noun], str] | None = None  # "n noun" when a language has its own rules
    group_re: str | None = None  # the integer part with grouping, where groups are not all of three
    singular_below_two: bool = False  # French: "1,5 kilomètre" (the plural starts at two)

    # -- helpers the language modules use -------------------------------------------------------------

    def say_year(self, n: int) -> str:
        return self.year(n) if self.year else self.cardinal(n)

    def digits(self, s: str) -> str:
        return " ".join(self.cardinal(int(c)) for c in s)

    def number(self, int_part: str, frac: str | None = None, gender: str = "m") -> str:
        """Words for a number given as ASCII digit strings (no separators)."""
        if len(int_part) > MAX_CARDINAL_DIGITS or (len(int_part) > 1 and int_part.startswith("0") and not frac):
            words = self.digits(int_part)
        else:
            words = self.cardinal(int(int_part))
            if not frac:
                words = self.gendered(words, gender)
        if frac:
            if self.fraction_digits or frac.startswith("0") or len(frac) > 3:
                tail = self.digits(frac)
            else:
                tail = self.cardinal(int(frac))
            words = f"{words} {self.point} {tail}"
        return words

    def counted(self, value: str, frac: str | None, noun: Noun) -> str:
        """A number followed by a unit or currency name in the right number and gender."""
        if self.count is not None and not frac:
            return self.count(self, int(value), noun)
        words = self.number(value, frac, gender=noun.gender)
        one = int(value) < 2 if self.singular_below_two else int(value) == 1 and not frac
        return f"{words} {noun.one if one else noun.many}"


# -- number syntax ---------------------------------------------------------------------------------------

_SPACES = "\u00a0\u202f\u2009"
# The end of a token: no letter, digit or combining mark follows (Devanagari vowel signs and Arabic
# harakat are marks, which \w does not match).
END = r"(?![\w\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963])"


def number_pattern(lang: Lang) -> str:
    """A regex (named groups int, frac) for a number written in `lang`'s convention.

    Grouped thousands are tried first, so "1.000" is a thousand in German but "1.5" is still one and a half;
    languages with a decimal comma also accept a decimal point (text written English-style).
    """
    g = re.escape(lang.group_seps + _SPACES)
    d = re.escape(lang.decimal_sep + ("." if lang.decimal_sep == "," else ""))
    grouped = lang.group_re or rf"\d{{1,3}}(?:[{g}]\d{{3}})+"
    return rf"(?<![\d])(?P<int>(?:{grouped})(?![\d])|\d+)(?:[{d}](?P<frac>\d+))?(?![\d])"


def strip_groups(s: str) -> str:
    return re.sub(r"\D", "", s)


def to_ascii_digits(text: str, lang: Lang) -> str:
    """Eastern Arabic, Persian and Devanagari digits (and Arabic separators and percent sign) to ASCII."""
    text = text.replace("\u066b", lang.decimal_sep).replace("\u066c", ",").replace("\u066a", "%")
    return "".join(str(unicodedata.digit(c)) if c.isdigit() and not c.isascii() else c for c in text)


# -- URLs and e-mail addresses -------------------------------------------------------------------------------

_TLDS = "com|org|net|edu|gov|io|ai|co|info|dev|app|uk|us|eu|fr|de|es|it|pt|nl|be|ch|at|br|in|sa|ae|eg|ma|ca|au"
EMAIL_RE = r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
URL_RE = (
    r"(?:https?://|www\.)[^\s<>\"'«»“”]+"
    rf"|(?<![\w@./-])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:{_TLDS})(?:/[^\s<>\"'«»“”]*)?(?![\w])"
)
_TRAILING = ".,;:!?)]}»”\"'"


def say_address(s: str, lang: Lang) -> str:
    w = lang.url_words
    s = re.sub(r"^https?://", "", s)
    s = re.sub(r"^www\.", "", s)
    out = []
    for tok in re.findall(r"[^\W\d_]+|\d+|.", s):
        if tok.isdigit():
            out.append(lang.digits(tok))
        elif tok == ".":
            out.append(w["dot"])
        elif tok == "@":
            out.append(w["at"])
        elif tok == "/":
            out.append(w["slash"])
        elif tok == "-":
            out.append(w["dash"])
        elif tok == "_":
            out.append(w["underscore"])
        elif tok == ":":
            out.append(w["colon"])
        elif tok.strip() and (tok.isalpha() or tok in "+"):
            out.append(tok)
    return " ".join(out)


def _addresses(text: str, lang: Lang) -> str:
    def url(m: re.Match) -> str:
        s = m.group()
        tail = ""
        while s and s[-1] in _TRAILING:
            tail = s[-1] + tail
            s = s[:-1]
        return say_address(s, lang) + tail

    text = re.sub(EMAIL_RE, lambda m: say_address(m.group(), lang), text)
    return re.sub(URL_RE, url, text)


# -- abbreviations -------------------------------------------------------------------------------------------


def _abbreviations(text: str, lang: Lang) -> str:
    for pattern, spoken in lang.abbreviations:

        def repl(m: re.Match, spoken: str = spoken) -> str:
            # An expansion that swallowed a full stop gives it back when the sentence ends there.
            if m.group().endswith(".") and spoken in lang.sentence_final_abbrevs:
                rest = m.string[m.end() :].lstrip()
                if not rest or rest[0].isupper() or rest[0] == "\n":
                    return spoken + "."
            return spoken

        text = re.sub(pattern, repl, text)
    return text


# -- the pipeline ---------------------------------------------------------------------------------------------


def _money(text: str, lang: Lang, num: str) -> str:
    signs = sorted(CURRENCY_SIGNS, key=len, reverse=True)
    sign_alt = "|".join(re.escape(s) for s in signs)
    code_alt = "|".join(CURRENCY_CODES)
    scale_alt = "|".join(re.escape(s) for s in sorted(lang.scales, key=len, reverse=True)) or "(?!)"

    def say(m: re.Match) -> str:
        cur = m.group("cur")
        code = CURRENCY_SIGNS.get(cur, cur)
        currency = lang.currencies.get(code)
        if currency is None:
            return m.group()
        scale = m.group("scale")
        return lang.money(
            lang, currency, strip_groups(m.group("int")), m.group("frac"), lang.scales[scale] if scale else None
        )

    before = rf"(?P<cur>{sign_alt}|\b(?:{code_alt})\b)\s?{num}(?:\s?(?P<scale>{scale_alt}){END})?"
    text = re.sub(before, say, text)
    after = rf"{num}(?:\s?(?P<scale>{scale_alt}))?\s?(?P<cur>{sign_alt}|(?:{code_alt})\b){END}"
    return re.sub(after, say, text)


def _units(text: str, lang: Lang, num: str) -> str:
    if not lang.units:
        return text
    alt = "|".join(re.escape(u) for u in sorted(lang.units, key=len, reverse=True))

    def say(m: re.Match) -> str:
        neg = lang.minus + " " if m.group("neg") else ""
        return neg + lang.counted(strip_groups(m.group("int")), m.group("frac"), lang.units[m.group("unit")])

    return re.sub(rf"(?P<neg>(?<![\w])[-−])?{num}\s?(?P<unit>{alt}){END}", say, text)


def _numbers(text: str, lang: Lang, num: str) -> str:
    def say(m: re.Match) -> str:
        words = lang.number(strip_groups(m.group("int")), m.group("frac"))
        return f"{lang.minus} {words}" if m.group("neg") else words

    def padded(m: re.Match) -> str:
        # Space the words off only from letters they touch ("mp3" -> "mp three"), so that punctuation
        # after a number stays where it was.
        s, i, j = m.string, m.start(), m.end()
        left = " " if i > 0 and (s[i - 1].isalnum() or unicodedata.category(s[i - 1])[0] == "M") else ""
        right = " " if j < len(s) and s[j].isalnum() else ""
        return f"{left}{say(m)}{right}"

    text = re.sub(r"(?<=\d)-(?=\d)", " ", text)  # other hyphens between digits (phone numbers): a pause
    return re.sub(rf"(?P<neg>(?<![\w\d])[-−](?=\d))?{num}", padded, text)


def _dates(text: str, lang: Lang) -> str:
    def before(m: re.Match) -> str:
        words = text_before(m.string, m.start())
        return words

    def iso(m: re.Match) -> str:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if not (1 <= mo <= 12 and 1 <= d <= 31):
            return m.group()
        return lang.date(d, mo, y, before(m))

    def numeric(m: re.Match) -> str:
        a, b, y = int(m.group(1)), int(m.group(3)), m.group(4)
        d, mo = (b, a) if lang.numeric_date_order == "mdy" and b <= 31 and a <= 12 else (a, b)
        if lang.numeric_date_order == "mdy" and a > 12:
            d, mo = a, b
        if not (1 <= mo <= 12 and 1 <= d <= 31):
            return m.group()
        year = None
        if y:
            year = int(y) if len(y) == 4 else 2000 + int(y) if int(y) < 50 else 1900 + int(y)
        return lang.date(d, mo, year, before(m))

    text = re.sub(r"(?<![\d./-])(\d{4})-(\d{2})-(\d{2})(?![\d]|[./-]\d)", iso, text)
    text = re.sub(r"(?<![\d./-])(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?![\d]|[./-]\d)", numeric, text)
    return text


def keep_stop(m: re.Match) -> str:
    """A full stop for a replacement whose match swallowed one that also ended the sentence ("5 p.m. Then")."""
    if not m.group().endswith("."):
        return ""
    rest = m.string[m.end() :].lstrip(" ")
    return "." if not rest or rest[0].isupper() or rest[0] == "\n" else ""


def text_before(s: str, pos: int) -> str:
    """The word just before `pos` (lower-cased), for grammar that depends on it (German 'am 3. Mai')."""
    m = re.search(r"(\w+)\W*$", s[:pos])
    return m.group(1).lower() if m else ""


TIME_RE = r"(?<![\d:.,])(\d{1,2}):(\d{2})(?::\d{2})?(?:\s?(?P<ap>[ap])\.?\s?m\.?(?!\w))?(?![\d:]|[.,]\d)"


def _times(text: str, lang: Lang) -> str:
    def say(m: re.Match) -> str:
        h, mi = int(m.group(1)), int(m.group(2))
        if h > 24 or mi > 59:
            return m.group()
        return lang.time(h, mi, m.group("ap").lower() + "m" if m.group("ap") else None) + keep_stop(m)

    return re.sub(TIME_RE, say, text, flags=re.IGNORECASE)


def _percent(text: str, lang: Lang, num: str) -> str:
    def say(m: re.Match) -> str:
        words = lang.number(strip_groups(m.group("int")), m.group("frac"))
        neg = lang.minus + " " if m.group("neg") else ""
        return f"{neg}{words} {lang.percent}"

    return re.sub(rf"(?P<neg>(?<![\w])[-−])?{num}\s?%", say, text)


def _ranges(text: str, lang: Lang) -> str:
    # An en dash between numbers is a range; a hyphen only between short numbers (a hyphen between a
    # three- and a four-digit number is more likely a phone number).
    def say(m: re.Match) -> str:
        a, b = m.group(1), m.group(2)
        if all(len(x) == 4 and 1100 <= int(x) <= 2099 for x in (a, b)):
            a, b = lang.say_year(int(a)), lang.say_year(int(b))
        return f"{a} {lang.range_word} {b}"

    text = re.sub(r"(?<![\d.,])(\d+)\s?–\s?(\d+)(?![\d.,]\d)", say, text)
    short = r"(?<![\w\d.,-])(\d{1,3})-(\d{1,3})(?![\d-])"
    years = r"(?<![\w\d.,-])(1\d{3}|20\d{2})-(1\d{3}|20\d{2})(?![\d-])"
    return re.sub(years, say, re.sub(short, say, text))


def _symbols(text: str, lang: Lang) -> str:
    for sym, spoken in lang.symbols.items():
        text = text.replace(sym, f" {spoken} " if spoken else " ")
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        # Emoji, pictographs and other symbols have no reading in running text; they are dropped.
        if cat in ("So", "Sk", "Co", "Cn") or (cat == "Cf" and ch not in "\u200c\u200d"):
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def _tidy(text: str) -> str:
    text = re.sub(f"[{_SPACES}\t ]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    # Spaces that symbol replacements left before punctuation; French spaces before ; : ! ? are kept.
    text = re.sub(r" +([,.)\]،।])", r"\1", text)
    text = re.sub(r"([(\[¿¡]) +", r"\1", text)
    return text.strip()


def run(text: str, lang: Lang) -> str:
    """Normalise `text` written in `lang` into words a speech model reads."""
    text = unicodedata.normalize("NFC", text)
    text = to_ascii_digits(text, lang)
    text = _addresses(text, lang)
    text = _abbreviations(text, lang)
    text = _ranges(text, lang)
    for pattern, fn in lang.early:
        text = re.sub(pattern, lambda m, fn=fn: fn(m, lang), text)
    text = _dates(text, lang)
    text = _times(text, lang)
    num = number_pattern(lang)
    text = _money(text, lang, num)
    text = _percent(text, lang, num)
    text = _units(text, lang, num)
    if lang.ordinal_re:

        def ordinal(m: re.Match) -> str:
            return lang.ordinal(int(m.group("n")), lang.ordinal_gender.get(m.group("s"), "m"))

        text = re.sub(lang.ordinal_re, ordinal, text)
    for pattern, fn in lang.late:
        text = re.sub(pattern, lambda m, fn=fn: fn(m, lang), text)
    text = _numbers(text, lang, num)
    text = _symbols(text, lang)
    return _tidy(text)


def roman_to_int(s: str) -> int | None:
    """The value of a Roman numeral (I to MMMCMXCIX), or None when `s` is not a well-formed one."""
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    if not s or any(c not in values for c in s):
        return None
    total = 0
    for i, c in enumerate(s):
        v = values[c]
        total += -v if i + 1 < len(s) and values[s[i + 1]] > v else v
    return total if _int_to_roman(total) == s else None


def _int_to_roman(n: int) -> str:
    out = []
    for v, r in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
                 (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):  # fmt: skip
        while n >= v:
            out.append(r)
            n -= v
    return "".join(out)
