"""Where does the LM lose the words: its semantic codes, its acoustic frames, or the drift of free running?

On held-out clips (voice prompts from other clips of the same speaker, as in training) the judge (Whisper
base, language forced) hears five decodings of the same utterance through the same codec:

- codec:        the clip's own frames (the ceiling the LM can reach)
- lm semantic:  the LM's semantic codes, teacher-forced (argmax after the true earlier frames), true acoustic
- lm acoustic:  the true semantic codes, the LM's acoustic values (flow matching with CFG from the
                teacher-forced hidden states)
- lm both:      both of the LM's, still teacher-forced: what a perfect history would give
- free:         the LM speaking on its own from the prompt, as inference does (and how many frames its
                semantic codes follow the true ones before they leave the clip)

The gap between "lm both" and "free" is exposure to its own errors; the gaps from "codec" to the two
single rows say which half of the frame carries the loss. With `--ridge-frames` (training frames), a ridge
regression from the teacher-forced backbone state to the acoustic values is fitted on those clips and adds
a sixth decoding, "ridge" (true semantic codes, the regression's acoustic values), and the share of the
acoustic variance it explains on the judged clips beside that of the true previous frame: whether the state
holds the frame's sounds at all, whatever reads it. Last, the flow-matching loss of these clips with and
without the hidden state says how much the state tells the acoustic head at all. `--cfg-alpha`, `--steps` and `--noise-scale` change how
the LM's acoustic values are sampled, in the free-running row too.

    .venv/bin/python recipes/default/where_lost.py --model /tmp/lm --frames data/default-frames-val --per-lang 3
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "src"))

KINDS = ("codec", "lm semantic", "lm acoustic", "lm both", "free")


def following(free, true) -> int:
    """How many leading frames of free running chose the true semantic code: where it leaves the clip. Only
    telling where the teacher-forced codes are right (sem_acc near 1, as on memorised clips)."""
    n = min(len(free), len(true))
    wrong = (free[:n] != true[:n]).nonzero()
    return int(wrong[0]) if len(wrong) else n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, required=True, help="an exported model folder")
    ap.add_argument("--frames", type=Path, required=True, help="held-out frames (`voxtral-tts data encode`)")
    ap.add_argument("--per-lang", type=int, default=3)
    ap.add_argument("--asr", default="whisper-base")
    ap.add_argument("--cfg-alpha", type=float, default=1.2, help="guidance of the LM's acoustic values")
    ap.add_argument("--steps", type=int, help="Euler steps of the flow (default: the model's)")
    ap.add_argument("--noise-scale", type=float, default=1.0, help="0: integrate from the mean of the noise")
    ap.add_argument("--ridge-frames", type=Path, help="training frames to fit the state -> acoustic regression on")
    ap.add_argument("--ridge-clips", type=int, default=400)
    ap.add_argument("--out", type=Path, help="write the rows as JSON here")
    args = ap.parse_args()

    import torch

    from voxtral_tts.checkpoint import TOKENIZER, load_model
    from voxtral_tts.config import N_AUDIO_SPECIALS
    from voxtral_tts.eval.asr import load_asr
    from voxtral_tts.eval.metrics import corpus_rate, word_edits
    from voxtral_tts.eval.normalize import normalize_text
    from voxtral_tts.generate import FrameRequest, generate_frames
    from voxtral_tts.model.quantizers import fsq_levels, fsq_values
    from voxtral_tts.streaming import decode_frames
    from voxtral_tts.text import PromptTokenizer
    from voxtral_tts.train.lm import (
        ExampleBuilder,
        lm_losses,
        load_frame_corpus,
        prompt_embeddings,
        spoken_transcripts,
    )

    torch.manual_seed(0)
    _, model = load_model(args.model)
    model.float().eval()
    fm = model.acoustic_transformer
    asr = load_asr(args.asr)
    text_ids = PromptTokenizer(args.model / TOKENIZER).text_ids

    def states(ex) -> tuple[torch.Tensor, torch.Tensor]:
        """(prompt embeddings, teacher-forced backbone states [T, dim] that predict the example's frames)."""
        with torch.no_grad():
            emb = prompt_embeddings(model, ex)
            x = torch.cat([emb, model.audio_embeddings(ex.target).to(emb.dtype)])[None]
            return emb, model.backbone.forward_train(x)[0, len(ex.ids) - 1 : len(ex.ids) - 1 + ex.target.shape[0]]

    def values(codes: torch.Tensor) -> torch.Tensor:
        return fsq_values(codes[:, 1:] - N_AUDIO_SPECIALS, fm.levels)

    def with_bias(h: torch.Tensor) -> torch.Tensor:
        return torch.cat([h, torch.ones(len(h), 1)], 1)

    def previous(y: torch.Tensor) -> torch.Tensor:
        return torch.cat([torch.zeros_like(y[:1]), y[:-1]])

    def solve_ridge(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return torch.linalg.solve(x.T @ x + 0.1 * torch.eye(x.shape[1]), x.T @ y)

    ridge = None
    if args.ridge_frames:
        train = spoken_transcripts(load_frame_corpus(args.ridge_frames, 250))
        fit_builder, fit_rng = ExampleBuilder(train, text_ids, 25, 125), random.Random(1)
        picked = fit_rng.sample(range(len(train)), min(args.ridge_clips, len(train)))
        fit = [fit_builder.build(i, fit_rng, 75) for i in picked]
        Y = torch.cat([values(ex.target) for ex in fit])
        ridge = solve_ridge(with_bias(torch.cat([states(ex)[1] for ex in fit])), Y)
        # The baseline: the same regression from the true previous frame, which the state has seen.
        ridge_prev = solve_ridge(with_bias(torch.cat([previous(values(ex.target)) for ex in fit])), Y)
        print(f"ridge fitted on {len(Y)} frames of {len(fit)} clips of {args.ridge_frames}")
    kinds = KINDS + (("ridge",) if ridge is not None else ())
    explained = defaultdict(
        list
    )  # per judged clip: (squared error, true values), from the state and the previous frame

    items = spoken_transcripts(load_frame_corpus(args.frames, 250))
    builder = ExampleBuilder(items, text_ids, 25, 125)
    rng = random.Random(0)
    chosen: dict[str, list[int]] = defaultdict(list)
    order = list(range(len(items)))
    rng.shuffle(order)
    for i in order:
        if len(chosen[items[i].lang]) < args.per_lang:
            chosen[items[i].lang].append(i)
    if args.steps:
        fm.args.acoustic_transformer_args.n_decoding_steps = args.steps
    rate = model.args.codec.sampling_rate
    edits: dict[tuple[str, str], list] = defaultdict(list)
    rows, built = [], []
    level_errors = []  # the LM's teacher-forced acoustic levels minus the true ones: what input_noise must span
    for lang in sorted(chosen):
        for i in chosen[lang]:
            ex = builder.build(i, rng, 100)
            built.append(ex)
            emb, h = states(ex)
            with torch.no_grad():
                sem = fm.semantic_logits(h, allow_end=False).argmax(-1)
                noise = torch.randn(h.shape[0], ex.target.shape[1] - 1) * args.noise_scale
                alpha = torch.full((h.shape[0],), args.cfg_alpha)
                acoustic = fm.frame(h, noise, alpha, semantic=ex.target[:, 0])[:, 1:]
                n_free = 2 * ex.target.shape[0] + 25
                free_noise = torch.randn(n_free, noise.shape[1], generator=torch.Generator().manual_seed(i))
                free = generate_frames(
                    model, [FrameRequest(emb, n_free, args.cfg_alpha, noise=free_noise * args.noise_scale)]
                )[0].cpu()
            true = ex.target
            level_errors.append((acoustic - true[:, 1:]).float())
            variants = {
                "codec": true,
                "lm semantic": torch.cat([sem[:, None], true[:, 1:]], 1),
                "lm acoustic": torch.cat([true[:, :1], acoustic], 1),
                "lm both": torch.cat([sem[:, None], acoustic], 1),
                "free": free,
            }
            if ridge is not None:
                y = values(true)
                guess = (with_bias(h) @ ridge).clamp(-1, 1)
                from_previous = with_bias(previous(y)) @ ridge_prev
                for name, pred in (("state", guess), ("previous frame", from_previous)):
                    explained[name].append((float(((pred - y) ** 2).sum()), y))
                variants["ridge"] = torch.cat([true[:, :1], fsq_levels(guess, fm.levels) + N_AUDIO_SPECIALS], 1)
            row = {"lang": lang, "text": items[i].text, "sem_acc": float((sem == true[:, 0]).float().mean())}
            row["free_follows"] = following(free[:, 0], true[:, 0])
            for kind, frames in variants.items():
                if frames.shape[0] == 0 or int(frames[:, 1:].min()) < N_AUDIO_SPECIALS:
                    row[kind] = None
                    continue
                wave = decode_frames(model.codec, frames).numpy()
                hyp = asr.transcribe(wave, rate, lang)
                e = word_edits(normalize_text(items[i].text, lang), normalize_text(hyp, lang))
                edits[(lang, kind)].append(e)
                row[kind] = hyp
            rows.append(row)
            print(
                f"{lang} {row['text'][:50]!r} sem_acc {row['sem_acc']:.2f} free follows {row['free_follows']}: "
                f"{row['free']!r}",
                flush=True,
            )
    print("\nWER (Whisper base, language forced), per language and decoding")
    print("lang " + "".join(f"{k:>13}" for k in kinds))
    for lang in sorted(chosen):
        cells = [corpus_rate(edits[(lang, k)]) for k in kinds]
        print(f"{lang:<5}" + "".join(f"{'-' if c is None else f'{c:.0%}':>13}" for c in cells))
    all_cells = [corpus_rate([e for (_, k), v in edits.items() if k == kind for e in v]) for kind in kinds]
    print("all  " + "".join(f"{'-' if c is None else f'{c:.0%}':>13}" for c in all_cells))
    # What the hidden state tells the flow head: its loss with the state against its loss with the zero state
    # that classifier-free guidance trains as "unconditional". Near 1, the head samples frames blind.
    with torch.no_grad():
        fm_loss = {p: float(lm_losses(model, built, torch.Generator().manual_seed(0), p)["fm"]) for p in (0.0, 1.0)}
    print(
        f"flow-matching loss on these clips: {fm_loss[0.0]:.4f} with the hidden state, {fm_loss[1.0]:.4f} without "
        f"(ratio {fm_loss[0.0] / fm_loss[1.0]:.2f})"
    )
    d = torch.cat(level_errors)
    levels_off = {"mean_abs": float(d.abs().mean()), "rms": float(d.pow(2).mean().sqrt())}
    print(
        f"the LM's acoustic levels (teacher-forced) are off the true ones by {levels_off['mean_abs']:.2f} on "
        f"average, rms {levels_off['rms']:.2f}"
    )
    follows = sorted(r["free_follows"] for r in rows)
    print(f"free running keeps the true semantic codes for a median of {follows[len(follows) // 2]} frames")
    shares = {}
    if explained:
        y = torch.cat([v for _, v in explained["state"]])
        total = float(((y - y.mean(0)) ** 2).sum())
        shares = {name: 1 - sum(e for e, _ in pairs) / total for name, pairs in explained.items()}
        print(
            "acoustic variance explained on the judged clips: "
            + ", ".join(f"{name} {share:.0%}" for name, share in shares.items())
        )
    if args.out:
        doc = {"rows": rows, "wer": dict(zip(kinds, all_cells)), "fm_cond": fm_loss[0.0], "fm_uncond": fm_loss[1.0]}
        doc["explained"] = shares
        doc["free_follows_median"] = follows[len(follows) // 2]
        doc["levels_off"] = levels_off
        args.out.write_text(json.dumps(doc, indent=1))


if __name__ == "__main__":
    main()
