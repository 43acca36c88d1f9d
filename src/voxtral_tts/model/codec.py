"""The Voxtral codec: 24 kHz waveform <-> 12.5 Hz frames of 1 semantic VQ code + acoustic FSQ codes (spec §4).

Waveforms are cut into 240-sample patches (100 Hz), then alternate causal weight-normed convolutions
and small transformers with windowed causal ALiBi attention change the rate by 2 per stage.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import weight_norm

from ..config import CodecArgs
from .layers import FeedForward, RMSNorm
from .quantizers import Quantizer


def _pad1d(x: torch.Tensor, left: int, right: int, mode: str) -> torch.Tensor:
    if mode == "reflect" and x.shape[-1] <= max(left, right):
        # Reflection needs more samples than the pad; zero-extend on the right first, as upstream does.
        extra = max(left, right) - x.shape[-1] + 1
        y = F.pad(F.pad(x, (0, extra)), (left, right), mode="reflect")
        return y[..., : y.shape[-1] - extra]
    return F.pad(x, (left, right), mode=mode)


class CausalConv1d(nn.Module):
    """Conv1d padded on the left by k - s, plus on the right up to an output length of ceil(L / s)."""

    def __init__(
        self,
        c_in: int,
        c_out: int,
        kernel: int,
        stride: int = 1,
        pad_mode: str = "reflect",
        wn: bool = True,
        bias: bool = False,
    ):
        super().__init__()
        conv = nn.Conv1d(c_in, c_out, kernel, stride=stride, bias=bias)
        self.conv = weight_norm(conv) if wn else conv
        self.kernel, self.stride, self.pad_mode = kernel, stride, pad_mode

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        k, s = self.kernel, self.stride
        right = math.ceil(x.shape[-1] / s) * s - x.shape[-1]
        return self.conv(_pad1d(x, k - s, right, self.pad_mode))


class CausalConvTranspose1d(nn.Module):
    """ConvTranspose1d with the k - s extra output samples trimmed from the right, keeping it causal."""

    def __init__(self, c_in: int, c_out: int, kernel: int, stride: int, wn: bool = True):
        super().__init__()
        conv = nn.ConvTranspose1d(c_in, c_out, kernel, stride=stride, bias=False)
        self.conv = weight_norm(conv) if wn else conv
        self.trim = kernel - stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.conv(x)
        return y[..., : y.shape[-1] - self.trim] if self.trim else y


def alibi_slopes(n_heads: int) -> list[float]:
    """Slopes r^h, h = 0..H-1, r = 2^(-8/H): 1 ... 1/128 for 8 heads.

    Not the textbook 2^(-8(h+1)/H); this is what vLLM-Omni runs (spec §1.10b). Head counts that are
    not a power of two take the upstream interleaved construction.
    """

    def pow2(n: int) -> list[float]:
        r = 2.0 ** (-8.0 / n)
        return [r**i for i in range(n)]

    if math.log2(n_heads).is_integer():
        return pow2(n_heads)
    m = 2 ** math.floor(math.log2(n_heads))
    return pow2(m) + pow2(2 * m)[::2][: n_heads - m]


def local_alibi_attention(
    q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, slopes: list[float], window: int, block: int = 256
) -> torch.Tensor:
    """Causal attention where query i sees keys i-window..i, biased by slope_h * (j - i).

    q, k, v: [B, H, S, D]. Queries are processed in blocks against only the keys they can reach, so
    memory grows linearly with S instead of quadratically.
    """
    S = q.shape[2]
    out = []
    slope = torch.tensor(slopes, device=q.device, dtype=q.dtype)[:, None, None]
    for s0 in range(0, S, block):
        s1 = min(S, s0 + block)
        k0 = max(0, s0 - window)
        qi = torch.arange(s0, s1, device=q.device)[:, None]
        kj = torch.arange(k0, s1, device=q.device)[None, :]
        rel = kj - qi
        bias = slope * rel.to(q.dtype)
        bias = bias.masked_fill(((rel > 0) | (rel < -window))[None], float("-inf"))
        out.append(F.scaled_dot_product_attention(q[:, :, s0:s1], k[:, :, k0:s1], v[:, :, k0:s1], attn_mask=bias))
    return torch.cat(out, dim=2)


class CodecAttention(nn.Module):
    def __init__(self, args: CodecArgs, window: int) -> None:
        super().__init__()
        self.n_heads, self.n_kv_heads, self.head_dim = args.n_heads, args.n_kv_heads, args.head_dim
        self.window = window
        self.wq = nn.Linear(args.dim, args.n_heads * args.head_dim, bias=False)
        self.wk = nn.Linear(args.dim, args.n_kv_heads * args.head_dim, bias=False)
        self.wv = nn.Linear(args.dim, args.n_kv_heads * args.head_dim, bias=False)
        self.wo = nn.Linear(args.n_heads * args.head_dim, args.dim, bias=args.use_biases)
        self.qk_norm = args.qk_norm
        if args.qk_norm:
            # QK-norm over the full projection width, before the split into heads.
            self.q_norm = RMSNorm(args.n_heads * args.head_dim, args.qk_norm_eps)
            self.k_norm = RMSNorm(args.n_kv_heads * args.head_dim, args.qk_norm_eps)
        self._slopes = alibi_slopes(args.n_heads)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, S, _ = x.shape
        q, k, v = self.wq(x), self.wk(x), self.wv(x)
        if self.qk_norm:
            q, k = self.q_norm(q), self.k_norm(k)
        q = q.view(B, S, self.n_heads, self.head_dim).transpose(1, 2)
        k = k.view(B, S, self.n_kv_heads, self.head_dim).transpose(1, 2)
        v = v.view(B, S, self.n_kv_heads, self.head_dim).transpose(1, 2)
        if self.n_kv_heads != self.n_heads:
            rep = self.n_heads // self.n_kv_heads
            k, v = k.repeat_interleave(rep, dim=1), v.repeat_interleave(rep, dim=1)
        out = local_alibi_attention(q, k, v, self._slopes, self.window)
        return self.wo(out.transpose(1, 2).reshape(B, S, -1))


class CodecBlock(nn.Module):
    """Pre-norm block with LayerScale on both residual branches."""

    def __init__(self, args: CodecArgs, window: int) -> None:
        super().__init__()
        self.attention = CodecAttention(args, window)
        self.feed_forward = FeedForward(args.dim, args.hidden_dim, bias=args.use_biases)
        self.attention_norm = RMSNorm(args.dim, args.norm_eps)
        self.ffn_norm = RMSNorm(args.dim, args.norm_eps)
        self.layer_scale = args.layer_scale
        if args.layer_scale:
            self.attention_scale = nn.Parameter(torch.full((args.dim,), args.layer_scale_init))
            self.ffn_scale = nn.Parameter(torch.full((args.dim,), args.layer_scale_init))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        r = self.attention(self.attention_norm(x))
        h = x + (self.attention_scale * r if self.layer_scale else r)
        r = self.feed_forward(self.ffn_norm(h))
        return h + (self.ffn_scale * r if self.layer_scale else r)


class CodecTransformer(nn.Module):
    def __init__(self, args: CodecArgs, n_layers: int, window: int) -> None:
        super().__init__()
        self.window = window
        self.layers = nn.ModuleDict({str(i): CodecBlock(args, window) for i in range(n_layers)})

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers.values():
            x = layer(x)
        return x


# Where the iSTFT head's log-magnitudes start: speech at -23 LUFS sits around e^-3 per bin of a 960-point
# window (e^-1.5 below 1 kHz, e^-5 above 6 kHz), not at e^0.
ISTFT_LOGMAG_INIT = -3.0


def causal_istft(y: torch.Tensor, n_fft: int, hop: int) -> torch.Tensor:
    """Vocos-style output head made causal: y [B, n_fft + 2, S] holds log-magnitude and phase for
    S steps; step s's window covers samples [s*hop, s*hop + n_fft) and output sample n sums the
    windows that started at or before it, so no sample depends on a later step. Returns the first
    S*hop samples, normalised by the summed squared window.

    Each inverse FFT is centred in its window (rolled by n_fft / 2) before windowing: phase 0 then puts
    a frame's energy at the window's centre. Unrolled, phase 0 puts it at the window's edges, where the
    Hann window is zero, and a decoder that starts near phase 0 learns to make sound by cancellation."""
    B, _, S = y.shape
    n_bins = n_fft // 2 + 1
    # Capped before exp, not after: exp overflows for large log-magnitudes and the cap's zero gradient
    # times inf is NaN.
    mag = torch.exp(y[:, :n_bins].float().clamp(max=math.log(1e2)))
    phase = y[:, n_bins:].float()
    spec = torch.complex(mag * torch.cos(phase), mag * torch.sin(phase))  # [B, bins, S]
    window = torch.hann_window(n_fft, periodic=True, device=y.device)
    frames = torch.fft.irfft(spec, n=n_fft, dim=1).roll(n_fft // 2, dims=1) * window[None, :, None]  # [B, n_fft, S]
    length = (S - 1) * hop + n_fft
    out = F.fold(frames, (1, length), kernel_size=(1, n_fft), stride=(1, hop)).view(B, length)
    env = F.fold(
        (window**2)[None, :, None].expand(1, n_fft, S), (1, length), kernel_size=(1, n_fft), stride=(1, hop)
    ).view(1, length)
    return (out / env.clamp(min=1e-3))[:, : S * hop].to(y.dtype)


class Codec(nn.Module):
    """Encoder (optional: the official checkpoint ships none), quantizer and decoder."""

    def __init__(self, args: CodecArgs, with_encoder: bool = True) -> None:
        super().__init__()
        self.args = args
        self.patch = args.pretransform_patch_size
        wn = args.conv_weight_norm
        window = args.attn_sliding_window_size
        self.has_encoder = with_encoder
        if with_encoder:
            self.input_proj = CausalConv1d(self.patch * args.channels, args.dim, args.patch_proj_kernel_size, wn=wn)
            blocks: list[nn.Module] = []
            n = len(args.encoder_lengths)
            for i, (n_layers, k, s) in enumerate(zip(args.encoder_lengths, args.encoder_kernels, args.encoder_strides)):
                blocks.append(CodecTransformer(args, n_layers, window))
                last = i == n - 1
                if k != 1 or s != 1 or last:
                    out_dim = args.latent_dim if last else args.dim
                    blocks.append(CausalConv1d(args.dim, out_dim, k, s, pad_mode="replicate", wn=wn))
                    if args.half_attn_window_upon_downsampling and s > 1:
                        window //= 2
            self.encoder_blocks = nn.ModuleList(blocks)
        else:
            # The decoder's first window follows from the encoder's halvings even when it is absent.
            for s in args.encoder_strides:
                if args.half_attn_window_upon_downsampling and s > 1:
                    window //= 2
        dk, ds = args.decoder_kernels, args.decoder_strides
        blocks = [CausalConv1d(args.latent_dim, args.dim, dk[0], ds[0], pad_mode="replicate", wn=wn)]
        if args.half_attn_window_upon_downsampling and ds[0] > 1:
            window *= 2
        for i, n_layers in enumerate(args.decoder_lengths):
            blocks.append(CodecTransformer(args, n_layers, window))
            if i + 1 < len(args.decoder_lengths) and (dk[i + 1] != 1 or ds[i + 1] != 1):
                blocks.append(CausalConvTranspose1d(args.dim, args.dim, dk[i + 1], ds[i + 1], wn=wn))
                if args.half_attn_window_upon_downsampling and ds[i + 1] > 1:
                    window *= 2
        self.decoder_blocks = nn.ModuleList(blocks)
        self.quantizer = Quantizer(
            args.semantic_codebook_size, args.semantic_dim, args.acoustic_codebook_size, args.acoustic_dim
        )
        self.head = args.output_head
        out_ch = self.patch * args.channels if self.head == "patch" else args.istft_n_fft + 2
        # The iSTFT head has a bias (the official patch head has none): log-magnitudes sit far below 0 and
        # tilt with frequency, an offset a bias-free projection of zero-mean features reaches only slowly.
        istft = self.head == "istft"
        self.output_proj = CausalConv1d(args.dim, out_ch, args.patch_proj_kernel_size, wn=wn, bias=istft)
        if istft:
            with torch.no_grad():
                self.output_proj.conv.bias.zero_()
                self.output_proj.conv.bias[: args.istft_n_fft // 2 + 1] = ISTFT_LOGMAG_INIT

    @property
    def samples_per_frame(self) -> int:
        return self.args.samples_per_frame

    @staticmethod
    def _run(blocks: nn.ModuleList, x: torch.Tensor) -> torch.Tensor:
        """x: [B, C, T]. Convolutions work channels-first, transformers time-first."""
        for block in blocks:
            if isinstance(block, CodecTransformer):
                x = block(x.transpose(1, 2)).transpose(1, 2)
            else:
                x = block(x)
        return x

    def encode_latent(self, wave: torch.Tensor) -> torch.Tensor:
        """wave: [B, L] at the codec rate -> continuous latent [B, latent_dim, ceil(L / samples_per_frame)]."""
        if not self.has_encoder:
            raise RuntimeError("this codec has no encoder weights")
        B, L = wave.shape
        pad = (-L) % self.patch
        x = F.pad(wave, (0, pad)).to(self.output_proj.conv.weight.dtype)
        x = x.view(B, -1, self.patch).transpose(1, 2)  # [B, patch, T_patches]
        return self._run(self.encoder_blocks, self.input_proj(x))

    def encode(self, wave: torch.Tensor) -> torch.Tensor:
        """wave: [B, L] -> codes [B, 1 + acoustic_dim, ceil(L / samples_per_frame)], without special offset."""
        return self.quantizer.encode(self.encode_latent(wave))

    def decode_head(self, z: torch.Tensor) -> torch.Tensor:
        """Latent [B, latent_dim, T] -> what the output head turns into audio: [B, channels, T * up] patches,
        or [B, n_fft + 2, T * up] log-magnitudes and phases for the iSTFT head."""
        return self.output_proj(self._run(self.decoder_blocks, z))

    def head_to_wave(self, y: torch.Tensor) -> torch.Tensor:
        if self.head == "istft":
            return causal_istft(y, self.args.istft_n_fft, self.patch)
        return y.transpose(1, 2).reshape(y.shape[0], -1)

    def decode_latent(self, z: torch.Tensor) -> torch.Tensor:
        """Latent [B, latent_dim, T] (quantized or not) -> waveform [B, T * samples_per_frame]."""
        return self.head_to_wave(self.decode_head(z))

    def decode(self, codes: torch.Tensor) -> torch.Tensor:
        """codes: [B, 1 + acoustic_dim, T] without special offset -> waveform [B, T * samples_per_frame]."""
        return self.decode_latent(self.quantizer.decode(codes, self.output_proj.conv.weight.dtype))

    def decoder_lookback_frames(self) -> int:
        """How many past frames can influence the newest output sample: the left context that makes
        chunked decoding equal to one-shot decoding."""
        steps_per_frame = 1.0
        lookback = 0.0  # in frames
        for block in self.decoder_blocks:
            if isinstance(block, CodecTransformer):
                lookback += len(block.layers) * block.window / steps_per_frame
            elif isinstance(block, CausalConvTranspose1d):
                k = block.conv.kernel_size[0]
                s = block.conv.stride[0]
                lookback += math.ceil((k - 1) / s) / steps_per_frame
                steps_per_frame *= s
            else:
                lookback += (block.kernel - 1) / steps_per_frame
                steps_per_frame /= block.stride
        lookback += (self.output_proj.kernel - 1) / steps_per_frame
        if self.head == "istft":  # each output sample overlaps n_fft / hop - 1 earlier windows
            lookback += (self.args.istft_n_fft // self.patch) / steps_per_frame
        return math.ceil(lookback) + 1
