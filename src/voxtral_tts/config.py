"""Model configuration as plain dataclasses, read from and written to the official `params.json`.

Every size in the model comes from here; nothing in `model/` knows the 4B numbers. Keys that we do
not interpret are kept in `extra` dicts so that a load/save round trip preserves the file.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import CheckpointError

# Audio special tokens live at the bottom of every codebook: 0 = [EMPTY_AUDIO], 1 = [END_AUDIO].
EMPTY_AUDIO = 0
END_AUDIO = 1
N_AUDIO_SPECIALS = 2

# Text-side special ids fixed by the format (spec §1.2).
BOS_ID = 1
AUDIO_ID = 24
BEGIN_AUDIO_ID = 25
REPEAT_AUDIO_TEXT_ID = 35
NEXT_AUDIO_TEXT_ID = 36


def _round_up(n: int, multiple: int) -> int:
    return multiple * ((n + multiple - 1) // multiple)


def _split_known(cls: type, d: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    names = {f.name for f in dataclasses.fields(cls)} - {"extra"}
    known = {k: v for k, v in d.items() if k in names}
    extra = {k: v for k, v in d.items() if k not in names}
    return known, extra


def _build(cls: type, d: Any, where: str) -> Any:
    if not isinstance(d, dict):
        raise CheckpointError(f"'{where}' must be an object, got {type(d).__name__}")
    known, extra = _split_known(cls, d)
    try:
        obj = cls(**known)
    except TypeError as e:  # a required key is missing
        raise CheckpointError(f"'{where}' is incomplete: {e}") from None
    obj.extra = extra
    return obj


def _dump(obj: Any) -> dict[str, Any]:
    out = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj) if f.name != "extra"}
    out.update(obj.extra)
    return out


@dataclass
class BackboneArgs:
    """The Mistral decoder (spec §2)."""

    dim: int
    n_layers: int
    head_dim: int
    hidden_dim: int
    n_heads: int
    n_kv_heads: int
    vocab_size: int
    rope_theta: float = 1_000_000.0
    norm_eps: float = 1e-5
    max_seq_len: int = 65536
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class AcousticArgs:
    """The flow-matching acoustic transformer (spec §3)."""

    input_dim: int
    dim: int
    n_layers: int
    head_dim: int
    hidden_dim: int
    n_heads: int
    n_kv_heads: int
    use_biases: bool = False
    norm_eps: float = 1e-5
    # Absent from the shipped params.json; vLLM-Omni falls back to 7 (spec §1.6).
    n_decoding_steps: int = 7
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class AudioModelArgs:
    """`multimodal.audio_model_args`: codebooks and the acoustic transformer."""

    semantic_codebook_size: int
    acoustic_codebook_size: int
    n_acoustic_codebook: int
    acoustic_transformer_args: AcousticArgs
    audio_token_id: int = AUDIO_ID
    begin_audio_token_id: int = BEGIN_AUDIO_ID
    input_embedding_concat_type: str = "sum"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def n_codebooks(self) -> int:
        return 1 + self.n_acoustic_codebook

    @property
    def codebook_sizes(self) -> list[int]:
        """Per-codebook vocabulary sizes including the 2 audio specials (spec §1.7)."""
        return [self.semantic_codebook_size + N_AUDIO_SPECIALS] + [
            self.acoustic_codebook_size + N_AUDIO_SPECIALS
        ] * self.n_acoustic_codebook

    @property
    def codebook_offsets(self) -> list[int]:
        sizes = self.codebook_sizes
        return [sum(sizes[:i]) for i in range(len(sizes))]

    @property
    def code_table_rows(self) -> int:
        return _round_up(sum(self.codebook_sizes), 128)

    @property
    def semantic_head_rows(self) -> int:
        return _round_up(self.semantic_codebook_size + N_AUDIO_SPECIALS, 128)

    @property
    def frame_rate(self) -> float:
        return float(self.extra.get("audio_encoding_args", {}).get("frame_rate", 12.5))


def _str2list(s: str) -> tuple[int, ...]:
    return tuple(int(x) for x in str(s).split(",") if x.strip())


@dataclass
class CodecArgs:
    """`multimodal.audio_tokenizer_args`: the Voxtral codec (spec §4)."""

    dim: int = 1024
    hidden_dim: int = 4096
    head_dim: int = 128
    n_heads: int = 8
    n_kv_heads: int = 8
    channels: int = 1
    sampling_rate: int = 24000
    pretransform_patch_size: int = 240
    patch_proj_kernel_size: int = 7
    semantic_codebook_size: int = 8192
    semantic_dim: int = 256
    acoustic_codebook_size: int = 21
    acoustic_dim: int = 36
    conv_weight_norm: bool = True
    causal: bool = True
    attn_sliding_window_size: int = 16
    half_attn_window_upon_downsampling: bool = True
    qk_norm: bool = True
    qk_norm_eps: float = 1e-6
    use_biases: bool = False
    norm_eps: float = 0.01
    layer_scale: bool = True
    layer_scale_init: float = 0.01
    # The shipped params.json omits the encoder strings; these are the upstream defaults (spec §4.1).
    encoder_transformer_lengths_str: str = "2,2,2,2"
    encoder_convs_kernels_str: str = "4,4,4,3"
    encoder_convs_strides_str: str = "2,2,2,1"
    decoder_transformer_lengths_str: str = "2,2,2,2"
    decoder_convs_kernels_str: str = "3,4,4,4"
    decoder_convs_strides_str: str = "1,2,2,2"
    voice: dict[str, int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def encoder_lengths(self) -> tuple[int, ...]:
        return _str2list(self.encoder_transformer_lengths_str)

    @property
    def encoder_kernels(self) -> tuple[int, ...]:
        return _str2list(self.encoder_convs_kernels_str)

    @property
    def encoder_strides(self) -> tuple[int, ...]:
        return _str2list(self.encoder_convs_strides_str)

    @property
    def decoder_lengths(self) -> tuple[int, ...]:
        return _str2list(self.decoder_transformer_lengths_str)

    @property
    def decoder_kernels(self) -> tuple[int, ...]:
        return _str2list(self.decoder_convs_kernels_str)

    @property
    def decoder_strides(self) -> tuple[int, ...]:
        return _str2list(self.decoder_convs_strides_str)

    @property
    def output_head(self) -> str:
        """`patch` (the official head: 240 samples per step straight from a conv) or `istft`
        (our small models: log-magnitude and phase per step, then a causal inverse STFT). Kept in
        `extra` so that official params.json files round-trip unchanged."""
        return str(self.extra.get("output_head", "patch"))

    @property
    def istft_n_fft(self) -> int:
        return int(self.extra.get("istft_n_fft", 4 * self.pretransform_patch_size))

    @property
    def latent_dim(self) -> int:
        return self.semantic_dim + self.acoustic_dim

    @property
    def samples_per_frame(self) -> int:
        return self.pretransform_patch_size * math.prod(self.encoder_strides)

    @property
    def frame_rate(self) -> float:
        return self.sampling_rate / self.samples_per_frame


@dataclass
class ModelArgs:
    """The whole of params.json."""

    backbone: BackboneArgs
    audio: AudioModelArgs
    codec: CodecArgs
    bos_token_id: int = BOS_ID
    model_type: str = "voxtral_tts"
    extra: dict[str, Any] = field(default_factory=dict)
    multimodal_extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ModelArgs:
        if not isinstance(d, dict):
            raise CheckpointError("top level must be an object")
        d = dict(d)
        mm = d.pop("multimodal", None)
        if mm is None:
            raise CheckpointError("missing 'multimodal' section (not a Voxtral TTS model?)")
        mm = dict(mm)
        am = mm.pop("audio_model_args", None)
        ta = mm.pop("audio_tokenizer_args", None)
        if am is None or ta is None:
            raise CheckpointError("'multimodal' needs 'audio_model_args' and 'audio_tokenizer_args'")
        am = dict(am)
        if "codebook_sizes" in am:  # older comma-string form accepted upstream (spec §5)
            sizes = _str2list(am.pop("codebook_sizes"))
            am.update(
                semantic_codebook_size=sizes[0], acoustic_codebook_size=sizes[1], n_acoustic_codebook=len(sizes) - 1
            )
        at = am.pop("acoustic_transformer_args", None)
        if at is None:
            raise CheckpointError("missing 'multimodal.audio_model_args.acoustic_transformer_args'")
        acoustic = _build(AcousticArgs, at, "acoustic_transformer_args")
        if acoustic.n_decoding_steps is None:
            acoustic.n_decoding_steps = 7
        am["acoustic_transformer_args"] = acoustic
        audio = _build(AudioModelArgs, am, "audio_model_args")
        codec = _build(CodecArgs, ta, "audio_tokenizer_args")
        model_type = d.pop("model_type", "voxtral_tts")
        backbone_known, top_extra = _split_known(BackboneArgs, d)
        backbone = _build(BackboneArgs, backbone_known, "top level")
        args = cls(
            backbone=backbone,
            audio=audio,
            codec=codec,
            bos_token_id=int(mm.pop("bos_token_id", BOS_ID)),
            model_type=model_type,
            extra=top_extra,
            multimodal_extra=mm,
        )
        args.validate()
        return args

    def to_dict(self) -> dict[str, Any]:
        out = _dump(self.backbone)
        out["model_type"] = self.model_type
        out.update(self.extra)
        audio = _dump(self.audio)
        audio["acoustic_transformer_args"] = _dump(self.audio.acoustic_transformer_args)
        mm = {"bos_token_id": self.bos_token_id, **self.multimodal_extra}
        mm["audio_model_args"] = audio
        mm["audio_tokenizer_args"] = _dump(self.codec)
        out["multimodal"] = mm
        return out

    def validate(self) -> None:
        """Reject configurations the architecture cannot run, with the reason."""
        b, a, c = self.backbone, self.audio.acoustic_transformer_args, self.codec
        problems = []
        if b.n_heads % b.n_kv_heads:
            problems.append(f"n_heads {b.n_heads} is not a multiple of n_kv_heads {b.n_kv_heads}")
        if a.n_heads % a.n_kv_heads:
            problems.append(f"acoustic n_heads {a.n_heads} is not a multiple of n_kv_heads {a.n_kv_heads}")
        if c.n_heads % c.n_kv_heads:
            problems.append(f"codec n_heads {c.n_heads} is not a multiple of n_kv_heads {c.n_kv_heads}")
        if a.input_dim != b.dim:
            problems.append(f"acoustic input_dim {a.input_dim} must equal backbone dim {b.dim}")
        if a.dim != a.input_dim:
            # The semantic head reads the backbone hidden but is sized by the FM dim upstream (spec §3).
            problems.append(f"acoustic dim {a.dim} must equal input_dim {a.input_dim}")
        if a.dim % 2:
            problems.append("acoustic dim must be even (sinusoidal time embedding)")
        if self.audio.semantic_codebook_size != c.semantic_codebook_size:
            problems.append("semantic_codebook_size differs between audio_model_args and audio_tokenizer_args")
        if self.audio.acoustic_codebook_size != c.acoustic_codebook_size:
            problems.append("acoustic_codebook_size differs between audio_model_args and audio_tokenizer_args")
        if self.audio.n_acoustic_codebook != c.acoustic_dim:
            problems.append("n_acoustic_codebook must equal the codec acoustic_dim")
        if self.audio.input_embedding_concat_type != "sum":
            problems.append(f"input_embedding_concat_type {self.audio.input_embedding_concat_type!r} is not supported")
        if math.prod(c.encoder_strides) != math.prod(c.decoder_strides):
            problems.append("the product of encoder strides must equal that of decoder strides")
        n_enc = len(c.encoder_lengths)
        if not (len(c.encoder_kernels) == len(c.encoder_strides) == n_enc):
            problems.append("encoder lengths, kernels and strides must have the same count")
        if not (len(c.decoder_kernels) == len(c.decoder_strides) == len(c.decoder_lengths)):
            problems.append("decoder lengths, kernels and strides must have the same count")
        if any(s not in (1, 2) for s in c.encoder_strides + c.decoder_strides):
            problems.append("codec strides must be 1 or 2")
        if c.channels != 1:
            problems.append("only mono codecs (channels 1) are supported")
        if not c.causal:
            problems.append("only causal codecs are supported")
        if c.output_head not in ("patch", "istft"):
            problems.append(f"unknown codec output_head {c.output_head!r} (this version knows 'patch' and 'istft')")
        elif c.output_head == "istft" and (c.istft_n_fft < c.pretransform_patch_size or c.istft_n_fft % 2):
            problems.append("istft_n_fft must be even and at least the patch size")
        fr = self.audio.frame_rate
        if abs(fr - c.frame_rate) > 1e-6:
            problems.append(f"audio_encoding_args.frame_rate {fr} disagrees with the codec's {c.frame_rate}")
        if problems:
            raise CheckpointError("" + "; ".join(problems))


def load_params(path: str | Path) -> ModelArgs:
    path = Path(path)
    if path.is_dir():
        path = path / "params.json"
    if not path.exists():
        raise CheckpointError(f"{path}: not found (a model folder needs params.json)")
    try:
        d = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise CheckpointError(f"{path}: not valid JSON ({e})") from None
    try:
        return ModelArgs.from_dict(d)
    except CheckpointError as e:
        raise CheckpointError(f"{path}: {e}") from None
