"""How much can a codec frame of a given rate and width carry, before any learning?

A codec's latent must hold what the judge needs to understand speech. This measures the simplest
possible encoder for a (frame rate, values per frame) pair: each frame keeps the log-mel energies
of its sub-frames, Griffin-Lim turns them back into audio, and Whisper base (language forced) reads
the result. If even this oracle is unintelligible at a shape, a small codec trained for hours on a
CPU will not beat it there; the default codec's latent was chosen with it (docs/default-model.md).

    python recipes/default/latent_oracle.py --manifest recipes/default/codec_check/teachers.jsonl \
        --shape 12.5x36 --shape 25x36 --shape 12.5x144 --out runs/latent-oracle
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr
import torch

from voxtral_tts.eval.asr import load_asr
from voxtral_tts.eval.metrics import corpus_rate, word_edits
from voxtral_tts.eval.normalize import normalize_text
from voxtral_tts.train.losses import mel_filterbank

SR = 24000
N_FFT, HOP = 1024, 256  # the analysis and Griffin-Lim grid, finer than any frame rate tried


def oracle(wave: np.ndarray, rate: float, values: int, iters: int = 48) -> np.ndarray:
    """Keep `values` numbers per frame at `rate` Hz: log-mel energies of values // bands sub-frames, where
    the bands are as many as fit (at most 36, so wider frames buy time resolution, as a learned encoder's
    space-to-depth would). Rebuild magnitude on the fine grid and recover phase with Griffin-Lim."""
    x = torch.from_numpy(wave).float()
    window = torch.hann_window(N_FFT)
    mag = torch.stft(x, N_FFT, HOP, window=window, return_complex=True).abs()  # [bins, T]
    bands = min(36, values)
    sub = max(1, values // bands)
    fb = mel_filterbank(SR, N_FFT, bands)
    logmel = (fb @ mag).clamp(min=1e-5).log()  # [bands, T]
    cell = SR / (rate * sub) / HOP  # fine-grid steps per kept value
    T = logmel.shape[1]
    n_cells = int(np.ceil(T / cell))
    idx = torch.clamp((torch.arange(T) / cell).long(), max=n_cells - 1)
    sums = torch.zeros(bands, n_cells).index_add_(1, idx, logmel)
    counts = torch.zeros(n_cells).index_add_(0, idx, torch.ones(T))
    kept = sums / counts.clamp(min=1)
    # Linear interpolation between cell centres back to the fine grid.
    centres = (torch.arange(n_cells) + 0.5) * cell
    pos = torch.arange(T).float()
    j = torch.clamp(torch.searchsorted(centres, pos) - 1, 0, max(0, n_cells - 2))
    w = ((pos - centres[j]) / cell).clamp(0, 1) if n_cells > 1 else torch.zeros(T)
    smooth = kept[:, j] * (1 - w) + kept[:, (j + 1).clamp(max=n_cells - 1)] * w
    target = (torch.linalg.pinv(fb) @ smooth.exp()).clamp(min=0)
    angles = torch.exp(2j * np.pi * torch.rand_like(target))
    for _ in range(iters):
        y = torch.istft(target * angles, N_FFT, HOP, window=window, length=len(x))
        angles = torch.exp(1j * torch.stft(y, N_FFT, HOP, window=window, return_complex=True).angle())
    y = torch.istft(target * angles, N_FFT, HOP, window=window, length=len(x)).numpy()
    return y / max(1e-6, np.abs(y).max()) * 0.9


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--manifest", required=True)
    p.add_argument("--shape", action="append", required=True, help="RATExVALUES, e.g. 12.5x36")
    p.add_argument("--langs", default="de,en,es,fr,it,pt", help="languages the judge understands")
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    torch.manual_seed(0)
    base = Path(a.manifest).parent
    rows = [json.loads(line) for line in Path(a.manifest).read_text().splitlines() if line.strip()]
    rows = [r for r in rows if r["language"] in a.langs.split(",")]
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    asr = load_asr("whisper-base")
    results = {}
    for shape in ["original", *a.shape]:
        edits = []
        for r in rows:
            wave, sr = sf.read(base / r["audio"], dtype="float32")
            wave = soxr.resample(wave, sr, SR) if sr != SR else wave
            if shape != "original":
                rate, values = shape.split("x")
                wave = oracle(wave, float(rate), int(values))
                sf.write(out / f"{shape}-{r['id']}.wav", wave, SR)
            hyp = asr.transcribe(wave, SR, r["language"])
            edits.append(word_edits(normalize_text(r["text"], r["language"]), normalize_text(hyp, r["language"])))
        results[shape] = corpus_rate(edits)
        print(f"{shape:>10}: WER {results[shape]:.1%} over {len(rows)} clips", flush=True)
    (out / "summary.json").write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
