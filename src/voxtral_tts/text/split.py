"""Splitting long text into sentences, clauses and synthesis chunks, per language.

A full stop ends a sentence only when whitespace and a new sentence follow it: not inside a decimal
number ("3.14") or an address, not after an abbreviation or an initial ("Dr. Smith", "z. B.", "J. R. R."),
not when the next word starts in lower case ("etc. and so on", '"Stop!" she said'). Closing quotes and
brackets stay with the sentence they close. Arabic (؟ ، ؛) and Devanagari (।) marks count like their Latin
counterparts; those scripts have no case, so a mark followed by a space ends the sentence.
"""

from __future__ import annotations

import re

DEFAULT_MAX_CHARS = 250  # about 15-20 s of speech: long enough for natural phrasing, short enough not to drift

# Words that, followed by a full stop, never end a sentence: titles and abbreviations that precede what
# they qualify. Compared lower-cased, without the final dot.
_TITLES = {
    "en": "mr mrs ms dr prof st mt jr sr vs e.g i.e approx no nos fig vol p pp ch jan feb mar apr jun jul aug sep "
    "sept oct nov dec ave dept inc ltd co corp gen col lt sgt rev hon",
    "fr": "m mm mme mmes mlle dr pr st ste p.ex env av apr j.-c cf bd n° no vol p pp fig mgr",
    "de": "z.b d.h u.a v.a z.t bzw ca nr dr prof hr hrn fr evtl ggf inkl str st vgl bspw mio mrd tsd s abb bd",
    "es": "sr sra srta dr dra ud uds vd p.ej núm n.º aprox avda av d dña pág ee.uu art",
    "it": "sig sig.ra sig.na sigg dott dott.ssa prof prof.ssa es ca n pag pagg s avv ing p.es",
    "pt": "sr sra srta dr dra prof profa exmo p.ex pág av aprox n.º art",
    "nl": "dhr mevr mw dr prof bijv bv d.w.z o.a nr ca m.b.t t.o.v i.p.v blz st a.u.b",
    "ar": "د أ ص.ب",
    "hi": "डॉ प्रो नं",
}
_TITLE_SETS = {k: frozenset(v.split()) for k, v in _TITLES.items()}

_END = r"[.!?…؟।॥]+"
# Closing quotes, including German “ and ‘ (which open in English, but never right after a full stop).
_CLOSE = r"(?:[\u00a0\u202f ]?»)?[\"'”’“‘)\]»]*"
_OPENERS = "\"'“„‘«([¿¡"
_BOUNDARY = re.compile(rf"(?P<end>{_END})(?P<close>{_CLOSE})(?P<space>\s+)")
# A letter, or a combining vowel sign (Devanagari matras and Arabic harakat are marks, not letters).
_LETTER = r"(?:[^\W\d_]|[\u0300-\u036f\u064b-\u065f\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963])"
_CLAUSE = re.compile(r"(?<=[,;:،؛—–])\s+")


def _starts_new_sentence(rest: str) -> bool:
    rest = rest.lstrip(_OPENERS + " \u00a0")
    if not rest:
        return True
    c = rest[0]
    return not c.islower()


def _is_title(before: str, lang: str) -> bool:
    # The abbreviation may have inner dots and spaces ("z. B", "d.w.z", "p. ej"): compare it without spaces.
    m = re.search(rf"((?:{_LETTER}{{1,5}}\.\s?)*{_LETTER}+)$", before)
    if not m:
        return False
    word = m.group(1).replace(" ", "").lower()
    if word in ("a.m", "p.m"):
        return False  # "It ends at 5 p.m. Then ..." does end a sentence
    last = m.group(1).split(".")[-1].strip()
    if len(last) == 1:
        return True  # an initial ("J. R. R. Tolkien") or a one-letter abbreviation ("z. B.", "p. 5")
    titles = _TITLE_SETS.get(lang, frozenset()) | _TITLE_SETS["en"]
    return word in titles or last.lower() in titles


def split_sentences(text: str, lang: str = "en") -> list[str]:
    """The sentences of one paragraph, with their punctuation and quotes; whitespace collapsed."""
    text = " ".join(text.split())
    out, start = [], 0
    for m in _BOUNDARY.finditer(text):
        end = m.group("end")
        rest = text[m.end() :]
        if not _starts_new_sentence(rest):
            continue
        if end == "." and _is_title(text[start : m.start()], lang):
            continue
        out.append(text[start : m.end("close")].strip())
        start = m.end()
    if text[start:].strip():
        out.append(text[start:].strip())
    return out


def _split_words(piece: str, max_chars: int) -> list[str]:
    out, cur = [], ""
    for word in piece.split():
        while len(word) > max_chars:  # one "word" longer than a chunk (a long URL, say): cut it
            if cur:
                out.append(cur)
                cur = ""
            out.append(word[:max_chars])
            word = word[max_chars:]
        if cur and len(cur) + 1 + len(word) > max_chars:
            out.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}" if cur else word
    if cur:
        out.append(cur)
    return out


def split_clauses(sentence: str, max_chars: int = DEFAULT_MAX_CHARS) -> list[str]:
    """`sentence` cut after commas, semicolons, colons and dashes into pieces of at most `max_chars`,
    each as long as fits; clauses longer than that are cut between words."""
    if len(sentence) <= max_chars:
        return [sentence]
    out, cur = [], ""
    for clause in _CLAUSE.split(sentence):
        parts = _split_words(clause, max_chars) if len(clause) > max_chars else [clause]
        for part in parts:
            if cur and len(cur) + 1 + len(part) > max_chars:
                out.append(cur)
                cur = part
            else:
                cur = f"{cur} {part}" if cur else part
    if cur:
        out.append(cur)
    return out


def paragraphs(text: str) -> list[str]:
    """Paragraphs: text between blank lines. Single line breaks are wrapping, not structure."""
    return [" ".join(p.split()) for p in re.split(r"\n[ \t\u00a0]*\n", text) if p.strip()]


def chunk_text(text: str, lang: str = "en", max_chars: int = DEFAULT_MAX_CHARS) -> list[str]:
    """Synthesis chunks: whole sentences packed up to `max_chars`, long sentences cut at clauses, and a
    new chunk at every paragraph."""
    if max_chars < 20:
        raise ValueError(f"max_chars must be at least 20, got {max_chars}")
    chunks = []
    for para in paragraphs(text):
        cur = ""
        for sentence in split_sentences(para, lang):
            for piece in split_clauses(sentence, max_chars):
                if cur and len(cur) + 1 + len(piece) > max_chars:
                    chunks.append(cur)
                    cur = piece
                else:
                    cur = f"{cur} {piece}" if cur else piece
        if cur:
            chunks.append(cur)
    return chunks
