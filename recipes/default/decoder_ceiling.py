"""How intelligible can the codec's decoder be when its latent is perfect? Trains the decoder alone on pinned
latents computed from the audio (tanh of the standardised log-mel envelope, 4 sub-frames x 36 bands: what
`loss.pin_weight` asks the encoder to produce), then judges it on the gate's clips.

    .venv/bin/python recipes/default/decoder_ceiling.py train --manifest M --minutes 16 --out runs/ceiling
    .venv/bin/python recipes/default/decoder_ceiling.py judge --out runs/ceiling [--encoder runs/pinned-codec]
    .venv/bin/python recipes/default/decoder_ceiling.py judge --out runs/judged --run runs/default-codec

`judge` reports Whisper base WER over the gate's languages (de en es fr it pt) for the originals, the decoder
fed the true envelopes (unquantized and FSQ-quantized), and, with `--encoder`, that run's encoder estimates
through the same decoder (`--run`: a pinned codec run's own decoder, on true envelopes and on its encoder's
estimates: the path the LM's frames take, and the path a cloned voice's prompt takes). This separated the two halves of the codec on 2026-12-05: a decoder trained 3.1k
steps on true envelopes scored 40 %, the same decoder fed a regressed encoder's estimates 105 %.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "src"))

import numpy as np  # noqa: E402
import soundfile as sf  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from voxtral_tts.config import ModelArgs  # noqa: E402
from voxtral_tts.model import VoxtralModel  # noqa: E402
from voxtral_tts.model.envelope import PinnedLatent  # noqa: E402
from voxtral_tts.train.codec_run import SegmentSource, build_codec_model, manifest_audio  # noqa: E402
from voxtral_tts.train.config import CodecConfig, load_config  # noqa: E402
from voxtral_tts.train.loop import load_state  # noqa: E402
from voxtral_tts.train.losses import HeadSpectrumLoss, ReconstructionLoss  # noqa: E402

GATE_CLIPS = HERE / "codec_check" / "teachers.jsonl"
JUDGED = ("de", "en", "es", "fr", "it", "pt")


def fsq(a: torch.Tensor, levels: int) -> torch.Tensor:
    return torch.round((a + 1) / 2 * (levels - 1)) / (levels - 1) * 2 - 1


def train(manifest: str, minutes: float, out: Path, config: Path) -> None:
    cfg = load_config(CodecConfig, config, [])
    out.mkdir(parents=True, exist_ok=True)
    model, _ = build_codec_model(cfg, out)
    codec = model.codec.train()
    spf, sd = codec.samples_per_frame, codec.args.semantic_dim
    frames = round(cfg.data.segment_seconds * 24000 / spf)
    files = manifest_audio(manifest)
    source = SegmentSource(files, frames * spf, spf, None, out, True)
    pin = PinnedLatent(spf, cfg.loss.envelope_subframes, cfg.loss.envelope_bands, cfg.loss.pin_scale)
    recon = ReconstructionLoss(24000, cfg.loss.stft_scales)
    head = HeadSpectrumLoss(codec.args.istft_n_fft, codec.patch)
    params = [p for n, p in codec.named_parameters() if not n.startswith(("quantizer", "input_proj", "encoder"))]
    opt = torch.optim.AdamW(params, lr=cfg.optim.lr, betas=(0.9, 0.95), weight_decay=0.01)
    rng, t0, step, log = random.Random(0), time.time(), 0, []
    while time.time() - t0 < minutes * 60:
        step += 1
        for g in opt.param_groups:
            g["lr"] = cfg.optim.lr * min(1.0, step / cfg.optim.warmup_steps)
        wave = torch.from_numpy(np.stack([source.crop(rng.randrange(len(files)), rng)[0] for _ in range(8)]))
        with torch.no_grad():
            latent = torch.cat([torch.zeros(8, sd, frames), pin(wave, frames)], 1)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            y = codec.decode_head(latent)
            y_hat = codec.head_to_wave(y)[:, : wave.shape[1]]
            rl = recon(y_hat, wave)
            hs = head(y, wave)
            l1 = np.exp(-step / cfg.loss.l1_decay_steps) * F.l1_loss(y_hat.float(), wave)
            loss = rl["stft"] + rl["mel"] + hs + l1
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        log.append(rl["mel"].item())
        if step % 100 == 0:
            rate = step / (time.time() - t0)
            left = minutes * 60 - (time.time() - t0)
            print(
                f"step {step} mel {np.mean(log[-100:]):.3f} | {rate:.2f} step/s, {left / 60:.1f} min left", flush=True
            )
    torch.save(
        {"params": model.args.to_dict(), "codec": codec.state_dict(), "pinned": pin.state_dict(), "steps": step},
        out / "decoder.pt",
    )


def load_run(run: Path) -> dict:
    """A codec run's last checkpoint as a `decoder.pt`: its whole codec (encoder included) and its targets'
    statistics, so the run's decoder can be judged on true envelopes beside its encoder's estimates."""
    state = load_state(run / "last.pt")
    if state is None or state.get("pinned") is None:
        raise SystemExit(f"{run}: no checkpoint of a codec with a pinned latent (loss.pin_weight)")
    codec = {k[len("codec.") :]: v.float() for k, v in state["model"].items() if k.startswith("codec.")}
    return {"params": state["params"], "codec": codec, "pinned": state["pinned"], "steps": state["step"]}


def judge(out: Path, encoder: str | None, run: Path | None = None) -> dict:
    from voxtral_tts.data.manifest import read_manifest
    from voxtral_tts.eval.asr import load_asr
    from voxtral_tts.eval.metrics import corpus_rate, word_edits
    from voxtral_tts.eval.normalize import normalize_text

    saved = load_run(run) if run else torch.load(out / "decoder.pt", map_location="cpu", weights_only=False)
    out.mkdir(parents=True, exist_ok=True)
    model = VoxtralModel(ModelArgs.from_dict(saved["params"]), with_encoder=True)
    codec = model.codec.eval()
    codec.load_state_dict(saved["codec"], strict=False)  # the encoder is not part of it
    a = codec.args
    pin = PinnedLatent(a.samples_per_frame, 4, a.acoustic_dim // 4)
    pin.load_state_dict(saved["pinned"])
    enc = {k: v for k, v in saved["codec"].items() if k.startswith(("input_proj", "encoder_"))} if run else None
    if encoder:
        state = load_state(Path(encoder) / "last.pt")
        enc = {
            k[len("codec.") :]: v
            for k, v in state["model"].items()
            if k.startswith(("codec.input_proj", "codec.encoder_"))
        }
    asr = load_asr("whisper-base")
    rec_loss = ReconstructionLoss(24000, [1024, 512, 256])
    errs: dict[str, list] = {}
    mels: dict[str, list] = {}
    for e in read_manifest(GATE_CLIPS):
        if e.language not in JUDGED:
            continue
        wave, _ = sf.read(e.audio_path(GATE_CLIPS.parent), dtype="float32")
        x = torch.from_numpy(wave)[None]
        T = -(-len(wave) // a.samples_per_frame)
        latents = {}
        with torch.no_grad():
            latents["envelope"] = pin(F.pad(x, (0, T * a.samples_per_frame - len(wave))), T)
            # A run's decoder learnt with the semantic code beside the envelope: give it the encoder's, quantised
            # as at inference. A ceiling decoder never saw one: zeros.
            semantic = torch.zeros(1, a.semantic_dim, T)
            if enc is not None:
                codec.load_state_dict(enc, strict=False)
                z = codec.encode_latent(x)
                latents["encoder"] = torch.tanh(z[:, a.semantic_dim :])
                if run:
                    semantic = codec.quantizer.semantic_codebook.decode(codec.quantizer.encode(z)[:, 0])
            ref = normalize_text(e.text, e.language)
            errs.setdefault("original", []).append(
                word_edits(ref, normalize_text(asr.transcribe(wave, 24000, e.language), e.language))
            )
            for name, lat in latents.items():
                for quantized in (False, True):
                    key = name + (" (FSQ)" if quantized else "")
                    ac = fsq(lat, a.acoustic_codebook_size) if quantized else lat
                    y = codec.decode_latent(torch.cat([semantic, ac], 1))[0, : len(wave)]
                    mels.setdefault(key, []).append(rec_loss(y[None], x[:, : len(y)])["mel"].item())
                    hyp = normalize_text(asr.transcribe(y.numpy(), 24000, e.language), e.language)
                    errs.setdefault(key, []).append(word_edits(ref, hyp))
    result = {
        k: {"wer": corpus_rate(v), "mel": float(np.mean(mels[k])) if k in mels else None} for k, v in errs.items()
    }
    result["decoder_steps"] = saved["steps"]
    (out / "judged.json").write_text(json.dumps(result, indent=1))
    for k, v in result.items():
        if isinstance(v, dict):
            print(f"{k:22s} WER {100 * v['wer']:.1f} %" + (f"  mel {v['mel']:.3f}" if v["mel"] is not None else ""))
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train")
    t.add_argument("--manifest", required=True)
    t.add_argument("--minutes", type=float, default=16)
    t.add_argument("--out", type=Path, required=True)
    t.add_argument("--config", type=Path, default=HERE / "train" / "codec.yaml")
    j = sub.add_parser("judge")
    j.add_argument("--out", type=Path, required=True)
    j.add_argument("--encoder", help="a codec run folder whose encoder to judge through this decoder")
    j.add_argument("--run", type=Path, help="judge this codec run's own decoder and encoder instead")
    args = ap.parse_args(argv)
    if args.cmd == "train":
        train(args.manifest, args.minutes, args.out, args.config)
    else:
        judge(args.out, args.encoder, args.run)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
