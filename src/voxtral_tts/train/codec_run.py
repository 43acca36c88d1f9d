"""`voxtral-tts train codec`: the codec recipe of spec §7, or an encoder against a frozen decoder.

Per step, on random crops of the corpus:
  encoder -> latent; semantic part -> VQ (EMA codebook, dead-code restarts; quantised for half the
  items, passed through for the rest); acoustic part -> tanh -> FSQ (quantised 50%, dithered 25%,
  passed through 25%); decoder -> waveform.
Losses: multi-resolution STFT + mel, waveform L1 with a decaying weight, VQ commitment, distillation of
the quantised semantic latent toward a frozen ASR teacher, and after a warm-up, feature matching
against a multi-scale STFT discriminator trained with the hinge loss.

Encoder-only mode (`decoder_from`) freezes a model's decoder and codebook and trains only the encoder,
always quantising, so that its codes are the ones that decoder (and its LM) expect. This is how the
official release, which ships no encoder, gains voice cloning.
"""

from __future__ import annotations

import hashlib
import json
import random
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import soundfile as sf
import torch
import torch.nn.functional as F

from ..checkpoint import TOKENIZER, load_model, save_model
from ..config import ModelArgs
from ..data.manifest import read_manifest
from ..errors import VoxtralError
from ..model import VoxtralModel
from ..model.envelope import PinnedLatent
from ..model.quantizers import SemanticCodebook
from ..text.tekken import write_tekken
from ..tiny import TINY_PARAMS
from .config import CODEC_PRESETS, CodecConfig, ConfigError, dump_config, from_dict, to_dict
from .loop import (
    Dist,
    EpochSampler,
    autocast,
    drive,
    load_state,
    lr_at,
    make_optimizer,
    run_end,
    sampler_states,
    save_state,
)
from .losses import (
    EnvelopeProbe,
    HeadSpectrumLoss,
    MultiScaleSTFTDiscriminator,
    ReconstructionLoss,
    discriminator_loss,
    feature_matching_loss,
    generator_adv_loss,
    l1_weight,
)
from .teachers import TEACHER_RATE, make_teacher

CKPT = "last.pt"
ENCODER_PREFIXES = ("codec.input_proj.", "codec.encoder_blocks.")


# -- data ---------------------------------------------------------------------------------------


def manifest_audio(path: str | Path) -> list[str]:
    """The audio files of a manifest written by `voxtral-tts data import`."""
    path = Path(path)
    entries = read_manifest(path)
    if not entries:
        raise ConfigError(f"{path}: manifest is empty")
    return [str(e.audio_path(path.parent)) for e in entries]


def manifest_transcripts(path: str | Path) -> tuple[list[str], list[str]]:
    """Texts and languages of a manifest, in manifest_audio's order, for a teacher that reads transcripts."""
    path = Path(path)
    entries = read_manifest(path)
    missing = [e.id for e in entries if not e.text.strip() or not e.language]
    if missing:
        raise ConfigError(f"{path}: the teacher needs a text and a language on every line; {missing[0]} lacks one")
    return [e.text for e in entries], [e.language for e in entries]


class SegmentSource:
    """Random frame-aligned crops of the corpus's 24 kHz audio, with the teacher's features for them."""

    def __init__(
        self,
        files: list[str],
        segment: int,
        spf: int,
        teacher,
        cache_dir: Path,
        keep: bool,
        texts: list[str] | None = None,
        langs: list[str] | None = None,
    ) -> None:
        self.files, self.segment, self.spf = files, segment, spf
        self.texts, self.langs = texts, langs
        self.mean: np.ndarray | None = None
        self.scale: np.ndarray | None = None
        self.basis: np.ndarray | None = None
        self.teacher = teacher
        self.cache_dir = cache_dir
        self.keep = keep
        self._audio: dict[int, np.ndarray] = {}

    def audio(self, i: int) -> np.ndarray:
        if i in self._audio:
            return self._audio[i]
        data, sr = sf.read(self.files[i], dtype="float32", always_2d=True)
        if sr != 24000:
            raise VoxtralError(f"{self.files[i]}: {sr} Hz; the manifest must hold 24 kHz audio (data import)")
        wave = data.mean(1)
        if self.keep:
            self._audio[i] = wave
        return wave

    def _teacher_path(self, i: int) -> Path:
        # "@frames": features are stored pooled to the codec frame rate (older caches held 50 Hz ones).
        key = hashlib.sha1(f"{self.teacher.name}@frames:{self.files[i]}".encode()).hexdigest()[:16]
        return self.cache_dir / f"{key}.npy"

    def _per_frame(self) -> int:
        return TEACHER_RATE * self.spf // 24000  # teacher frames per codec frame (4 at 12.5 Hz)

    def _save_teacher(self, i: int, feats: np.ndarray) -> np.ndarray:
        """Cache the clip's features averaged to one vector per codec frame, which is all the distillation loss
        uses: a quarter of the disk and reads of 50 Hz features. Returns what was stored."""
        per = self._per_frame()
        n = len(feats) // per
        feats = feats[: n * per].reshape(n, per, -1).mean(1)
        path = self._teacher_path(i)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, feats.astype(np.float16))  # half the disk; targets need no more precision
        tmp.replace(path)
        return feats

    def teacher_features(self, i: int, wave: np.ndarray) -> np.ndarray:
        path = self._teacher_path(i)
        if path.exists():
            return np.load(path).astype(np.float32)
        if self.teacher.needs_text:
            return self._save_teacher(i, self.teacher.features(wave, self.texts[i], self.langs[i]))
        return self._save_teacher(i, self.teacher.features(wave))

    def precompute_teacher(self, d: Dist, pack: int = 64) -> None:
        """Fill the teacher cache before training, packing clips into whole teacher windows."""
        if self.teacher is None:
            return
        todo = [i for i in range(len(self.files)) if not self._teacher_path(i).exists()]
        mine = todo[d.rank :: d.world]
        if not mine:
            return
        from ..progress import Progress as Bar
        from .teachers import packed_features

        bar = Bar(len(mine), "teacher features", enabled=d.main)
        for k in range(0, len(mine), pack):
            group = mine[k : k + pack]
            waves = [self.audio(i) for i in group]
            if self.teacher.needs_text:
                feats = self.teacher.features_many(
                    waves, [self.texts[i] for i in group], [self.langs[i] for i in group]
                )
            else:
                feats = packed_features(self.teacher, waves)
            for i, f in zip(group, feats):
                self._save_teacher(i, f)
            bar.update(len(group))
        bar.close()
        d.barrier()

    def standardize(self, stats: Path, write: bool = True, sample: int = 512, basis_dim: int = 0) -> None:
        """Targets standardised per dimension, with a mean and deviation measured once over the cached
        features and kept in `stats`, so a resumed run uses the same. Whisper's decoder states have a few
        dimensions with ten times the typical spread; unscaled, they would take most of the cosine loss.
        `basis_dim`: also the leading principal directions of the standardised targets, [dim, basis_dim], which
        `loss.distill_space: latent` regresses the semantic latent onto."""
        if self.teacher is None:
            return
        saved = dict(np.load(stats)) if stats.exists() else {}
        if saved and (not basis_dim or saved.get("basis", np.zeros((0, 0))).shape[1:] == (basis_dim,)):
            self.mean, self.scale, self.basis = saved["mean"], saved["scale"], saved.get("basis")
            return
        pick = random.Random(0).sample(range(len(self.files)), min(sample, len(self.files)))
        feats = np.concatenate([self.teacher_features(i, self.audio(i)) for i in pick])
        if saved:  # a basis joins statistics the run already trains with
            self.mean, self.scale = saved["mean"], saved["scale"]
        else:
            self.mean, self.scale = feats.mean(0), feats.std(0) + 1e-3
        keep = dict(mean=self.mean, scale=self.scale)
        if basis_dim:
            std = (feats - self.mean) / self.scale
            eigval, eigvec = np.linalg.eigh(np.cov(std, rowvar=False))
            top = np.argsort(eigval)[::-1][:basis_dim]
            # One scale for all directions (unit variance on average), not whitening: the leading directions keep
            # their weight in the loss and in the codebook's distances, as in k-means on the states themselves.
            self.basis = (eigvec[:, top] / np.sqrt(eigval[top].mean() + 1e-6)).astype(np.float32)
            keep["basis"] = self.basis
        if not write:  # every rank computes the same from the same sample; one writes
            return
        tmp = stats.with_suffix(".tmp.npz")
        np.savez(tmp, **keep)
        tmp.replace(stats)

    def crop(self, i: int, rng: random.Random) -> tuple[np.ndarray, np.ndarray | None]:
        wave = self.audio(i)
        frames = self.segment // self.spf
        n_frames = max(1, len(wave) // self.spf)
        start = rng.randint(0, max(0, n_frames - frames)) * self.spf
        seg = np.zeros(self.segment, np.float32)
        piece = wave[start : start + self.segment]
        seg[: len(piece)] = piece
        if self.teacher is None:
            return seg, None
        feats = self.teacher_features(i, wave)  # [codec frames, D]
        if self.mean is not None:
            feats = (feats - self.mean) / self.scale
        t0 = start // self.spf
        out = np.zeros((frames, feats.shape[1]), np.float32)
        got = feats[t0 : t0 + frames]
        out[: len(got)] = got
        return seg, out


# -- quantisation during training -------------------------------------------------------------


@torch.no_grad()
def ema_update(cb: SemanticCodebook, z: torch.Tensor, codes: torch.Tensor, decay: float, dead: float, d: Dist) -> int:
    """EMA statistics of the codebook, and restarts of codes whose usage fell below `dead` from
    random current latents. Returns the number of restarted codes."""
    size = cb.cluster_usage.shape[0]
    onehot = F.one_hot(codes, size).to(z.dtype)
    counts = onehot.sum(0)
    sums = onehot.T @ z
    if d.world > 1:
        torch.distributed.all_reduce(counts)
        torch.distributed.all_reduce(sums)
    cb.cluster_usage.mul_(decay).add_(counts, alpha=1 - decay)
    cb.embedding_sum.mul_(decay).add_(sums, alpha=1 - decay)
    dead_mask = cb.cluster_usage < dead
    n_dead = int(dead_mask.sum())
    if n_dead:
        pick = torch.randint(0, z.shape[0], (n_dead,), device=z.device)
        fresh = z[pick]
        if d.world > 1:  # every rank must restart with the same vectors
            torch.distributed.broadcast(fresh, 0)
        cb.embedding_sum[dead_mask] = fresh
        cb.cluster_usage[dead_mask] = 1.0
    return n_dead


def pinned_decoder_input(
    estimate: torch.Tensor, target: torch.Tensor, p_target: float, frozen: bool, gen: torch.Generator
) -> torch.Tensor:
    """The acoustic values a pinned codec's decoder learns from, [B, acoustic_dim, T]. Before the encoder freeze,
    the true envelope for a share `p_target` of the items and the encoder's estimate for the rest; no gradient
    reaches the estimate through the decoder, which learns to voice envelopes, not to reshape them. After it,
    the true envelope only: the LM's frames and a cloned voice's prompt both carry true envelopes
    (`data encode`, `VoxtralModel.audio_codes`), so that is all the decoder will be fed."""
    if frozen:
        return target
    use = (torch.rand(estimate.shape[0], generator=gen) < p_target).to(estimate.device)
    return torch.where(use[:, None, None], target, estimate.detach())


def latent_distill(z: torch.Tensor, target: torch.Tensor, basis: torch.Tensor) -> torch.Tensor:
    """MSE between the semantic part of the latent z [B, C, T] and the teacher's states target [B, T', D]
    projected by basis [D, semantic_dim]; the acoustic channels take no part."""
    want = target.float() @ basis
    zs = z[:, : basis.shape[1]].transpose(1, 2)[:, : want.shape[1]]
    return F.mse_loss(zs.float(), want[:, : zs.shape[1]])


def quantize_for_training(
    model: VoxtralModel,
    z: torch.Tensor,
    cfg: CodecConfig,
    gen: torch.Generator,
    update: bool,
    d: Dist,
    always: bool = False,
    acoustic: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, dict[str, float]]:
    """-> (latent for the decoder, straight-through quantised semantic latent, commitment loss, stats).
    `always`: quantise every item, as inference does (else the config's dropout probabilities).
    `acoustic`: the acoustic values to quantise, in (-1, 1), instead of tanh of z's (a pinned latent)."""
    codec = model.codec
    sd = codec.args.semantic_dim
    levels = codec.args.acoustic_codebook_size
    B, _, T = z.shape
    zs = z[:, :sd].transpose(1, 2).reshape(B * T, sd)
    cb = codec.quantizer.semantic_codebook
    book = cb.codebook.to(zs.dtype)
    codes = torch.cdist(zs.detach().float(), book.float()).argmin(-1)
    q = book[codes]
    commit = F.mse_loss(zs, q.detach())
    restarted = (
        ema_update(cb, zs.detach().float(), codes, cfg.loss.vq_decay, cfg.loss.dead_code_threshold, d) if update else 0
    )
    q_ste = zs + (q - zs).detach()
    always = always or bool(cfg.decoder_from)  # a frozen decoder is fed what inference will feed it
    lc = cfg.loss
    u = torch.rand(B, generator=gen).to(z.device)
    sem_q = (u < (1.0 if always else lc.p_semantic_quantize))[:, None, None]
    zs_bt = zs.view(B, T, sd)
    q_bt = q_ste.view(B, T, sd)
    sem = torch.where(sem_q, q_bt, zs_bt).transpose(1, 2)
    if not lc.semantic_recon_grad:  # the decoder reads the semantic code but cannot shape it
        sem = sem.detach()

    a = torch.tanh(z[:, sd:]) if acoustic is None else acoustic
    step = 2.0 / (levels - 1)
    scaled = (a + 1) / 2 * (levels - 1)
    a_q = a + ((scaled.round() / (levels - 1)) * 2 - 1 - a).detach()
    noise = (torch.rand(a.shape, generator=gen).to(a) * 2 - 1) * (step / 2)
    a_dither = a + noise
    v = torch.rand(B, generator=gen).to(z.device)[:, None, None]
    pq, pd = (1.0, 0.0) if always else (lc.p_acoustic_quantize, lc.p_acoustic_dither)
    ac = torch.where(v < pq, a_q, torch.where(v < pq + pd, a_dither, a))
    usage = float((cb.cluster_usage > lc.dead_code_threshold).float().mean())
    return torch.cat([sem, ac], dim=1), q_bt, commit, {"restarts": restarted, "code_use": usage}


# -- model construction ---------------------------------------------------------------------------


def build_codec_model(cfg: CodecConfig, out: Path) -> tuple[VoxtralModel, Path]:
    """The model whose codec trains, and the tekken.json its export will carry."""
    if cfg.decoder_from or cfg.init_from:
        src = Path(cfg.decoder_from or cfg.init_from)
        args, loaded = load_model(src)
        model = VoxtralModel(args, with_encoder=True)
        missing, _ = model.load_state_dict(loaded.state_dict(), strict=False)
        if cfg.init_from and missing:
            raise ConfigError(f"{src}: init_from needs a model with encoder weights")
        return model, Path(cfg.tokenizer) if cfg.tokenizer else src / TOKENIZER
    if cfg.preset not in CODEC_PRESETS:
        raise ConfigError(f"unknown codec preset {cfg.preset!r}; choose one of {', '.join(CODEC_PRESETS)}")
    params = json.loads(json.dumps(TINY_PARAMS))
    codec = params["multimodal"]["audio_tokenizer_args"]
    codec.update(CODEC_PRESETS[cfg.preset])
    codec.update(cfg.overrides)
    params["multimodal"]["audio_model_args"]["semantic_codebook_size"] = codec["semantic_codebook_size"]
    params["multimodal"]["audio_model_args"]["acoustic_codebook_size"] = codec["acoustic_codebook_size"]
    params["multimodal"]["audio_model_args"]["n_acoustic_codebook"] = codec["acoustic_dim"]
    tok = Path(cfg.tokenizer) if cfg.tokenizer else out / TOKENIZER
    if not cfg.tokenizer:
        out.mkdir(parents=True, exist_ok=True)
        params["vocab_size"] = write_tekken(tok, {})
    model = VoxtralModel(ModelArgs.from_dict(params), with_encoder=True)
    cb = model.codec.quantizer.semantic_codebook
    with torch.no_grad():  # every code starts dead, so the first batches seed the codebook
        cb.cluster_usage.fill_(0.0)
    if cfg.warm_from:
        _, src = load_model(cfg.warm_from)
        if not src.codec.has_encoder:
            raise ConfigError(f"{cfg.warm_from}: warm_from needs a model with encoder weights")
        reshaped = warm_start(model.codec, src.codec)
        print(f"warm start from {cfg.warm_from}: {len(reshaped)} tensors resized ({', '.join(reshaped)})", flush=True)
    return model, tok


def warm_start(dst: torch.nn.Module, src: torch.nn.Module) -> list[str]:
    """Copy src's weights into dst where the names match, so a reshaped codec (a wider latent, say) starts
    from a trained one instead of from scratch. Where a shape differs, the overlapping block is copied;
    weights that gained input channels get zeros there, so at the start the grown layer computes what
    the trained one did and learns to use the new inputs. Returns the names that were resized."""
    theirs = src.state_dict()
    reshaped = []
    with torch.no_grad():
        for name, t in dst.state_dict().items():
            s = theirs.get(name)
            if s is None or s.dim() != t.dim():
                continue
            if s.shape == t.shape:
                t.copy_(s)
                continue
            if t.dim() >= 2 and t.shape[1] > s.shape[1]:
                t[:, s.shape[1] :].zero_()
            block = tuple(slice(0, min(a, b)) for a, b in zip(t.shape, s.shape))
            t[block].copy_(s[block])
            reshaped.append(name)
    return reshaped


# -- the run --------------------------------------------------------------------------------------


def train_codec(cfg: CodecConfig, stop_after: int | None = None) -> Path:
    run = cfg.run
    d = Dist(run)
    out = Path(run.out_dir)
    if d.main:
        out.mkdir(parents=True, exist_ok=True)
        dump_config(cfg, out / "config.yaml")
    torch.manual_seed(run.seed)
    model, tok = build_codec_model(cfg, out)
    codec = model.codec
    encoder_only = bool(cfg.decoder_from)
    for name, p in model.named_parameters():
        p.requires_grad_(name.startswith(ENCODER_PREFIXES) if encoder_only else name.startswith("codec."))
    model.to(d.device).train()
    spf = codec.samples_per_frame
    segment = max(1, round(cfg.data.segment_seconds * 24000 / spf)) * spf
    state = load_state(out / CKPT)
    freeze_at = cfg.loss.freeze_encoder_at
    # Once frozen, always frozen: frames encoded for the LM depend on the encoder staying as it was, so a
    # resumed run keeps the step it froze at whatever its config now says.
    if state is not None and state.get("frozen_at", -1) >= 0 and state["frozen_at"] != freeze_at:
        if d.main:
            print(
                f"{out}: the encoder froze at step {state['frozen_at']}; keeping that (config says {freeze_at})",
                flush=True,
            )
        freeze_at = state["frozen_at"]
    # Past the freeze the teacher has nothing left to teach: a resumed decoder-only run needs none (and a
    # machine without its model, a lent GPU, can run it).
    frozen_already = freeze_at >= 0 and state is not None and state["step"] >= freeze_at
    teacher = None if encoder_only or frozen_already else make_teacher(cfg.loss.teacher, cfg.loss.teacher_model)
    files = manifest_audio(cfg.data.manifest)
    texts, langs = manifest_transcripts(cfg.data.manifest) if getattr(teacher, "needs_text", False) else (None, None)
    source = SegmentSource(files, segment, spf, teacher, out / "teacher_cache", cfg.data.cache_audio, texts, langs)
    source.precompute_teacher(d)
    if cfg.loss.distill_space not in ("head", "latent"):
        raise ConfigError(f"loss.distill_space: {cfg.loss.distill_space!r}; choose head or latent")
    latent_space = cfg.loss.distill_space == "latent"
    # Runs from before the standardisation have no stats file and keep their raw targets when they resume
    # (unless they switch to a latent-space target, which needs it).
    if state is None or latent_space or (out / "teacher_stats.npz").exists():
        basis_dim = codec.args.semantic_dim if latent_space else 0
        source.standardize(out / "teacher_stats.npz", write=d.main, basis_dim=basis_dim)
    sampler = EpochSampler(len(files), run.seed, d.rank, d.world)
    recon = ReconstructionLoss(24000, cfg.loss.stft_scales).to(d.device)
    head = torch.nn.Linear(codec.args.semantic_dim, teacher.dim).to(d.device) if teacher else None
    if head is None and state is not None and state.get("head") is not None:  # kept, untrained, for later runs
        head = torch.nn.Linear(*reversed(state["head"]["weight"].shape)).to(d.device)
    lc = cfg.loss
    envelope = None
    if lc.envelope_weight > 0 and not encoder_only:
        envelope = EnvelopeProbe(codec.args.acoustic_dim, spf, lc.envelope_subframes, lc.envelope_bands)
        envelope.to(d.device)
    pinned = None
    if lc.pin_weight > 0 and not encoder_only:
        if lc.envelope_subframes * lc.envelope_bands != codec.args.acoustic_dim:
            raise ConfigError(
                f"loss.pin_weight: a pinned latent needs acoustic_dim = envelope_subframes x envelope_bands "
                f"({lc.envelope_subframes} x {lc.envelope_bands}), not {codec.args.acoustic_dim}"
            )
        pinned = PinnedLatent(spf, lc.envelope_subframes, lc.envelope_bands, lc.pin_scale).to(d.device)
    head_spectrum = None
    if lc.head_spectrum_weight > 0 and codec.head == "istft":
        head_spectrum = HeadSpectrumLoss(codec.args.istft_n_fft, codec.patch).to(d.device)
    disc = MultiScaleSTFTDiscriminator(cfg.loss.disc_scales, cfg.loss.disc_channels).to(d.device)

    gen_params = [p for p in model.parameters() if p.requires_grad] + (list(head.parameters()) if head else [])
    opt = make_optimizer(gen_params, cfg.optim)
    if envelope is not None:  # a linear probe: at the codec's lr it would take thousands of steps to reach scale
        opt.add_param_group({"params": list(envelope.parameters()), "weight_decay": 0.0, "lr_scale": 10.0})
        gen_params += list(envelope.parameters())
    opt_d = make_optimizer(disc.parameters(), cfg.disc_optim)
    # Gradients are averaged over ranks by hand (`d.average_grads`) rather than through DDP: the
    # discriminator runs several times per step, which DDP's one-forward-one-backward hooks do not allow.
    d.broadcast_params(gen_params + list(disc.parameters()))

    step = 0
    rewarm_from: int | None = None
    if state is not None:
        model.load_state_dict(state["model"], strict=False)
        if head is not None:
            head.load_state_dict(state["head"])
        if envelope is not None and state.get("envelope") is not None:
            envelope.load_state_dict(state["envelope"])
        if pinned is not None and state.get("pinned") is not None:  # the targets' scale stays the run's
            pinned.load_state_dict(state["pinned"])
        disc.load_state_dict(state["disc"])
        sampler.load_state_dict(state["sampler"][d.rank if d.world > 1 else 0])
        step = state["step"]
        # Adam's moments fit only the parameter list they were saved with: a probe added or dropped on
        # resume means fresh moments and a re-warmed lr.
        same_params = (envelope is not None) == (state.get("envelope") is not None)
        if "optim" in state and not same_params:
            state = {k: v for k, v in state.items() if k not in ("optim", "optim_d")}
        if "optim" in state:
            opt.load_state_dict(state["optim"])
            opt_d.load_state_dict(state["optim_d"])
        else:  # carried without Adam's moments (a lent GPU's budget): fresh ones, and the lr re-warms
            rewarm_from = step
        if d.main:
            fresh = (
                ""
                if "optim" in state
                else f" with fresh optimizer moments (lr re-warms over {cfg.optim.rewarm_steps} steps)"
            )
            print(f"resuming {out} at step {step}{fresh}", flush=True)

    def checkpoint(step: int) -> None:
        samplers = sampler_states(d, sampler)
        if d.main:
            save_state(
                out / CKPT,
                {
                    "kind": "codec",
                    "step": step,
                    "model": {k: v for k, v in model.state_dict().items() if k.startswith("codec.")},
                    "head": head.state_dict() if head is not None else None,
                    "envelope": envelope.state_dict() if envelope is not None else None,
                    "pinned": pinned.state_dict() if pinned is not None else None,
                    "disc": disc.state_dict(),
                    "optim": opt.state_dict(),
                    "optim_d": opt_d.state_dict(),
                    "sampler": samplers,
                    "config": to_dict(cfg),
                    "params": model.args.to_dict(),
                    "tokenizer": str(tok),
                    "base_model": cfg.decoder_from or cfg.init_from,
                    "frozen_at": freeze_at if 0 <= freeze_at <= step else -1,
                },
            )
        d.barrier()

    def one_step(step: int) -> dict[str, float]:
        warm = 1.0 if rewarm_from is None else min(1.0, (step - rewarm_from + 1) / max(1, cfg.optim.rewarm_steps))
        for g in opt.param_groups:
            g["lr"] = warm * lr_at(step, run.steps, cfg.optim) * g.get("lr_scale", 1.0)
        for g in opt_d.param_groups:
            g["lr"] = warm * lr_at(max(0, step - lc.disc_start), run.steps, cfg.disc_optim)
        rng = random.Random(f"{run.seed}-{step}-{d.rank}")
        gen = torch.Generator().manual_seed(hash((run.seed, step, d.rank)) % (2**62))
        crops = [source.crop(i, rng) for i in sampler.take(run.batch_size)]
        wave = torch.from_numpy(np.stack([c[0] for c in crops])).to(d.device)
        adversarial = step >= lc.disc_start
        frozen = freeze_at >= 0 and step >= freeze_at
        with autocast(run, d.device):
            with torch.no_grad() if frozen else nullcontext():
                z = codec.encode_latent(wave)
                acoustic = None
                if pinned is not None:
                    a_enc = torch.tanh(z[:, codec.args.semantic_dim :].float())
                    with torch.no_grad():
                        target = pinned(wave, z.shape[-1])
                    pin = F.l1_loss(a_enc, target)
                    acoustic = pinned_decoder_input(a_enc, target, lc.p_target_latent, frozen, gen).to(z.dtype)
                latent, q_sem, commit, stats = quantize_for_training(
                    model, z, cfg, gen, not (encoder_only or frozen), d, always=frozen, acoustic=acoustic
                )
            y_head = codec.decode_head(latent)
            y_hat = codec.head_to_wave(y_head)[:, : wave.shape[1]]
            rl = recon(y_hat, wave)
            w1 = l1_weight(step, lc.l1_weight, lc.l1_decay_steps)
            loss = lc.stft_weight * rl["stft"] + lc.mel_weight * rl["mel"] + w1 * F.l1_loss(y_hat, wave)
            if head_spectrum is not None:
                hs = head_spectrum(y_head, wave)
                loss = loss + lc.head_spectrum_weight * hs
            if not frozen:
                loss = loss + lc.commit_weight * commit
            metrics = {"stft": rl["stft"].item(), "mel": rl["mel"].item(), "commit": commit.item()}
            if head_spectrum is not None:
                metrics["head_spectrum"] = hs.item()
            if head is not None and not frozen and crops[0][1] is not None:
                target = torch.from_numpy(np.stack([c[1] for c in crops])).to(d.device)
                if lc.distill_space == "latent":
                    # The semantic latent itself is the teacher's state, projected onto its first principal
                    # directions: whatever else the encoder puts there (the speaker) costs loss.
                    distill = latent_distill(z, target, torch.from_numpy(source.basis).to(d.device))
                else:
                    pred = head(q_sem)[:, : target.shape[1]]
                    distill = 1 - F.cosine_similarity(pred.float(), target.float(), dim=-1).mean()
                loss = loss + lc.distill_weight * distill
                metrics["distill"] = distill.item()
            if pinned is not None:
                metrics["pin"] = pin.item()
                if not frozen:
                    loss = loss + lc.pin_weight * pin
            if envelope is not None and not frozen:
                env = envelope(latent[:, codec.args.semantic_dim :], wave)
                loss = loss + lc.envelope_weight * env
                metrics["envelope"] = env.item()
            if adversarial:
                disc.requires_grad_(False)  # the generator's loss must not train the discriminator
                fake = disc(y_hat)
                with torch.no_grad():
                    real = disc(wave)
                fm = feature_matching_loss(real, fake)
                loss = loss + lc.feature_weight * fm
                if lc.adv_weight:
                    loss = loss + lc.adv_weight * generator_adv_loss(fake)
                metrics["feat"] = fm.item()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        d.average_grads(gen_params)
        gnorm = torch.nn.utils.clip_grad_norm_(gen_params, cfg.optim.grad_clip)
        opt.step()
        if adversarial:
            disc.requires_grad_(True)
            with autocast(run, d.device):
                dl = discriminator_loss(disc(wave), disc(y_hat.detach()))
            opt_d.zero_grad(set_to_none=True)
            dl.backward()
            d.average_grads(list(disc.parameters()))
            torch.nn.utils.clip_grad_norm_(disc.parameters(), cfg.disc_optim.grad_clip)
            opt_d.step()
            metrics["disc"] = dl.item()
        metrics.update(loss=loss.item(), grad_norm=float(gnorm), **stats)
        return metrics

    end = run_end(run, stop_after)
    try:
        drive(step, end, one_step, checkpoint, run, d, out / "metrics.jsonl")
    finally:
        d.close()
    return out


def export_codec(run_dir: str | Path, out: str | Path, dtype: torch.dtype = torch.bfloat16) -> Path:
    """A model folder with the trained codec. After encoder-only training this is the base model
    (e.g. the official release) plus encoder weights, voices included; otherwise the LM part is an
    untrained placeholder until `train lm` replaces it."""
    run_dir = Path(run_dir)
    state = load_state(run_dir / CKPT)
    if state is None:
        raise VoxtralError(f"{run_dir / CKPT}: no checkpoint to export")
    args = ModelArgs.from_dict(state["params"])
    model = VoxtralModel(args, with_encoder=True)
    voices = None
    base = state.get("base_model") or ""
    if base and not Path(base).exists():
        # A run restored on another machine (the recipe's shelf) may arrive without the model it started from.
        # That model is only needed for what the run did not train: without it the LM part stays a placeholder.
        codec_keys = {k for k in model.state_dict() if k.startswith("codec.")}
        if not codec_keys <= set(state["model"]):
            raise VoxtralError(
                f"{run_dir / CKPT}: its base model {base} is missing and the run did not train the whole codec"
            )
        print(f"export: base model {base} not found; the run holds the whole codec, so it is exported without it")
        base = ""
    if base:
        _, loaded = load_model(base)
        model.load_state_dict(loaded.state_dict(), strict=False)
        from ..text import PromptTokenizer
        from ..voices import VoiceBank

        tok = PromptTokenizer(Path(base) / TOKENIZER)
        bank = VoiceBank(base, tok.voice_slots, args.backbone.dim)
        voices = {n: bank.rows(n) for n in bank.names()}
    model.load_state_dict(state["model"], strict=False)
    if state.get("pinned") is not None:  # save_model writes it beside the official files
        lc = from_dict(CodecConfig, state["config"]).loss
        pin = PinnedLatent(args.codec.samples_per_frame, lc.envelope_subframes, lc.envelope_bands, lc.pin_scale)
        pin.load_state_dict(state["pinned"])
        model.use_pinned(pin)
    tok = Path(state["tokenizer"])
    if not tok.exists() and (run_dir / TOKENIZER).exists():  # a run folder moved or carried to another machine
        tok = run_dir / TOKENIZER
    if not tok.exists() and not from_dict(CodecConfig, state["config"]).tokenizer and not base:
        # The run's own byte-level tokenizer, which a checkpoint restored from the shelf arrives without:
        # it is a fixed function of nothing, so writing it again gives the same file.
        tok = run_dir / TOKENIZER
        write_tekken(tok, {})
    folder = save_model(out, model, tok, voices=voices if voices is not None else {}, dtype=dtype)
    (Path(folder) / "training.json").write_text(json.dumps({"stage": "codec", "steps": state["step"]}, indent=2))
    return folder
