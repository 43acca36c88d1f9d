"""Sentence pools for the nine corpus languages, from hand-written sentences, short phrases and template
grammars (recipes/default/text/<lang>.py), with a held-out set that never appears in training.

A language module defines:

* ``FIXED``: hand-written sentences (statements, questions, long sentences);
* ``SHORT``: phrases of one to three words;
* ``TEMPLATES``: strings with ``{slot}`` references;
* ``SLOTS``: slot name -> list of fillers (fillers may reference slots themselves);
* ``DYNAMIC``: slot name -> function(rng) -> str, for numbers, years, dates, times and prices;
* ``post`` (optional): function(text) -> text, for agreement across slot boundaries (French elision).

Two references to the same slot in one sentence get different fillers ("Anna and Anna" reads wrong).
Everything is drawn from a seeded ``random.Random``, so a pool is a pure function of (language, size, seed).
The held-out split is made on a normalised key (case, punctuation and spacing removed), so "Thank you." in
training and "Thank you!" in the held-out set cannot happen.
"""

from __future__ import annotations

import importlib
import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl", "ar", "hi")
_REF = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Sentence:
    text: str
    kind: str  # fixed, short, template


def language_module(lang: str) -> ModuleType:
    return importlib.import_module(f"text.{lang}")


def key(text: str) -> str:
    """The identity of a sentence for de-duplication and the train/held-out split."""
    t = unicodedata.normalize("NFKC", text).casefold()
    t = "".join(c if unicodedata.category(c)[0] in "LNM" else " " for c in t)
    return " ".join(t.split())


def tidy(text: str, lang: str) -> str:
    """Spacing and capitalisation after template expansion."""
    t = " ".join(text.split())
    t = re.sub(r"\s+([,.!?;:،؟।])", r"\1", t) if lang != "fr" else re.sub(r"\s+([,.])", r"\1", t)
    if lang == "fr":
        # French typography: a space before ? ! : ; (a plain space; engines and tokenizers treat it alike).
        t = re.sub(r"(?<=\S)([?!:;])", r" \1", t)
        t = re.sub(r"\s+([?!:;])", r" \1", t)
    t = re.sub(r"([¿¡])\s+", r"\1", t)
    for i, c in enumerate(t):
        if c.isalpha():
            t = t[:i] + c.upper() + t[i + 1 :]
            break
        if c not in "¿¡\"'«“":
            break
    return t


class Grammar:
    def __init__(self, mod: ModuleType) -> None:
        self.lang: str = mod.__name__.rsplit(".", 1)[-1]
        self.slots: dict[str, list[str]] = mod.SLOTS
        self.dynamic: dict[str, Callable[[random.Random], str]] = getattr(mod, "DYNAMIC", {})
        self.templates: list[str] = mod.TEMPLATES
        self.post: Callable[[str], str] = getattr(mod, "post", lambda t: t)
        for t in self.templates:
            self._check(t)
        for fillers in self.slots.values():
            for f in fillers:
                self._check(f)

    def _check(self, s: str) -> None:
        for name in _REF.findall(s):
            if name not in self.slots and name not in self.dynamic:
                raise KeyError(f"text/{self.lang}.py: unknown slot {{{name}}} in {s!r}")

    def expand(self, template: str, rng: random.Random, used: dict[str, set[str]] | None = None, depth: int = 0) -> str:
        if depth > 8:
            raise RecursionError(f"text/{self.lang}.py: slots nest too deep in {template!r}")
        used = {} if used is None else used

        def fill(m: re.Match[str]) -> str:
            name = m.group(1)
            taken = used.setdefault(name, set())
            for _ in range(12):
                if name in self.dynamic:
                    value = self.dynamic[name](rng)
                else:
                    value = self.expand(rng.choice(self.slots[name]), rng, used, depth + 1)
                if value not in taken:
                    break
            taken.add(value)
            return value

        return _REF.sub(fill, template)

    def sentence(self, rng: random.Random) -> str:
        return tidy(self.post(self.expand(rng.choice(self.templates), rng)), self.lang)


def build_pool(lang: str, size: int, seed: int) -> list[Sentence]:
    """Up to `size` distinct sentences: every hand-written sentence and short phrase, then template sentences.
    Stops early (with fewer) if the grammar cannot make more distinct sentences."""
    mod = language_module(lang)
    rng = random.Random(f"{seed}:{lang}:pool")
    out: list[Sentence] = []
    seen: set[str] = set()

    def add(text: str, kind: str) -> None:
        k = key(text)
        if k and k not in seen:
            seen.add(k)
            out.append(Sentence(text, kind))

    for s in mod.FIXED:
        add(tidy(s, lang), "fixed")
    for s in mod.SHORT:
        add(tidy(s, lang), "short")
    g = Grammar(mod)
    misses = 0
    while len(out) < size and misses < 20 * size + 1000:
        n = len(out)
        add(g.sentence(rng), "template")
        misses += len(out) == n
    return out


def split_pool(pool: list[Sentence], n_heldout: int, seed: int, lang: str) -> tuple[list[Sentence], list[Sentence]]:
    """(train, held-out). The held-out set takes the same share of each kind as the pool, so it tests short
    phrases, hand-written and template sentences alike."""
    rng = random.Random(f"{seed}:{lang}:split")
    by_kind: dict[str, list[Sentence]] = {}
    for s in pool:
        by_kind.setdefault(s.kind, []).append(s)
    held: list[Sentence] = []
    total = len(pool)
    for kind in sorted(by_kind):
        items = by_kind[kind][:]
        rng.shuffle(items)
        k = round(n_heldout * len(items) / total) if total else 0
        held.extend(items[: min(k, len(items) // 3)])
    held_keys = {key(s.text) for s in held}
    train = [s for s in pool if key(s.text) not in held_keys]
    rng.shuffle(train)
    return train, held
