"""Does the LM follow the text? Where each backbone head looks in the text while it reads held-out frames.

Teacher-forced on held-out clips (prompts from other clips of the same speaker, as in training), every query
head's attention from the frames to the text is renormalised over the text and scored by its off-diagonal
mass (`voxtral_tts.train.align`: 0 when each frame reads the text where an even pace would put it, about 0.55
for attention spread evenly over the text). It prints the score of every layer and head and draws, per layer,
the most diagonal head's map for a few clips.

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
    ap.add_argument("--out", type=Path, default=Path("runs/attention.png"))
    args = ap.parse_args()

    import torch

    from voxtral_tts.checkpoint import TOKENIZER, load_model
    from voxtral_tts.text import PromptTokenizer
    from voxtral_tts.train.align import off_diagonal_mass, tap_attention_inputs, text_attention
    from voxtral_tts.train.lm import ExampleBuilder, lm_losses, load_frame_corpus

    _, model = load_model(args.model)
    model.float().eval()
    items = load_frame_corpus(args.frames, 250)
    rng = random.Random(0)
    rng.shuffle(items)
    builder = ExampleBuilder(items, PromptTokenizer(args.model / TOKENIZER).text_ids, 25, 125)
    examples = [builder.build(i, rng, 75) for i in range(min(args.items, len(items)))]
    layers = range(len(model.backbone.layers))
    heads = model.backbone.layers[0].attention.n_heads
    with torch.no_grad(), tap_attention_inputs(model.backbone, layers) as tapped:
        lm_losses(model, examples, torch.Generator().manual_seed(0), 0.0)
        spans = [ex.span() for ex in examples]
        maps = {i: text_attention(model.backbone, i, tapped[i], spans, heads) for i in layers}
    score = torch.stack(
        [torch.stack([off_diagonal_mass(a, args.width).mean(1) for a in maps[i]]).mean(0) for i in layers]
    )  # [layers, heads]
    print(f"off-diagonal text attention, {len(examples)} held-out clips (0 = on the diagonal, ~0.55 = even)")
    print("layer " + " ".join(f"h{h:<5}" for h in range(heads)))
    for i in layers:
        print(f"{i:<5} " + " ".join(f"{float(v):.3f} " for v in score[i]))
    best = score.min(1)
    print(f"most diagonal head per layer: {[int(h) for h in best.indices]}; overall {float(score.min()):.3f}")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    show = min(args.show, len(examples))
    fig, axes = plt.subplots(show, len(layers), figsize=(2.6 * len(layers), 2.4 * show), squeeze=False)
    for r in range(show):
        for i in layers:
            h = int(best.indices[i])
            ax = axes[r][i]
            ax.imshow(maps[i][r][h].T.numpy(), origin="lower", aspect="auto", cmap="magma")
            ax.set_title(f"layer {i} head {h} ({float(best.values[i]):.2f})", fontsize=8)
            ax.set_xlabel("frame", fontsize=7)
            ax.set_ylabel("text token", fontsize=7)
            ax.tick_params(labelsize=6)
    fig.suptitle(f"{args.model.name}: text attention on held-out clips", fontsize=9)
    fig.tight_layout()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out, dpi=110)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
