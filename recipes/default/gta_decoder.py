"""A codec decoder that takes the words from phone codes and the voice from the LM's own acoustic values.

`where_lost.py` showed that on the pinned codec the decoder reads the words from the acoustic envelope, and the
LM's flow head draws that envelope blurred: true semantic codes with the LM's acoustic values score about 150 %
WER. Phone-pair semantic codes (`phone_codes.py`) name the sounds, so a decoder that reads them could voice words
from a blurred envelope. This trains such a decoder the way two-stage TTS trains a vocoder on its acoustic
model's output (ground-truth-aligned, GTA): its inputs are the true phone codes and the LM's *teacher-forced*
acoustic values, its target the clip's audio. Only the decoder and the semantic codebook change; the layout,
the LM and the frame loop stay as they are.

    predict  the LM's teacher-forced acoustic levels for every clip of a frames folder (uint8, one .npz)
    train    the decoder on [phone-pair embedding, LM acoustic (or, for some items, the true envelope)]
    judge    Whisper base on held-out clips: true frames, true phones + LM acoustic, free running, against the
             shipped codec's decoder on the old codes with the same LM acoustic values
    export   the LM folder with this decoder and codebook in place (the official layout)

    .venv/bin/python recipes/default/gta_decoder.py predict --model models/lm-phones --frames data/phone-frames --out runs/gta/train.npz
    .venv/bin/python recipes/default/gta_decoder.py train --model models/lm-phones --frames data/phone-frames --gta runs/gta/train.npz --out runs/gta --minutes 40
    .venv/bin/python recipes/default/gta_decoder.py judge --model models/lm-phones --run runs/gta --frames data/phone-frames-val --gta runs/gta/val.npz --old-frames data/default-frames-val
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "src"))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from voxtral_tts.checkpoint import TOKENIZER, load_model  # noqa: E402
from voxtral_tts.config import N_AUDIO_SPECIALS  # noqa: E402
from voxtral_tts.model.quantizers import fsq_values  # noqa: E402
from voxtral_tts.progress import Progress  # noqa: E402

CORPUS = Path("data/default-corpus")
MANIFESTS = ("manifest.jsonl", "heldout_sentences.jsonl", "heldout_speakers.jsonl")
SEGMENT = 16  # frames per training crop: 1.28 s, as the codec trained


def frame_items(folder: Path) -> tuple[list[dict], list]:
    """(index rows, FrameItems with spoken transcripts), in the frames folder's order."""
    from voxtral_tts.data.frames import read_frames
    from voxtral_tts.train.lm import FrameItem, spoken_transcripts

    rows = [json.loads(line) for line in (folder / "index.jsonl").read_text().splitlines() if line.strip()]
    items = [FrameItem(codes=c, text=t, speaker=s, lang=la) for c, t, s, la in read_frames(folder)]
    if len(items) != len(rows):
        raise SystemExit(f"{folder}: index.jsonl has {len(rows)} rows but {len(items)} clips were read")
    return rows, spoken_transcripts(items)


def teacher_forced(model, builder, i: int, rng: random.Random) -> tuple[object, torch.Tensor]:
    """(example, backbone states [T, dim] that predict its frames, each after the true history)."""
    from voxtral_tts.train.lm import prompt_embeddings

    ex = builder.build(i, rng, 100)
    with torch.no_grad():
        emb = prompt_embeddings(model, ex)
        x = torch.cat([emb, model.audio_embeddings(ex.target).to(emb.dtype)])[None]
        n = len(ex.ids) - 1
        return ex, model.backbone.forward_train(x)[0, n : n + ex.target.shape[0]]


def predict(model_dir: Path, frames: Path, out: Path, cfg_alpha: float, limit: int) -> None:
    from voxtral_tts.text import PromptTokenizer
    from voxtral_tts.train.lm import ExampleBuilder

    torch.manual_seed(0)
    _, model = load_model(model_dir)
    model.float().eval()
    fm = model.acoustic_transformer
    rows, items = frame_items(frames)
    builder = ExampleBuilder(items, PromptTokenizer(model_dir / TOKENIZER).text_ids, 25, 125)
    rng = random.Random(0)
    n = min(limit, len(items)) if limit else len(items)
    levels, lengths = [], []
    progress = Progress(n, "clips")
    for i in range(n):
        ex, h = teacher_forced(model, builder, i, rng)
        with torch.no_grad():
            noise = torch.randn(h.shape[0], ex.target.shape[1] - 1)
            alpha = torch.full((h.shape[0],), cfg_alpha)
            frame = fm.frame(h, noise, alpha, semantic=ex.target[:, 0])
        levels.append((frame[:, 1:] - N_AUDIO_SPECIALS).numpy().astype(np.uint8))
        lengths.append(len(frame))
        progress.update()
    progress.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(
        out,
        levels=np.concatenate(levels),
        lengths=np.array(lengths),
        ids=np.array([r["id"] for r in rows[:n]]),
        cfg_alpha=cfg_alpha,
    )
    print(f"wrote {out}: {n} clips, {sum(lengths)} frames")


def audio_paths(corpus: Path) -> dict[str, Path]:
    """Clip id -> audio file, over the corpus's training and held-out manifests."""
    from voxtral_tts.data.manifest import read_manifest

    paths = {}
    for name in MANIFESTS:
        if (corpus / name).exists():
            for e in read_manifest(corpus / name):
                paths[e.id] = e.audio_path(corpus)
    return paths


class Clips:
    """Per clip: true codes [T, 145] (offset removed), the LM's acoustic levels [T, 144], the audio."""

    def __init__(self, frames: Path, gta: Path, corpus: Path = CORPUS) -> None:
        import soundfile as sf

        rows, items = frame_items(frames)
        saved = np.load(gta)
        ends = np.cumsum(saved["lengths"])
        paths = audio_paths(corpus)
        self.codes, self.lm, self.wave, self.items = [], [], [], []
        for k, clip_id in enumerate(saved["ids"]):
            if rows[k]["id"] != clip_id:
                raise SystemExit(f"{gta}: clip {k} is {clip_id}, the frames folder has {rows[k]['id']}")
            self.codes.append(items[k].codes.astype(np.int64) - N_AUDIO_SPECIALS)
            self.lm.append(saved["levels"][ends[k] - saved["lengths"][k] : ends[k]].astype(np.int64))
            if str(clip_id) not in paths:
                raise SystemExit(f"{corpus}: no manifest lists clip {clip_id} of {frames}")
            self.wave.append(sf.read(paths[str(clip_id)], dtype="float32")[0])
            self.items.append(items[k])


def phone_codec(model_dir: Path, state: dict | None = None):
    """The exported model's codec, its semantic codebook made a plain trainable table (`embedding_sum` with unit
    usage is the same codebook in the official layout)."""
    _, model = load_model(model_dir)
    codec = model.codec.float()
    cb = codec.quantizer.semantic_codebook
    if state is not None:
        codec.load_state_dict(state)
    else:
        # A new table at the scale of the old one, so the decoder's first layer sees familiar magnitudes.
        scale = cb.codebook.std().item()
        cb.embedding_sum.copy_(torch.randn_like(cb.embedding_sum) * scale)
        cb.cluster_usage.fill_(1.0)
    table = torch.nn.Parameter(cb.embedding_sum.clone())
    return model, codec, table


def decoder_latent(codec, table: torch.Tensor, semantic: torch.Tensor, levels: torch.Tensor) -> torch.Tensor:
    """semantic [B, T] and acoustic levels [B, T, 144] (no offset) -> decoder latent [B, sd + 144, T]."""
    ac = fsq_values(levels, codec.args.acoustic_codebook_size)
    return torch.cat([F.embedding(semantic, table).transpose(1, 2), ac.transpose(1, 2)], 1)


def train(
    model_dir: Path,
    frames: Path,
    gta: Path,
    out: Path,
    minutes: float,
    p_true: float,
    lr: float,
    corpus: Path = CORPUS,
    max_steps: int = 0,
) -> None:
    from voxtral_tts.train.losses import HeadSpectrumLoss, ReconstructionLoss

    torch.manual_seed(0)
    clips = Clips(frames, gta, corpus)
    out.mkdir(parents=True, exist_ok=True)
    resume = out / "decoder.pt"
    saved = torch.load(resume, map_location="cpu") if resume.exists() else None
    _, codec, table = phone_codec(model_dir, saved["codec"] if saved else None)
    codec.train()
    spf = codec.samples_per_frame
    recon = ReconstructionLoss(24000, [2048, 1024, 512, 256, 128])
    # The iSTFT head's own spectrum loss (codec.yaml's head_spectrum_weight); a patch head has none.
    head = HeadSpectrumLoss(codec.args.istft_n_fft, codec.patch) if codec.head == "istft" else None
    params = [p for n, p in codec.named_parameters() if not n.startswith(("quantizer", "input_proj", "encoder"))]
    opt = torch.optim.AdamW([*params, table], lr=lr, betas=(0.9, 0.95), weight_decay=0.01)
    step, log = 0, {"steps": [], "mel": []}
    if saved:
        opt.load_state_dict(saved["opt"])
        step, log = saved["step"], saved["log"]
    rng = random.Random(step)
    usable = [k for k, c in enumerate(clips.codes) if len(c) >= SEGMENT]
    t0, start, recent = time.time(), step, []
    deadline = t0 + minutes * 60

    def save() -> None:
        cb = codec.quantizer.semantic_codebook
        cb.embedding_sum.copy_(table.detach())
        state = {"codec": codec.state_dict(), "opt": opt.state_dict(), "step": step, "log": log}
        torch.save(state, out / "decoder.pt.tmp")
        (out / "decoder.pt.tmp").replace(out / "decoder.pt")

    while time.time() < deadline and not (max_steps and step >= max_steps):
        step += 1
        for g in opt.param_groups:
            g["lr"] = lr * min(1.0, (step - start) / 100)
        sem, lev, wav = [], [], []
        for _ in range(8):
            k = rng.choice(usable)
            s = rng.randrange(len(clips.codes[k]) - SEGMENT + 1)
            sem.append(clips.codes[k][s : s + SEGMENT, 0])
            src = clips.codes[k][:, 1:] if rng.random() < p_true else clips.lm[k]
            lev.append(src[s : s + SEGMENT])
            w = clips.wave[k][s * spf : (s + SEGMENT) * spf]
            wav.append(np.pad(w, (0, SEGMENT * spf - len(w))))
        wave = torch.from_numpy(np.stack(wav))
        latent = decoder_latent(codec, table, torch.from_numpy(np.stack(sem)), torch.from_numpy(np.stack(lev)))
        y = codec.decode_head(latent)
        y_hat = codec.head_to_wave(y)[:, : wave.shape[1]]
        rl = recon(y_hat, wave)
        loss = rl["stft"] + rl["mel"] + (head(y, wave) if head is not None else 0.0)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_([*params, table], 1.0)
        opt.step()
        recent.append(rl["mel"].item())
        if step % 50 == 0:
            log["steps"].append(step)
            log["mel"].append(float(np.mean(recent)))
            recent = []
            rate = (step - start) / (time.time() - t0)
            left = (deadline - time.time()) / 60
            print(f"step {step} mel {log['mel'][-1]:.3f} | {rate:.2f} step/s, {left:.1f} min left", flush=True)
        if step % 500 == 0:
            save()
    save()
    print(f"saved {out / 'decoder.pt'} at step {step}")


def export(model_dir: Path, run: Path, out: Path) -> Path:
    """The LM folder with the trained decoder and phone-pair codebook in its codec, in the official layout."""
    from voxtral_tts.checkpoint import save_model

    saved = torch.load(run / "decoder.pt", map_location="cpu")
    model, _, _ = phone_codec(model_dir, saved["codec"])
    save_model(out, model, model_dir / TOKENIZER, dtype=torch.float32)
    for extra in (model_dir / "voice_embedding").glob("*.pt"):  # preset voices are LM frames: still valid
        (out / "voice_embedding").mkdir(exist_ok=True)
        (out / "voice_embedding" / extra.name).write_bytes(extra.read_bytes())
    print(f"wrote {out} (decoder step {saved['step']})")
    return out


def listen(folder: Path, lang: str, variants: dict[str, np.ndarray]) -> None:
    """One clip's decodings as WAVs, and their log-mel spectrograms one above the other."""
    import soundfile as sf

    from voxtral_tts.model.envelope import mel_filterbank, stft_mag
    from voxtral_tts.train.plot import pyplot

    folder.mkdir(parents=True, exist_ok=True)
    plt = pyplot()
    fig, axes = plt.subplots(len(variants), 1, figsize=(9, 1.6 * len(variants)), sharex=True)
    fb = mel_filterbank(24000, 1024, 80)
    for ax, (name, wave) in zip(axes, variants.items()):
        slug = name.replace(" ", "-").replace(":", "").replace("+", "and")
        sf.write(folder / f"{lang}-{slug}.wav", wave, 24000)
        mag = stft_mag(torch.from_numpy(np.ascontiguousarray(wave))[None], 1024, 240)[0]
        ax.imshow((fb @ mag).clamp(min=1e-5).log().numpy(), origin="lower", aspect="auto", cmap="magma")
        ax.set_ylabel(name, rotation=0, ha="right", fontsize=8)
        ax.set_yticks([])
    axes[-1].set_xlabel("10 ms hops")
    fig.tight_layout()
    fig.savefig(folder / f"{lang}-spectrograms.png", dpi=90)
    plt.close(fig)


def judge(
    model_dir: Path,
    run: Path,
    frames: Path,
    gta: Path,
    old_frames: Path | None,
    per_lang: int,
    noise_scale: float,
    corpus: Path = CORPUS,
) -> dict:
    from voxtral_tts.eval.asr import load_asr
    from voxtral_tts.eval.metrics import corpus_rate, word_edits
    from voxtral_tts.eval.normalize import normalize_text
    from voxtral_tts.generate import FrameRequest, generate_frames
    from voxtral_tts.text import PromptTokenizer
    from voxtral_tts.train.lm import ExampleBuilder, prompt_embeddings

    torch.manual_seed(0)
    clips = Clips(frames, gta, corpus)
    saved = torch.load(run / "decoder.pt", map_location="cpu")
    model, codec, table = phone_codec(model_dir, saved["codec"])
    model.float().eval()
    codec.eval()
    _, old = load_model(model_dir)  # the shipped codec's decoder and semantic codebook
    old_codec = old.codec.float().eval()
    old_table = old_codec.quantizer.semantic_codebook.codebook
    old_codes = None
    if old_frames:
        _, old_items = frame_items(old_frames)
        old_codes = [it.codes.astype(np.int64) - N_AUDIO_SPECIALS for it in old_items]
    builder = ExampleBuilder(clips.items, PromptTokenizer(model_dir / TOKENIZER).text_ids, 25, 125)
    asr = load_asr("whisper-base")
    rng = random.Random(0)
    chosen: dict[str, list[int]] = defaultdict(list)
    order = list(range(len(clips.items)))
    rng.shuffle(order)
    for k in order:
        if len(chosen[clips.items[k].lang]) < per_lang:
            chosen[clips.items[k].lang].append(k)
    edits: dict[tuple[str, str], list] = defaultdict(list)
    samples = {}

    def voice(c, tab, sem: np.ndarray, lev: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            lat = decoder_latent(c, tab, torch.from_numpy(sem)[None], torch.from_numpy(lev)[None])
            return c.decode_latent(lat)[0].numpy()

    for lang in sorted(chosen):
        for k in chosen[lang]:
            it, codes = clips.items[k], clips.codes[k]
            ex = builder.build(k, rng, 100)
            with torch.no_grad():
                emb = prompt_embeddings(model, ex)
                g = torch.Generator().manual_seed(k)
                free = generate_frames(
                    model, [FrameRequest(emb, 2 * len(codes) + 25, 1.2, generator=g, noise_scale=noise_scale)]
                )[0].cpu()
            free = free.numpy().astype(np.int64) - N_AUDIO_SPECIALS
            variants = {
                "original": clips.wave[k],
                "true frames": voice(codec, table, codes[:, 0], codes[:, 1:]),
                "phones + LM acoustic": voice(codec, table, codes[:, 0], clips.lm[k]),
                "free": voice(codec, table, free[:, 0], free[:, 1:]) if len(free) else np.zeros(1920, "float32"),
            }
            if old_codes is not None:
                variants["old decoder: old codes + LM acoustic"] = voice(
                    old_codec, old_table, old_codes[k][:, 0], clips.lm[k]
                )
            if k == chosen[lang][0]:
                listen(run / "audio", lang, variants)
            ref = normalize_text(it.text, lang)
            for name, wave in variants.items():
                hyp = asr.transcribe(wave, 24000, lang)
                edits[(lang, name)].append(word_edits(ref, normalize_text(hyp, lang)))
                samples.setdefault(name, []).append((lang, hyp))
            print(f"{lang} {it.text[:40]!r} free: {samples['free'][-1][1]!r}", flush=True)
    names = list(dict.fromkeys(n for _, n in edits))
    result = {"decoder_steps": saved["step"], "per_lang": per_lang, "wer": {}}
    for name in names:
        result["wer"][name] = {lang: corpus_rate(edits[(lang, name)]) for lang in sorted(chosen)}
        result["wer"][name]["all"] = corpus_rate([e for (_, n), v in edits.items() if n == name for e in v])
    (run / "judged.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print("WER (Whisper base, language forced)")
    print(f"{'':40s}" + "".join(f"{lang:>7}" for lang in [*sorted(chosen), "all"]))
    for name in names:
        print(f"{name:40s}" + "".join(f"{v:>7.0%}" for v in result["wer"][name].values()))
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("predict")
    p.add_argument("--model", type=Path, required=True, help="an exported LM folder trained on phone codes")
    p.add_argument("--frames", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--cfg-alpha", type=float, default=1.2)
    p.add_argument("--limit", type=int, default=0)
    t = sub.add_parser("train")
    t.add_argument("--model", type=Path, required=True)
    t.add_argument("--frames", type=Path, required=True)
    t.add_argument("--gta", type=Path, required=True)
    t.add_argument("--out", type=Path, required=True)
    t.add_argument("--minutes", type=float, default=40)
    t.add_argument("--p-true", type=float, default=0.25, help="share of items with the true envelope")
    t.add_argument("--lr", type=float, default=5e-4)
    t.add_argument("--steps", type=int, default=0, help="stop after this many steps in all (0: only --minutes)")
    e = sub.add_parser("export")
    e.add_argument("--model", type=Path, required=True)
    e.add_argument("--run", type=Path, required=True)
    e.add_argument("--out", type=Path, required=True)
    j = sub.add_parser("judge")
    j.add_argument("--model", type=Path, required=True)
    j.add_argument("--run", type=Path, required=True)
    j.add_argument("--frames", type=Path, required=True)
    j.add_argument("--gta", type=Path, required=True)
    j.add_argument("--old-frames", type=Path, help="the same clips on the old codes, for the old decoder's row")
    j.add_argument("--per-lang", type=int, default=2)
    j.add_argument("--noise-scale", type=float, default=1.0)
    for sp in (t, j):
        sp.add_argument("--corpus", type=Path, default=CORPUS, help="the corpus whose manifests hold the audio")
    args = ap.parse_args(argv)
    torch.set_num_threads(2)
    if args.cmd == "predict":
        predict(args.model, args.frames, args.out, args.cfg_alpha, args.limit)
    elif args.cmd == "train":
        train(args.model, args.frames, args.gta, args.out, args.minutes, args.p_true, args.lr, args.corpus, args.steps)
    elif args.cmd == "export":
        export(args.model, args.run, args.out)
    else:
        judge(
            args.model, args.run, args.frames, args.gta, args.old_frames, args.per_lang, args.noise_scale, args.corpus
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
