"""Where does the LM lose the words: its semantic codes, its acoustic frames, or the drift of free running?

On held-out clips (voice prompts from other clips of the same speaker, as in training) the judge (Whisper
base, language forced) hears five decodings of the same utterance through the same codec:

- codec:        the clip's own frames (the ceiling the LM can reach)
- lm semantic:  the LM's semantic codes, teacher-forced (argmax after the true earlier frames), true acoustic
- lm acoustic:  the true semantic codes, the LM's acoustic values (flow matching with CFG from the
                teacher-forced hidden states)
- lm both:      both of the LM's, still teacher-forced: what a perfect history would give
- free:         the LM speaking on its own from the prompt, as inference does

The gap between "lm both" and "free" is exposure to its own errors; the gaps from "codec" to the two
single rows say which half of the frame carries the loss. Last, the flow-matching loss of these clips with and
without the hidden state says how much the state tells the acoustic head at all. `--cfg-alpha`, `--steps` and `--noise-scale` change how
the LM's acoustic values are sampled (the free-running row too, except the noise scale).

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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, required=True, help="an exported model folder")
    ap.add_argument("--frames", type=Path, required=True, help="held-out frames (`voxtral-tts data encode`)")
    ap.add_argument("--per-lang", type=int, default=3)
    ap.add_argument("--asr", default="whisper-base")
    ap.add_argument("--cfg-alpha", type=float, default=1.2, help="guidance of the LM's acoustic values")
    ap.add_argument("--steps", type=int, help="Euler steps of the flow (default: the model's)")
    ap.add_argument("--noise-scale", type=float, default=1.0, help="0: integrate from the mean of the noise")
    ap.add_argument("--out", type=Path, help="write the rows as JSON here")
    args = ap.parse_args()

    import torch

    from voxtral_tts.checkpoint import TOKENIZER, load_model
    from voxtral_tts.config import AUDIO_ID, N_AUDIO_SPECIALS
    from voxtral_tts.eval.asr import load_asr
    from voxtral_tts.eval.metrics import corpus_rate, word_edits
    from voxtral_tts.eval.normalize import normalize_text
    from voxtral_tts.generate import FrameRequest, generate_frames
    from voxtral_tts.streaming import decode_frames
    from voxtral_tts.text import PromptTokenizer
    from voxtral_tts.train.lm import ExampleBuilder, lm_losses, load_frame_corpus, spoken_transcripts

    torch.manual_seed(0)
    _, model = load_model(args.model)
    model.float().eval()
    asr = load_asr(args.asr)
    items = spoken_transcripts(load_frame_corpus(args.frames, 250))
    builder = ExampleBuilder(items, PromptTokenizer(args.model / TOKENIZER).text_ids, 25, 125)
    rng = random.Random(0)
    chosen: dict[str, list[int]] = defaultdict(list)
    order = list(range(len(items)))
    rng.shuffle(order)
    for i in order:
        if len(chosen[items[i].lang]) < args.per_lang:
            chosen[items[i].lang].append(i)
    fm = model.acoustic_transformer
    if args.steps:
        fm.args.acoustic_transformer_args.n_decoding_steps = args.steps
    rate = model.args.codec.sampling_rate
    edits: dict[tuple[str, str], list] = defaultdict(list)
    rows, built = [], []
    for lang in sorted(chosen):
        for i in chosen[lang]:
            ex = builder.build(i, rng, 100)
            built.append(ex)
            ids = torch.tensor(ex.ids)
            with torch.no_grad():
                emb = model.backbone.tok_embeddings(ids).clone()
                emb[ids == AUDIO_ID] = model.audio_embeddings(ex.ref).to(emb.dtype)
                x = torch.cat([emb, model.audio_embeddings(ex.target).to(emb.dtype)])[None]
                h = model.backbone.forward_train(x)[0, len(ex.ids) - 1 : len(ex.ids) - 1 + ex.target.shape[0]]
                sem = fm.semantic_logits(h, allow_end=False).argmax(-1)
                noise = torch.randn(h.shape[0], ex.target.shape[1] - 1) * args.noise_scale
                alpha = torch.full((h.shape[0],), args.cfg_alpha)
                acoustic = fm.frame(h, noise, alpha, semantic=ex.target[:, 0])[:, 1:]
                free = generate_frames(
                    model,
                    [FrameRequest(emb, 2 * ex.target.shape[0] + 25, args.cfg_alpha, torch.Generator().manual_seed(i))],
                )[0].cpu()
            true = ex.target
            variants = {
                "codec": true,
                "lm semantic": torch.cat([sem[:, None], true[:, 1:]], 1),
                "lm acoustic": torch.cat([true[:, :1], acoustic], 1),
                "lm both": torch.cat([sem[:, None], acoustic], 1),
                "free": free,
            }
            row = {"lang": lang, "text": items[i].text, "sem_acc": float((sem == true[:, 0]).float().mean())}
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
            print(f"{lang} {row['text'][:50]!r} sem_acc {row['sem_acc']:.2f}: {row['free']!r}", flush=True)
    print("\nWER (Whisper base, language forced), per language and decoding")
    print("lang " + "".join(f"{k:>13}" for k in KINDS))
    for lang in sorted(chosen):
        cells = [corpus_rate(edits[(lang, k)]) for k in KINDS]
        print(f"{lang:<5}" + "".join(f"{'-' if c is None else f'{c:.0%}':>13}" for c in cells))
    all_cells = [corpus_rate([e for (_, k), v in edits.items() if k == kind for e in v]) for kind in KINDS]
    print("all  " + "".join(f"{'-' if c is None else f'{c:.0%}':>13}" for c in all_cells))
    # What the hidden state tells the flow head: its loss with the state against its loss with the zero state
    # that classifier-free guidance trains as "unconditional". Near 1, the head samples frames blind.
    with torch.no_grad():
        fm_loss = {p: float(lm_losses(model, built, torch.Generator().manual_seed(0), p)["fm"]) for p in (0.0, 1.0)}
    print(
        f"flow-matching loss on these clips: {fm_loss[0.0]:.4f} with the hidden state, {fm_loss[1.0]:.4f} without "
        f"(ratio {fm_loss[0.0] / fm_loss[1.0]:.2f})"
    )
    if args.out:
        doc = {"rows": rows, "wer": dict(zip(KINDS, all_cells)), "fm_cond": fm_loss[0.0], "fm_uncond": fm_loss[1.0]}
        args.out.write_text(json.dumps(doc, indent=1))


if __name__ == "__main__":
    main()
