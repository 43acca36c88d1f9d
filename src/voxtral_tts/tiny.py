"""Tiny randomly initialised checkpoints in the official layout, for tests, demos and parity checks.

Every weight is random, including norm gains, LayerScale vectors, weight-norm gains and the VQ
statistics, so that a wiring mistake in any of them changes the output. The audio is noise.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import torch

from .checkpoint import save_model
from .config import ModelArgs
from .model import VoxtralModel
from .text.tekken import write_tekken

TINY_PARAMS: dict[str, Any] = {
    "dim": 64,
    "n_layers": 2,
    "head_dim": 16,
    "hidden_dim": 128,
    "n_heads": 4,
    "n_kv_heads": 2,
    "rope_theta": 1000000.0,
    "norm_eps": 1e-5,
    "vocab_size": 1256,
    "max_seq_len": 4096,
    "model_type": "voxtral_tts",
    "multimodal": {
        "bos_token_id": 1,
        "audio_model_args": {
            "semantic_codebook_size": 64,
            "acoustic_codebook_size": 21,
            "n_acoustic_codebook": 36,
            "audio_encoding_args": {
                "codebook_pattern": "parallel",
                "num_codebooks": 37,
                "sampling_rate": 24000,
                "frame_rate": 12.5,
            },
            "audio_token_id": 24,
            "begin_audio_token_id": 25,
            "input_embedding_concat_type": "sum",
            "acoustic_transformer_args": {
                "input_dim": 64,
                "dim": 64,
                "n_layers": 2,
                "head_dim": 16,
                "hidden_dim": 128,
                "n_heads": 4,
                "n_kv_heads": 2,
                "use_biases": False,
                "rope_theta": 10000.0,
                "sigma": 1e-05,
                "sigma_max": 1.0,
                "n_decoding_steps": 7,
            },
            "p_uncond": 0.0,
            "condition_dropped_token_id": 42,
        },
        "audio_tokenizer_args": {
            "channels": 1,
            "sampling_rate": 24000,
            "pretransform_patch_size": 240,
            "patch_proj_kernel_size": 7,
            "semantic_codebook_size": 64,
            "semantic_dim": 16,
            "acoustic_codebook_size": 21,
            "acoustic_dim": 36,
            "conv_weight_norm": True,
            "causal": True,
            "attn_sliding_window_size": 16,
            "half_attn_window_upon_downsampling": True,
            "dim": 64,
            "hidden_dim": 128,
            "head_dim": 16,
            "n_heads": 4,
            "n_kv_heads": 4,
            "qk_norm_eps": 1e-6,
            "qk_norm": True,
            "use_biases": False,
            "norm_eps": 0.01,
            "layer_scale": True,
            "layer_scale_init": 0.01,
            "encoder_transformer_lengths_str": "1,1,1,1",
            "decoder_transformer_lengths_str": "1,1,1,1",
            "decoder_convs_kernels_str": "3,4,4,4",
            "decoder_convs_strides_str": "1,2,2,2",
            "voice": {},
        },
    },
}

TINY_VOICES = {"tiny_female": 6, "tiny_male": 4}


def tiny_params(**overrides: Any) -> dict[str, Any]:
    """TINY_PARAMS with top-level keys replaced (nested dicts are copied, not shared)."""
    p = copy.deepcopy(TINY_PARAMS)
    p.update(overrides)
    return p


@torch.no_grad()
def randomize(model: VoxtralModel, seed: int = 0) -> None:
    """Random weights with sensible scales, so activations stay finite through every layer."""
    g = torch.Generator().manual_seed(seed)
    for name, p in sorted(model.named_parameters()):
        if name.endswith("original0"):  # weight-norm gain [out, 1, 1]
            p.copy_(0.5 + torch.rand(p.shape, generator=g))
        elif p.dim() == 1:  # norm gains and LayerScale vectors
            base = 0.1 if name.endswith(("attention_scale", "ffn_scale")) else 1.0
            p.copy_(base * (0.5 + torch.rand(p.shape, generator=g)))
        else:
            fan_in = p.shape[1] if p.dim() > 1 else p.shape[0]
            if p.dim() == 3:
                fan_in = p.shape[1] * p.shape[2]
            std = 1.0 if "embeddings" in name else fan_in**-0.5
            p.copy_(torch.randn(p.shape, generator=g) * std)
    vq = model.codec.quantizer.semantic_codebook
    vq.cluster_usage.copy_(0.5 + 2 * torch.rand(vq.cluster_usage.shape, generator=g))
    vq.embedding_sum.copy_(torch.randn(vq.embedding_sum.shape, generator=g) * vq.cluster_usage[:, None])


def make_tiny_checkpoint(
    folder: str | Path,
    seed: int = 0,
    with_encoder: bool = True,
    voices: dict[str, int] | None = None,
    params: dict[str, Any] | None = None,
    dtype: torch.dtype = torch.float32,
) -> Path:
    """Write a random model in the official layout and return its folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    voices = TINY_VOICES if voices is None else voices
    params = copy.deepcopy(params or TINY_PARAMS)
    tok = folder / "tekken.json"
    params["vocab_size"] = max(params["vocab_size"], write_tekken(tok, voices))
    args = ModelArgs.from_dict(params)
    model = VoxtralModel(args, with_encoder=with_encoder)
    randomize(model, seed)
    g = torch.Generator().manual_seed(seed + 1)
    rows = {name: torch.randn(n, args.backbone.dim, generator=g) for name, n in voices.items()}
    return save_model(folder, model, tok, voices=rows, dtype=dtype)
