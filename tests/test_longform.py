"""Long-form synthesis: splitting, chunking with carried prosody, levelled joins, guards, CLI and timestamps."""

from __future__ import annotations

import math
import types
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import torch

from voxtral_tts import Request, TextError, VoxtralTTS
from voxtral_tts.cli import main
from voxtral_tts.generate import FrameLoop
from voxtral_tts.longform import (
    Guard,
    LongFormJob,
    LongFormOptions,
    Word,
    _Leveler,
    chunk_seed,
    format_subtitles,
    server_generation,
    stream_speech,
    synthesize,
    word_timestamps,
)
from voxtral_tts.streaming import decode_frames
from voxtral_tts.text.split import chunk_text, split_clauses, split_sentences

SHORT = LongFormOptions(max_chunk_chars=40)
TEXT = "The first sentence is here. The second one follows, with a clause. A third closes it; done."
# Two chunks and no retries: enough to cross a chunk boundary, cheap enough for every test.
FAST = LongFormOptions(max_chunk_chars=20, guard=Guard(retries=0))
TWO = "One more here. Two more here."

# -- splitting ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        (
            "en",
            'Dr. Smith paid $3.50 for it. "Stop!" she said. Then J. R. R. Tolkien left... And so on.',
            ["Dr. Smith paid $3.50 for it.", '"Stop!" she said.', "Then J. R. R. Tolkien left...", "And so on."],
        ),
        (
            "en",
            "It ends at 5 p.m. Then it stops. Pi is 3.14 today.",
            ["It ends at 5 p.m.", "Then it stops.", "Pi is 3.14 today."],
        ),
        ("en", "See e.g. the list, etc. and more. Done.", ["See e.g. the list, etc. and more.", "Done."]),
        (
            "fr",
            "« Bonjour. » Il partit. M. Dupont arriva, etc. Puis rien.",
            ["« Bonjour. »", "Il partit.", "M. Dupont arriva, etc.", "Puis rien."],
        ),
        (
            "de",
            "Er kam z. B. am Montag. Das ist Nr. 5. Dann ging er.",
            ["Er kam z. B. am Montag.", "Das ist Nr. 5.", "Dann ging er."],
        ),
        ("de", "„Hallo.“ Er ging. Es kostet 3,50 €.", ["„Hallo.“", "Er ging.", "Es kostet 3,50 €."]),
        ("es", "¿Vienes? ¡Sí! El Sr. García llegó.", ["¿Vienes?", "¡Sí!", "El Sr. García llegó."]),
        ("it", "Il Sig. Rossi è qui. Costa 3,5 euro.", ["Il Sig. Rossi è qui.", "Costa 3,5 euro."]),
        ("pt", "O Sr. Silva chegou. Tudo bem?", ["O Sr. Silva chegou.", "Tudo bem?"]),
        ("nl", "Dhr. Jansen kwam, bijv. gisteren. Daarna niet.", ["Dhr. Jansen kwam, bijv. gisteren.", "Daarna niet."]),
        ("ar", "مرحبا بكم. كيف حالكم؟ أنا بخير.", ["مرحبا بكم.", "كيف حالكم؟", "أنا بخير."]),
        ("hi", "मैं ठीक हूँ। आप कैसे हैं? डॉ. शर्मा आए।", ["मैं ठीक हूँ।", "आप कैसे हैं?", "डॉ. शर्मा आए।"]),
    ],
)
def test_split_sentences(lang: str, text: str, expected: list[str]) -> None:
    assert split_sentences(text, lang) == expected


def test_clauses_and_words_fill_chunks_up_to_the_limit() -> None:
    sentence = "A long sentence, with many clauses, " * 10 + "and an end."
    parts = split_clauses(sentence, 80)
    assert all(len(p) <= 80 for p in parts) and " ".join(parts) == sentence
    assert all(p.endswith(",") for p in parts[:-1])  # cut after commas
    assert split_clauses("x" * 100, 40) == ["x" * 40, "x" * 40, "x" * 20]
    assert split_clauses("Short.", 40) == ["Short."]


def test_chunks_pack_sentences_and_break_at_paragraphs() -> None:
    text = "One. Two. Three.\nStill the first paragraph.\n\nA second paragraph."
    assert chunk_text(text, "en", 40) == ["One. Two. Three.", "Still the first paragraph.", "A second paragraph."]
    assert chunk_text(text, "en", 250) == ["One. Two. Three. Still the first paragraph.", "A second paragraph."]
    with pytest.raises(ValueError, match="max_chars must be at least 20"):
        chunk_text(text, "en", 5)


# -- short text keeps its old path ----------------------------------------------------------------------------


def _old_generate(tts: VoxtralTTS, text: str, voice: str, seed: int, max_seconds: float | None):
    req, _ = tts._request(text, voice, None, seed, None, max_seconds)
    loop = FrameLoop(tts.model, [req])
    frames = []
    while not loop.done:
        f, produced = loop.step()
        if produced[0]:
            frames.append(f[0])
    stacked = torch.stack(frames)
    return stacked.numpy(), decode_frames(tts.model.codec, stacked).numpy()


@pytest.mark.parametrize(("text", "max_seconds"), [("Hello there.", None), ("Hi there.", 1.0)])
def test_short_text_is_bit_identical_to_a_single_pass(tts: VoxtralTTS, text: str, max_seconds: float | None) -> None:
    frames, wave = _old_generate(tts, text, "tiny_male", 0, max_seconds)
    audio = tts.generate(text, voice="tiny_male", seed=0, max_seconds=max_seconds, watermark=False)
    assert np.array_equal(audio.frames, frames) and np.array_equal(audio.samples, wave)


# -- long text ------------------------------------------------------------------------------------------------


def test_long_text_streams_exactly_what_generate_returns(tts: VoxtralTTS) -> None:
    audio, records = synthesize(tts, TEXT, voice="tiny_female", seed=3, options=SHORT)
    assert [r.text for r in records] == [
        "The first sentence is here.",
        "The second one follows, with a clause.",
        "A third closes it; done.",
    ]
    assert records[0].start == 0 and records[-1].end == audio.samples.size
    assert all(a.end == b.start for a, b in zip(records, records[1:]))
    assert sum(r.frames for r in records) == audio.frames.shape[0]
    assert audio.samples.size == audio.frames.shape[0] * 1920
    joined = np.concatenate(list(tts.stream(TEXT, voice="tiny_female", seed=3, longform=SHORT, watermark=False)))
    assert np.array_equal(joined, audio.samples)


def test_next_chunk_prompt_carries_the_previous_chunk(long_tts: VoxtralTTS) -> None:
    job = LongFormJob(long_tts, TEXT, voice="tiny_male", seed=1, max_seconds=2.4, options=SHORT, streaming=False)
    job.run()
    assert [r.frames for r in job.records] == [30]  # the budget ran out inside the first chunk
    job = LongFormJob(long_tts, TEXT, voice="tiny_male", seed=1, options=SHORT, streaming=False)
    with torch.inference_mode():
        job.next_request()
        first = torch.randint(2, 20, (7, 37))
        for f in first:
            job.push(f)
        job.end("end_audio")
        prompt = job.next_request().prompt
        head = long_tts._embed_prompt(
            f"{job.texts[0]} {job.texts[1]}", "tiny_male", None, long_tts.voice_bank.rows("tiny_male")
        )
        expect = torch.cat([head, long_tts.model.embed_frames(first)])
    assert torch.equal(prompt, expect)
    assert job.attempt.carried
    no_carry = LongFormJob(
        long_tts, TEXT, voice="tiny_male", seed=1, options=LongFormOptions(max_chunk_chars=40, carry_frames=0)
    )
    with torch.inference_mode():
        no_carry.next_request()
        for f in first:
            no_carry.push(f)
        no_carry.end("end_audio")
        alone = long_tts._embed_prompt(no_carry.texts[1], "tiny_male", None, long_tts.voice_bank.rows("tiny_male"))
        assert torch.equal(no_carry.next_request().prompt, alone)


def test_max_seconds_bounds_the_whole_text(long_tts: VoxtralTTS) -> None:
    audio, records = synthesize(long_tts, TEXT, voice="tiny_male", seed=2, max_seconds=3, options=SHORT)
    assert audio.frames.shape[0] == 38 and len(records) == 1 and records[0].verdict == "cut"


def test_batch_rows_equal_their_own_generate_calls_for_long_text_too(tts: VoxtralTTS) -> None:
    reqs = [Request(TWO, voice="tiny_male", seed=5), Request("Short one.", voice="tiny_female", seed=6)]
    batch = tts.generate_batch(reqs, longform=FAST, watermark=False)
    for r, out in zip(reqs, batch):
        single = tts.generate(r.text, voice=r.voice, seed=r.seed, longform=FAST, watermark=False)
        assert np.array_equal(out.frames, single.frames) and np.array_equal(out.samples, single.samples)


def test_cloned_voice_is_encoded_once_for_all_chunks(tts: VoxtralTTS, ref_wav: Path, monkeypatch) -> None:
    calls = {"n": 0}
    real = tts._reference_rows

    def counting(ref):
        calls["n"] += 1
        return real(ref)

    monkeypatch.setattr(tts, "_reference_rows", counting)
    _, records = synthesize(tts, TWO, ref_audio=ref_wav, seed=1, options=FAST)
    assert calls["n"] == 1 and len(records) == 2


# -- guards -----------------------------------------------------------------------------------------------------


def test_chunk_seeds_are_derived_and_deterministic() -> None:
    assert chunk_seed(42, 0, 0) == 42
    assert chunk_seed(42, 0, 1) == chunk_seed(42, 0, 1) != chunk_seed(42, 1, 0) != 42


def test_guard_bounds_scale_with_the_text() -> None:
    g = Guard()
    lo_short, hi_short = g.bounds("Hi.", "en")
    lo_long, hi_long = g.bounds("A much longer sentence that takes a few seconds to say out loud.", "en")
    assert lo_short == 0 and hi_short < 3 and lo_long > 1 and hi_long > 10
    with pytest.raises(ValueError, match="retries must be 0 or more"):
        Guard(retries=-1)


def test_truncated_chunk_is_retried_with_a_new_seed(long_tts: VoxtralTTS, monkeypatch) -> None:
    fm = long_tts.model.acoustic_transformer
    real = fm.semantic_logits
    calls = {"n": 0}

    def end_first_attempt(h: torch.Tensor, *args, **kwargs) -> torch.Tensor:
        logits = real(h, *args, **kwargs)
        if calls["n"] == 0:
            logits[:, 1] = 1e9
        calls["n"] += 1
        return logits

    monkeypatch.setattr(fm, "semantic_logits", end_first_attempt)
    audio, records = synthesize(long_tts, "Retry me please.", voice="tiny_male", seed=7, max_seconds=1)
    assert records[0].attempts == 2 and records[0].seed == chunk_seed(7, 0, 1)
    assert audio.frames.shape[0] == 13 and audio.seed == 7


def test_run_on_is_capped_from_the_text_length_and_retried(long_tts: VoxtralTTS) -> None:
    assert Guard().bounds("Hi.", "en")[1] < 3  # the default cap after "Hi": under 3 s, not 164
    guard = Guard(retries=1, max_slack_s=0.2)
    options = LongFormOptions(guard=guard)
    hi = guard.bounds("Hi.", "en")[1]
    audio, records = synthesize(long_tts, "Hi", voice="tiny_male", seed=1, options=options)
    assert records[0].text == "Hi." and records[0].verdict == "run-on" and records[0].attempts == 2
    assert audio.frames.shape[0] == math.ceil(hi * 12.5)
    # Streaming cannot take back audio it has played: a run-on chunk is cut at the cap, not retried.
    job = LongFormJob(long_tts, "Hi", voice="tiny_male", seed=1, options=options)
    streamed = np.concatenate(list(job.stream()))
    assert job.records[0].attempts == 1 and streamed.size == audio.samples.size


def test_streaming_first_audio_is_not_delayed_by_the_guard(long_tts: VoxtralTTS) -> None:
    text = "A first sentence that is long enough to have a truncation bound of many frames, well past five."
    job = LongFormJob(long_tts, text, voice="tiny_male", seed=0)
    assert job._first.lo > 5 and job._first.hold == 5
    with torch.inference_mode():
        job.next_request()
        out = [job.push(f) for f in torch.randint(2, 20, (5, 37))]
    assert [len(o) for o in out] == [0, 0, 0, 0, 1] and out[-1][0].size == 5 * 1920


def test_retries_zero_disables_them(long_tts: VoxtralTTS) -> None:
    options = LongFormOptions(guard=Guard(retries=0, max_slack_s=0.2))
    _, records = synthesize(long_tts, "Hi", voice="tiny_male", seed=1, options=options)
    assert records[0].attempts == 1


@pytest.mark.parametrize("text", ["?", "...", " ! "])
def test_lone_punctuation_is_a_short_silence(long_tts: VoxtralTTS, text: str) -> None:
    audio = long_tts.generate(text, voice="tiny_male", watermark=False)
    assert 0 < audio.duration <= 1.0 and not audio.samples.any() and audio.stop_reason == "pause"
    streamed = np.concatenate(list(long_tts.stream(text, voice="tiny_male", watermark=False)))
    assert streamed.size == audio.samples.size and not streamed.any()


@pytest.mark.parametrize("text", ["🙂", "🎉 ✨"])
def test_nothing_left_after_normalisation_is_a_text_error(tts: VoxtralTTS, text: str) -> None:
    with pytest.raises(TextError, match="text is empty after normalisation"):
        tts.generate(text, voice="tiny_male")
    with pytest.raises(TextError, match="text is empty after normalisation"):
        tts.generate(text, voice="tiny_male", normalize=False)


def test_normalisation_is_on_by_default_and_can_be_turned_off(tts: VoxtralTTS) -> None:
    job = LongFormJob(tts, "It costs $5", voice="tiny_male", seed=0)
    assert job.texts == ["It costs five dollars."] and job.lang == "en"
    job = LongFormJob(tts, "It costs $5", voice="tiny_male", seed=0, normalize_text=False)
    assert job.texts == ["It costs $5"]
    job = LongFormJob(tts, "Il a 3,5 kg.", voice="tiny_male", seed=0, language="fr")
    assert job.texts == ["Il a trois virgule cinq kilogrammes."]
    with pytest.raises(ValueError, match="language 'xx' is not supported"):
        tts.generate("Hi", voice="tiny_male", language="xx")


# -- joins --------------------------------------------------------------------------------------------------------


def _tone(seconds: float, amp: float, sr: int = 24000) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    return (amp * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def _db(x: np.ndarray) -> float:
    return 10 * np.log10(np.mean(np.square(x.astype(np.float64))))


def test_leveler_brings_chunks_to_the_loudness_before_them_without_clicks() -> None:
    lev = _Leveler(24000, True, max_gain_db=6.0, ramp_s=0.05)
    first = lev(_tone(2, 0.2))
    assert np.array_equal(first, _tone(2, 0.2))  # the first chunk is untouched
    lev.end_chunk()
    quiet = [lev(_tone(2, 0.1)), lev(_tone(2, 0.1))]
    assert abs(_db(quiet[1]) - _db(first)) < 0.1  # -6 dB made up
    steps = np.abs(np.diff(np.concatenate([first, *quiet])))
    assert steps.max() < 2 * np.abs(np.diff(first)).max()  # the gain change is ramped, not a step
    lev.end_chunk()
    very_quiet = lev(_tone(2, 0.01))
    assert _db(very_quiet) < _db(first) - 13  # at most +6 dB: -20 dB becomes -14 dB, no more


def test_chunk_loudness_is_levelled_in_the_output(tts: VoxtralTTS) -> None:
    flat = LongFormJob(tts, TEXT, voice="tiny_male", seed=3, options=LongFormOptions(max_chunk_chars=40, level=False))
    flat.streaming = False
    flat.run()
    # The same frames assembled again with levelling on: only the gains differ.
    levelled = LongFormJob(tts, TEXT, voice="tiny_male", seed=3, options=SHORT, streaming=False)
    levelled.committed, levelled.records, levelled.stop_reason = flat.committed, flat.records, flat.stop_reason
    a, b = flat.audio(), levelled.audio()
    spans = [(r.start, r.end) for r in flat.records if r.end - r.start > 4800]

    def spread(x: np.ndarray) -> float:
        levels = [_db(x[s:e]) for s, e in spans]
        return max(levels) - min(levels)

    assert np.array_equal(a.frames, b.frames) and len(spans) >= 2
    assert spread(b.samples) <= spread(a.samples) + 1e-6


# -- server entry point, CLI, timestamps -------------------------------------------------------------------------


def test_stream_speech_is_the_server_entry_point(tts: VoxtralTTS) -> None:
    blocks = list(stream_speech(tts, TWO, voice="tiny_female", seed=3, options=FAST))
    expect = tts.generate(TWO, voice="tiny_female", seed=3, longform=FAST, watermark=False)
    assert np.array_equal(np.concatenate(blocks), expect.samples)
    with pytest.raises(TextError):
        stream_speech(tts, "   ", voice="tiny_female")


def test_server_generation_runs_on_an_engine_like_the_scheduler(tts: VoxtralTTS) -> None:
    from voxtral_tts.generate import Engine

    voice = types.SimpleNamespace(rows=tts.voice_bank.rows("tiny_female"), preset="tiny_female", ref_samples=0)
    spec = types.SimpleNamespace(
        text=TWO, voice=voice, seed=3, cfg_alpha=None, noise_scale=None, max_seconds=60.0, max_len=400
    )
    job = server_generation(tts, spec)
    engine = Engine(tts.model, max_batch=2, max_len=spec.max_len)
    blocks = []
    with torch.inference_mode():
        req = job.next_request()
        while req is not None:
            assert req.prompt.shape[0] + req.max_frames + 1 <= spec.max_len
            engine.add(req)
            done = False
            while not done:
                for r in engine.step():
                    if r.frame is not None:
                        blocks += job.push(r.frame)
                    if r.stop_reason:
                        blocks += job.end(r.stop_reason)
                        done = True
            req = job.next_request()
        blocks += job.finish()
    expect = list(stream_speech(tts, TWO, voice="tiny_female", seed=3, max_seconds=60.0))
    assert np.array_equal(np.concatenate(blocks), np.concatenate(expect))


def test_cli_reads_a_text_file_or_stdin(long_dir: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    src = tmp_path / "chapter.txt"
    src.write_text("First paragraph, first line.\nSame paragraph.\n\nSecond paragraph costs $5.", encoding="utf-8")
    out = tmp_path / "a.wav"
    common = ["--model", str(long_dir), "--voice", "tiny_male", "--seed", "1", "--max-seconds", "0.8"]
    assert main(["speak", "--text-file", str(src), "-o", str(out), *common]) == 0
    data, sr = sf.read(out)
    assert sr == 24000 and data.size == 10 * 1920
    monkeypatch.setattr("sys.stdin", types.SimpleNamespace(read=lambda: src.read_text()))
    assert main(["speak", "--text-file", "-", "-o", str(tmp_path / "b.wav"), "--no-normalize", *common]) == 0
    capsys.readouterr()
    assert main(["speak", "Hi", "--text-file", str(src), "-o", str(out), *common]) == 1
    assert "give the text or --text-file, not both" in capsys.readouterr().err
    assert main(["speak", "--text-file", str(tmp_path / "none.txt"), "-o", str(out), *common]) == 1
    assert "none.txt: text file not found" in capsys.readouterr().err
    assert main(["speak", "Hi", "-o", str(out), "--timestamps", str(tmp_path / "t.txt"), *common]) == 1
    assert "--timestamps must end in .srt or .vtt" in capsys.readouterr().err
    assert main(["speak", "-o", str(out), *common]) == 1
    assert "give the text to speak" in capsys.readouterr().err


def test_subtitles_from_word_timings() -> None:
    words = [Word("Hello", 0.0, 0.42), Word("world.", 0.5, 1.234)]
    srt = format_subtitles(words, "srt")
    assert srt.startswith("1\n00:00:00,000 --> 00:00:00,420\nHello\n\n2\n00:00:00,500 --> 00:00:01,234\nworld.\n")
    vtt = format_subtitles(words, "vtt")
    assert (
        vtt.startswith("WEBVTT\n\nNOTE word timings: ASR word timings")
        and "00:00:00.500 --> 00:00:01.234\nworld." in vtt
    )
    with pytest.raises(ValueError, match="srt or vtt"):
        format_subtitles(words, "ass")


def test_word_timestamps_come_from_the_judge_per_chunk() -> None:
    seen = []

    class FakeModel:
        def transcribe(self, audio, **kw):
            seen.append((audio.size, kw["word_timestamps"], kw["language"]))
            w = types.SimpleNamespace(word=" hi", start=0.1, end=0.3)
            return [types.SimpleNamespace(words=[w])], None

    judge = types.SimpleNamespace(model=FakeModel())
    samples = np.zeros(48000, dtype=np.float32)
    words = word_timestamps(samples, 24000, "fr", spans=[(0, 24000), (24000, 48000)], asr=judge)
    assert [(w.text, w.start, w.end) for w in words] == [("hi", 0.1, 0.3), ("hi", 1.1, 1.3)]
    assert seen == [(16000, True, "fr"), (16000, True, "fr")]
    from voxtral_tts.eval.errors import JudgeMissingError

    with pytest.raises(JudgeMissingError, match="faster-whisper ASR judge"):
        word_timestamps(samples, 24000, "en", asr=types.SimpleNamespace(name="other"))
