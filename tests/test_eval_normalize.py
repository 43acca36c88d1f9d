"""Text normalisation before scoring: Whisper's English normaliser and the basic one for other languages."""

from __future__ import annotations

import importlib.util

import pytest

from voxtral_tts.eval.metrics import wer
from voxtral_tts.eval.normalize import basic_normalize, normalize_text

needs_whisper_norm = pytest.mark.skipif(
    importlib.util.find_spec("whisper_normalizer") is None,
    reason="whisper-normalizer is not installed (pip install -e '.[eval]'; `make test` installs it)",
)
needs_num2words = pytest.mark.skipif(
    importlib.util.find_spec("num2words") is None,
    reason="num2words is not installed (pip install -e '.[eval]'; `make test` installs it)",
)


@needs_whisper_norm
def test_english_whisper_rules() -> None:
    assert normalize_text("It's twenty-one colours!", "en") == "it is 21 colors"
    assert normalize_text("Hello, WORLD... (laughs) um, yes", "en") == "hello world yes"
    # Numbers written either way agree, so a judge that writes digits is not penalised.
    assert normalize_text("There are 365 days.", "en") == normalize_text(
        "There are three hundred sixty five days", "en"
    )
    assert wer(normalize_text("The trip takes 3 hours.", "en"), normalize_text("the trip takes three hours", "en")) == 0


@needs_num2words
def test_basic_numbers_are_spelled_in_the_items_language() -> None:
    assert basic_normalize("Le billet coûte 45 euros.", "fr") == "le billet coûte quarante cinq euros"
    assert basic_normalize("45", "fr") == basic_normalize("quarante-cinq", "fr")
    assert basic_normalize("Un año tiene 365 días.", "es") == "un año tiene trescientos sesenta y cinco días"
    assert basic_normalize("1.000 Euro", "de") == basic_normalize("1000 Euro", "de")


def test_basic_punctuation_case_and_apostrophes() -> None:
    assert basic_normalize("L'été, à l’étage ?", "fr") == "l'été à l'étage"
    assert basic_normalize("¿Dónde aparcaste el coche?", "es") == "dónde aparcaste el coche"
    assert basic_normalize("'quoted' words", "en") == "quoted words"
    assert basic_normalize("Straße  GROSS\tklein", "de") == "strasse gross klein"  # casefold folds ß
    assert basic_normalize("", "fr") == ""


def test_arabic_folding() -> None:
    vowelled = "أَيْنَ أَوْقَفْتَ السَّيَّارَةَ؟"
    assert basic_normalize(vowelled, "ar") == basic_normalize("اين اوقفت السياره", "ar") == "اين اوقفت السياره"
    assert basic_normalize("إلى مدرسة", "ar") == "الي مدرسه"


@needs_num2words
def test_arabic_digits_of_either_script() -> None:
    assert basic_normalize("٤٥ يورو", "ar") == basic_normalize("45 يورو", "ar")


def test_hindi_keeps_vowel_signs_and_drops_danda() -> None:
    assert basic_normalize("बहुत धन्यवाद।", "hi") == "बहुत धन्यवाद"
    assert basic_normalize("किताब", "hi") == "किताब"  # the matras ि and ा are letters' vowels, not accents


def test_language_codes_are_forgiving() -> None:
    assert normalize_text("Olá, tudo bem?", "pt-BR") == "olá tudo bem"
    assert normalize_text("Olá, tudo bem?", "PT") == "olá tudo bem"


@needs_num2words
def test_euro_sign_reads_as_the_word() -> None:
    assert basic_normalize("A passagem custa 45€.", "pt") == basic_normalize("A passagem custa 45 euros.", "pt")
    assert basic_normalize("45 €", "de") == "fünfundvierzig euro"
