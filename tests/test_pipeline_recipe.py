"""recipes/default/pipeline.py: how it tells what is done, and how it picks the preset voices' references."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from conftest import REPO, load_script


def load():
    return load_script("recipes/default/pipeline.py")


def test_steps_done_is_the_checkpoints_step_not_the_last_logged_one(tmp_path: Path) -> None:
    import torch

    pipe = load()
    run = tmp_path / "run"
    run.mkdir()
    # A run killed between checkpoints: steps 1-3 logged, the checkpoint holds step 2.
    (run / "metrics.jsonl").write_text("".join(json.dumps({"step": s, "loss": 1.0}) + "\n" for s in (1, 2, 3)))
    assert pipe.steps_done(run) == 0  # no last.pt: nothing to resume from
    torch.save({"kind": "codec", "step": 2}, run / "last.pt")
    assert pipe.steps_done(run) == 2


def entry(i: int, lang: str, speaker: str, seconds: float, augment=None) -> dict:
    return {"id": f"c{i}", "audio": f"{i}.flac", "text": "t", "language": lang, "speaker": speaker,
            "duration": seconds, "augment": augment}  # fmt: skip


def test_reference_clips_for_a_preset_voice() -> None:
    pipe = load()
    entries = [
        entry(0, "fr", "espeak-m1", 4.0),
        entry(1, "fr", "espeak-m2", 2.0),
        entry(2, "fr", "espeak-m2", 4.0),
        entry(3, "fr", "espeak-m2", 5.0),
        entry(4, "fr", "espeak-m2", 6.0, augment={"pitch": 2}),  # augmented clips never serve as references
        entry(5, "fr", "pico-fr-FR", 1.0),
        entry(6, "de", "espeak-m1", 9.0),
    ]
    speaker, clips = pipe.reference_for(entries, "fr", "espeak-m")  # a prefix: the speaker with most clips
    assert speaker == "espeak-m2" and [c["id"] for c in clips] == ["c3", "c2"]  # longest first, to 7 s or more
    speaker, clips = pipe.reference_for(entries, "fr", "espeak-m1")
    assert speaker == "espeak-m1" and [c["id"] for c in clips] == ["c0"]
    assert pipe.reference_for(entries, "fr", "pico-fr-FR") is None  # under 3.5 s of speech
    assert pipe.reference_for(entries, "nl", "espeak-m") is None
    assert len({name for name, _, _ in pipe.PRESETS}) >= 10 and {lang for _, lang, _ in pipe.PRESETS} == {
        "en",
        "fr",
        "de",
        "es",
        "it",
        "pt",
        "nl",
        "ar",
        "hi",
    }


def load_probe():
    return load_script("recipes/default/probe.py")  # it imports evaluate.py beside it


def test_probe_picks_distinct_references_per_language_and_plots_its_log(tmp_path: Path) -> None:
    from voxtral_tts.eval.sets import EvalItem

    probe = load_probe()
    items = [EvalItem(f"en-a-c{k}", "t", "en", ref_audio="a.wav") for k in range(3)]
    items += [EvalItem("en-b-c0", "t", "en", ref_audio="b.wav"), EvalItem("fr-c-c0", "t", "fr", ref_audio="c.wav")]
    chosen = probe.pick(items, per_lang=2)
    assert [i.id for i in chosen] == ["en-a-c0", "en-b-c0", "fr-c-c0"]
    assert [i.id for i in probe.pick(items, per_lang=3)][:3] == ["en-a-c0", "en-b-c0", "en-a-c1"]

    lang = {"n": 2, "n_failed": 0, "wer": 0.5, "cer": 0.2, "sim_mean": 0.6, "sec_per_char_median": 0.07}
    rows = [{"step": s, "languages": {"en": lang, "fr": {**lang, "sim_mean": None}}} for s in (250, 500, 500)]
    out = probe.plot(rows, tmp_path / "p.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def make_plan(pipe, tmp_path: Path, codec_set: list[str] | None = None):
    here = REPO / "recipes" / "default" / "train"
    return pipe.Plan(
        pipe.Paths.under(tmp_path, tmp_path / "shipped"), here / "codec.yaml", here / "lm.yaml", codec_set or [], [], [],
        0.0, 2,
    )  # fmt: skip


def test_decoder_phase_on_a_cpu_drops_the_discriminator_and_takes_bf16_where_native(
    tmp_path: Path, monkeypatch
) -> None:
    pipe = load()
    monkeypatch.setattr(pipe, "on_gpu", lambda: False)
    plan = make_plan(pipe, tmp_path)
    from voxtral_tts.train.config import CodecConfig, load_config

    end = load_config(CodecConfig, plan.codec_config, []).run.steps  # the recipe's run length: no step is adversarial
    sets = pipe.decoder_sets(plan)
    assert sets[0].startswith("data.manifest=") and f"loss.disc_start={end}" in sets and "run.precision=auto" in sets
    mine = pipe.decoder_sets(make_plan(pipe, tmp_path, ["loss.disc_start=100", "run.steps=500"]))
    assert mine.index("loss.disc_start=100") > mine.index("loss.disc_start=500")  # the user's setting comes last
    monkeypatch.setattr(pipe, "on_gpu", lambda: True)
    assert not any(s.startswith("loss.disc_start") for s in pipe.decoder_sets(make_plan(pipe, tmp_path)))


def test_train_together_runs_both_at_once_with_the_cores_split(tmp_path: Path, monkeypatch, capfd) -> None:
    import torch

    pipe = load()
    plan = make_plan(pipe, tmp_path)
    # Each fake trainer says how many threads it got, waits for the other to start, and checkpoints its end.
    script = (
        "import sys, time, torch, pathlib; run = pathlib.Path(sys.argv[1]); run.mkdir(parents=True, exist_ok=True);"
        "(run / 'started').touch(); other = pathlib.Path(sys.argv[2]) / 'started'; t = time.time();"
        "exec('while not other.exists() and time.time() - t < 20: time.sleep(0.05)');"
        "print(sys.argv[5], 'saw the other:', other.exists());"
        "torch.save({'step': int(sys.argv[3])}, run / 'last.pt')"
    )

    def fake_piece(plan, kind, config, sets, run, until=None):
        if run.name == "c":
            return None, 5  # already at its end: no command, and the cores go to the others
        other = tmp_path / ("b" if run.name == "a" else "a")
        return [sys.executable, "-c", script, run, other, 7 if kind == "lm" else 3], 7

    monkeypatch.setattr(pipe, "piece", fake_piece)
    monkeypatch.setattr(pipe.os, "cpu_count", lambda: 2)
    (tmp_path / "c").mkdir()
    torch.save({"step": 5}, tmp_path / "c" / "last.pt")
    jobs = [("lm", None, [], tmp_path / "a"), ("codec", None, [], tmp_path / "b"), ("codec", None, [], tmp_path / "c")]
    done = pipe.train_together(plan, jobs)
    assert done == [True, False, True]  # the second stopped at step 3 of 7
    err = capfd.readouterr().err
    assert "[a] run.threads=1 saw the other: True" in err and "[b] run.threads=1 saw the other: True" in err
    assert "[c]" not in err
    assert torch.load(tmp_path / "a" / "last.pt")["step"] == 7


def clip(i: int, lang: str, teacher: str, augment=None) -> dict:
    return {"id": f"{lang}-{i:02d}", "audio": f"audio/{i}.flac", "text": "t", "language": lang,
            "speaker": f"{teacher}-x", "teacher": teacher, "duration": 3.0, "augment": augment}  # fmt: skip


def test_codec_check_clips_prefer_teachers_the_judge_understands(tmp_path: Path) -> None:
    pipe = load()
    rows = [clip(0, "en", "espeak"), clip(1, "en", "pico"), clip(2, "en", "pico"), clip(3, "en", "kokoro"),
            clip(4, "en", "kokoro", augment={"pitch": 1}), clip(5, "nl", "espeak"), clip(6, "nl", "espeak")]  # fmt: skip
    (tmp_path / "heldout_sentences.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    got = pipe.check_clips(tmp_path, per_lang=2)
    assert [r["id"] for r in got] == ["en-01", "en-03", "nl-05", "nl-06"]  # distinct teachers first, no espeak in en
    assert Path(got[0]["audio"]).is_absolute()
    assert [r["id"] for r in pipe.check_clips(tmp_path, per_lang=3)][:3] == ["en-01", "en-03", "en-02"]


def test_gate_reads_only_languages_whose_originals_the_judge_understands() -> None:
    pipe = load()

    def lang(orig: float, codec: float, n: int = 3) -> dict:
        return {"n": n, "wer_original": orig, "wer_codec": codec}

    result = {"all": lang(0.5, 0.5, 9), "en": lang(0.1, 0.2), "de": lang(0.05, 0.3), "hi": lang(1.2, 1.5),
              "unquantized": True, "items": []}  # fmt: skip
    ok, why = pipe.gate_verdict(result)
    assert ok and "WER 25.0%" in why and "(de, en; 6 clips)" in why and why.startswith("unquantized")
    result["en"] = lang(0.1, 0.5)
    assert not pipe.gate_verdict(result)[0]
    assert not pipe.gate_verdict({"hi": lang(1.2, 0.1), "unquantized": True})[0]  # nothing the judge can measure


def test_gate_stage_stops_the_pipeline_unless_skipped_and_judges_each_export_once(tmp_path: Path, monkeypatch) -> None:
    pipe = load()
    plan = make_plan(pipe, tmp_path)
    (plan.paths.corpus).mkdir(parents=True)
    (plan.paths.corpus / "heldout_sentences.jsonl").write_text(json.dumps(clip(1, "en", "pico")) + "\n")
    plan.codec_model.mkdir(parents=True)
    (plan.codec_model / ".exported_from").write_text("run 1")
    calls = []

    def fake_sh(cmd):  # stands in for `voxtral-tts train codec-eval --unquantized`
        calls.append(cmd)
        out = Path(cmd[cmd.index("--out") + 1])
        wer = 0.9 if len(calls) == 1 else 0.1
        doc = {"en": {"n": 1, "wer_original": 0.0, "wer_codec": wer}, "unquantized": True}
        (out / "codec_eval.json").write_text(json.dumps(doc))

    monkeypatch.setattr(pipe, "sh", fake_sh)
    assert pipe.stage_gate(plan) is False and "--unquantized" in calls[0]
    assert pipe.stage_gate(plan) is False and len(calls) == 1  # the same export is not judged again
    assert "fails the 30% gate" in pipe.status(plan)[2]
    plan.skip_gate = True
    assert pipe.stage_gate(plan) is True and len(calls) == 1
    plan.skip_gate = False
    (plan.codec_model / ".exported_from").write_text("run 2")  # a new export is judged afresh
    assert pipe.stage_gate(plan) is True and len(calls) == 2
    # A pinned codec is judged on the frames its LM learns: true envelopes, not the autoencoder.
    (plan.codec_model / pipe.PINNED_FILE).write_text("{}")
    (plan.codec_model / ".exported_from").write_text("run 3")
    assert pipe.stage_gate(plan) is True and "--unquantized" not in calls[2]
    assert calls[2][calls[2].index("--acoustic") + 1] == "envelope"


def test_frames_stage_encodes_the_held_out_sentences_and_the_lm_is_judged_on_them(tmp_path: Path, monkeypatch) -> None:
    pipe = load()
    plan = make_plan(pipe, tmp_path)
    plan.codec_model.mkdir(parents=True)
    (plan.codec_model / pipe.PINNED_FILE).write_text("{}")
    calls = []
    monkeypatch.setattr(pipe, "sh", lambda cmd: calls.append([str(c) for c in cmd]))
    plan.paths.frames.mkdir(parents=True)  # data encode would have made it
    assert pipe.stage_frames(plan)
    manifests = [c[c.index("--manifest") + 1] for c in calls]
    outs = [c[c.index("--out") + 1] for c in calls]
    assert [Path(m).name for m in manifests] == ["manifest.jsonl", "heldout_sentences.jsonl"]
    assert outs == [str(plan.paths.frames), str(pipe.val_frames(plan))]
    assert all(c[c.index("--acoustic") + 1] == "envelope" for c in calls)

    seen = []
    monkeypatch.setattr(pipe, "on_gpu", lambda: True)
    monkeypatch.setattr(pipe, "train", lambda plan, kind, config, sets, run, until=None: seen.append(sets) or True)
    pipe.stage_lm(plan)
    assert not any(s.startswith("data.val_frames=") for s in seen[0])  # nothing encoded there yet
    pipe.val_frames(plan).mkdir(parents=True)
    (pipe.val_frames(plan) / "index.jsonl").write_text("")
    pipe.stage_lm(plan)
    assert f"data.val_frames={pipe.val_frames(plan)}" in seen[1]


def test_export_takes_the_lms_best_weights_and_ship_keeps_the_envelope_file(tmp_path: Path, monkeypatch) -> None:
    pipe = load()
    plan = make_plan(pipe, tmp_path)
    calls = []

    def fake_sh(cmd):
        calls.append([str(c) for c in cmd])
        out = Path(calls[-1][calls[-1].index("--out") + 1])
        out.mkdir(parents=True, exist_ok=True)

    monkeypatch.setattr(pipe, "sh", fake_sh)
    for folder in (plan.lm_run, plan.codec_model):
        folder.mkdir(parents=True)
    (plan.lm_run / "last.pt").write_bytes(b"x")
    (plan.codec_model / ".exported_from").write_text("codec")
    pipe.stage_export(plan)
    assert "--best" not in calls[-1]  # no held-out losses were logged, so there is no best.pt
    (plan.lm_run / "best.pt").write_bytes(b"x")
    pipe.stage_export(plan)
    assert calls[-1][-1] == "--best" and len(calls) == 2
    pipe.stage_export(plan)
    assert len(calls) == 2  # nothing changed since: not exported again

    for name in ("params.json", "consolidated.safetensors", "tekken.json", pipe.PINNED_FILE, "voices.json"):
        (plan.model / name).write_text("{}")
    (plan.model / "voice_refs").mkdir()
    (plan.model / "voice_refs" / "big.wav").write_bytes(b"0" * 1000)
    pipe.stage_ship(plan)
    shipped = sorted(p.name for p in plan.paths.shipped.iterdir())
    assert pipe.PINNED_FILE in shipped and "voice_refs" not in shipped and "params.json" in shipped
