"""The default model from corpus to package, one resumable stage after another.

    .venv/bin/python recipes/default/pipeline.py                 # every stage that is not done yet
    .venv/bin/python recipes/default/pipeline.py --minutes 50    # spend at most 50 min training, then stop
    .venv/bin/python recipes/default/pipeline.py --status        # what is done, what is next
    .venv/bin/python recipes/default/pipeline.py --smoke         # the whole chain, tiny and fast, in build/smoke

Stages: corpus (build_corpus.py) -> codec phase 1 to the encoder freeze (train, export) -> gate (the
codec must be intelligible: on true envelopes for a pinned codec, else the unquantized autoencoder; --skip-gate) -> frames (data encode) -> lm (train; on a CPU side
by side with the next stage) -> decoder phase 2 to the codec run's end (adversarial on a GPU, reconstruction
only on a CPU; export again, the codes do not change) -> export (the LM with the final codec) -> voices
(preset voices from training speakers) -> eval (held-out sentences and speakers, against the teachers) ->
ship (copy into src/voxtral_tts/models/default). Each stage is done when its output is complete, so running
the command again after any stop picks up where it was: training resumes from `last.pt`, the
corpus and the frames from their journals. Training stages may run elsewhere in between (a GPU piece:
`gpu_piece.sh`): copy the run folder back and the next stage goes on from it. A run that must outlive its
machine goes on the shelf (`shelf.py save`, committed); every invocation first takes the shelf's checkpoints
into runs that are behind them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))  # shelf.py, next to this script

import shelf  # noqa: E402

from voxtral_tts.model.envelope import PINNED_FILE  # noqa: E402
from voxtral_tts.progress import hms  # noqa: E402

# Preset voices: (name, language, speaker label in the corpus, or a prefix to pick one by).
# Both sexes in every language the teachers allow; espeak-ng variants fill where only it teaches.
PRESETS = [
    ("en_joe_male", "en", "piper-joe"),
    ("en_slt_female", "en", "rhvoice-slt"),
    ("fr_pico_female", "fr", "pico-fr-FR"),
    ("fr_espeak_male", "fr", "espeak-m"),
    ("de_pico_female", "de", "pico-de-DE"),
    ("de_espeak_male", "de", "espeak-m"),
    ("es_pico_female", "es", "pico-es-ES"),
    ("es_kumo_male", "es", "kokoro-jm_kumo"),
    ("it_pico_female", "it", "pico-it-IT"),
    ("it_kumo_male", "it", "kokoro-jm_kumo"),
    ("pt_alpha_female", "pt", "kokoro-jf_alpha"),
    ("pt_kumo_male", "pt", "kokoro-jm_kumo"),
    ("nl_espeak_male", "nl", "espeak-m"),
    ("nl_espeak_female", "nl", "espeak-f"),
    ("ar_espeak_male", "ar", "espeak-m"),
    ("ar_espeak_female", "ar", "espeak-f"),
    ("hi_espeak_male", "hi", "espeak-m"),
    ("hi_espeak_female", "hi", "espeak-f"),
]
SHIP_LIMIT_MB = 60.0


@dataclass
class Paths:
    corpus: Path
    runs: Path
    models: Path
    frames: Path
    shipped: Path

    @classmethod
    def under(cls, base: Path, shipped: Path) -> Paths:
        return cls(
            base / "data" / "default-corpus", base / "runs", base / "models", base / "data" / "default-frames", shipped
        )


@dataclass
class Plan:
    paths: Paths
    codec_config: Path
    lm_config: Path
    codec_set: list[str]
    lm_set: list[str]
    corpus_args: list[str]
    minutes: float  # training budget of this invocation, 0: none
    eval_per_lang: int
    skip_decoder: bool = False  # ship with the phase-1 decoder (no adversarial phase)
    skip_gate: bool = False  # go on to the frames and the LM even when the autoencoder is not intelligible
    shelf: Path | None = None  # committed checkpoints (shelf.py); None: none
    started: float = 0.0

    @property
    def codec_run(self) -> Path:
        return self.paths.runs / "default-codec"

    @property
    def lm_run(self) -> Path:
        return self.paths.runs / "default-lm"

    @property
    def codec_model(self) -> Path:
        return self.paths.models / "default-codec"

    @property
    def model(self) -> Path:
        return self.paths.models / "default"

    def minutes_left(self) -> float | None:
        if self.minutes <= 0:
            return None
        return self.minutes - (time.monotonic() - self.started) / 60


def sh(cmd: list[str]) -> None:
    print("+ " + " ".join(str(c) for c in cmd), file=sys.stderr, flush=True)
    code = subprocess.run([str(c) for c in cmd], cwd=ROOT).returncode
    if code:
        raise SystemExit(f"pipeline: `{' '.join(str(c) for c in cmd[1:4])} ...` failed (exit {code}); see above")


def cli(*args: object) -> list[str]:
    return [sys.executable, "-m", "voxtral_tts.cli", *map(str, args)]


# -- training runs ----------------------------------------------------------------------------------------------


def checkpoint_field(run: Path, key: str, default: int) -> int:
    import torch

    ckpt = run / "last.pt"
    if not ckpt.exists():
        return default
    return int(torch.load(ckpt, map_location="cpu", weights_only=False, mmap=True).get(key, default))


def steps_done(run: Path) -> int:
    """The step of the run's checkpoint: what a resume starts from. metrics.jsonl can run past it when a
    run was killed between checkpoints, so it is not the measure."""
    return checkpoint_field(run, "step", 0)


def steps_wanted(config: Path, sets: list[str]) -> int:
    from voxtral_tts.train.config import CodecConfig, LMConfig, load_config

    kind = CodecConfig if "codec" in config.name else LMConfig
    return load_config(kind, config, sets).run.steps


def freeze_step(config: Path, sets: list[str], run: Path) -> int:
    """Where the encoder freezes: where it did, once the run has frozen it (the trainer keeps that), else the config's."""
    from voxtral_tts.train.config import CodecConfig, load_config

    frozen = checkpoint_field(run, "frozen_at", -1)
    return frozen if frozen >= 0 else load_config(CodecConfig, config, sets).loss.freeze_encoder_at


def piece(
    plan: Plan, kind: str, config: Path, sets: list[str], run: Path, until: int | None = None
) -> tuple[list[str] | None, int]:
    """The command for one piece of training within the time budget, up to step `until` (default: the
    run's end), and that step. No command when the run is there already or the budget is spent."""
    want = steps_wanted(config, sets) if until is None else until
    if steps_done(run) >= want:
        return None, want
    extra = [f"run.out_dir={run}"] + ([f"run.stop_at={until}"] if until is not None else [])
    left = plan.minutes_left()
    if left is not None:
        if left < 1:
            return None, want
        extra.append(f"run.max_minutes={left:.2f}")
    cmd = cli("train", kind, "--config", config)
    for kv in [*sets, *extra]:
        cmd += ["--set", kv]
    return cmd, want


def train(plan: Plan, kind: str, config: Path, sets: list[str], run: Path, until: int | None = None) -> bool:
    """One piece of training; True when the run got to `until` (default: its end)."""
    cmd, want = piece(plan, kind, config, sets, run, until)
    if cmd is not None:
        sh(cmd)
    return steps_done(run) >= want


def train_together(plan: Plan, jobs: list[tuple[str, Path, list[str], Path]]) -> list[bool]:
    """Pieces of several independent runs at once, the cores split between those that have work left,
    each output line prefixed with its run's name. True for each run that got to its end."""
    pieces = [piece(plan, kind, config, sets, run) for kind, config, sets, run in jobs]
    pending = [(cmd, run) for (cmd, _), (*_, run) in zip(pieces, jobs) if cmd is not None]
    threads = max(1, (os.cpu_count() or 2) // max(1, len(pending)))
    procs = []
    for cmd, run in pending:
        cmd = [*cmd, "--set", f"run.threads={threads}"]  # the last setting wins over the config's
        print("+ " + " ".join(str(c) for c in cmd), file=sys.stderr, flush=True)
        p = subprocess.Popen(
            [str(c) for c in cmd], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
        )
        echo = threading.Thread(target=prefix_lines, args=(p.stdout, run.name), daemon=True)
        echo.start()
        procs.append((p, echo, cmd))
    failed = []
    for p, echo, cmd in procs:
        if p.wait():
            failed.append(f"`{' '.join(str(c) for c in cmd[1:4])} ...` (exit {p.returncode})")
        echo.join()
    if failed:
        raise SystemExit(f"pipeline: {', '.join(failed)} failed; see above")
    return [steps_done(run) >= want for (_, want), (*_, run) in zip(pieces, jobs)]


def prefix_lines(stream, name: str) -> None:
    for line in stream:
        print(f"[{name}] {line}", end="", file=sys.stderr, flush=True)


def on_gpu() -> bool:
    import torch

    return torch.cuda.is_available()


def export(run: Path, out: Path, also: Path | None = None, best: bool = False) -> None:
    """Export a run once; again only if the run (or `also`, a folder the export reads) changed since.
    `best`: an LM run's weights with the lowest held-out loss, where it kept them."""
    stamp = out / ".exported_from"
    best = best and (run / "best.pt").exists()
    mark = f"{run / 'last.pt'} {(run / 'last.pt').stat().st_mtime_ns}" + (" best" if best else "")
    if also is not None:
        mark += f" {also} {(also / '.exported_from').stat().st_mtime_ns}"
    if stamp.exists() and stamp.read_text() == mark:
        return
    if out.exists():
        shutil.rmtree(out)
    sh(cli("export", run, "--out", out, *(["--best"] if best else [])))
    stamp.write_text(mark)


# -- stages -----------------------------------------------------------------------------------------------------


def stage_corpus(plan: Plan) -> bool:
    c = plan.paths.corpus
    if not (c / "manifest.jsonl").exists() or not (c / "corpus_summary.json").exists():
        sh([sys.executable, HERE / "build_corpus.py", "--out", c, *plan.corpus_args])
    return (c / "corpus_summary.json").exists()


def codec_sets(plan: Plan) -> list[str]:
    return [f"data.manifest={plan.paths.corpus / 'manifest.jsonl'}", *plan.codec_set]


def stage_codec(plan: Plan) -> bool:
    """Phase 1, to the encoder freeze: what the frames are encoded with."""
    sets = codec_sets(plan)
    freeze = freeze_step(plan.codec_config, sets, plan.codec_run)
    until = freeze if freeze > 0 else None
    if not train(plan, "codec", plan.codec_config, sets, plan.codec_run, until=until):
        return False
    if not (plan.codec_model / ".exported_from").exists():
        export(plan.codec_run, plan.codec_model)
    return True


GATE_WER = 0.30  # design-latitude.md: the unquantized autoencoder must be intelligible before the LM is worth it
GATE_JUDGED = 0.30  # languages whose teacher originals the judge understands at least this well count


def distinct_first(items: list, key: Callable, n: int) -> list:
    """The first `n` items, taking one per distinct `key` before any repeat."""
    mine, seen = [], set()
    for it in items:
        if key(it) not in seen and len(mine) < n:
            mine.append(it)
            seen.add(key(it))
    return mine + [it for it in items if it not in mine][: n - len(mine)]


def check_clips(corpus: Path, per_lang: int = 3) -> list[dict]:
    """Held-out-sentence clips for codec checks: per language the first `per_lang` (by id, not augmented),
    one per teacher first, and espeak-ng (which Whisper base hardly understands) only for a language that has no
    other teacher. The committed recipes/default/codec_check/teachers.jsonl is this set."""
    rows = [r for r in read_manifest(corpus / "heldout_sentences.jsonl") if not r.get("augment")]
    by_lang: dict[str, list[dict]] = {}
    for r in sorted(rows, key=lambda r: r["id"]):
        by_lang.setdefault(r["language"], []).append(r)
    chosen = []
    for lang in sorted(by_lang):
        others = [r for r in by_lang[lang] if r.get("teacher") != "espeak"]
        mine = distinct_first(others or by_lang[lang], lambda r: r.get("teacher"), per_lang)
        chosen += [{**r, "audio": str((corpus / r["audio"]).resolve())} for r in mine]
    return chosen


def gate_verdict(result: dict) -> tuple[bool, str]:
    """Pass when the autoencoder's WER, over the languages whose originals the judge understands, is under
    GATE_WER."""
    langs = [k for k, v in result.items() if isinstance(v, dict) and k != "all" and v.get("wer_original") is not None]
    judged = sorted(k for k in langs if result[k]["wer_original"] < GATE_JUDGED)
    if not judged:
        return False, "no language's originals are understood by the judge, so the gate cannot be measured"
    n = sum(result[k]["n"] for k in judged)
    wer = sum(result[k]["wer_codec"] * result[k]["n"] for k in judged) / n
    orig = sum(result[k]["wer_original"] * result[k]["n"] for k in judged) / n
    verdict = wer < GATE_WER
    what = "unquantized autoencoder" if result.get("unquantized") else "codec"
    if result.get("acoustic") == "envelope":
        what = "codec on true envelopes (the synthesis path)"
    return verdict, (
        f"{what} WER {wer:.1%} against {orig:.1%} on the originals ({', '.join(judged)}; "
        f"{n} clips): {'passes' if verdict else 'fails'} the {GATE_WER:.0%} gate"
    )


def pinned(plan: Plan) -> bool:
    """Whether the exported codec was trained with a pinned latent (its export writes the envelope's file)."""
    return (Path(plan.codec_model) / PINNED_FILE).exists()


def stage_gate(plan: Plan) -> bool:
    """The autoencoder alone must be intelligible before frames and the LM are worth their CPU hours. Judged
    once per codec export; `--skip-gate` goes on regardless. A pinned codec is judged on the frames its LM will
    learn (the encoder's semantic code, the true envelope: `--acoustic envelope`), since its encoder's own
    acoustic estimates only reach the decoder through a cloned voice's prompt."""
    out = plan.paths.runs / "codec-gate"
    exported = plan.codec_model / ".exported_from"
    stamp = exported.read_text() if exported.exists() else ""
    verdict_file = out / "verdict.json"
    verdict = json.loads(verdict_file.read_text()) if verdict_file.exists() else {}
    if verdict.get("codec") != stamp:
        out.mkdir(parents=True, exist_ok=True)
        manifest = out / "clips.jsonl"
        manifest.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in check_clips(plan.paths.corpus)))
        sh(
            cli(
                "train",
                "codec-eval",
                "--model",
                plan.codec_model,
                "--manifest",
                manifest,
                "--out",
                out,
                *(["--acoustic", "envelope"] if pinned(plan) else ["--unquantized"]),
            )
        )
        ok, why = gate_verdict(json.loads((out / "codec_eval.json").read_text()))
        verdict = {"codec": stamp, "pass": ok, "why": why}
        verdict_file.write_text(json.dumps(verdict, indent=1) + "\n")
    print(f"codec gate: {verdict['why']}", file=sys.stderr)
    if verdict["pass"] or plan.skip_gate:
        return True
    print(
        "pipeline: the codec is not intelligible yet, so the frames and the LM would be wasted on it; change or "
        "train the codec (docs/default-model.md, 'Where the codec stands'), or pass --skip-gate",
        file=sys.stderr,
    )
    return False


def decoder_sets(plan: Plan) -> list[str]:
    """Phase 2's settings. On a GPU, the config's (the discriminator from `loss.disc_start`). On a CPU, where
    a discriminator step costs ~40x a plain one (docs/benchmarks.md), the decoder trains on the
    reconstruction losses alone, in bf16 where the CPU does it natively (5.45 against 4.31 steps/s on the Zen 4
    2-core box; an AVX2-only one emulates bf16 and gets fp32); a later GPU piece
    can still add the adversarial part. `--codec-set` overrides either."""
    sets = codec_sets(plan)
    if on_gpu():
        return sets
    end = steps_wanted(plan.codec_config, sets)
    return [sets[0], f"loss.disc_start={end}", "run.precision=auto", *sets[1:]]


def stage_decoder(plan: Plan) -> bool:
    """Phase 2, the decoder alone, to the end of the codec run; the codes do not change."""
    if plan.skip_decoder:
        return True
    if not train(plan, "codec", plan.codec_config, decoder_sets(plan), plan.codec_run):
        return False
    export(plan.codec_run, plan.codec_model)
    return True


def stage_frames(plan: Plan) -> bool:
    done = plan.paths.frames / ".complete"
    if done.exists():
        return True
    # A pinned codec's LM learns to speak in true envelopes: the frames its decoder voices best (docs/default-model.md).
    acoustic = ["--acoustic", "envelope"] if pinned(plan) else []
    # The held-out sentences too: the LM logs its loss on them (data.val_frames), so memorising shows.
    for manifest, out in (("manifest.jsonl", plan.paths.frames), ("heldout_sentences.jsonl", val_frames(plan))):
        sh(
            [
                *cli("data", "encode", "--model", plan.codec_model, "--manifest", plan.paths.corpus / manifest),
                *acoustic,
                "--out",
                out,
            ]
        )
    done.write_text(str(plan.codec_model))
    return True


def val_frames(plan: Plan) -> Path:
    return plan.paths.frames.parent / (plan.paths.frames.name + "-val")


def stage_lm(plan: Plan) -> bool:
    sets = [f"codec={plan.codec_model}", f"data.frames={plan.paths.frames}", *plan.lm_set]
    if (val_frames(plan) / "index.jsonl").exists():
        sets.insert(2, f"data.val_frames={val_frames(plan)}")
    if plan.skip_decoder or on_gpu():
        return train(plan, "lm", plan.lm_config, sets, plan.lm_run)
    # Neither needs the other, and on a CPU the two share the cores better than they take turns: on the
    # 2-core box, one thread each gives 0.70 of the LM's and 0.64 of the decoder's two-thread speed, 1.34x
    # the work per hour. The decoder stage then finishes (and exports) whatever is left of it alone.
    lm_done, _ = train_together(
        plan,
        [("lm", plan.lm_config, sets, plan.lm_run), ("codec", plan.codec_config, decoder_sets(plan), plan.codec_run)],
    )
    return lm_done


def stage_export(plan: Plan) -> bool:
    """The LM with the codec as it now is; a new export drops the voices, so they are made again. The LM's
    weights are those with the lowest held-out loss: on a corpus this small it starts memorising before its
    schedule ends."""
    export(plan.lm_run, plan.model, also=plan.codec_model, best=True)
    return True


def read_manifest(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()]


def reference_for(entries: list[dict], lang: str, speaker: str, seconds: float = 7.0) -> tuple[str, list[dict]] | None:
    """At least `seconds` of the speaker's clips in `lang`, longest first (exact label, else the speaker
    whose label starts with it and who has most clips). 7 s of ~3 s clips ends at 7-10 s, inside the
    voice-prompt lengths the LM trains on (data.max_ref_frames)."""
    base = [e for e in entries if e["language"] == lang and not e.get("augment")]
    mine = [e for e in base if e["speaker"] == speaker]
    if not mine:
        counts: dict[str, int] = {}
        for e in base:
            if e["speaker"].startswith(speaker):
                counts[e["speaker"]] = counts.get(e["speaker"], 0) + 1
        if not counts:
            return None
        speaker = max(sorted(counts), key=counts.get)
        mine = [e for e in base if e["speaker"] == speaker]
    chosen, total = [], 0.0
    for e in sorted(mine, key=lambda e: (-e["duration"], e["id"])):
        if total >= seconds:
            break
        chosen.append(e)
        total += e["duration"] + 0.3
    return (speaker, chosen) if total >= 3.5 else None  # cloning needs 3 s at least


def join_clips(clips: list[dict], root: Path, out: Path, gap_s: float = 0.3) -> Path:
    """One reference file from several clips, with short pauses between them."""
    import numpy as np
    import soundfile as sf

    parts = []
    for c in clips:
        wave, rate = sf.read(root / c["audio"], dtype="float32")
        parts += [wave, np.zeros(int(gap_s * rate), np.float32)]
    out.parent.mkdir(parents=True, exist_ok=True)
    sf.write(out, np.concatenate(parts[:-1]), rate)
    return out


def stage_voices(plan: Plan) -> bool:
    done = plan.model / ".voices_done"
    if done.exists():
        return True
    entries = read_manifest(plan.paths.corpus / "manifest.jsonl")
    made = []
    for name, lang, label in PRESETS:
        found = reference_for(entries, lang, label)
        if found is None:
            print(f"voices: under 3.5 s of {label} speech in {lang}; {name} skipped", file=sys.stderr)
            continue
        speaker, clips = found
        # Kept in the model folder, where `voxtral-tts eval` finds it as the voice's reference for SIM; not shipped.
        audio = join_clips(clips, plan.paths.corpus, plan.model / "voice_refs" / name / "reference.wav")
        sh(
            cli(
                "voice", "create", "--model", plan.model, "--name", name, "--ref", audio, "--overwrite",
                "--consent-speaker", f"synthetic teacher voice {speaker} ({clips[0].get('teacher', 'engine')})",
                "--consent-use", "preset voice of the voxtral-tts default model (licence: recipes/default/licences.md)",
                "--audit-log", plan.paths.runs / "default-audit.jsonl",
            )
        )  # fmt: skip
        made.append({"voice": name, "lang": lang, "speaker": speaker, "clips": [c["id"] for c in clips]})
    (plan.model / "voices.json").write_text(json.dumps(made, indent=1, ensure_ascii=False) + "\n")
    done.write_text(str(len(made)))
    return True


def stage_eval(plan: Plan) -> bool:
    out = plan.paths.runs / "default-eval"
    if (out / "summary.md").exists() and (out / "summary.md").stat().st_mtime > (
        plan.model / ".voices_done"
    ).stat().st_mtime:
        return True
    sh(
        [sys.executable, HERE / "evaluate.py", "--model", plan.model, "--corpus", plan.paths.corpus, "--out", out,
         "--per-lang", str(plan.eval_per_lang)]
    )  # fmt: skip
    return True


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def stage_ship(plan: Plan) -> bool:
    size = folder_mb(plan.model)
    if size > SHIP_LIMIT_MB:
        raise SystemExit(f"{plan.model}: {size:.1f} MB is over the {SHIP_LIMIT_MB:g} MB the package may carry")
    dest = plan.paths.shipped
    tmp = dest.with_name(dest.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    # pinned_latent.json: without it a cloned voice's prompt would carry the encoder's acoustic estimates
    # instead of the envelopes the LM learnt from.
    keep = (
        "params.json",
        "consolidated.safetensors",
        "tekken.json",
        PINNED_FILE,
        "voice_embedding",
        "NOTICE",
        "voices.json",
    )
    tmp.mkdir(parents=True)
    for name in keep:
        src = plan.model / name
        if src.is_dir():
            shutil.copytree(src, tmp / name, ignore=shutil.ignore_patterns("*.consent.json"))
        elif src.exists():
            shutil.copy2(src, tmp / name)
    notice = HERE / "NOTICE"
    if notice.exists():
        shutil.copy2(notice, tmp / "NOTICE")
    shutil.rmtree(dest, ignore_errors=True)
    tmp.replace(dest)
    print(f"shipped {dest} ({folder_mb(dest):.1f} MB)", file=sys.stderr)
    return True


STAGES: list[tuple[str, Callable[[Plan], bool]]] = [
    ("corpus", stage_corpus),
    ("codec", stage_codec),
    ("gate", stage_gate),
    ("frames", stage_frames),
    ("lm", stage_lm),
    ("decoder", stage_decoder),
    ("export", stage_export),
    ("voices", stage_voices),
    ("eval", stage_eval),
    ("ship", stage_ship),
]


def gate_status(verdict: Path) -> str:
    return json.loads(verdict.read_text())["why"] if verdict.exists() else "not judged"


def status(plan: Plan) -> list[str]:
    p = plan.paths
    return [
        f"corpus: {'done' if (p.corpus / 'corpus_summary.json').exists() else 'not done'} ({p.corpus})",
        f"codec: step {steps_done(plan.codec_run)} of {steps_wanted(plan.codec_config, plan.codec_set)} "
        f"(encoder frozen from {freeze_step(plan.codec_config, plan.codec_set, plan.codec_run)})",
        f"gate: {gate_status(p.runs / 'codec-gate' / 'verdict.json')}",
        f"frames: {'done' if (p.frames / '.complete').exists() else 'not done'}",
        f"lm: step {steps_done(plan.lm_run)} of {steps_wanted(plan.lm_config, plan.lm_set)}",
        f"model: {'exported' if (plan.model / '.exported_from').exists() else 'not exported'}",
        f"voices: {'done' if (plan.model / '.voices_done').exists() else 'not done'}",
        f"eval: {'done' if (p.runs / 'default-eval' / 'summary.md').exists() else 'not done'}",
        f"ship: {'installed' if (p.shipped / 'params.json').exists() else 'not installed'} ({p.shipped})",
        *(f"shelf: {line}" for line in (shelf.show(plan.shelf) if plan.shelf else [])),
        *(f"local shelf: {line}" for line in (shelf.show(shelf.LOCAL) if plan.shelf and shelf.LOCAL.is_dir() else [])),
    ]


SMOKE_CODEC = ["preset=tiny", "run.steps=6", "run.batch_size=2", "run.ckpt_every=3", "run.log_every=1",
               "loss.teacher=none", "loss.disc_start=3", "loss.freeze_encoder_at=3"]  # fmt: skip
SMOKE_LM = ["preset=tiny", "run.steps=6", "run.batch_size=2", "run.ckpt_every=3", "run.log_every=1",
            "data.min_ref_frames=4", "data.max_ref_frames=12"]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", type=Path, default=ROOT, help="folder holding data/, runs/ and models/ (default: repo)")
    ap.add_argument("--codec-config", type=Path, default=HERE / "train" / "codec.yaml")
    ap.add_argument("--lm-config", type=Path, default=HERE / "train" / "lm.yaml")
    ap.add_argument("--codec-set", action="append", default=[], metavar="KEY=VALUE", help="override the codec config")
    ap.add_argument("--lm-set", action="append", default=[], metavar="KEY=VALUE", help="override the LM config")
    ap.add_argument("--minutes", type=float, default=0.0, help="training budget of this invocation (default: none)")
    ap.add_argument("--until", choices=[n for n, _ in STAGES], help="stop after this stage")
    # The shipped model's corpus: 6 h of training audio. More only pays with a bigger LM or longer training
    # (docs/default-model.md); build_corpus.py keeps every clip a larger plan still contains.
    ap.add_argument("--corpus-hours", type=float, default=6.0, help="hours of training audio (default 6)")
    ap.add_argument("--eval-per-lang", type=int, default=20)
    ap.add_argument("--skip-decoder-phase", action="store_true", help="no adversarial decoder phase (no GPU)")
    ap.add_argument("--skip-gate", action="store_true", help="train the LM even if the autoencoder is not intelligible")
    ap.add_argument("--status", action="store_true", help="print what is done and exit")
    ap.add_argument("--smoke", action="store_true", help="tiny models, a few steps, the smoke corpus, in build/smoke")
    args = ap.parse_args(argv)

    shipped = ROOT / "src" / "voxtral_tts" / "models" / "default"
    corpus_args: list[str] = ["--hours", str(args.corpus_hours)]
    if args.smoke:
        args.base = ROOT / "build" / "smoke"
        shipped = args.base / "shipped" / "default"
        args.codec_set = [*SMOKE_CODEC, *args.codec_set]
        args.lm_set = [*SMOKE_LM, *args.lm_set]
        args.eval_per_lang = min(args.eval_per_lang, 2)
        corpus_args = ["--profile", "smoke"]
    plan = Plan(
        Paths.under(args.base.resolve(), shipped),
        args.codec_config,
        args.lm_config,
        args.codec_set,
        args.lm_set,
        corpus_args,
        args.minutes,
        args.eval_per_lang,
        skip_decoder=args.skip_decoder_phase,
        skip_gate=args.skip_gate or args.smoke,  # a few tiny steps are never intelligible
        shelf=None if args.smoke else shelf.SHELF,
        started=time.monotonic(),
    )
    if args.status:
        print("\n".join(status(plan)))
        return 0
    if plan.shelf is not None:  # a fresh machine, or one whose runs fell behind the committed ones
        shelf.restore_any(plan.codec_run, "codec", (plan.shelf, shelf.LOCAL))
        shelf.restore_any(plan.lm_run, "lm", (plan.shelf, shelf.LOCAL))
        if plan.paths.frames.name == shelf.FRAMES[0]:
            shelf.restore_frames(plan.paths.frames.parent, plan.shelf)
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    for name, stage in STAGES:
        t0 = time.monotonic()
        print(f"== {name}", file=sys.stderr, flush=True)
        if not stage(plan):
            print(f"== {name}: not finished after {hms(time.monotonic() - t0)}; run again to go on", file=sys.stderr)
            print("\n".join(status(plan)), file=sys.stderr)
            return 3
        if name == args.until:
            break
    print("\n".join(status(plan)), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
