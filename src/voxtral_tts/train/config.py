"""Training configuration: plain dataclasses, loaded from YAML, with named size presets."""

from __future__ import annotations

import copy
import dataclasses
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import VoxtralError


class ConfigError(VoxtralError):
    """A training config that cannot be used."""


@dataclass
class RunConfig:
    """Where and how long a run goes. `steps` counts optimizer steps."""

    out_dir: str = "runs/default"
    steps: int = 1000
    batch_size: int = 8
    grad_accum: int = 1
    seed: int = 0
    log_every: int = 10
    ckpt_every: int = 200
    precision: str = "fp32"  # fp32 | bf16 (autocast) | auto (bf16 where the hardware does it natively)
    device: str = "auto"  # auto | cpu | cuda
    fsdp: bool = False  # shard the model across ranks (for the 4B size) instead of replicating it
    threads: int = 0  # CPU threads per process; 0 leaves torch's default
    # Wall-clock budget of this invocation (0: none). The run checkpoints and exits when it is spent, so a
    # long training proceeds in pieces: a lent GPU's few minutes, or a CPU slot; the next piece resumes.
    max_minutes: float = 0.0
    # Stop this invocation at this step (0: at `steps`), the schedules still spanning `steps`: a run can
    # pause at a phase boundary (say, the codec's encoder freeze) and go on later.
    stop_at: int = 0


@dataclass
class OptimConfig:
    lr: float = 3e-4
    # Steps over which the learning rate ramps up again when a run resumes without optimizer state (a
    # checkpoint carried without its Adam moments): fresh moments make the first updates large.
    rewarm_steps: int = 200
    betas: tuple[float, float] = (0.9, 0.95)
    weight_decay: float = 0.01
    warmup_steps: int = 100
    min_lr_ratio: float = 0.1  # cosine decay floor, as a fraction of lr
    grad_clip: float = 1.0


@dataclass
class LMDataConfig:
    frames: str = ""  # folder written by `voxtral-tts data encode`
    max_frames: int = 400  # longer utterances are skipped (32 s at 12.5 Hz)
    min_ref_frames: int = 25  # voice prompt length bounds, in frames (2 s ... 10 s by default)
    max_ref_frames: int = 125
    # Frames of held-out sentences (`data encode` of a held-out manifest), never trained on: every `val_every`
    # steps the run logs val_ce, val_acc and val_fm on up to `val_items` of them, so memorising the training
    # sentences shows (a small LM on a few hours does, within a few epochs). Prompts come from the speaker's
    # training clips where there are any, as a preset's or a clone's would.
    val_frames: str = ""
    val_every: int = 250
    # Train on the transcripts as inference sends them (normalised, final punctuation), not as written.
    spoken_text: bool = True
    val_items: int = 128


@dataclass
class LMConfig:
    """Backbone + acoustic transformer training on a frozen codec's frames."""

    run: RunConfig = field(default_factory=RunConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    data: LMDataConfig = field(default_factory=LMDataConfig)
    codec: str = ""  # model folder whose codec (and tekken.json) the frames were made with
    # False: read only the codec folder's params.json and tekken.json. LM training never runs the codec, so a
    # run elsewhere (a lent GPU) need not carry its weights; export joins them back from the local folder.
    codec_weights: bool = True
    preset: str = "tiny"  # backbone/acoustic sizes: tiny | small | medium | base | 4b
    init_from: str = ""  # optional model folder to fine-tune instead of starting from random weights
    overrides: dict[str, Any] = field(default_factory=dict)  # params.json keys over the preset
    p_uncond: float = 0.1  # condition dropout, so classifier-free guidance has an unconditional branch
    # Residual dropout on every backbone and acoustic-transformer block's attention and feed-forward output,
    # in training only (the model files know nothing of it). A small corpus is memorised without it.
    dropout: float = 0.0
    fm_weight: float = 1.0
    # A training-only linear readout of the frame's acoustic values from the backbone state, with this weight
    # on its squared error. The flow-matching loss reaches the backbone through noise that dwarfs it; on a
    # pinned codec, where those values carry the words, the state then learns little of them. 0 turns it off.
    readout_weight: float = 0.0
    # Spread (in FSQ levels, drawn per example up to this) of the noise on the acoustic levels the backbone reads
    # back during training (`train.lm.noisy_history`); the flow head's targets stay clean. Inference feeds the
    # backbone sampled values, never true ones; trained on true ones only it leaves the text within a few
    # frames of free running. 0 turns it off.
    input_noise: float = 0.0
    # Flow times and noises drawn per frame for the flow-matching loss (training only). The backbone pass is
    # shared and the 3-token head is cheap, so k draws cut the variance of the acoustic gradient, which one
    # draw of t and noise per frame leaves large, for a fraction of the cost of a k-times larger batch.
    fm_samples: int = 1
    # Which held-out loss picks best.pt (`export --best`): "val_ce", the semantic codes, or "val_fm", the acoustic
    # values. On a pinned codec the acoustic values carry the words and their loss does not overfit when the
    # semantic one does, so a run can be past its semantic best long before its acoustic one.
    best_by: str = "val_ce"
    sigma_min: float = 1e-5  # params.json's `sigma`
    # Guided attention (`voxtral_tts.train.align`, training only): the first `align_heads` query heads of each
    # layer in `align_layers` are pushed to read the text near the diagonal of the (text, audio) plane, so a
    # small backbone on a few hours learns to follow the text instead of memorising clips. 0 turns it off.
    align_weight: float = 0.0
    align_layers: tuple[int, ...] = (1, 2)
    align_heads: int = 2
    align_width: float = 0.2


def _coerce(tp: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp):
        return from_dict(tp, value, where)
    if origin is tuple and isinstance(value, list | tuple):
        return tuple(value)
    if tp is float and isinstance(value, int):
        return float(value)
    return value


def from_dict(cls: type, data: Any, where: str = "config") -> Any:
    """Build dataclass `cls` from a dict, rejecting unknown keys with their location."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping, got {type(data).__name__}")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(names))}")
    return cls(**{k: _coerce(hints[k], v, f"{where}.{k}") for k, v in data.items()})


def to_dict(obj: Any) -> dict[str, Any]:
    return dataclasses.asdict(obj)


def load_config(cls: type, path: str | Path, overrides: list[str] | None = None) -> Any:
    """Load a YAML config; `overrides` are `a.b=value` strings (values parsed as YAML)."""
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path}: config file not found")
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as e:
        raise ConfigError(f"{path}: not valid YAML ({str(e).splitlines()[0]})") from None
    for item in overrides or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise ConfigError(f"override {item!r} must look like key.sub=value")
        node = data
        parts = key.split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = yaml.safe_load(value)
    try:
        return from_dict(cls, data, str(path))
    except TypeError as e:
        raise ConfigError(f"{path}: {e}") from None


def dump_config(obj: Any, path: str | Path) -> None:
    Path(path).write_text(yaml.safe_dump(to_dict(obj), sort_keys=False))


# Sizes of the backbone and acoustic transformer. The 4B row is the official checkpoint's.
LM_PRESETS: dict[str, dict[str, int]] = {
    "tiny": dict(dim=64, n_layers=2, head_dim=16, hidden_dim=128, n_heads=4, n_kv_heads=2, fm_layers=2),
    "small": dict(dim=256, n_layers=6, head_dim=32, hidden_dim=768, n_heads=8, n_kv_heads=2, fm_layers=2),
    # The widest backbone whose model, with the default codec, still ships under 60 MB in bf16 (28.2 M, 56.5 MB).
    "medium": dict(dim=384, n_layers=6, head_dim=48, hidden_dim=1152, n_heads=8, n_kv_heads=2, fm_layers=2),
    "base": dict(dim=512, n_layers=12, head_dim=64, hidden_dim=1536, n_heads=8, n_kv_heads=2, fm_layers=3),
    "4b": dict(dim=3072, n_layers=26, head_dim=128, hidden_dim=9216, n_heads=32, n_kv_heads=8, fm_layers=3),
}


def lm_params(preset: str, codec_params: dict[str, Any], vocab_size: int, overrides: dict[str, Any] | None = None):
    """A full params.json for an LM of size `preset` on top of an existing model's codec section."""
    if preset not in LM_PRESETS:
        raise ConfigError(f"unknown preset {preset!r}; choose one of {', '.join(LM_PRESETS)}")
    s = LM_PRESETS[preset]
    p = copy.deepcopy(codec_params)
    for k in ("dim", "n_layers", "head_dim", "hidden_dim", "n_heads", "n_kv_heads"):
        p[k] = s[k]
    p["vocab_size"] = vocab_size
    at = p["multimodal"]["audio_model_args"]["acoustic_transformer_args"]
    at.update(
        input_dim=s["dim"],
        dim=s["dim"],
        n_layers=s["fm_layers"],
        head_dim=s["head_dim"],
        hidden_dim=s["hidden_dim"],
        n_heads=s["n_heads"],
        n_kv_heads=s["n_kv_heads"],
    )
    for k, v in (overrides or {}).items():
        p[k] = v
    return p


@dataclass
class CodecDataConfig:
    manifest: str = ""  # JSONL written by `voxtral-tts data import`
    segment_seconds: float = 1.28  # training crops; rounded to whole frames
    cache_audio: bool = True  # keep decoded audio in memory (small corpora)


@dataclass
class CodecLossConfig:
    stft_scales: list[int] = field(default_factory=lambda: [2048, 1024, 512, 256, 128, 64])
    stft_weight: float = 1.0
    mel_weight: float = 1.0
    l1_weight: float = 1.0  # waveform L1, decaying exponentially
    l1_decay_steps: float = 2000.0
    disc_scales: list[int] = field(default_factory=lambda: [2048, 1024, 512, 256, 128, 64, 32, 16])
    disc_channels: int = 32
    disc_start: int = 500  # steps of reconstruction-only warm-up before the discriminator joins
    feature_weight: float = 2.0  # feature matching replaces the generator's adversarial loss (spec §7)
    adv_weight: float = 0.0
    commit_weight: float = 0.25
    distill_weight: float = 1.0
    # Envelope probe: a linear head on the acoustic values must predict the log-mel envelope of each of
    # `envelope_subframes` sub-frames (36 bands). It hands the encoder a direct gradient toward the
    # spectral envelope a listener needs, which the decoder's gradient alone delivers slowly on a small
    # budget (docs/default-model.md). Training only; 0 turns it off.
    envelope_weight: float = 0.0
    envelope_subframes: int = 4
    envelope_bands: int = 36
    # Pinned acoustic latent (PinnedLatent): the acoustic values are trained (L1, this weight) to equal
    # tanh(pin_scale x the standardised log-mel envelope) of envelope_subframes x envelope_bands values, which
    # must be the acoustic width; the decoder sees no gradient path into them and learns from the encoder's
    # values and, for a share p_target_latent of the items, from the targets themselves. 0: off.
    pin_weight: float = 0.0
    pin_scale: float = 0.5
    p_target_latent: float = 0.5
    # iSTFT head only: L1 between each window's predicted log-magnitude and the target's (HeadSpectrumLoss),
    # so the head's magnitudes are the spectrum rather than whatever overlap-add cancels into one. 0: off.
    head_spectrum_weight: float = 0.0
    teacher: str = "whisper"  # whisper-decoder | whisper | mel | none
    # Where the teacher's states are predicted. `head`: a linear head on the quantised semantic latent predicts
    # them (cosine loss). `latent`: the semantic latent itself regresses them (MSE), projected onto their first
    # semantic_dim principal directions, so whatever else the encoder would keep there costs loss.
    distill_space: str = "head"
    # False: no reconstruction gradient reaches the semantic latent; it learns from the teacher alone. With the
    # decoder's gradient, the semantic codes also carry the speaker (docs/default-model.md).
    semantic_recon_grad: bool = True
    teacher_model: str = ""  # Whisper model folder (default: the one the eval extra installs)
    vq_decay: float = 0.99
    dead_code_threshold: float = 0.01  # EMA usage below which a code is restarted from the batch
    p_semantic_quantize: float = 0.5  # else the semantic latent passes through unquantized
    p_acoustic_quantize: float = 0.5
    p_acoustic_dither: float = 0.25  # the rest (0.25) passes through
    # From this step on (-1: never) the encoder and quantizers stop training and only the decoder learns,
    # from fully quantised codes as at inference: the codes, and so any frames already encoded for the LM,
    # stay valid while the decoder goes on (typically the adversarial phase), and no teacher is needed.
    freeze_encoder_at: int = -1


@dataclass
class CodecConfig:
    run: RunConfig = field(default_factory=RunConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    disc_optim: OptimConfig = field(default_factory=OptimConfig)
    data: CodecDataConfig = field(default_factory=CodecDataConfig)
    loss: CodecLossConfig = field(default_factory=CodecLossConfig)
    preset: str = "tiny"  # codec sizes: tiny | small | base | official
    overrides: dict[str, Any] = field(default_factory=dict)  # audio_tokenizer_args keys over the preset
    decoder_from: str = ""  # encoder-only mode: train an encoder against this model folder's frozen decoder
    init_from: str = ""  # start from this model folder's codec
    # Build from preset + overrides, then copy this model folder's codec weights wherever names match
    # (resized tensors keep their overlapping block): reshape a trained codec without starting over.
    warm_from: str = ""
    tokenizer: str = ""  # tekken.json to ship with the export (default: a byte-level one)


# Codec sizes. `official` is the released decoder's (the encoder mirrors it).
CODEC_PRESETS: dict[str, dict[str, Any]] = {
    "tiny": dict(
        dim=64,
        hidden_dim=128,
        head_dim=16,
        n_heads=4,
        n_kv_heads=4,
        semantic_codebook_size=64,
        semantic_dim=16,
        encoder_transformer_lengths_str="1,1,1,1",
        decoder_transformer_lengths_str="1,1,1,1",
    ),
    "small": dict(
        dim=256,
        hidden_dim=768,
        head_dim=64,
        n_heads=4,
        n_kv_heads=4,
        semantic_codebook_size=2048,
        semantic_dim=64,
        encoder_transformer_lengths_str="1,1,1,1",
        decoder_transformer_lengths_str="1,1,1,1",
    ),
    "base": dict(
        dim=512,
        hidden_dim=2048,
        head_dim=64,
        n_heads=8,
        n_kv_heads=8,
        semantic_codebook_size=8192,
        semantic_dim=256,
        encoder_transformer_lengths_str="2,2,2,2",
        decoder_transformer_lengths_str="2,2,2,2",
    ),
    "official": dict(
        dim=1024,
        hidden_dim=4096,
        head_dim=128,
        n_heads=8,
        n_kv_heads=8,
        semantic_codebook_size=8192,
        semantic_dim=256,
        encoder_transformer_lengths_str="2,2,2,2",
        decoder_transformer_lengths_str="2,2,2,2",
    ),
}
