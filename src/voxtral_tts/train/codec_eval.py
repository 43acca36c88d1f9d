"""How well a codec reconstructs speech: encode and decode held-out clips, then judge the result.

Reports, per language and overall: word and character error rate of the ASR judge on the
reconstructions next to its error rate on the originals (so the codec's own cost is visible), speaker
similarity between each original and its reconstruction, and log-mel distance. A gate for the codec
stage: the LM cannot be more intelligible than the codec it speaks through.

    voxtral-tts train codec-eval --model DIR --manifest heldout.jsonl --out DIR [--limit 40]
        [--unquantized | --acoustic envelope]

`--unquantized` decodes the encoder's continuous latent instead of its codes: the autoencoder alone, the
gate `design-latitude.md` puts before any choice of quantizer or frame rate (WER under 30 %).
`--acoustic envelope` decodes the frames `data encode --acoustic envelope` makes for a codec with a pinned
latent: the encoder's semantic code beside the quantised true envelope. Those are the frames its LM learns
to speak, so this is the synthesis path's ceiling; the encoder's own acoustic estimates only carry a cloned
voice's prompt.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import numpy as np
import soundfile as sf
import torch

from ..checkpoint import load_model
from ..data.manifest import read_manifest
from ..streaming import decode_frames
from .losses import ReconstructionLoss


def evaluate_codec(
    model_dir: str | Path,
    manifest: str | Path,
    out: str | Path,
    limit: int = 40,
    asr: str = "whisper-base",
    speaker: str = "resemblyzer",
    unquantized: bool = False,
    acoustic: str = "codec",
) -> dict:
    from ..eval.asr import load_asr
    from ..eval.metrics import char_edits, corpus_rate, cosine, word_edits
    from ..eval.normalize import normalize_text
    from ..eval.speaker import load_speaker

    if acoustic not in ("codec", "envelope"):
        raise ValueError(f"acoustic={acoustic!r}: choose codec or envelope")
    if unquantized and acoustic != "codec":
        raise ValueError("--unquantized decodes the encoder's own latent; it cannot take --acoustic envelope")
    out = Path(out)
    (out / "audio").mkdir(parents=True, exist_ok=True)
    _, model = load_model(model_dir)
    if not model.has_encoder:
        raise ValueError(f"{model_dir}: the codec has no encoder to evaluate")
    if acoustic == "envelope" and model.pinned is None:
        raise ValueError(f"{model_dir}: --acoustic envelope needs a codec trained with a pinned latent")
    manifest = Path(manifest)
    entries = read_manifest(manifest)
    # An even spread over languages and speakers rather than the manifest's first clips.
    rng = np.random.default_rng(0)
    entries = [entries[i] for i in sorted(rng.permutation(len(entries))[:limit])]
    judge = load_asr(asr)
    spk = load_speaker(speaker)
    mel = ReconstructionLoss(24000, [1024, 512, 256])
    rows = []
    for e in entries:
        wave, sr = sf.read(e.audio_path(manifest.parent), dtype="float32")
        with torch.inference_mode():
            x = torch.from_numpy(wave)[None]
            if unquantized:
                rec = model.codec.decode_latent(model.codec.encode_latent(x))[0, : len(wave)].float().numpy()
            else:
                rec = decode_frames(model.codec, model.audio_codes(x[0], envelope=acoustic == "envelope"))[
                    : len(wave)
                ].numpy()
            dist = mel(torch.from_numpy(rec)[None], torch.from_numpy(wave[: len(rec)])[None])["mel"].item()
        sf.write(out / "audio" / f"{e.id}.wav", np.clip(rec, -1, 1), 24000)
        ref = normalize_text(e.text, e.language)
        hyp_orig = normalize_text(judge.transcribe(wave, sr, e.language), e.language) if judge else ""
        hyp_rec = normalize_text(judge.transcribe(rec, 24000, e.language), e.language) if judge else ""
        sim = None
        if spk is not None:
            a, b = spk.embed(wave, sr), spk.embed(rec, 24000)
            sim = cosine(a, b) if a is not None and b is not None else None
        rows.append(
            {
                "id": e.id,
                "language": e.language,
                "mel": dist,
                "sim": sim,
                "w_orig": word_edits(ref, hyp_orig),
                "w_rec": word_edits(ref, hyp_rec),
                "c_orig": char_edits(ref.replace(" ", ""), hyp_orig.replace(" ", "")),
                "c_rec": char_edits(ref.replace(" ", ""), hyp_rec.replace(" ", "")),
                "hyp": hyp_rec,
            }
        )
    by_lang: dict[str, list] = defaultdict(list)
    for r in rows:
        by_lang[r["language"]].append(r)
    by_lang["all"] = rows

    def summary(rs: list) -> dict:
        sims = [r["sim"] for r in rs if r["sim"] is not None]
        judged = judge is not None
        return {
            "n": len(rs),
            "wer_original": corpus_rate(r["w_orig"] for r in rs) if judged else None,
            "wer_codec": corpus_rate(r["w_rec"] for r in rs) if judged else None,
            "cer_original": corpus_rate(r["c_orig"] for r in rs) if judged else None,
            "cer_codec": corpus_rate(r["c_rec"] for r in rs) if judged else None,
            "sim": float(np.mean(sims)) if sims else None,
            "mel": float(np.mean([r["mel"] for r in rs])),
        }

    result: dict = {lang: summary(rs) for lang, rs in sorted(by_lang.items())}
    result["unquantized"] = unquantized
    result["acoustic"] = acoustic
    result["items"] = [{k: v for k, v in r.items() if not k.startswith(("w_", "c_"))} for r in rows]
    (out / "codec_eval.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
    return result


def format_table(result: dict) -> str:
    what = "autoencoder (unquantized)" if result.get("unquantized") else "codec"
    if result.get("acoustic") == "envelope":
        what = "codec on true envelopes"
    lines = [f"| lang | n | WER orig | WER {what} | CER orig | CER {what} | SIM | mel L1 |", "|---" * 8 + "|"]

    def f(x: float | None, pct: bool = True) -> str:
        return "-" if x is None else (f"{100 * x:.1f}%" if pct else f"{x:.3f}")

    for lang, s in result.items():
        if lang in ("items", "unquantized", "acoustic"):
            continue
        lines.append(
            f"| {lang} | {s['n']} | {f(s['wer_original'])} | {f(s['wer_codec'])} | {f(s['cer_original'])} | "
            f"{f(s['cer_codec'])} | {f(s['sim'], False)} | {f(s['mel'], False)} |"
        )
    return "\n".join(lines)
