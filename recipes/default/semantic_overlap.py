"""Do the semantic codes follow the words or the speaker? Bag-of-codes overlap (Jaccard) between pairs of
clips in a frames folder: the same speaker, two speakers of one language, two languages. Codes about the
words would make the second about as high as the first; speaker-laden codes put it well below. `--text` measures
the same pairs on the transcripts' words instead: what codes that followed only the words would score (same
speaker lower than two speakers of one language on the default corpus, whose multilingual speakers make many
same-speaker pairs cross-lingual).

    .venv/bin/python recipes/default/semantic_overlap.py [--frames data/default-frames] [--pairs 400] [--text]
"""

from __future__ import annotations

import argparse
import collections
import json
import random
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--frames", type=Path, default=Path("data/default-frames"))
    ap.add_argument("--pairs", type=int, default=400)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--text", action="store_true", help="the transcripts' words instead of the codes")
    args = ap.parse_args()
    rows = [json.loads(line) for line in (args.frames / "index.jsonl").read_text().splitlines() if line.strip()]
    shards: dict[str, np.ndarray] = {}

    def codes(r: dict) -> set:
        if args.text:
            return set(r["text"].lower().split())
        if r["shard"] not in shards:
            shards[r["shard"]] = load_file(str(args.frames / r["shard"]))["codes"]
        return set(shards[r["shard"]][r["start"] : r["start"] + r["frames"], 0].tolist())

    def jaccard(a: dict, b: dict) -> float:
        x, y = codes(a), codes(b)
        return len(x & y) / len(x | y)

    rng = random.Random(args.seed)
    by_speaker, by_lang = collections.defaultdict(list), collections.defaultdict(list)
    for r in rows:
        by_speaker[r["speaker"]].append(r)
        by_lang[r["language"]].append(r)
    speakers = [s for s, v in by_speaker.items() if len(v) > 1]
    same_speaker, same_lang, other_lang = [], [], []
    while min(len(same_speaker), len(same_lang), len(other_lang)) < args.pairs:
        a, b = rng.sample(by_speaker[rng.choice(speakers)], 2)
        same_speaker.append(jaccard(a, b))
        c = rng.choice(by_lang[a["language"]])
        if c["speaker"] != a["speaker"]:
            same_lang.append(jaccard(a, c))
        d = rng.choice(rows)
        if d["language"] != a["language"]:
            other_lang.append(jaccard(a, d))
    used = set().union(*(codes(r) for r in rng.sample(rows, min(2000, len(rows)))))
    print(f"clips {len(rows)}, pairs {args.pairs} of each kind")
    print(f"same speaker {np.mean(same_speaker[: args.pairs]):.3f}")
    print(f"same language, other speaker {np.mean(same_lang[: args.pairs]):.3f}")
    print(f"other language {np.mean(other_lang[: args.pairs]):.3f}")
    print(f"distinct {'words' if args.text else 'codes'} in 2,000 clips: {len(used)}")


if __name__ == "__main__":
    main()
