"""Long-form benchmark: a text of at least 5,000 characters per language, spoken chunk by chunk, then judged.

For each language it reports
- WER (CER too, the headline for Arabic and Hindi) of the whole text: each chunk's audio is transcribed by the
  eval harness's ASR judge (`voxtral_tts.eval.asr`, Whisper base by default) and the transcripts are joined;
  the reference is the normalised text the model was asked to read;
- the ratio of the output's duration to the expected duration (`longform.Guard.expected_seconds`);
- the loudness spread across chunks: max - min of each chunk's active-speech level, in dB;
- chunks, retries and the real-time factor.

    python benchmarks/long_form.py --model DIR [--langs en,fr] [--text-dir DIR] [--out DIR] [--asr whisper-base]

Texts: `--text-dir` holds `<lang>.txt` files (real prose is what this benchmark is for). Without it, each
language's text is built from the eval harness's multilingual set (`eval/sets/multilingual.jsonl`), its
sentences in paragraphs of four, cycled in a seeded order until the text reaches `--min-chars`.
The ASR judge is anything `load_asr` accepts, including `module:factory` for any object with
`transcribe(samples, sample_rate, lang) -> str`; `--asr none` skips WER.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

LANGS = ("en", "fr", "de", "es", "it", "pt", "nl", "ar", "hi")


def build_text(lang: str, min_chars: int, seed: int = 0) -> str:
    """A text of at least `min_chars` characters from the eval set's sentences in `lang`."""
    import voxtral_tts.eval as voxtral_eval
    from voxtral_tts.eval import load_set

    path = Path(voxtral_eval.__file__).parent / "sets" / "multilingual.jsonl"
    sentences = [item.text for item in load_set(path) if item.lang == lang]
    if not sentences:
        raise SystemExit(f"long_form.py: error: {path}: no sentences in language {lang!r}")
    rng = random.Random(f"{seed}:{lang}")
    paragraphs, cur, total = [], [], 0
    while total < min_chars:
        order = sentences[:]
        rng.shuffle(order)
        for s in order:
            cur.append(s)
            total += len(s) + 1
            if len(cur) == 4:
                paragraphs.append(" ".join(cur))
                cur = []
            if total >= min_chars:
                break
    if cur:
        paragraphs.append(" ".join(cur))
    return "\n\n".join(paragraphs)


def active_level_db(x: np.ndarray, window: int = 480) -> float | None:
    """Power mean, in dBFS, of the 20 ms windows above -50 dBFS; None for silence."""
    n = x.size // window
    if n == 0:
        return None
    p = np.square(x[: n * window].astype(np.float64)).reshape(n, window).mean(axis=1)
    p = p[p > 1e-5]
    return float(10 * np.log10(p.mean())) if p.size else None


def run_language(tts, lang: str, text: str, asr, seed: int, voice: str | None) -> dict:
    from voxtral_tts.eval.asr import WEAK_LANGS
    from voxtral_tts.eval.metrics import char_edits, word_edits
    from voxtral_tts.eval.normalize import normalize_text
    from voxtral_tts.longform import LongFormJob

    job = LongFormJob(tts, text, voice=voice, seed=seed, language=lang, streaming=False)
    t0 = time.perf_counter()
    audio = job.run()
    wall = time.perf_counter() - t0
    records = job.records
    guard = job.opts.guard
    expected = sum(guard.expected_seconds(r.text, lang) for r in records)
    levels = [active_level_db(audio.samples[r.start : r.end]) for r in records]
    levels = [v for v in levels if v is not None]
    result = {
        "lang": lang,
        "voice": job.voice,
        "chars": len(text),
        "chunks": len(records),
        "retries": sum(r.attempts - 1 for r in records),
        "verdicts": {v: sum(r.verdict == v for r in records) for v in ("ok", "truncated", "run-on", "cut")},
        "seconds": round(audio.duration, 2),
        "expected_seconds": round(expected, 2),
        "duration_ratio": round(audio.duration / expected, 3) if expected else None,
        "loudness_spread_db": round(max(levels) - min(levels), 2) if len(levels) > 1 else 0.0,
        "loudness_std_db": round(float(np.std(levels)), 2) if levels else None,
        "rtf": round(wall / audio.duration, 3) if audio.duration else None,
        "wer": None,
        "cer": None,
    }
    if asr is not None:
        hyps = [asr.transcribe(audio.samples[r.start : r.end], audio.sample_rate, lang) for r in records]
        ref = normalize_text(" ".join(r.text for r in records), lang)
        hyp = normalize_text(" ".join(hyps), lang)
        result["wer"] = round(word_edits(ref, hyp).rate, 4)
        result["cer"] = round(char_edits(ref, hyp).rate, 4)
        result["headline"] = "cer" if lang in WEAK_LANGS else "wer"
        result["asr"] = getattr(asr, "name", type(asr).__name__)
    result["_audio"] = audio
    return result


def markdown(results: list[dict]) -> str:
    head = "| lang | chars | chunks | retries | WER | CER | duration ratio | loudness spread (dB) | RTF |"
    rows = [head, "|---|---|---|---|---|---|---|---|---|"]
    for r in results:

        def f(v, fmt="{:.3f}"):
            return "—" if v is None else fmt.format(v)

        rows.append(
            f"| {r['lang']} | {r['chars']} | {r['chunks']} | {r['retries']} | {f(r['wer'])} | {f(r['cer'])} | "
            f"{f(r['duration_ratio'], '{:.2f}')} | {f(r['loudness_spread_db'], '{:.1f}')} | {f(r['rtf'], '{:.2f}')} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", help="model folder (default: the installed default model)")
    p.add_argument("--device", help="cpu, cuda ... (default: cuda if available)")
    p.add_argument("--langs", default=",".join(LANGS), help="comma-separated languages (default: all nine)")
    p.add_argument("--text-dir", help="folder of <lang>.txt texts (default: built from the eval set)")
    p.add_argument("--min-chars", type=int, default=5000, help="length of the built texts (default 5000)")
    p.add_argument("--asr", default="whisper-base", help="ASR judge for WER (eval's load_asr spec), or none")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", help="folder for <lang>.wav, results.json and results.md")
    args = p.parse_args(argv)

    from voxtral_tts import VoxtralError, VoxtralTTS
    from voxtral_tts.eval.asr import load_asr
    from voxtral_tts.eval.synth import pick_voice

    langs = [x.strip() for x in args.langs.split(",") if x.strip()]
    bad = [x for x in langs if x not in LANGS]
    if bad:
        p.error(f"--langs: unknown language(s) {', '.join(bad)}; use {', '.join(LANGS)}")
    texts = {}
    for lang in langs:
        if args.text_dir:
            path = Path(args.text_dir) / f"{lang}.txt"
            if not path.is_file():
                p.error(f"{path}: text file not found")
            texts[lang] = path.read_text(encoding="utf-8")
            if len(texts[lang]) < args.min_chars:
                p.error(f"{path}: {len(texts[lang])} characters, fewer than --min-chars {args.min_chars}")
        else:
            texts[lang] = build_text(lang, args.min_chars, args.seed)
    try:
        asr = load_asr(None if args.asr == "none" else args.asr)
        tts = VoxtralTTS.from_pretrained(args.model, device=args.device)
    except VoxtralError as e:
        print(f"long_form.py: error: {e}", file=sys.stderr)
        return 1
    out = Path(args.out) if args.out else None
    if out:
        out.mkdir(parents=True, exist_ok=True)
    results = []
    for lang in langs:
        voice = pick_voice(tts.voices(), lang)
        r = run_language(tts, lang, texts[lang], asr, args.seed, voice)
        audio = r.pop("_audio")
        if out:
            audio.save(out / f"{lang}.wav")
        print(json.dumps(r, ensure_ascii=False), file=sys.stderr)
        results.append(r)
    table = markdown(results)
    print(table)
    if out:
        meta = {"model": str(tts.folder), "asr": asr.describe() if asr else None, "seed": args.seed}
        (out / "results.json").write_text(json.dumps({"meta": meta, "results": results}, indent=2, ensure_ascii=False))
        (out / "results.md").write_text(table + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
