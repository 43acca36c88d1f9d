"""The shipped test sets and the two set formats."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from voxtral_tts.eval.errors import EvalSetError
from voxtral_tts.eval.sets import builtin_set_path, load_set

LANGS = {"en", "fr", "de", "es", "it", "pt", "nl", "ar", "hi"}


def words(text: str) -> int:
    return len(text.split())


def test_multilingual_set_covers_nine_languages_with_varied_sentences() -> None:
    items = load_set("multilingual")
    counts = Counter(it.lang for it in items)
    assert set(counts) == LANGS and min(counts.values()) >= 20
    assert len({it.id for it in items}) == len(items)
    for lang in LANGS:
        rows = [it for it in items if it.lang == lang]
        kinds = Counter(it.kind for it in rows)
        assert kinds["question"] >= 3 and all(
            it.text.rstrip().endswith(("?", "؟")) for it in rows if it.kind == "question"
        )
        assert kinds["numbers"] >= 3 and all(re.search(r"\d", it.text) for it in rows if it.kind == "numbers")
        assert kinds["long"] >= 2 and all(words(it.text) >= 25 for it in rows if it.kind == "long")
        assert kinds["short"] >= 3 and all(1 <= words(it.text) <= 3 for it in rows if it.kind == "short")


def test_first_ten_of_each_language_mix_every_kind() -> None:
    items = load_set("multilingual", per_lang=10)
    assert Counter(it.lang for it in items) == {lang: 10 for lang in LANGS}
    for lang in LANGS:
        assert {it.kind for it in items if it.lang == lang} == {"statement", "question", "numbers", "long", "short"}


def test_cloning_set_points_at_reference_clips(tmp_path: Path) -> None:
    items = load_set("cloning", ref_root=tmp_path)
    assert {it.lang for it in items} == LANGS
    for it in items:
        assert it.ref_text and Path(it.ref_audio) == tmp_path / "refs" / f"{it.lang}.wav"
    default_root = load_set("cloning")[0].ref_audio
    assert Path(default_root).parent.parent == builtin_set_path("cloning").parent


def test_jsonl_with_relative_refs_and_defaults(tmp_path: Path) -> None:
    f = tmp_path / "my.jsonl"
    rows = [
        {"text": "Hello there.", "lang": "EN"},
        {"id": "c1", "text": "Bonjour.", "lang": "fr", "voice": "x", "ref_audio": "clips/a.wav", "ref_text": "Salut."},
    ]
    f.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n# a comment\n")
    a, b = load_set(f)
    assert (a.id, a.lang, a.voice, a.ref_audio) == ("my-0001", "en", None, None)
    assert (b.id, b.voice, b.ref_audio, b.ref_text) == ("c1", "x", str(tmp_path / "clips/a.wav"), "Salut.")


def test_seed_tts_eval_meta_lst(tmp_path: Path) -> None:
    f = tmp_path / "meta.lst"
    f.write_text("utt1|prompt words|prompt-wavs/utt1.wav|Target words here.\nutt2|Plain item.\n")
    with pytest.raises(EvalSetError, match="--lang"):
        load_set(f)
    a, b = load_set(f, lang="en")
    assert a.ref_audio == str(tmp_path / "prompt-wavs/utt1.wav") and a.ref_text == "prompt words"
    assert a.text == "Target words here." and a.lang == "en"
    assert (b.id, b.text, b.ref_audio) == ("utt2", "Plain item.", None)


@pytest.mark.parametrize(
    "content,message",
    [
        ('{"lang": "en"}\n', "text"),
        ('{"text": "x"}\n', "lang"),
        ("{not json\n", r":1: not valid JSON"),
        ('{"id": "a", "text": "x", "lang": "en"}\n{"id": "a", "text": "y", "lang": "en"}\n', "twice"),
    ],
)
def test_bad_jsonl_lines_are_named(tmp_path: Path, content: str, message: str) -> None:
    f = tmp_path / "bad.jsonl"
    f.write_text(content)
    with pytest.raises(EvalSetError, match=message):
        load_set(f)


def test_missing_set_and_bad_meta_line(tmp_path: Path) -> None:
    with pytest.raises(EvalSetError, match="not found"):
        load_set(tmp_path / "nope.jsonl")
    f = tmp_path / "meta.lst"
    f.write_text("a|b|c\n")
    with pytest.raises(EvalSetError, match="3 fields"):
        load_set(f, lang="en")
