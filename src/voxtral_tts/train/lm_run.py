"""`voxtral-tts train lm`: the LM training loop, readable top to bottom."""

from __future__ import annotations

import json
import random
from contextlib import nullcontext
from pathlib import Path
from typing import Protocol

import torch

from ..checkpoint import TOKENIZER, load_model, save_model
from ..config import ModelArgs, load_params
from ..errors import CheckpointError
from ..model import VoxtralModel
from ..text import PromptTokenizer
from .config import ConfigError, LMConfig, dump_config, lm_params, to_dict
from .lm import (
    AlignSpec,
    ExampleBuilder,
    FrameItem,
    LMTrainModule,
    acoustic_readout,
    init_lm_weights,
    lm_losses,
    load_frame_corpus,
    spoken_transcripts,
)
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

CKPT = "last.pt"
BEST = "best.pt"  # the weights with the lowest held-out loss (`best_by`) so far, when the run has held-out frames
BEST_BY = ("val_ce", "val_fm")
TRAINED_PREFIXES = ("backbone.", "audio_embeddings.", "acoustic_transformer.")


def codec_args(model: VoxtralModel) -> dict:
    """The codec's params.json entries, without its preset-voice map: an exported model that gained voices
    still has the codec it was trained with."""
    args = dict(model.args.to_dict()["multimodal"]["audio_tokenizer_args"])
    args.pop("voice", None)
    return args


class TextIds(Protocol):
    """What training needs of a tokenizer: the text's ids and the vocabulary's size."""

    vocab_size: int

    def text_ids(self, text: str) -> list[int]: ...


def build_model(cfg: LMConfig, tokenizer: TextIds | None = None) -> tuple[VoxtralModel, TextIds]:
    """The model to train: a preset size (or `init_from`) with the frozen codec of `cfg.codec`. `tokenizer`:
    instead of the codec folder's tekken.json (a table made elsewhere, where mistral-common is missing)."""
    if not cfg.codec:
        raise ConfigError("config: 'codec' must name a model folder whose codec made the frames")
    codec_dir = Path(cfg.codec)
    tokenizer = tokenizer or PromptTokenizer(codec_dir / TOKENIZER)
    if not cfg.codec_weights:
        if cfg.init_from:
            raise ConfigError("config: init_from needs the codec's weights (codec_weights: true)")
        args = ModelArgs.from_dict(
            lm_params(cfg.preset, load_params(codec_dir).to_dict(), tokenizer.vocab_size, cfg.overrides)
        )
        model = VoxtralModel(args, with_encoder=False)
        init_lm_weights(model, cfg.run.seed)
        return model, tokenizer
    _, codec_model = load_model(codec_dir)
    if cfg.init_from:
        _, model = load_model(cfg.init_from, dtype=torch.float32)
        model.requires_grad_(True)  # loaded for inference, frozen; the codec is frozen again below
        if codec_args(model) != codec_args(codec_model):
            raise ConfigError(f"{cfg.init_from}: its codec differs from the one in {codec_dir}")
    else:
        base = load_params(codec_dir).to_dict()
        args = ModelArgs.from_dict(lm_params(cfg.preset, base, tokenizer.vocab_size, cfg.overrides))
        model = VoxtralModel(args, with_encoder=codec_model.has_encoder)
        init_lm_weights(model, cfg.run.seed)
    model.codec.load_state_dict(codec_model.codec.state_dict())
    model.use_pinned(codec_model.pinned)  # the LM learnt true envelopes: its prompts must carry them too
    model.codec.requires_grad_(False)
    return model, tokenizer


def align_spec(cfg: LMConfig) -> AlignSpec | None:
    if cfg.align_weight <= 0:
        return None
    if not cfg.align_layers:
        raise ConfigError("config: align_weight > 0 needs at least one layer in align_layers")
    return AlignSpec(tuple(cfg.align_layers), cfg.align_heads, cfg.align_width)


def held_out_losses(
    model: VoxtralModel,
    builder: ExampleBuilder,
    indices: list[int],
    cfg: LMConfig,
    batch: int,
    readout: torch.nn.Module | None = None,
) -> dict[str, float]:
    """Mean losses over held-out items, with fixed prompts and noise (comparable from step to step) and no
    unconditional drop. Its own random state: the training run goes exactly as it would without it."""
    rng = random.Random(f"{cfg.run.seed}-val")
    gen = torch.Generator().manual_seed(cfg.run.seed)
    ref_length = (cfg.data.min_ref_frames + cfg.data.max_ref_frames) // 2
    align = align_spec(cfg)
    names = ("ce", "acc", "fm") + (("align",) if align else ()) + (("readout",) if readout is not None else ())
    out = {f"val_{m}": 0.0 for m in names}
    was_training = model.training
    model.eval()  # no dropout on held-out items
    with torch.no_grad():
        for k in range(0, len(indices), batch):
            part = indices[k : k + batch]
            examples = [builder.build(i, rng, ref_length) for i in part]
            losses = lm_losses(model, examples, gen, 0.0, cfg.sigma_min, align, readout)
            for m in names:
                out[f"val_{m}"] += float(losses[m]) * len(part) / len(indices)
    model.train(was_training)
    return out


def add_residual_dropout(model: torch.nn.Module, p: float) -> int:
    """Dropout on the output of every transformer block's attention and feed-forward, while the model trains:
    hooks, so the inference modules stay as the official checkpoint defines them. Returns how many."""
    from ..model.layers import Block

    def drop(module: torch.nn.Module, args: tuple, output: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.dropout(output, p, training=module.training)

    blocks = [m for m in model.modules() if isinstance(m, Block)]  # the codec's blocks are CodecBlocks
    for block in blocks:
        block.attention.register_forward_hook(drop)
        block.feed_forward.register_forward_hook(drop)
    return len(blocks)


def train_lm(
    cfg: LMConfig,
    stop_after: int | None = None,
    corpus: list[FrameItem] | None = None,
    val_corpus: list[FrameItem] | None = None,
    tokenizer: TextIds | None = None,
) -> Path:
    """Train until `cfg.run.steps` optimizer steps (or `stop_after`, to simulate an interrupted run).
    Resumes from `out_dir/last.pt` when it exists. Returns the run folder. `val_corpus` (or
    `cfg.data.val_frames`): held-out items whose losses are logged every `cfg.data.val_every` steps.
    `tokenizer`: see `build_model`."""
    if cfg.best_by not in BEST_BY:
        raise ConfigError(f"config: best_by is {cfg.best_by!r}; choose one of {', '.join(BEST_BY)}")
    if cfg.input_noise < 0:
        raise ConfigError(f"config: input_noise is {cfg.input_noise}; it is a spread in FSQ levels, 0 or more")
    if cfg.fm_samples < 1:
        raise ConfigError(f"config: fm_samples is {cfg.fm_samples}; it counts flow draws per frame, 1 or more")
    run = cfg.run
    d = Dist(run)
    out = Path(run.out_dir)
    if d.main:
        out.mkdir(parents=True, exist_ok=True)
        dump_config(cfg, out / "config.yaml")
    torch.manual_seed(run.seed)
    model, tokenizer = build_model(cfg, tokenizer)
    model.to(d.device).train()
    if cfg.dropout > 0:
        add_residual_dropout(model, cfg.dropout)
    if corpus is None and cfg.codec_weights:
        from ..data.frames import check_codec

        check_codec(cfg.data.frames, cfg.codec, model)  # frames from another codec would teach nonsense
    items = corpus if corpus is not None else load_frame_corpus(cfg.data.frames, cfg.data.max_frames)
    if val_corpus is None and cfg.data.val_frames:
        val_corpus = load_frame_corpus(cfg.data.val_frames, cfg.data.max_frames)
    val_corpus = (val_corpus or [])[: cfg.data.val_items]
    if cfg.data.spoken_text:
        items, val_corpus = spoken_transcripts(items), spoken_transcripts(val_corpus)
    builder = ExampleBuilder(items, tokenizer.text_ids, cfg.data.min_ref_frames, cfg.data.max_ref_frames)
    align = align_spec(cfg)
    # Held-out items join a builder of their own, after the training items, so their prompts can be drawn from
    # the speaker's training clips while the training sampler never sees them.
    val_builder = ExampleBuilder(
        items + val_corpus, tokenizer.text_ids, cfg.data.min_ref_frames, cfg.data.max_ref_frames
    )
    val_indices = list(range(len(items), len(items) + len(val_corpus)))
    lengths = [builder.length(i) for i in range(len(items))]
    sampler = EpochSampler(len(items), run.seed, d.rank, d.world, lengths=lengths, batch=run.batch_size)

    readout = acoustic_readout(model) if cfg.readout_weight > 0 else None
    wrapped: torch.nn.Module = LMTrainModule(model, readout)
    if d.world > 1:
        if run.fsdp:
            from torch.distributed.fsdp import fully_shard

            for layer in model.backbone.layers:
                fully_shard(layer)
            fully_shard(wrapped)
        else:
            wrapped = torch.nn.parallel.DistributedDataParallel(
                wrapped, device_ids=[d.device.index] if d.device.type == "cuda" else None
            )
    trainable = [p for n, p in model.named_parameters() if n.startswith(TRAINED_PREFIXES)]
    trainable += list(readout.parameters()) if readout is not None else []
    opt = make_optimizer(trainable, cfg.optim)

    step = 0
    rewarm_from: int | None = None
    best = {"value": float("inf")}
    state = load_state(out / CKPT)
    if state is not None:
        model.load_state_dict(state["model"], strict=False)
        if readout is not None and "readout" in state:
            readout.load_state_dict(state["readout"])
        if state.get("best_by", "val_ce") == cfg.best_by:  # a mark of another loss is no mark for this one
            best["value"] = state.get("best_value", state.get("best_val_ce", best["value"]))
        sampler.load_state_dict(state["sampler"][d.rank] if d.world > 1 else state["sampler"][0])
        step = state["step"]
        if "optim" in state:
            opt.load_state_dict(state["optim"])
        else:
            rewarm_from = step
        if d.main:
            fresh = (
                ""
                if "optim" in state
                else f" with fresh optimizer moments (lr re-warms over {cfg.optim.rewarm_steps} steps)"
            )
            print(f"resuming {out} at step {step}{fresh}", flush=True)

    def trained_weights() -> dict[str, torch.Tensor]:
        return {k: v for k, v in model.state_dict().items() if k.startswith(TRAINED_PREFIXES)}

    def checkpoint(step: int) -> None:
        samplers = sampler_states(d, sampler)
        if d.main:
            save_state(
                out / CKPT,
                {
                    "kind": "lm",
                    "step": step,
                    "model": trained_weights(),
                    "optim": opt.state_dict(),
                    "sampler": samplers,
                    "config": to_dict(cfg),
                    "params": model.args.to_dict(),
                    "best_by": cfg.best_by,
                    "best_value": best["value"],
                    **({"readout": readout.state_dict()} if readout is not None else {}),
                },
            )
        d.barrier()

    def keep_if_best(step: int, held_out: dict[str, float]) -> None:
        # Once a run starts memorising, its training loss keeps falling while this one rises: `export --best`.
        if held_out[cfg.best_by] >= best["value"]:
            return
        best["value"] = held_out[cfg.best_by]
        if d.main:
            losses = {k: held_out[k] for k in BEST_BY}
            state = {"kind": "lm", "step": step, "model": trained_weights(), "config": to_dict(cfg), **losses}
            save_state(out / BEST, {**state, "params": model.args.to_dict()})

    def one_step(step: int) -> dict[str, float]:
        lr = lr_at(step, run.steps, cfg.optim)
        if rewarm_from is not None:
            lr *= min(1.0, (step - rewarm_from + 1) / max(1, cfg.optim.rewarm_steps))
        for group in opt.param_groups:
            group["lr"] = lr
        totals = {"ce": 0.0, "fm": 0.0, "acc": 0.0, **({"align": 0.0} if align else {})}
        totals.update({"readout": 0.0} if readout is not None else {})
        for micro in range(run.grad_accum):
            # Example choice and noise depend only on (seed, step, rank, micro): resumable exactly.
            rng = random.Random(f"{run.seed}-{step}-{d.rank}-{micro}")
            gen = torch.Generator().manual_seed(hash((run.seed, step, d.rank, micro)) % (2**62))
            ref_length = builder.ref_length(rng)  # one per batch: with the bucketed order, little padding
            batch = [builder.build(i, rng, ref_length) for i in sampler.take(run.batch_size)]
            last = micro == run.grad_accum - 1
            # DDP all-reduces on every backward unless told otherwise; only the last micro-batch needs it.
            ctx = wrapped.no_sync() if (not last and hasattr(wrapped, "no_sync")) else nullcontext()
            with ctx, autocast(run, d.device):
                losses = wrapped(batch, gen, cfg.p_uncond, cfg.sigma_min, align, cfg.input_noise, cfg.fm_samples)
                loss = losses["ce"] + cfg.fm_weight * losses["fm"]
                if align:
                    loss = loss + cfg.align_weight * losses["align"]
                if readout is not None:
                    loss = loss + cfg.readout_weight * losses["readout"]
                loss = loss / run.grad_accum
            loss.backward()
            for k in totals:
                totals[k] += float(losses[k].detach()) / run.grad_accum
        gnorm = torch.nn.utils.clip_grad_norm_(trainable, cfg.optim.grad_clip)
        opt.step()
        opt.zero_grad(set_to_none=True)
        metrics = {**totals, "grad_norm": float(gnorm), "lr": opt.param_groups[0]["lr"]}
        if val_indices and (step + 1) % max(1, cfg.data.val_every) == 0:
            with autocast(run, d.device):
                metrics.update(held_out_losses(model, val_builder, val_indices, cfg, run.batch_size, readout))
            keep_if_best(step + 1, metrics)
        return metrics

    end = run_end(run, stop_after)
    try:
        drive(step, end, one_step, checkpoint, run, d, out / "metrics.jsonl")
    finally:
        # Unwrap DDP before leaving the group: its reducer holds the group, which must not outlive it.
        wrapped = getattr(wrapped, "module", wrapped)
        d.close()
    return out


def export_lm(
    run_dir: str | Path,
    out: str | Path,
    dtype: torch.dtype = torch.bfloat16,
    codec: str | Path | None = None,
    best: bool = False,
) -> Path:
    """Write a trained LM run, with its codec and tokenizer, in the official layout. `codec`: another export
    of the same codec (a later decoder; its encoder and quantizers must be the ones the LM learnt from).
    `best`: the weights with the lowest held-out loss (best.pt) instead of the last ones."""
    run_dir = Path(run_dir)
    ckpt = run_dir / (BEST if best else CKPT)
    state = load_state(ckpt)
    if state is None:
        why = "no held-out losses were logged (data.val_frames)" if best else "no checkpoint"
        raise CheckpointError(f"{ckpt}: not there; {why}")
    cfg = state["config"]
    args = ModelArgs.from_dict(state["params"])
    codec_dir = Path(codec or cfg["codec"])
    _, codec_model = load_model(codec_dir)
    frames = cfg.get("data", {}).get("frames", "")
    if codec is not None and frames:
        from ..data.frames import META, check_codec

        if (Path(frames) / META).exists():  # the frames may not have travelled with the run
            check_codec(frames, codec_dir, codec_model)
    model = VoxtralModel(args, with_encoder=codec_model.has_encoder)
    model.load_state_dict(state["model"], strict=False)
    model.codec.load_state_dict(codec_model.codec.state_dict())
    if codec_model.pinned is not None:  # the LM learnt true envelopes; without the file, clones get estimates
        model.use_pinned(codec_model.pinned)
    # The voice tables start empty: presets are added afterwards with `voxtral-tts voice create`.
    folder = save_model(out, model, codec_dir / TOKENIZER, voices={}, dtype=dtype)
    held_out = {k: state[k] for k in BEST_BY if k in state}
    made = {"steps": state["step"], "config": cfg, **held_out}
    (Path(folder) / "training.json").write_text(json.dumps(made, indent=2))
    return folder


__all__ = ["build_model", "export_lm", "lm_losses", "train_lm"]
