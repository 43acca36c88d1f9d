"""How well the voxtral-tts watermark survives, how rarely it false-alarms, and what it costs in quality.

    python benchmarks/watermark.py                          # 200 marked clips, all transforms, markdown table
    python benchmarks/watermark.py --clips 40 --fp-max 300  # a quick run
    python benchmarks/watermark.py --markdown out.md        # also write the table, command, machine and date

Hosts are speech from the other engines installed here (data/default-corpus/audio by default, 24 kHz FLAC
from espeak-ng, Pico, Piper, Kokoro, Festival, Flite, RHVoice ...; see docs/eval.md): the trained voxtral model
is not available, and a tiny random checkpoint speaks noise. Each marked clip is three clips of one language
joined (about 9 s), marked with a fresh key, then transformed and searched with that key. False positives are
counted on every unmarked corpus clip and on unmarked 9 s joins, each searched with several unrelated keys
(each clip-key pair is one trial). Audibility: SNR of the mark, and PESQ (ITU-T P.862, `pip install pesq`)
of the marked clip against the unmarked one, wide-band at 16 kHz and narrow-band at 8 kHz.
"""

from __future__ import annotations

import os

# The detector's matrices are small; threaded BLAS on a busy machine only adds contention.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import soundfile as sf  # noqa: E402
import soxr  # noqa: E402

from voxtral_tts.watermark import apply_watermark, detect_watermark, model_id_for, new_key  # noqa: E402
from voxtral_tts.watermark import attacks as A  # noqa: E402
from voxtral_tts.watermark.detect import Z_THRESHOLD  # noqa: E402
from voxtral_tts.watermark.scheme import DEPTH_DB, SCHEME  # noqa: E402

SR = 24000
MODEL = "Voxtral-4B-TTS-2603"
TARGETS = {"resample 16 kHz": 0.99, "resample 8 kHz": 0.99, "MP3 64 kbps": 0.99, "white noise 20 dB SNR": 0.99}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", default="data/default-corpus/audio", help="folder of engine speech (FLAC/WAV)")
    p.add_argument("--clips", type=int, default=200, help="marked clips (default 200)")
    p.add_argument("--fp-max", type=int, default=2000, help="unmarked corpus clips for false positives (default 2000)")
    p.add_argument("--fp-keys", type=int, default=3, help="unrelated keys each unmarked clip is searched with")
    p.add_argument("--pesq", type=int, default=200, help="clips scored with PESQ (default 200; 0 skips)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--jobs", type=int, default=max(1, (os.cpu_count() or 1)), help="worker processes")
    p.add_argument("--markdown", help="also write the result section (table, command, machine, date) here")
    return p.parse_args(argv)


def engine_of(path: Path) -> str:
    return path.parent.name.split("~")[0]


def transforms(rng: np.random.Generator, others: list[np.ndarray]) -> dict[str, A.Attack]:
    before, after = others[0], others[1]
    return {
        "none": lambda x, sr, r: (x, sr),
        "resample 16 kHz": A.resample(16000),
        "resample 8 kHz": A.resample(8000),
        "MP3 64 kbps": A.codec("mp3", 64),
        "Opus 32 kbps": A.codec("opus", 32),
        "white noise 20 dB SNR": A.white_noise(20),
        "speed x1.1 (pitch and tempo)": A.speed(1.1),
        "speed x0.9 (pitch and tempo)": A.speed(0.9),
        "random 3 s segment": A.trim(3.0),
        "between unmarked speech": A.splice(before, after, SR),
    }


def marked_trial(args: tuple) -> dict:
    """One marked clip through every transform: detections, payload reads, z, SNR, PESQ."""
    i, paths, other_paths, secret_seed, want_pesq = args
    rng = np.random.default_rng(secret_seed)
    key = new_key(int(rng.integers(1, 0xFFFF)))
    x = np.concatenate([sf.read(p, dtype="float32")[0] for p in paths])
    others = [np.concatenate([sf.read(p, dtype="float32")[0] for p in grp]) for grp in other_paths]
    y = apply_watermark(x, SR, key, model_id_for(MODEL))
    out: dict = {"snr": 10 * np.log10(np.sum(x.astype(np.float64) ** 2) / np.sum((y - x).astype(np.float64) ** 2))}
    if want_pesq:
        out.update(pesq_scores(x, y))
    res = {}
    for name, attack in transforms(rng, others).items():
        z, rate = attack(y, SR, rng)
        det = detect_watermark(z, rate, [key], [MODEL])
        res[name] = (det.present, det.payload_ok and det.model == MODEL, det.z)
    out["res"] = res
    return out


def pesq_scores(x: np.ndarray, y: np.ndarray) -> dict:
    try:
        from pesq import pesq
    except ImportError:
        return {}
    out = {}
    for rate, mode in ((16000, "wb"), (8000, "nb")):
        a = soxr.resample(x, SR, rate).astype(np.float64)
        b = soxr.resample(y, SR, rate).astype(np.float64)
        try:
            out[f"pesq_{mode}"] = float(pesq(rate, a, b, mode))
        except Exception:  # PESQ refuses clips it finds no speech in
            pass
    return out


def null_trial(args: tuple) -> list[tuple[str, float, bool]]:
    paths, seeds = args
    x = np.concatenate([sf.read(p, dtype="float32")[0] for p in paths])
    rows = []
    for s in seeds:
        det = detect_watermark(x, SR, [new_key(1 + s % 0xFFFE)])
        rows.append((engine_of(Path(paths[0])), det.z, det.present))
    return rows


def wilson(k: int, n: int) -> tuple[float, float]:
    if n == 0:
        return 0.0, 1.0
    z = 1.96
    p = k / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return max(0.0, mid - half), min(1.0, mid + half)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    corpus = Path(args.corpus)
    files = sorted(p for p in corpus.rglob("*") if p.suffix.lower() in (".flac", ".wav"))
    if len(files) < 10:
        print(f"{corpus}: fewer than 10 clips of engine speech; see docs/eval.md to make some", file=sys.stderr)
        return 1
    rng = np.random.default_rng(args.seed)
    by_lang: dict[str, list[Path]] = defaultdict(list)
    for p in files:
        by_lang[p.relative_to(corpus).parts[0]].append(p)
    langs = [lang for lang, ps in by_lang.items() if len(ps) >= 9]
    jobs = []
    for i in range(args.clips):
        lang = langs[int(rng.integers(len(langs)))]
        pick = rng.choice(len(by_lang[lang]), 9, replace=False)
        group = [by_lang[lang][j] for j in pick]
        jobs.append((i, group[:3], [group[3:6], group[6:9]], int(rng.integers(2**31)), i < args.pesq))
    null_jobs = []
    fp_files = [files[j] for j in rng.permutation(len(files))[: args.fp_max]]
    for p in fp_files:
        null_jobs.append(([p], [int(s) for s in rng.integers(1, 2**31, args.fp_keys)]))
    for _ in range(max(1, args.fp_max // 10)):
        lang = langs[int(rng.integers(len(langs)))]
        grp = [by_lang[lang][j] for j in rng.choice(len(by_lang[lang]), 3, replace=False)]
        null_jobs.append((grp, [int(s) for s in rng.integers(1, 2**31, args.fp_keys)]))

    t0 = time.time()
    with ProcessPoolExecutor(args.jobs) as pool:
        marked = list(pool.map(marked_trial, jobs, chunksize=2))
        t_marked = time.time() - t0
        nulls = [r for rows in pool.map(null_trial, null_jobs, chunksize=8) for r in rows]
    wall = time.time() - t0

    names = list(marked[0]["res"])
    lines = [
        f"| transform ({len(marked)} marked clips, about 9 s each) | detected | 95% interval | payload read "
        "| median z | target |",
        "|---|---|---|---|---|---|",
    ]
    for name in names:
        hits = sum(m["res"][name][0] for m in marked)
        reads = sum(m["res"][name][1] for m in marked)
        lo, hi = wilson(hits, len(marked))
        zs = np.median([m["res"][name][2] for m in marked])
        tgt = TARGETS.get(name)
        verdict = (
            "" if tgt is None else (f">= {tgt:.0%}: met" if hits / len(marked) >= tgt else f">= {tgt:.0%}: MISSED")
        )
        lines.append(
            f"| {name} | {hits}/{len(marked)} ({hits / len(marked):.1%}) | {lo:.1%}-{hi:.1%} "
            f"| {reads / len(marked):.0%} | {zs:.1f} | {verdict} |"
        )
    fp = sum(r[2] for r in nulls)
    lo, hi = wilson(fp, len(nulls))
    nz = np.array([r[1] for r in nulls])
    engines = sorted({r[0] for r in nulls})
    lines.append(
        f"| **false positives**: unmarked speech of {len(engines)} engine voices, {len(null_jobs)} clips x "
        f"{args.fp_keys} keys | {fp}/{len(nulls)} ({fp / len(nulls):.3%}) | {lo:.3%}-{hi:.3%} | | "
        f"99.9th pct {np.quantile(nz, 0.999):.1f}, max {nz.max():.1f} | <= 0.1%: {'met' if fp / len(nulls) <= 0.001 else 'MISSED'} |"
    )
    snr = np.array([m["snr"] for m in marked])
    qual = [f"| mark SNR (marked vs unmarked) | mean {snr.mean():.1f} dB, min {snr.min():.1f} dB |"]
    for mode, label in (("pesq_wb", "PESQ wide-band, 16 kHz"), ("pesq_nb", "PESQ narrow-band, 8 kHz")):
        vals = np.array([m[mode] for m in marked if mode in m])
        if vals.size:
            qual.append(
                f"| {label}, marked vs unmarked ({vals.size} clips) | mean {vals.mean():.2f}, min {vals.min():.2f} |"
            )
        else:
            qual.append(f"| {label} | not measured (`pip install pesq`) |")
    mp3_kbps = A.measure_bitrate("mp3", 64, np.concatenate([sf.read(p, dtype="float32")[0] for p in jobs[0][1]]), SR)
    opus_kbps = A.measure_bitrate("opus", 32, np.concatenate([sf.read(p, dtype="float32")[0] for p in jobs[0][1]]), SR)

    cmd = "python benchmarks/watermark.py " + " ".join(argv if argv is not None else sys.argv[1:])
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, numpy {np.__version__}"
    head = [
        f"## Watermark robustness and cost (`benchmarks/watermark.py`), scheme {SCHEME}",
        "",
        f"Command: `{cmd.strip()}`  ",
        f"Machine: {machine}, no GPU; {dt.date.today().isoformat()}; {wall / 60:.1f} min wall ({t_marked / 60:.1f} for "
        f"the marked clips) with {args.jobs} workers.  ",
        f"Hosts: {len(files)} clips of engine speech in `{corpus}`; ripple depth {DEPTH_DB} dB rms; "
        f"presence threshold z >= {Z_THRESHOLD}. MP3 measured {mp3_kbps:.0f} kbps, Opus {opus_kbps:.0f} kbps "
        "(libopus VBR) on one clip.",
        "",
    ]
    text = "\n".join([*head, *lines, "", "| audibility | value |", "|---|---|", *qual, ""])
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
