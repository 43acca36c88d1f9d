"""Write a small frames folder of a few speakers' clips, for a memorisation check of the LM.

A model fine-tuned on these clips until it knows them by heart (semantic accuracy 1.00 teacher-forced) says
what the LM's parts can do when the data is not the limit: `where_lost.py --frames` on this folder then
separates the flow head's accuracy ("lm acoustic") from the drift of free running ("free"). The folder
shares the source's shards (a symlink) and keeps its codec fingerprint, so training accepts it.

    .venv/bin/python recipes/default/memo_subset.py --frames data/default-frames --out data/memo-frames
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
from collections import defaultdict
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--frames", type=Path, required=True, help="a `voxtral-tts data encode` folder")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--language", default="en")
    ap.add_argument("--teachers", type=int, default=3, help="one speaker from each of this many teachers")
    ap.add_argument("--clips", type=int, default=16, help="clips per speaker")
    ap.add_argument("--max-frames", type=int, default=60)
    args = ap.parse_args()

    rows = [json.loads(line) for line in (args.frames / "index.jsonl").read_text(encoding="utf-8").splitlines()]
    by_speaker = defaultdict(list)
    for r in rows:  # recorded voices only: an augmented one is a teacher voice moved, not another teacher
        if r["language"] == args.language and r.get("augment") is None and r["frames"] <= args.max_frames:
            by_speaker[(r.get("teacher", ""), r["speaker"])].append(r)
    picked, teachers = [], set()
    for (teacher, _), clips in sorted(by_speaker.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        if teacher not in teachers and len(teachers) < args.teachers:
            teachers.add(teacher)
            picked += clips[: args.clips]
    if not picked:
        raise SystemExit(f"{args.frames}: no {args.language} clips of recorded voices")
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in picked)
    (args.out / "index.jsonl").write_text(lines, encoding="utf-8")
    for name in ("codes.json", ".complete", "summary.json", "skipped.jsonl"):
        if (args.frames / name).exists():
            shutil.copy(args.frames / name, args.out / name)
    os.symlink((args.frames / "shards").resolve(), args.out / "shards")
    print(f"{args.out}: {len(picked)} clips of {', '.join(sorted(teachers))}")


if __name__ == "__main__":
    main()
