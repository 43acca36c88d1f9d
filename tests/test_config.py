"""params.json parsing, validation, and the official 4B tensor layout (spec §5)."""

from __future__ import annotations

import copy
import json

import pytest
import torch

from voxtral_tts.checkpoint import official_state_dict
from voxtral_tts.config import ModelArgs, load_params
from voxtral_tts.errors import CheckpointError
from voxtral_tts.model import VoxtralModel
from voxtral_tts.tiny import TINY_PARAMS

# The shipped params.json as the spec describes it (§2, §3, §4.1, §5): no n_decoding_steps, no encoder strings.
OFFICIAL_PARAMS = {
    "dim": 3072,
    "n_layers": 26,
    "head_dim": 128,
    "hidden_dim": 9216,
    "n_heads": 32,
    "n_kv_heads": 8,
    "rope_theta": 1000000.0,
    "norm_eps": 1e-05,
    "vocab_size": 131072,
    "max_seq_len": 65536,
    "model_type": "voxtral_tts",
    "max_position_embeddings": 128000,
    "multimodal": {
        "bos_token_id": 1,
        "audio_model_args": {
            "semantic_codebook_size": 8192,
            "acoustic_codebook_size": 21,
            "n_acoustic_codebook": 36,
            "audio_encoding_args": {
                "codebook_pattern": "parallel",
                "interleave_audio_tokens_per_segment": 8192,
                "interleave_text_tokens_per_segment": 8192,
                "single_trailing_segment": False,
                "num_codebooks": 37,
                "sampling_rate": 24000,
                "frame_rate": 12.5,
            },
            "audio_token_id": 24,
            "begin_audio_token_id": 25,
            "input_embedding_concat_type": "sum",
            "acoustic_transformer_args": {
                "input_dim": 3072,
                "dim": 3072,
                "n_layers": 3,
                "head_dim": 128,
                "hidden_dim": 9216,
                "n_heads": 32,
                "n_kv_heads": 8,
                "use_biases": False,
                "rope_theta": 10000.0,
                "sigma": 1e-05,
                "sigma_max": 1.0,
            },
            "p_uncond": 0.0,
            "text_feature_bugged": False,
            "condition_dropped_token_id": 42,
        },
        "audio_tokenizer_args": {
            "channels": 1,
            "sampling_rate": 24000,
            "pretransform_patch_size": 240,
            "patch_proj_kernel_size": 7,
            "semantic_codebook_size": 8192,
            "semantic_dim": 256,
            "acoustic_codebook_size": 21,
            "acoustic_dim": 36,
            "conv_weight_norm": True,
            "causal": True,
            "attn_sliding_window_size": 16,
            "half_attn_window_upon_downsampling": True,
            "dim": 1024,
            "hidden_dim": 4096,
            "head_dim": 128,
            "n_heads": 8,
            "n_kv_heads": 8,
            "qk_norm_eps": 1e-06,
            "qk_norm": True,
            "use_biases": False,
            "norm_eps": 0.01,
            "layer_scale": True,
            "layer_scale_init": 0.01,
            "decoder_transformer_lengths_str": "2,2,2,2",
            "decoder_convs_kernels_str": "3,4,4,4",
            "decoder_convs_strides_str": "1,2,2,2",
            "voice": {"casual_female": 0, "casual_male": 1},
        },
    },
}

# Representative shapes from the checkpoint manifest (spec §5).
MANIFEST = {
    "mm_audio_embeddings.tok_embeddings.weight": [131072, 3072],
    "mm_audio_embeddings.audio_codebook_embeddings.embeddings.weight": [9088, 3072],
    "layers.0.attention.wq.weight": [4096, 3072],
    "layers.25.attention.wk.weight": [1024, 3072],
    "layers.3.attention.wv.weight": [1024, 3072],
    "layers.3.attention.wo.weight": [3072, 4096],
    "layers.7.feed_forward.w1.weight": [9216, 3072],
    "layers.7.feed_forward.w2.weight": [3072, 9216],
    "layers.7.attention_norm.weight": [3072],
    "norm.weight": [3072],
    "acoustic_transformer.input_projection.weight": [3072, 36],
    "acoustic_transformer.time_projection.weight": [3072, 3072],
    "acoustic_transformer.llm_projection.weight": [3072, 3072],
    "acoustic_transformer.semantic_codebook_output.weight": [8320, 3072],
    "acoustic_transformer.acoustic_codebook_output.weight": [36, 3072],
    "acoustic_transformer.norm.weight": [3072],
    "acoustic_transformer.layers.2.feed_forward.w3.weight": [9216, 3072],
    "audio_tokenizer.decoder_blocks.0.conv.parametrizations.weight.original0": [1024, 1, 1],
    "audio_tokenizer.decoder_blocks.0.conv.parametrizations.weight.original1": [1024, 292, 3],
    "audio_tokenizer.decoder_blocks.4.conv.parametrizations.weight.original0": [1024, 1, 1],
    "audio_tokenizer.decoder_blocks.6.conv.parametrizations.weight.original1": [1024, 1024, 4],
    "audio_tokenizer.decoder_blocks.7.layers.1.attention.q_norm.weight": [1024],
    "audio_tokenizer.decoder_blocks.1.layers.0.attention_scale": [1024],
    "audio_tokenizer.decoder_blocks.5.layers.0.feed_forward.w1.weight": [4096, 1024],
    "audio_tokenizer.decoder_blocks.3.layers.1.attention.wo.weight": [1024, 1024],
    "audio_tokenizer.output_proj.conv.parametrizations.weight.original0": [240, 1, 1],
    "audio_tokenizer.output_proj.conv.parametrizations.weight.original1": [240, 1024, 7],
    "audio_tokenizer.quantizer.semantic_codebook.cluster_usage": [8192],
    "audio_tokenizer.quantizer.semantic_codebook.embedding_sum": [8192, 256],
}


def test_official_4b_layout_on_meta_device() -> None:
    args = ModelArgs.from_dict(copy.deepcopy(OFFICIAL_PARAMS))
    assert args.audio.acoustic_transformer_args.n_decoding_steps == 7  # the absent key's default
    assert args.codec.encoder_strides == (2, 2, 2, 1)
    assert args.codec.frame_rate == 12.5
    with torch.device("meta"):
        model = VoxtralModel(args, with_encoder=False)
    shapes = {k: list(v.shape) for k, v in official_state_dict(model).items()}
    assert len(shapes) == 386  # the official tensor count, without encoder
    for name, shape in MANIFEST.items():
        assert shapes[name] == shape, name
    assert not any("inv_freq" in k or k == "output.weight" for k in shapes)
    n_params = sum(v.numel() for v in model.parameters())
    assert 3.9e9 < n_params < 4.1e9
    with torch.device("meta"):
        with_enc = VoxtralModel(args, with_encoder=True)
    enc = [
        k
        for k in official_state_dict(with_enc)
        if k.startswith(("audio_tokenizer.input_proj", "audio_tokenizer.encoder_blocks"))
    ]
    assert "audio_tokenizer.input_proj.conv.parametrizations.weight.original1" in enc
    assert "audio_tokenizer.encoder_blocks.7.conv.parametrizations.weight.original1" in enc
    assert with_enc.codec.encoder_blocks[7].conv.weight.shape == (292, 1024, 3)


def test_windows_and_lookback_follow_the_spec() -> None:
    args = ModelArgs.from_dict(copy.deepcopy(OFFICIAL_PARAMS))
    with torch.device("meta"):
        model = VoxtralModel(args, with_encoder=True)
    enc = [b.window for b in model.codec.encoder_blocks if hasattr(b, "window")]
    dec = [b.window for b in model.codec.decoder_blocks if hasattr(b, "window")]
    assert enc == [16, 8, 4, 2]
    assert dec == [2, 4, 8, 16]
    # Upstream streams with 25 frames of left context; the receptive field must fit in it.
    assert model.codec.decoder_lookback_frames() <= 25


def test_round_trip_keeps_unknown_keys() -> None:
    p = copy.deepcopy(OFFICIAL_PARAMS)
    p["something_new"] = {"a": 1}
    out = ModelArgs.from_dict(copy.deepcopy(p)).to_dict()
    assert out["something_new"] == {"a": 1}
    assert out["multimodal"]["audio_model_args"]["audio_encoding_args"]["frame_rate"] == 12.5
    assert out["multimodal"]["audio_tokenizer_args"]["voice"] == {"casual_female": 0, "casual_male": 1}
    assert ModelArgs.from_dict(out).to_dict() == out


@pytest.mark.parametrize(
    "edit, message",
    [
        (
            lambda p: p["multimodal"]["audio_model_args"]["acoustic_transformer_args"].update(dim=32),
            "must equal input_dim",
        ),
        (lambda p: p.update(n_kv_heads=3), "not a multiple"),
        (lambda p: p["multimodal"].pop("audio_tokenizer_args"), "audio_tokenizer_args"),
        (lambda p: p["multimodal"]["audio_tokenizer_args"].update(output_head="vocoder"), "unknown codec output_head"),
        (lambda p: p["multimodal"]["audio_tokenizer_args"].update(output_head="istft", istft_n_fft=100), "istft_n_fft"),
        (lambda p: p["multimodal"]["audio_tokenizer_args"].update(decoder_convs_strides_str="1,2,2,1"), "strides"),
        (lambda p: p.pop("dim"), "incomplete"),
    ],
)
def test_invalid_params_are_rejected_with_the_reason(tmp_path, edit, message: str) -> None:
    p = copy.deepcopy(TINY_PARAMS)
    edit(p)
    (tmp_path / "params.json").write_text(json.dumps(p))
    with pytest.raises(CheckpointError, match=message) as e:
        load_params(tmp_path)
    assert str(tmp_path / "params.json") in str(e.value)
    assert "\n" not in str(e.value)


def test_malformed_json(tmp_path) -> None:
    (tmp_path / "params.json").write_text("{not json")
    with pytest.raises(CheckpointError, match="not valid JSON"):
        load_params(tmp_path)
