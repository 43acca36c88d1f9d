"""Semantic codes that name phones (voxtral_tts/train/phones.py says why): a CTC phone recogniser trained on the
pinned codec's envelopes, its phone error rate, and frames whose semantic column is the aligned phone pair.

    .venv/bin/python recipes/default/phone_codes.py train --frames data/default-frames --val data/default-frames-val \
        --out runs/phones --minutes 30
    .venv/bin/python recipes/default/phone_codes.py per --recognizer runs/phones/best.pt --frames data/default-frames-val
    .venv/bin/python recipes/default/phone_codes.py codes --recognizer runs/phones/best.pt \
        --frames data/default-frames --out data/phone-frames
    .venv/bin/python recipes/default/phone_codes.py codes --recognizer runs/phones/best.pt \
        --frames data/default-frames-val --out data/phone-frames-val --table data/phone-frames/phone_codes.json

`train` resumes from `last.pt` in --out. `codes` copies a frames folder (same codec fingerprint, same acoustic
codes), replacing each frame's semantic code with the code of its (first-half, second-half) phone pair; the
pair table (the `--size` most frequent pairs of the training frames) is written beside as phone_codes.json.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "src"))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from voxtral_tts.config import N_AUDIO_SPECIALS  # noqa: E402
from voxtral_tts.data.frames import INDEX, META, SHARDS, CodeStore, write_shard  # noqa: E402
from voxtral_tts.longform import end_sentence  # noqa: E402
from voxtral_tts.progress import Progress, hms  # noqa: E402
from voxtral_tts.text.normalize import normalize  # noqa: E402
from voxtral_tts.train.phones import (  # noqa: E402
    PhoneRecognizer,
    PhoneSet,
    align,
    edit_distance,
    envelope_of,
    frame_pairs,
    greedy,
    load_recognizer,
    pair_code,
    pair_table,
    phonemize_many,
    save_recognizer,
    with_pauses,
)

SUBFRAMES = 4  # the pinned codec's envelope: 4 sub-frames x 36 bands a frame
SHARD_CLIPS = 512


def units_of(store: CodeStore, cache: Path | None = None) -> list[list[str]]:
    """The pause-marked phone sequence of every clip, from its spoken transcript (as the LM reads it)."""
    if cache is not None and cache.is_file():
        return [json.loads(line) for line in cache.read_text(encoding="utf-8").splitlines()]
    texts = [end_sentence(normalize(it["text"], it["language"]), it["language"]) for it in store.items]
    t0 = time.time()
    clauses = phonemize_many(texts, [it["language"] for it in store.items])
    print(f"phonemized {len(texts)} transcripts in {time.time() - t0:.0f} s", flush=True)
    units = [with_pauses(c) for c in clauses]
    if cache is not None:
        cache.write_text("".join(json.dumps(u, ensure_ascii=False) + "\n" for u in units), encoding="utf-8")
    return units


def batch(store: CodeStore, idx: list[int], targets: list[list[int]]):
    envs = [envelope_of(np.asarray(store.codes(i)), SUBFRAMES) for i in idx]
    lengths = torch.tensor([e.shape[0] for e in envs])
    x = torch.zeros(len(envs), int(lengths.max()), envs[0].shape[1])
    for k, e in enumerate(envs):
        x[k, : e.shape[0]] = torch.from_numpy(e)
    tg = [torch.tensor([u for u in targets[i]]) for i in idx]
    return x, lengths, tg


def ctc_targets(units: list[list[str]], phones: PhoneSet) -> list[list[int]]:
    return [phones.ids(u) for u in units]


@torch.no_grad()
def per_by_language(model: PhoneRecognizer, store: CodeStore, targets: list[list[int]], limit: int = 0) -> dict:
    model.eval()
    errs: dict[str, list[int]] = {}
    n = len(store)
    # An even stride, not the first `limit`: the index is grouped by language, and every language must be read.
    idx = list(range(n)) if not limit or limit >= n else [int(i * n / limit) for i in range(limit)]
    for s in range(0, len(idx), 32):
        chunk = idx[s : s + 32]
        x, lengths, _ = batch(store, chunk, targets)
        logp = model(x, lengths)
        for k, i in enumerate(chunk):
            ref = [u for u in targets[i] if u != 1]  # pauses are not phones
            hyp = [u for u in greedy(logp[k, : lengths[k]]) if u != 1]
            e = errs.setdefault(store.items[i]["language"], [0, 0])
            e[0] += edit_distance(hyp, ref)
            e[1] += len(ref)
    model.train()
    out = {lang: round(100 * e / max(n, 1), 1) for lang, (e, n) in sorted(errs.items())}
    tot = np.array(list(errs.values())).sum(0)
    out["all"] = round(float(100 * tot[0] / max(tot[1], 1)), 1)
    return out


def cmd_train(a: argparse.Namespace) -> None:
    torch.set_num_threads(a.threads)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    store, val = CodeStore(a.frames), CodeStore(a.val)
    units, val_units = units_of(store, out / "units.jsonl"), units_of(val, out / "val_units.jsonl")
    phones = PhoneSet.build(units)
    targets, val_targets = ctc_targets(units, phones), ctc_targets(val_units, phones)
    bands = envelope_of(np.asarray(store.codes(0)), SUBFRAMES).shape[1]
    model = PhoneRecognizer(bands, len(phones.units), a.dim, a.layers)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=0.01)
    step, best, log = 0, float("inf"), out / "metrics.jsonl"
    if (out / "last.pt").is_file():
        blob = torch.load(out / "last.pt", map_location="cpu", weights_only=False)
        if blob["units"] != phones.units:
            sys.exit(f"{out}/last.pt: its phone set differs from these frames'; use a new --out")
        model.load_state_dict(blob["state"])
        opt.load_state_dict(blob["optim"])
        step, best = blob["step"], blob["best"]
        print(f"resumed at step {step} (best PER {best})", flush=True)
    n_params = sum(p.numel() for p in model.parameters())
    print(
        f"{len(store)} clips, {len(val)} held-out, {len(phones.units)} units, {n_params / 1e6:.2f} M params", flush=True
    )
    order = [i for i in range(len(store)) if 0 < len(targets[i]) <= store.items[i]["frames"] * SUBFRAMES]
    order.sort(key=lambda i: store.items[i]["frames"])
    rng = random.Random(step)
    t0, start, deadline = time.time(), step, time.time() + a.minutes * 60
    while step < a.steps and time.time() < deadline:
        step += 1
        lr = a.lr * min(1.0, step / 200) * (0.1 + 0.9 * 0.5 * (1 + np.cos(np.pi * min(1.0, step / a.steps))))
        for g in opt.param_groups:
            g["lr"] = lr
        # Clips of like length together (a random window of the length-sorted list): padding was 40 % of the
        # work with random batches, and this model is compute-bound on a CPU. fp32, because bf16 autocast made its
        # convolutions 20x slower here.
        first = rng.randrange(len(order) - a.batch + 1)
        idx = order[first : first + a.batch]
        x, lengths, tg = batch(store, idx, targets)
        logp = model(x, lengths)
        loss = F.ctc_loss(
            logp.transpose(0, 1),
            torch.cat(tg),
            lengths,
            torch.tensor([len(t) for t in tg]),
            blank=0,
            zero_infinity=True,
        )
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 50 == 0:
            rate = (step - start) / (time.time() - t0)
            left = min((a.steps - step) / rate, deadline - time.time())
            print(
                f"step {step}/{a.steps} ctc {loss.item():.3f} lr {lr:.2e} {rate:.2f} steps/s ETA {hms(left)}",
                flush=True,
            )
        if step % a.val_every == 0 or step == a.steps:
            per = per_by_language(model, val, val_targets, a.val_clips)
            rec = {"step": step, "ctc": round(loss.item(), 4), "per": per, "time": round(time.time())}
            with log.open("a") as f:
                f.write(json.dumps(rec) + "\n")
            print(f"held-out PER at {step}: {per}", flush=True)
            if per["all"] < best:
                best = per["all"]
                save_recognizer(model, phones, out / "best.pt", {"step": step, "per": per})
            save_recognizer(model, phones, out / "last.pt", {"step": step, "optim": opt.state_dict(), "best": best})
    save_recognizer(model, phones, out / "last.pt", {"step": step, "optim": opt.state_dict(), "best": best})
    print(f"stopped at step {step}; best held-out PER {best}", flush=True)


def cmd_per(a: argparse.Namespace) -> None:
    torch.set_num_threads(a.threads)
    model, phones, blob = load_recognizer(a.recognizer)
    store = CodeStore(a.frames)
    targets = ctc_targets(units_of(store), phones)
    print(json.dumps({"step": blob.get("step"), "per": per_by_language(model, store, targets, a.limit)}))


@torch.no_grad()
def cmd_codes(a: argparse.Namespace) -> None:
    torch.set_num_threads(a.threads)
    model, phones, blob = load_recognizer(a.recognizer)
    store, out = CodeStore(a.frames), Path(a.out)
    units = units_of(store)
    targets = ctc_targets(units, phones)
    pairs: list[list[tuple[int, int]]] = []
    bar = Progress(len(store), "align")
    for s in range(0, len(store), 32):
        chunk = list(range(s, min(s + 32, len(store))))
        x, lengths, _ = batch(store, chunk, targets)
        logp = model(x, lengths).numpy()
        for k, i in enumerate(chunk):
            T, ids = int(lengths[k]), targets[i]
            if len(ids) > T:  # more phones than sub-frames: keep the pauses out
                ids = [u for u in ids if u != 1][:T] or [1]
            path = align(logp[k, :T], ids)
            pairs.append(frame_pairs(np.asarray(ids)[path], SUBFRAMES))
        bar.update(len(chunk))
    bar.close()
    if a.table:
        saved = json.loads(Path(a.table).read_text(encoding="utf-8"))
        if saved["units"] != phones.units:
            sys.exit(f"{a.table}: made with another phone set than {a.recognizer}")
        table = {tuple(p): i for i, p in enumerate(saved["pairs"])}
    else:
        table = pair_table([p for ps in pairs for p in ps], a.size)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copy(store.folder / META, out / META)
    rows, shard, items, hits, total = [], 0, [], 0, 0
    for i, item in enumerate(store.items):
        codes = np.array(store.codes(i), dtype=np.int16)
        for t, p in enumerate(pairs[i]):
            codes[t, 0] = pair_code(p, table) + N_AUDIO_SPECIALS
            hits, total = hits + (p in table), total + 1
        items.append((item["id"], codes, [0, 0]))
        if len(items) == SHARD_CLIPS or i == len(store) - 1:
            where = write_shard(out, shard, items)
            for j in range(i + 1 - len(items), i + 1):
                loc = where[store.items[j]["id"]]
                rows.append({**store.items[j], "shard": loc["shard"], "start": loc["start"]})
            shard, items = shard + 1, []
    (out / INDEX).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    pairs_sorted = sorted(table, key=table.get)
    meta = {
        "recognizer": str(a.recognizer),
        "recognizer_step": blob.get("step"),
        "units": phones.units,
        "pairs": [list(p) for p in pairs_sorted],
        "coverage": round(hits / max(total, 1), 4),
    }
    (out / "phone_codes.json").write_text(json.dumps(meta, ensure_ascii=False) + "\n", encoding="utf-8")
    assert (out / SHARDS).is_dir()
    print(
        f"{out}: {len(store)} clips, {total} frames, {len(table)} codes, {100 * hits / max(total, 1):.1f} % of frames on a listed pair"
    )


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train")
    t.add_argument("--frames", required=True)
    t.add_argument("--val", required=True)
    t.add_argument("--out", required=True)
    t.add_argument("--steps", type=int, default=6000)
    t.add_argument("--minutes", type=float, default=1e9)
    t.add_argument("--batch", type=int, default=24)
    t.add_argument("--lr", type=float, default=1e-3)
    t.add_argument("--dim", type=int, default=128)
    t.add_argument("--layers", type=int, default=3)
    t.add_argument("--val-every", type=int, default=500)
    t.add_argument("--val-clips", type=int, default=270, help="held-out clips per check (0: all)")
    t.add_argument("--threads", type=int, default=2)
    e = sub.add_parser("per")
    e.add_argument("--recognizer", required=True)
    e.add_argument("--frames", required=True)
    e.add_argument("--limit", type=int, default=0)
    e.add_argument("--threads", type=int, default=2)
    c = sub.add_parser("codes")
    c.add_argument("--recognizer", required=True)
    c.add_argument("--frames", required=True)
    c.add_argument("--out", required=True)
    c.add_argument("--table", default="", help="phone_codes.json of the training frames (for held-out frames)")
    c.add_argument("--size", type=int, default=2048, help="codes: the semantic codebook's size")
    c.add_argument("--threads", type=int, default=2)
    a = p.parse_args(argv)
    {"train": cmd_train, "per": cmd_per, "codes": cmd_codes}[a.cmd](a)


if __name__ == "__main__":
    main()
