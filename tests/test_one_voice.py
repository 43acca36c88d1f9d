"""recipes/default/one_voice.py: one voice reads the recipe's training sentences and is judged on its held-out ones."""

from __future__ import annotations

import pytest
from conftest import load_script


def test_one_voice_keeps_the_recipes_sentence_split() -> None:
    ov = load_script("recipes/default/one_voice.py")
    voice = ov.pick_voice("piper-joe")
    jobs = ov.plan(voice, n_clips=40, seed=1234, pool=200, heldout=12)
    train = [j for j in jobs if j.split == "train"]
    held = [j for j in jobs if j.split == "heldout_sentences"]
    assert len(train) == 40 and len(held) > 0
    assert {j.text for j in train}.isdisjoint(j.text for j in held)
    assert {j.identity.speaker for j in jobs} == {"piper-joe"} and all(j.identity.transform is None for j in jobs)
    # The same held-out sentences as the corpus of that seed, so no LM of the recipe has trained on them.
    _, corpus_held = ov.sentences.split_pool(ov.sentences.build_pool("en", 200, 1234), 12, 1234, "en")
    assert sorted(j.text for j in held) == sorted(s.text for s in corpus_held)
    # Content-addressed ids: a second plan names the same clips, which is what lets a killed build resume.
    assert [j.id for j in ov.plan(voice, 40, 1234, 200, 12)] == [j.id for j in jobs]


def test_a_voice_of_several_languages_needs_its_language() -> None:
    ov = load_script("recipes/default/one_voice.py")
    assert ov.pick_voice("piper-joe").lang == "en"
    assert ov.pick_voice("kokoro-jf_alpha", "es").lang == "es"
    with pytest.raises(SystemExit, match="choose one with --lang"):
        ov.pick_voice("kokoro-jf_alpha")
    with pytest.raises(SystemExit, match="no voice 'piper-joe' in 'fr'"):
        ov.pick_voice("piper-joe", "fr")
