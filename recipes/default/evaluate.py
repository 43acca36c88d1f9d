"""Score the default model against its teachers on what neither saw in training.

    .venv/bin/python recipes/default/evaluate.py --model models/default --out runs/default-eval

Two sets, both from the corpus's held-out manifests:
- held-out sentences: the model reads them with its preset voices; each teacher is scored on its own
  recordings of the same sentences (the recordings are in the corpus), so the judge hears both on equal text;
- held-out speakers: for each unseen speaker and language, one clip is the cloning reference and the next
  ones are targets. The model clones the reference; the speaker's own target clips against the same
  reference give the judge's same-voice baseline for similarity.

Writes one results.json and report.md per system under --out (the `voxtral-tts eval` format) and summary.md,
the table the model card quotes: per language, the model's WER/CER/DistillMOS/RTF beside the best teacher's
WER and the median teacher's MOS, and cloning similarity beside the same-voice baseline.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from voxtral_tts.eval.report import fmt, render_report, write_results  # noqa: E402
from voxtral_tts.eval.runner import Judges, build_results, run_items, system_info  # noqa: E402
from voxtral_tts.eval.sets import EvalItem  # noqa: E402
from voxtral_tts.eval.synth import SynthResult  # noqa: E402

WEAK_JUDGE = ("ar", "hi")  # Whisper base cannot judge these: CER is the number to read (docs/eval.md)


class Recorded:
    """A teacher, 'synthesising' by handing back its recording of the item (held in the corpus)."""

    def __init__(self, name: str, clips: dict[str, Path]) -> None:
        self.name = name
        self.clips = clips

    def synthesize(self, item: EvalItem) -> SynthResult:
        import soundfile as sf

        samples, rate = sf.read(self.clips[item.id], dtype="float32")
        return SynthResult(samples, rate, 0.0, None, voice=self.name)

    def describe(self) -> dict:
        return {"name": self.name, "label": self.name, "kind": "teacher recordings from the corpus"}


def read_manifest(path: Path) -> list[dict]:
    rows = [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
    for r in rows:
        p = Path(r["audio"])
        r["path"] = p if p.is_absolute() else path.parent / p
    return rows


def sentence_items(rows: list[dict], per_lang: int) -> tuple[list[EvalItem], dict[str, list[dict]]]:
    """The first `per_lang` held-out sentences of each language, and every teacher recording of them."""
    by_text: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in sorted(rows, key=lambda r: r["id"]):
        if not r.get("augment"):
            by_text[(r["language"], r["text"])].append(r)
    items, recordings = [], {}
    count: dict[str, int] = defaultdict(int)
    for (lang, text), recs in by_text.items():
        if count[lang] >= per_lang:
            continue
        count[lang] += 1
        iid = f"{lang}-s{count[lang]:03d}"
        items.append(EvalItem(iid, text, lang, kind="heldout_sentence"))
        recordings[iid] = recs
    return items, recordings


def cloning_items(rows: list[dict], targets: int = 3) -> tuple[list[EvalItem], dict[str, dict]]:
    """Per unseen (speaker, language): the first clip of 3 s or more as reference, the next ones as targets."""
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in sorted(rows, key=lambda r: r["id"]):
        groups[(r["speaker"], r["language"])].append(r)
    items, target_of = [], {}
    for (speaker, lang), recs in sorted(groups.items()):
        refs = [r for r in recs if r["duration"] >= 3.0]
        if not refs:
            continue
        ref = refs[0]
        for k, t in enumerate([r for r in recs if r is not ref][:targets]):
            iid = f"{lang}-{speaker}-c{k}".replace("/", "_")
            items.append(EvalItem(iid, t["text"], lang, ref_audio=str(ref["path"]), ref_text=ref["text"], kind="clone"))
            target_of[iid] = t
    return items, target_of


def score(system, items: list[EvalItem], judges: Judges, out: Path, label: str) -> dict:
    rows = run_items(system, items, judges, out, max_seconds=30.0)
    info = {**system.describe(), "label": label}
    doc = build_results(rows, info, judges, {"n_items": len(items)}, {"max_seconds": 30.0}, command=sys.argv)
    write_results(doc, out)
    render_report(doc, out, plots=False)
    return doc


def mean(xs: list[float]) -> float | None:
    xs = [x for x in xs if x is not None]
    return float(np.mean(xs)) if xs else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, required=True)
    ap.add_argument("--corpus", type=Path, default=Path("data/default-corpus"))
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--per-lang", type=int, default=20, help="held-out sentences per language (default 20)")
    ap.add_argument("--asr", default="whisper-base")
    ap.add_argument("--speaker", default="resemblyzer")
    ap.add_argument("--mos", default="distillmos")
    args = ap.parse_args(argv)

    from voxtral_tts import VoxtralTTS
    from voxtral_tts.eval.asr import load_asr
    from voxtral_tts.eval.mos import load_mos
    from voxtral_tts.eval.speaker import load_speaker
    from voxtral_tts.eval.synth import VoxtralSynth

    judges = Judges(asr=load_asr(args.asr), speaker=load_speaker(args.speaker), mos=load_mos(args.mos))
    model = VoxtralSynth(VoxtralTTS.from_pretrained(args.model, device="cpu"), max_seconds=30.0)

    sentences, recordings = sentence_items(read_manifest(args.corpus / "heldout_sentences.jsonl"), args.per_lang)
    clones, targets = cloning_items(read_manifest(args.corpus / "heldout_speakers.jsonl"))
    print(f"{len(sentences)} held-out sentences, {len(clones)} cloning items", file=sys.stderr)

    ours = score(model, sentences, judges, args.out / "model-sentences", "default model")
    teachers: dict[str, dict] = {}
    by_teacher: dict[str, dict[str, Path]] = defaultdict(dict)
    items_of: dict[str, list[EvalItem]] = defaultdict(list)
    for item in sentences:
        for rec in recordings[item.id]:
            name = rec.get("teacher") or rec["speaker"].split("-")[0]
            iid = f"{item.id}-{rec['speaker']}"
            by_teacher[name][iid] = rec["path"]
            items_of[name].append(EvalItem(iid, item.text, item.lang, kind="teacher"))
    # Teachers are scored for intelligibility and quality only: SIM needs one voice per system, and a teacher has many.
    no_sim = Judges(asr=judges.asr, speaker=None, mos=judges.mos)
    for name in sorted(by_teacher):
        teachers[name] = score(
            Recorded(name, by_teacher[name]), items_of[name], no_sim, args.out / f"teacher-{name}", name
        )

    cloned = score(model, clones, judges, args.out / "model-cloning", "default model, cloning")
    same = score(
        Recorded("same voice", {i.id: targets[i.id]["path"] for i in clones}),
        clones,
        judges,
        args.out / "same-voice",
        "same speaker's own clips",
    )

    lines = [
        "| lang | model WER | best teacher WER | model CER | best teacher CER | model MOS | median teacher MOS | "
        "model RTF | model TTFA median (s) | cloning SIM | same-voice SIM |",
        "|" + "---|" * 11,
    ]
    for lang in sorted(ours["languages"]):
        a = ours["languages"][lang]
        t = [d["languages"][lang] for d in teachers.values() if lang in d["languages"]]
        best = min(t, key=lambda x: x["wer"] if x["wer"] is not None else 9e9) if t else {}
        mos = [x["mos_mean"] for x in t if x.get("mos_mean") is not None]
        c = cloned["languages"].get(lang, {})
        s = same["languages"].get(lang, {})
        weak = " (judge weak: read CER)" if lang in WEAK_JUDGE else ""
        lines.append(
            f"| {lang}{weak} | {fmt(a['wer'], pct=True)} | {fmt(best.get('wer'), pct=True)} | {fmt(a['cer'], pct=True)} | "
            f"{fmt(best.get('cer'), pct=True)} | {fmt(a['mos_mean'], 2)} | "
            f"{fmt(statistics.median(mos) if mos else None, 2)} | {fmt(a['rtf_mean'], 3)} | "
            f"{fmt(a.get('ttfa_median_s'), 3)} | {fmt(c.get('sim_mean'))} | {fmt(s.get('sim_mean'))} |"
        )
    sim_c = mean([d.get("sim_mean") for d in cloned["languages"].values()])
    sim_s = mean([d.get("sim_mean") for d in same["languages"].values()])
    info = system_info()
    lines += [
        "",
        f"Cloning similarity, mean over languages: model {fmt(sim_c)}, same-voice baseline {fmt(sim_s)} "
        f"(target: model >= 0.80).",
        f"Judges: ASR {args.asr} (language forced), speaker {args.speaker}, MOS {args.mos}. Machine: "
        f"{info.get('cpu') or info['machine']}, {info['cpu_count']} CPUs. Teachers: {', '.join(sorted(teachers))}.",
    ]
    text = "\n".join(lines) + "\n"
    (args.out / "summary.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
