"""Component behaviour, each against an independent formulation written from the spec."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from voxtral_tts.config import ModelArgs
from voxtral_tts.model import VoxtralModel
from voxtral_tts.model.acoustic import TimeEmbedding
from voxtral_tts.model.codec import CausalConv1d, CausalConvTranspose1d, alibi_slopes, local_alibi_attention
from voxtral_tts.model.layers import Attention, RMSNorm, Rope
from voxtral_tts.model.quantizers import fsq_levels, fsq_values
from voxtral_tts.tiny import TINY_PARAMS, randomize


@pytest.fixture(scope="module")
def model() -> VoxtralModel:
    m = VoxtralModel(ModelArgs.from_dict(TINY_PARAMS)).eval()
    randomize(m, seed=3)
    return m


def test_rope_rotates_interleaved_pairs_like_a_complex_product() -> None:
    rope = Rope(head_dim=8, theta=10000.0)
    x = torch.randn(2, 5, 3, 8)
    pos = torch.tensor([[0, 1, 2, 3, 4], [7, 8, 9, 10, 11]])
    freqs = 1.0 / 10000.0 ** (torch.arange(0, 8, 2).double() / 8)
    rot = torch.polar(torch.ones(12, 4, dtype=torch.float64), torch.outer(torch.arange(12).double(), freqs))
    xc = torch.view_as_complex(x.double().reshape(2, 5, 3, 4, 2))
    expected = torch.view_as_real(xc * rot[pos][:, :, None]).reshape(2, 5, 3, 8)
    torch.testing.assert_close(rope(x, pos).double(), expected, atol=1e-5, rtol=0)


@pytest.mark.parametrize("length", [3, 6])  # 3 takes the short-sequence matmul path, 6 the fused kernel
def test_gqa_shares_each_kv_head_with_consecutive_query_heads(length: int) -> None:
    torch.manual_seed(0)
    attn = Attention(dim=16, n_heads=4, n_kv_heads=2, head_dim=8)
    x = torch.randn(2, length, 16)
    q = attn.wq(x).view(2, length, 4, 8).transpose(1, 2)
    k = attn.wk(x).view(2, length, 2, 8).transpose(1, 2).repeat_interleave(2, dim=1)
    v = attn.wv(x).view(2, length, 2, 8).transpose(1, 2).repeat_interleave(2, dim=1)
    w = (q @ k.transpose(-1, -2) / math.sqrt(8)).softmax(-1)
    expected = attn.wo((w @ v).transpose(1, 2).reshape(2, length, 32))
    torch.testing.assert_close(attn(x), expected, atol=1e-5, rtol=1e-5)


def test_kv_cache_decoding_equals_full_causal_forward(model: VoxtralModel) -> None:
    bb = model.backbone
    x = torch.randn(1, 12, bb.args.dim)
    full = bb(x, bb.new_cache(1, 16))
    cache = bb.new_cache(1, 16)
    parts = [bb(x[:, :7], cache)] + [bb(x[:, i : i + 1], cache) for i in range(7, 12)]
    torch.testing.assert_close(torch.cat(parts, dim=1), full, atol=1e-5, rtol=1e-5)


def test_batched_rows_with_padding_match_single_rows(model: VoxtralModel) -> None:
    bb = model.backbone
    a, b = torch.randn(5, bb.args.dim), torch.randn(9, bb.args.dim)
    x = torch.zeros(2, 9, bb.args.dim)
    x[0, :5], x[1] = a, b
    cache = bb.new_cache(2, 12)
    out = bb(x, cache, lengths=torch.tensor([5, 9]))
    step = torch.randn(2, 1, bb.args.dim)
    nxt = bb(step, cache)
    for i, seq in enumerate((a, b)):
        c1 = bb.new_cache(1, 12)
        ref = bb(seq[None], c1)
        torch.testing.assert_close(out[i, : seq.shape[0]], ref[0], atol=1e-5, rtol=1e-5)
        torch.testing.assert_close(nxt[i], bb(step[i : i + 1], c1)[0], atol=1e-5, rtol=1e-5)


def test_time_embedding_is_cos_then_sin() -> None:
    emb = TimeEmbedding(8)(torch.tensor([0.0, 0.5]))
    inv = torch.exp(-math.log(10000.0) * torch.arange(4) / 4)
    torch.testing.assert_close(emb[1], torch.cat([(0.5 * inv).cos(), (0.5 * inv).sin()]))
    assert torch.equal(emb[0, :4], torch.ones(4)) and torch.equal(emb[0, 4:], torch.zeros(4))


def test_semantic_head_masks_empty_and_padding(model: VoxtralModel) -> None:
    fm = model.acoustic_transformer
    with torch.no_grad():
        fm.semantic_codebook_output.weight[0] = 100.0  # [EMPTY_AUDIO]
        fm.semantic_codebook_output.weight[-1] = 100.0  # a padding row
    logits = fm.semantic_logits(torch.ones(3, 64))
    assert logits.dtype == torch.float32 and logits.shape == (3, 128)
    assert torch.isinf(logits[:, 0]).all() and torch.isinf(logits[:, 66:]).all()
    assert torch.isfinite(logits[:, 1:66]).all()
    assert ((logits.argmax(-1) >= 1) & (logits.argmax(-1) < 66)).all()


def test_semantic_logits_stay_fp32_under_bf16_autocast(model: VoxtralModel) -> None:
    # bf16 training runs under autocast, which would otherwise put this matmul back in bf16.
    fm = model.acoustic_transformer
    h = torch.randn(4, 64)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        logits = fm.semantic_logits(h)
    assert logits.dtype == torch.float32
    torch.testing.assert_close(logits, fm.semantic_logits(h))


def test_euler_cfg_integration_matches_a_hand_written_loop(model: VoxtralModel) -> None:
    fm = model.acoustic_transformer
    h, x0, alpha = torch.randn(2, 64), torch.randn(2, 36), torch.tensor([1.2, 0.7])
    x = x0.clone()
    ts = torch.linspace(0, 1, 8)
    for i in range(7):
        tp = fm.time_projection(fm.time_embedding(ts[i : i + 1])).expand(2, -1)
        vc = fm.velocity(x, tp, fm.llm_projection(h))
        vu = fm.velocity(x, tp, fm.llm_projection(torch.zeros_like(h)))
        x = x + (ts[i + 1] - ts[i]) * (alpha[:, None] * vc + (1 - alpha[:, None]) * vu)
    torch.testing.assert_close(fm.sample(h, x0, alpha), x.clamp(-1, 1), atol=1e-5, rtol=1e-5)
    frame = fm.frame(h, x0, alpha)
    assert frame.shape == (2, 37)
    assert torch.equal(frame[:, 1:], ((x.clamp(-1, 1) + 1) / 2 * 20).round().long() + 2)


def test_velocity_equals_the_whole_last_layer_in_value_and_gradient(model: VoxtralModel) -> None:
    """The last layer computes only the acoustic token; written out in full, all three tokens pass it."""
    fm = model.acoustic_transformer
    x, h = torch.randn(5, 36), torch.randn(5, 64)
    tp = fm.time_projection(fm.time_embedding(torch.rand(5)))

    def whole(x: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        tokens = torch.stack((fm.input_projection(x), tp, fm.llm_projection(h)), dim=1)
        for layer in fm.layers.values():
            xn = layer.attention_norm(tokens)
            mid = tokens + layer.attention(xn)
            tokens = mid + layer.feed_forward(layer.ffn_norm(mid))
        return fm.acoustic_codebook_output(fm.norm(tokens)[:, 0])

    x1, h1 = x.clone().requires_grad_(), h.clone().requires_grad_()
    x2, h2 = x.clone().requires_grad_(), h.clone().requires_grad_()
    fast, slow = fm.velocity(x1, tp.detach(), fm.llm_projection(h1)), whole(x2, h2)
    torch.testing.assert_close(fast, slow, atol=1e-6, rtol=1e-5)
    w = torch.randn_like(fast)
    (fast * w).sum().backward()
    (slow * w).sum().backward()
    torch.testing.assert_close(x1.grad, x2.grad, atol=1e-6, rtol=1e-5)
    torch.testing.assert_close(h1.grad, h2.grad, atol=1e-6, rtol=1e-5)
    model.zero_grad(set_to_none=True)


def test_end_frame_gets_level_zero_acoustic_codes(model: VoxtralModel) -> None:
    fm = model.acoustic_transformer
    frame = fm.frame(torch.randn(2, 64), torch.randn(2, 36), torch.ones(2), semantic=torch.tensor([1, 5]))
    assert torch.equal(frame[0], torch.tensor([1] + [2] * 36))
    assert frame[1, 0] == 5


def test_fsq_round_trip_and_half_to_even() -> None:
    levels = torch.arange(21)
    assert torch.equal(fsq_levels(fsq_values(levels, 21), 21), levels)
    # 0.5 steps round to the even level, as torch.round does upstream.
    assert fsq_levels(torch.tensor([-0.75, -0.25]), 21).tolist() == [2, 8]  # from 2.5 and 7.5


def test_code_embedding_is_a_sum_with_offsets(model: VoxtralModel) -> None:
    codes = torch.randint(2, 23, (4, 37))
    codes[:, 0] = torch.randint(2, 66, (4,))
    table = model.audio_embeddings.embeddings.weight
    offsets = [0] + [66 + 23 * k for k in range(36)]
    expected = sum(table[offsets[k] + codes[:, k]] for k in range(37))
    torch.testing.assert_close(model.embed_frames(codes), expected, atol=1e-5, rtol=1e-5)
    assert table.shape[0] == 896  # 66 + 36*23 = 894, padded to a multiple of 128


def test_code_embedding_bag_sum_matches_the_gather_in_value_and_gradient(model: VoxtralModel) -> None:
    # The fp32 path sums with embedding_bag (no [..., 37, dim] gather); training must see the same gradient.
    emb = model.audio_embeddings
    codes = torch.randint(2, 23, (2, 5, 37))
    codes[..., 0] = torch.randint(2, 66, (2, 5))
    weight = emb.embeddings.weight
    upstream = torch.randn(2, 5, weight.shape[1])
    out = emb(codes)
    (grad,) = torch.autograd.grad((out * upstream).sum(), weight)
    offsets = torch.tensor(emb.offsets)
    gathered = weight[codes + offsets].sum(dim=-2)
    (grad_ref,) = torch.autograd.grad((gathered * upstream).sum(), weight)
    assert out.shape == (2, 5, weight.shape[1])
    torch.testing.assert_close(out, gathered, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(grad, grad_ref, atol=1e-5, rtol=1e-5)
    assert grad[offsets[1] + 2 :].abs().sum() > 0  # acoustic rows are reached, not only the semantic ones


def test_alibi_slopes_are_the_upstream_geometric_series() -> None:
    assert alibi_slopes(8) == [2.0**-i for i in range(8)]
    assert alibi_slopes(4) == [1.0, 0.25, 0.0625, 0.015625]


def test_blockwise_local_attention_equals_dense_masked_attention() -> None:
    B, H, S, D, w = 2, 4, 70, 8, 5
    q, k, v = (torch.randn(B, H, S, D) for _ in range(3))
    slopes = alibi_slopes(H)
    i = torch.arange(S)[:, None]
    j = torch.arange(S)[None, :]
    bias = torch.tensor(slopes)[:, None, None] * (j - i).float()
    bias = bias.masked_fill((j > i) | (j < i - w), float("-inf"))
    dense = F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
    torch.testing.assert_close(local_alibi_attention(q, k, v, slopes, w, block=16), dense, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("length", [1, 7, 8, 9, 31])
def test_causal_convs_have_the_documented_lengths_and_causality(length: int) -> None:
    conv = CausalConv1d(3, 4, kernel=4, stride=2, pad_mode="replicate")
    x = torch.randn(1, 3, length)
    y = conv(x)
    assert y.shape[-1] == math.ceil(length / 2)
    convt = CausalConvTranspose1d(3, 4, kernel=4, stride=2)
    z = convt(x)
    assert z.shape[-1] == 2 * length
    # Changing the last input sample changes no earlier output of either conv.
    x2 = x.clone()
    x2[..., -1] += 1.0
    torch.testing.assert_close(convt(x2)[..., : 2 * (length - 1)], z[..., : 2 * (length - 1)])


def test_weight_norm_folds_per_output_channel_for_conv_and_per_input_for_convt() -> None:
    conv = CausalConv1d(3, 4, kernel=3)
    g, v = conv.conv.parametrizations.weight.original0, conv.conv.parametrizations.weight.original1
    assert g.shape == (4, 1, 1)
    torch.testing.assert_close(conv.conv.weight, g * v / v.norm(dim=(1, 2), keepdim=True))
    convt = CausalConvTranspose1d(3, 4, kernel=4, stride=2)
    g, v = convt.conv.parametrizations.weight.original0, convt.conv.parametrizations.weight.original1
    assert g.shape == (3, 1, 1) and v.shape == (3, 4, 4)


def test_semantic_codebook_is_sum_over_usage(model: VoxtralModel) -> None:
    vq = model.codec.quantizer.semantic_codebook
    torch.testing.assert_close(vq.codebook, vq.embedding_sum / vq.cluster_usage[:, None])
    z = vq.codebook[[3, 9, 3]].T[None] + 1e-4
    assert vq.encode(z).tolist() == [[3, 9, 3]]


def test_codec_encode_decode_shapes(model: VoxtralModel) -> None:
    wave = torch.randn(1, 1920 * 3 + 17)
    codes = model.codec.encode(wave)
    assert codes.shape == (1, 37, 4)
    assert int(codes[:, 0].max()) < 64 and int(codes[:, 1:].max()) <= 20
    assert model.codec.decode(codes).shape == (1, 4 * 1920)


def test_decoder_lookback_bounds_the_receptive_field(model: VoxtralModel) -> None:
    codec = model.codec
    n = codec.decoder_lookback_frames()
    codes = torch.randint(0, 21, (1, 37, n + 6))
    base = codec.decode(codes)
    changed = codes.clone()
    changed[:, :, 0] = (changed[:, :, 0] + 5) % 21
    out = codec.decode(changed)
    spf = codec.samples_per_frame
    # Frame 0 reaches some later samples, but nothing from frame n on.
    assert not torch.allclose(out[:, spf : 2 * spf], base[:, spf : 2 * spf])
    torch.testing.assert_close(out[:, n * spf :], base[:, n * spf :], atol=1e-5, rtol=0)


def test_causal_istft_inverts_a_causal_stft() -> None:
    from voxtral_tts.model.codec import causal_istft

    n_fft, hop, S = 64, 16, 40
    x = torch.randn(2, S * hop)
    window = torch.hann_window(n_fft, periodic=True)
    padded = F.pad(x, (0, n_fft))
    frames = padded.unfold(-1, n_fft, hop)[:, :S] * window  # window s starts at sample s * hop
    # The head centres each inverse FFT in its window, so its spectra are those of the centred frames.
    spec = torch.fft.rfft(frames.roll(n_fft // 2, dims=-1), dim=-1).transpose(1, 2)  # [B, bins, S]
    y = torch.cat([spec.abs().clamp(min=1e-9).log(), spec.angle()], dim=1)
    # The very first samples sit under near-zero window tails, where the envelope is clamped.
    torch.testing.assert_close(causal_istft(y, n_fft, hop)[:, 8:], x[:, 8:], atol=1e-4, rtol=1e-4)


def test_istft_head_is_causal_and_chunkable() -> None:
    import copy

    from voxtral_tts.streaming import decode_frames

    p = copy.deepcopy(TINY_PARAMS)
    p["multimodal"]["audio_tokenizer_args"]["output_head"] = "istft"
    m = VoxtralModel(ModelArgs.from_dict(p)).eval()
    randomize(m, seed=1)
    assert m.codec.output_proj.conv.weight.shape == (4 * 240 + 2, 64, 7)
    frames = torch.randint(2, 23, (50, 37))
    frames[:, 0] = torch.randint(2, 66, (50,))
    whole = decode_frames(m.codec, frames, chunk=1000)
    assert whole.shape == (50 * 1920,)
    assert (decode_frames(m.codec, frames, chunk=6) - whole).abs().max() < 1e-4
    later = frames.clone()
    later[30] = 7
    assert torch.equal(decode_frames(m.codec, later, chunk=1000)[: 30 * 1920], whole[: 30 * 1920])


def test_rms_norm_keeps_bf16_activations_bf16_with_an_fp32_gain() -> None:
    # bf16 autocast training keeps fp32 master weights; the norm must not promote the stream back to fp32.
    norm = RMSNorm(8, 1e-5)
    with torch.no_grad():
        norm.weight.copy_(torch.linspace(0.5, 2.0, 8))
    x = torch.randn(3, 8)
    expected = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5) * norm.weight
    torch.testing.assert_close(norm(x), expected)
    out = norm(x.bfloat16())
    assert out.dtype == torch.bfloat16
    torch.testing.assert_close(out.float(), expected, atol=0.05, rtol=0.02)
