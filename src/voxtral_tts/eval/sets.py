"""Test sets: JSON lines (ours) or Seed-TTS-eval `meta.lst` lists.

A JSON-lines set has one object per line with `text` and `lang`, and optionally `id`, `voice`, `ref_audio`,
`ref_text` and `kind` (statement, question, numbers, long, short: used only to group the report). Relative
`ref_audio` paths are resolved against `ref_root`, which defaults to the set file's folder.

A Seed-TTS-eval list has lines `utt|prompt_text|prompt_wav|text` (cloning items; the language comes from
`--lang`); a line with only `utt|text` is a plain item.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

from .errors import EvalSetError

BUILTIN_SETS = ("multilingual", "cloning")


@dataclass
class EvalItem:
    """One sentence to synthesise and score."""

    id: str
    text: str
    lang: str
    voice: str | None = None
    ref_audio: str | None = None
    ref_text: str | None = None
    kind: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def builtin_set_path(name: str) -> Path:
    """The file of a set shipped in the package (`multilingual`, `cloning`)."""
    if name not in BUILTIN_SETS:
        raise EvalSetError(f"unknown built-in set {name!r}; choose from {', '.join(BUILTIN_SETS)} or give a file")
    return Path(str(resources.files("voxtral_tts.eval") / "sets" / f"{name}.jsonl"))


def _resolve_ref(ref: str | None, root: Path) -> str | None:
    if not ref:
        return None
    p = Path(ref).expanduser()
    return str(p if p.is_absolute() else root / p)


def _load_jsonl(path: Path, root: Path, lang: str | None) -> list[EvalItem]:
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise EvalSetError(f"{path}:{n}: not valid JSON ({e.msg})") from None
        if not isinstance(row, dict):
            raise EvalSetError(f"{path}:{n}: expected a JSON object")
        text = row.get("text")
        item_lang = row.get("lang") or lang
        if not isinstance(text, str) or not text.strip():
            raise EvalSetError(f"{path}:{n}: `text` is missing or empty")
        if not item_lang:
            raise EvalSetError(f"{path}:{n}: `lang` is missing (or pass --lang)")
        items.append(
            EvalItem(
                id=str(row.get("id") or f"{path.stem}-{n:04d}"),
                text=text.strip(),
                lang=str(item_lang).lower(),
                voice=row.get("voice") or None,
                ref_audio=_resolve_ref(row.get("ref_audio"), root),
                ref_text=row.get("ref_text") or None,
                kind=row.get("kind") or None,
            )
        )
    return items


def _load_meta_lst(path: Path, root: Path, lang: str | None) -> list[EvalItem]:
    if not lang:
        raise EvalSetError(f"{path}: a Seed-TTS-eval list does not say its language; pass --lang")
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        parts = line.rstrip("\n").split("|")
        if len(parts) == 4:
            utt, prompt_text, prompt_wav, text = parts
        elif len(parts) == 2:
            (utt, text), prompt_text, prompt_wav = parts, "", ""
        else:
            raise EvalSetError(f"{path}:{n}: expected utt|prompt_text|prompt_wav|text, got {len(parts)} fields")
        if not text.strip():
            raise EvalSetError(f"{path}:{n}: the text field is empty")
        items.append(
            EvalItem(
                id=utt.strip() or f"{path.stem}-{n:04d}",
                text=text.strip(),
                lang=lang.lower(),
                ref_audio=_resolve_ref(prompt_wav.strip(), root),
                ref_text=prompt_text.strip() or None,
            )
        )
    return items


def load_set(
    source: str | Path, lang: str | None = None, ref_root: str | Path | None = None, per_lang: int | None = None
) -> list[EvalItem]:
    """Read a set: a built-in name, a `.jsonl` file, or a Seed-TTS-eval `.lst`/`.txt` list.

    `lang` fills in a missing language (and is required for meta.lst); `per_lang` keeps the first N items of
    each language, in file order."""
    path = builtin_set_path(str(source)) if str(source) in BUILTIN_SETS else Path(source).expanduser()
    if not path.is_file():
        raise EvalSetError(f"{path}: test set not found")
    root = Path(ref_root).expanduser() if ref_root else path.parent
    if path.suffix.lower() in (".jsonl", ".json"):
        items = _load_jsonl(path, root, lang)
    else:
        items = _load_meta_lst(path, root, lang)
    if not items:
        raise EvalSetError(f"{path}: the set has no items")
    seen: set[str] = set()
    for it in items:
        if it.id in seen:
            raise EvalSetError(f"{path}: item id {it.id!r} appears twice")
        seen.add(it.id)
    if per_lang is not None:
        counts: dict[str, int] = {}
        kept = []
        for it in items:
            counts[it.lang] = counts.get(it.lang, 0) + 1
            if counts[it.lang] <= per_lang:
                kept.append(it)
        items = kept
    return items
