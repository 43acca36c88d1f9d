"""Does the LM follow the text? Where each backbone head looks in the text while it reads held-out frames.

Teacher-forced on held-out clips (prompts from other clips of the same speaker, as in training), every query
head's attention from the frames to the text is renormalised over the text and scored by its off-diagonal
mass (`voxtral_tts.train.align`: 0 when each frame reads the text where an even pace would put it, about 0.55
for attention spread evenly over the text). It prints the score of every layer and head and draws, per layer,
the most diagonal head's map for a few clips.

Teacher forcing shows what the heads learnt; `--free N` shows what they do when the model speaks: for N clips
the model generates from the same prompt (greedy semantic codes, as inference does), and its own frames are
fed back through the same forward. The backbone is causal, so that is the attention it had while generating.
Each free-running clip reports how far through the text its guided heads' attention got by the last frame (1.0:
the end of the text; a babbling model stalls or wanders) and its length against the teacher's.

    .venv/bin/python recipes/default/attention_map.py --model models/default-lm --frames data/default-frames-val \
        --out runs/attention.png
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "src"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, required=True, help="an exported model folder")
    ap.add_argument("--frames", type=Path, required=True, help="held-out frames (`voxtral-tts data encode`)")
    ap.add_argument("--items", type=int, default=32, help="clips scored")
    ap.add_argument("--show", type=int, default=3, help="clips drawn")
    ap.add_argument("--width", type=float, default=0.2)
    ap.add_argument("--free", type=int, default=0, help="clips also generated free-running and drawn")
    ap.add_argument("--out", type=Path, default=Path("runs/attention.png"))
    args = ap.parse_args()

    import torch

    from voxtral_tts.checkpoint import TOKENIZER, load_model
    from voxtral_tts.text import PromptTokenizer
    from voxtral_tts.train.align import off_diagonal_mass, tap_attention_inputs, text_attention
    from voxtral_tts.train.lm import ExampleBuilder, lm_losses, load_frame_corpus, spoken_transcripts

    _, model = load_model(args.model)
    model.float().eval()
    items = spoken_transcripts(load_frame_corpus(args.frames, 250))  # the text as training and inference see it
    rng = random.Random(0)
    rng.shuffle(items)
    builder = ExampleBuilder(items, PromptTokenizer(args.model / TOKENIZER).text_ids, 25, 125)
    examples = [builder.build(i, rng, 75) for i in range(min(args.items, len(items)))]
    layers = range(len(model.backbone.layers))
    heads = model.backbone.layers[0].attention.n_heads

    def attention(batch: list) -> dict[int, list[torch.Tensor]]:
        with torch.no_grad(), tap_attention_inputs(model.backbone, layers) as tapped:
            lm_losses(model, batch, torch.Generator().manual_seed(0), 0.0)
            spans = [ex.span() for ex in batch]
            return {i: text_attention(model.backbone, i, tapped[i], spans, heads) for i in layers}

    maps = attention(examples)
    score = torch.stack(
        [torch.stack([off_diagonal_mass(a, args.width).mean(1) for a in maps[i]]).mean(0) for i in layers]
    )  # [layers, heads]
    print(f"off-diagonal text attention, {len(examples)} held-out clips (0 = on the diagonal, ~0.55 = even)")
    print("layer " + " ".join(f"h{h:<5}" for h in range(heads)))
    for i in layers:
        print(f"{i:<5} " + " ".join(f"{float(v):.3f} " for v in score[i]))
    best = score.min(1)
    print(f"most diagonal head per layer: {[int(h) for h in best.indices]}; overall {float(score.min()):.3f}")
    pairs = free_running(model, examples[: args.free]) if args.free else []
    free = [f for _, f in pairs]
    free_maps = attention(free) if free else {}
    rows = [(examples[r], maps, r, "teacher-forced") for r in range(min(args.show, len(examples)))]
    rows += [(free[r], free_maps, r, "free-running") for r in range(len(free))]
    for r, ex in enumerate(free):
        reach = [float(progress(free_maps[i][r][int(best.indices[i])])[-1]) for i in layers]
        truth = pairs[r][0].target.shape[0]
        print(
            f"free-running clip {r}: {ex.target.shape[0]} frames (teacher {truth}); text reached by the last frame, "
            "most diagonal head per layer: " + " ".join(f"{v:.2f}" for v in reach)
        )

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(rows), len(layers), figsize=(2.6 * len(layers), 2.4 * len(rows)), squeeze=False)
    for row, (_, source, r, kind) in enumerate(rows):
        for i in layers:
            h = int(best.indices[i])
            ax = axes[row][i]
            ax.imshow(source[i][r][h].T.numpy(), origin="lower", aspect="auto", cmap="magma")
            ax.set_title(f"{kind}: layer {i} head {h} ({float(best.values[i]):.2f})", fontsize=7)
            ax.set_xlabel("frame", fontsize=7)
            ax.set_ylabel("text token", fontsize=7)
            ax.tick_params(labelsize=6)
    fig.suptitle(f"{args.model.name}: text attention on held-out clips", fontsize=9)
    fig.tight_layout()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out, dpi=110)
    print(f"wrote {args.out}")


def progress(attention):
    """[T, N] text attention -> [T]: each frame's expected text position, as a fraction of the text."""
    import torch

    n = attention.shape[-1]
    return attention @ ((torch.arange(n, dtype=attention.dtype) + 0.5) / n)


def free_running(model, examples: list) -> list:
    """(example, the example with its target replaced by what the model generates from its prompt), for the
    examples whose generation made at least one frame."""
    import dataclasses

    import torch

    from voxtral_tts.generate import FrameRequest, generate_frames
    from voxtral_tts.train.lm import prompt_embeddings

    requests = []
    for r, ex in enumerate(examples):
        with torch.no_grad():
            emb = prompt_embeddings(model, ex)
        cap = 2 * ex.target.shape[0] + 25
        requests.append(FrameRequest(prompt=emb, max_frames=cap, generator=torch.Generator().manual_seed(r)))
    with torch.no_grad():
        frames = generate_frames(model, requests)
    return [(ex, dataclasses.replace(ex, target=f.cpu())) for ex, f in zip(examples, frames) if f.shape[0] > 0]


if __name__ == "__main__":
    main()
