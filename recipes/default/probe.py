"""How far the LM has come: clone held-out speakers with the run's current checkpoint and judge the result.

    .venv/bin/python recipes/default/probe.py                     # runs/default-lm, 2 items per language
    .venv/bin/python recipes/default/probe.py --per-lang 4 --max-seconds 20

Each call exports the checkpoint it finds (the LM with the codec named in its config), clones the first
held-out speakers of every language (evaluate.py's cloning items), and judges them: Whisper base with the
language forced (WER, CER), Resemblyzer (SIM against the reference), and seconds per character (a babbling
or truncating LM shows there first). It appends one row per step to `<run>/probes.jsonl` and redraws
`<run>/probes.png`, so a long CPU training run can be watched in pieces. Pause the trainer while it runs
(`kill -STOP`), or the two share the cores.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

from evaluate import cloning_items, read_manifest, score  # noqa: E402
from pipeline import distinct_first, steps_done  # noqa: E402

SHOWN = (("wer", ".0%"), ("cer", ".0%"), ("sim_mean", ".2f"), ("sec_per_char_median", ".3f"))


def pick(items: list, per_lang: int) -> list:
    """The first `per_lang` items of each language, one per reference voice while there are enough."""
    by_lang: dict[str, list] = defaultdict(list)
    for it in items:
        by_lang[it.lang].append(it)
    return [it for lang in sorted(by_lang) for it in distinct_first(by_lang[lang], lambda i: i.ref_audio, per_lang)]


def read_rows(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()]


def plot(rows: list[dict], out: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = sorted({r["step"]: r for r in rows}.values(), key=lambda r: r["step"])
    langs = sorted({lang for r in rows for lang in r["languages"]})
    panels = [("wer", "WER"), ("cer", "CER"), ("sim_mean", "SIM"), ("sec_per_char_median", "s / char")]
    fig, axes = plt.subplots(len(panels), 1, figsize=(8, 2.4 * len(panels)), sharex=True)
    steps = [r["step"] for r in rows]
    for ax, (key, label) in zip(axes, panels):
        for lang in langs:
            ys = [r["languages"].get(lang, {}).get(key) for r in rows]
            ax.plot(steps, [float("nan") if y is None else y for y in ys], marker="o", ms=3, lw=1, label=lang)
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    axes[0].legend(ncol=5, fontsize=7)
    axes[-1].set_xlabel("LM step")
    fig.suptitle("LM probes: cloning held-out speakers (Whisper base, language forced)")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", type=Path, default=ROOT / "runs" / "default-lm")
    ap.add_argument("--corpus", type=Path, default=ROOT / "data" / "default-corpus")
    ap.add_argument("--codec", type=Path, help="another export of the LM's codec, e.g. a later decoder")
    ap.add_argument("--per-lang", type=int, default=2)
    ap.add_argument("--max-seconds", type=float, default=15.0, help="cap per item: an untrained LM may not stop")
    ap.add_argument("--asr", default="whisper-base")
    ap.add_argument("--speaker", default="resemblyzer")
    args = ap.parse_args(argv)

    from voxtral_tts import VoxtralTTS
    from voxtral_tts.eval.asr import load_asr
    from voxtral_tts.eval.runner import Judges
    from voxtral_tts.eval.speaker import load_speaker
    from voxtral_tts.eval.synth import VoxtralSynth
    from voxtral_tts.train.lm_run import export_lm

    ckpt = args.run / "last.pt"
    if not ckpt.exists():
        print(f"{ckpt}: no checkpoint to probe", file=sys.stderr)
        return 2
    step = steps_done(args.run)
    log = args.run / "probes.jsonl"
    codec = str(args.codec.resolve()) if args.codec else ""
    rows = [r for r in read_rows(log) if r.get("codec", "") == codec]  # one curve per decoder
    if not any(r["step"] == step for r in rows):
        items = pick(cloning_items(read_manifest(args.corpus / "heldout_speakers.jsonl"))[0], args.per_lang)
        judges = Judges(asr=load_asr(args.asr), speaker=load_speaker(args.speaker), mos=None)
        work = Path(tempfile.mkdtemp(prefix="probe-"))
        try:
            model = export_lm(args.run, work / "model", codec=args.codec)
            synth = VoxtralSynth(VoxtralTTS.from_pretrained(model, device="cpu"), max_seconds=args.max_seconds)
            doc = score(synth, items, judges, args.run / "probe-last", f"LM at step {step}")
        finally:
            shutil.rmtree(work, ignore_errors=True)
        keys = ("n", "n_failed", "wer", "cer", "sim_mean", "sec_per_char_median")
        row = {
            "step": step,
            "codec": codec,
            "languages": {k: {m: v.get(m) for m in keys} for k, v in doc["languages"].items()},
        }
        rows.append(row)
        with log.open("a") as f:
            f.write(json.dumps(row) + "\n")
    last = max(rows, key=lambda r: r["step"])
    print(f"step {last['step']}:")
    for lang, m in sorted(last["languages"].items()):
        shown = {k: "-" if m.get(k) is None else format(m[k], spec) for k, spec in SHOWN}
        print(f"  {lang}: WER {shown['wer']} CER {shown['cer']} SIM {shown['sim_mean']} "
              f"s/char {shown['sec_per_char_median']} (n={m['n']}, failed {m['n_failed']})")  # fmt: skip
    png = args.run / ("probes.png" if not codec else f"probes-{Path(codec).name}.png")
    print(f"plot: {plot(rows, png)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
