"""Cross-check voxtral_tts against the reference implementations, on a shrunken random checkpoint.

References (all run on CPU, in fp32, from the parity virtualenv that parity/run.sh builds):

- vLLM-Omni 0.30.0 `FlowMatchingAudioTransformer` (semantic head + flow-matching ODE) and
  `VoxtralTTSAudioTokenizer` (codec and code embeddings), imported from the unpacked wheel behind parity/stubs.py;
- mistral-inference 1.6.0 `Transformer` as the backbone, with torch SDPA patched in for xformers (uncached, causal);
- mistral-common 1.13.1 `MistralTokenizer.encode_speech_request` for prompt ids.

Both sides load the same `consolidated.safetensors` under the official tensor names, and every flow-matching start
point is injected, so codes must agree exactly and floats to fp32 round-off. Usage:

    python parity/check.py --vllm-omni build/parity/vllm_omni-0.30.0 --out docs/parity.md

Exits non-zero if any required check fails.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import datetime
import io
import json
import math
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any
from unittest import mock

import numpy as np
import soundfile as sf
import stubs
import torch
from safetensors.torch import load_file, save_file

from voxtral_tts import VoxtralTTS
from voxtral_tts.config import AUDIO_ID, END_AUDIO, N_AUDIO_SPECIALS
from voxtral_tts.model import VoxtralModel
from voxtral_tts.streaming import ONE_SHOT_CHUNK, StreamDecoder, decode_frames
from voxtral_tts.tiny import make_tiny_checkpoint, tiny_params

ROOT = Path(__file__).resolve().parents[1]

# Relative fp32 tolerance: max|ours - reference| <= FP32_RTOL * max(1, max|reference|). Both sides compute the
# same fp32 arithmetic in a different order (fused vs split matmuls, SDPA vs explicit softmax), so differences
# are a few ulps of the largest value, amplified by at most a few layers.
FP32_RTOL = 1e-5
# Required by the task for the end-to-end waveform.
E2E_WAVE_ATOL = 1e-4

SAMPLE_RATE = 24000
BACKBONE_FIELDS = ("dim", "n_layers", "head_dim", "hidden_dim", "n_heads", "n_kv_heads", "rope_theta", "norm_eps")
VOICE = "tiny_female"


def parity_params() -> dict[str, Any]:
    """TINY_PARAMS reshaped to mirror the real model's structure where that is cheap.

    Backbone and flow-matching head: 3 layers and n_heads * head_dim (96) != dim (64), as in the real model
    (32 * 128 != 3072). Codec: 2 layers per transformer stage, as shipped. FM dim == input_dim and 4 codec heads
    (a power of two) are kept, as the references require.
    """
    p = tiny_params(n_layers=3, head_dim=24)
    fm = p["multimodal"]["audio_model_args"]["acoustic_transformer_args"]
    fm.update(n_layers=3, head_dim=24)
    codec = p["multimodal"]["audio_tokenizer_args"]
    codec.update(encoder_transformer_lengths_str="2,2,2,2", decoder_transformer_lengths_str="2,2,2,2")
    return p


# -- results --------------------------------------------------------------------------------------------------------


def _one_pass() -> dict[str, Any]:
    from voxtral_tts.longform import Guard, LongFormOptions

    never = Guard(retries=0, min_ratio=0.0, min_slack_s=0.0, max_ratio=1e9, max_slack_s=1e9)
    return {
        "normalize": False,
        "watermark": False,
        "longform": LongFormOptions(level=False, carry_frames=0, guard=never),
    }


ONE_PASS = _one_pass()


@dataclass
class Result:
    group: str
    name: str
    value: str  # the measured number: max|diff| or an agreement count
    tolerance: str
    passed: bool
    required: bool = True
    note: str = ""

    @property
    def status(self) -> str:
        if self.passed:
            return "PASS"
        return "FAIL" if self.required else "INFO"


class Report:
    def __init__(self) -> None:
        self.results: list[Result] = []
        self.group = ""

    def add(self, result: Result) -> None:
        self.results.append(result)
        mark = {"PASS": " ok ", "FAIL": "FAIL", "INFO": "info"}[result.status]
        print(f"  [{mark}] {result.name}: {result.value} (tol {result.tolerance}) {result.note}".rstrip(), flush=True)

    def close(
        self,
        name: str,
        ours: torch.Tensor,
        ref: torch.Tensor,
        atol: float | None = None,
        required: bool = True,
        note: str = "",
    ) -> float:
        """Compare floats: max|diff| against `atol`, or against the relative fp32 tolerance by default."""
        ours, ref = ours.detach().double().cpu(), ref.detach().double().cpu()
        if ours.shape != ref.shape:
            self.add(
                Result(self.group, name, f"shape {list(ours.shape)} vs {list(ref.shape)}", "same", False, required)
            )
            return math.inf
        scale = max(1.0, float(ref.abs().max())) if ref.numel() else 1.0
        tol = FP32_RTOL * scale if atol is None else atol
        tol_text = f"{tol:.1e}" if atol is not None else f"{tol:.1e} (1e-5 x peak {scale:.3g})"
        diff = float((ours - ref).abs().max()) if ours.numel() else 0.0
        ok = bool(math.isfinite(diff) and diff <= tol)
        self.add(Result(self.group, name, f"max abs diff {diff:.2e}", tol_text, ok, required, note))
        return diff

    def same(self, name: str, ours: torch.Tensor, ref: torch.Tensor, required: bool = True, note: str = "") -> bool:
        """Compare integers exactly; reports how many entries agree."""
        ours, ref = ours.detach().long().cpu(), ref.detach().long().cpu()
        if ours.shape != ref.shape:
            self.add(
                Result(self.group, name, f"shape {list(ours.shape)} vs {list(ref.shape)}", "same", False, required)
            )
            return False
        agree = int((ours == ref).sum())
        ok = agree == ours.numel()
        self.add(Result(self.group, name, f"{agree}/{ours.numel()} equal", "all equal", ok, required, note))
        return ok

    def check(
        self, name: str, ok: bool, value: str, tolerance: str = "-", required: bool = True, note: str = ""
    ) -> None:
        self.add(Result(self.group, name, value, tolerance, ok, required, note))

    @property
    def failed(self) -> list[Result]:
        return [r for r in self.results if r.required and not r.passed]


# -- the references ---------------------------------------------------------------------------------------------------


@dataclass
class References:
    gen: ModuleType  # vLLM-Omni voxtral_tts_audio_generation
    tok: ModuleType  # vLLM-Omni voxtral_tts_audio_tokenizer
    mi_transformer: ModuleType
    mi_args: ModuleType


@dataclass
class Oracle:
    """The reference modules loaded from one checkpoint folder."""

    folder: Path
    fm: Any  # FlowMatchingAudioTransformer
    codec: Any  # VoxtralTTSAudioTokenizer
    backbone: Any  # mistral_inference Transformer
    tokenizer: Any  # mistral_common MistralTokenizer
    voices: dict[str, torch.Tensor]


def load_oracle(refs: References, folder: Path) -> Oracle:
    """Build the reference modules from params.json and load consolidated.safetensors under the official names,
    routed the way vLLM-Omni's `load_weights` routes them. Every parameter must be loaded exactly once."""
    from mistral_common.tokens.tokenizers.mistral import MistralTokenizer

    params = json.loads((folder / "params.json").read_text())
    state = load_file(str(folder / "consolidated.safetensors"))
    mm = params["multimodal"]
    fm = refs.gen.FlowMatchingAudioTransformer(copy.deepcopy(mm["audio_model_args"]))
    hf_config = SimpleNamespace(
        audio_config={
            "codec_args": copy.deepcopy(mm["audio_tokenizer_args"]),
            "audio_model_args": copy.deepcopy(mm["audio_model_args"]),
        },
        text_config=SimpleNamespace(hidden_size=params["dim"]),
    )
    codec = refs.tok.VoxtralTTSAudioTokenizer(
        vllm_config=SimpleNamespace(model_config=SimpleNamespace(hf_config=hf_config))
    )

    # Backbone: TransformerArgs from the top-level fields; Transformer.from_folder cannot read a Voxtral folder.
    mi_args = refs.mi_args.TransformerArgs.from_dict(
        {k: params[k] for k in (*BACKBONE_FIELDS, "vocab_size")}  # the 9 top-level backbone fields
    )
    mi_args.max_batch_size = 1
    backbone = refs.mi_transformer.Transformer(mi_args)

    fm_loaded: list[str] = []
    codec_loaded: list[str] = []
    bb_state: dict[str, torch.Tensor] = {}
    for name, w in state.items():
        if name.startswith("acoustic_transformer."):
            fm_loaded.append(fm.load_weight((name.removeprefix("acoustic_transformer."), w)))
        elif name.startswith("audio_tokenizer."):
            codec_loaded.append(codec.load_weight((name.removeprefix("audio_tokenizer."), w)))
        elif name == "mm_audio_embeddings.audio_codebook_embeddings.embeddings.weight":
            codec_loaded.append(codec.load_weight(("audio_token_embedding.embeddings.weight", w)))
        elif name == "mm_audio_embeddings.tok_embeddings.weight":
            bb_state["tok_embeddings.weight"] = w
        elif name.startswith(("layers.", "norm.")):
            bb_state[name] = w
        else:
            raise KeyError(f"{name}: not an official Voxtral TTS tensor name")
    bb_state["output.weight"] = bb_state["tok_embeddings.weight"]  # tied; the checkpoint has no output.weight
    backbone.load_state_dict(bb_state, strict=True)

    fm_params = {n for n, _ in fm.named_parameters()}
    codec_params = {n for n, _ in codec.named_parameters()}
    vq = {"quantizer.semantic_codebook.cluster_usage", "quantizer.semantic_codebook.embedding_sum"}
    problems = []
    if sorted(fm_loaded) != sorted(fm_params):
        problems.append(f"FM: missing {sorted(fm_params - set(fm_loaded))}, extra {sorted(set(fm_loaded) - fm_params)}")
    if sorted(codec_loaded) != sorted(codec_params | vq):
        problems.append(f"codec: missing {sorted((codec_params | vq) - set(codec_loaded))}")
    if problems:
        raise RuntimeError("reference weight loading incomplete: " + "; ".join(problems))
    if not codec.encoder_loaded:
        raise RuntimeError("the parity checkpoint should carry codec encoder weights")

    for module in (fm, codec, backbone):
        module.eval().requires_grad_(False)
    tokenizer = MistralTokenizer.from_file(str(folder / "tekken.json"))
    voices = {
        p.stem: torch.load(p, map_location="cpu", weights_only=True).float()
        for p in sorted((folder / "voice_embedding").glob("*.pt"))
    }
    return Oracle(folder, fm, codec, backbone, tokenizer, voices)


@contextlib.contextmanager
def injected_noise(rows: Iterator[torch.Tensor] | torch.Tensor) -> Iterator[None]:
    """Make the reference's `torch.randn(B, 36, ...)` in `decode_one_frame` return the given noise."""
    real = torch.randn
    it = iter([rows]) if isinstance(rows, torch.Tensor) else rows

    def fake(*size: Any, dtype: torch.dtype | None = None, device: Any = None, **kw: Any) -> torch.Tensor:
        x = next(it)
        shape = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list, torch.Size)) else size
        if tuple(x.shape) != tuple(shape):
            raise RuntimeError(f"reference asked for noise {shape}, harness has {tuple(x.shape)}")
        return x.to(dtype=dtype or torch.float32, device=device)

    with mock.patch.object(torch, "randn", fake):
        yield
    assert torch.randn is real


@contextlib.contextmanager
def fp32_codec(codec: Any) -> Iterator[None]:
    """Run the reference codec's bf16-only entry points in fp32: `decode_helper_batch_async` hard-codes a bf16
    decode, and `_tokenize_audio` wraps its encoder in bf16 autocast. The code around those calls is upstream's."""
    decode = codec.decode

    def decode_fp32(codes: torch.Tensor, dtype: torch.dtype = torch.float32) -> torch.Tensor:
        return decode(codes, dtype=torch.float32)

    with (
        mock.patch.object(codec, "decode", decode_fp32),
        mock.patch.object(torch, "autocast", lambda *a, **k: contextlib.nullcontext()),
    ):
        yield


def ref_hidden(oracle: Oracle, emb: torch.Tensor) -> torch.Tensor:
    """mistral-inference over input embeddings [S, dim], uncached from position 0: final-norm hidden states."""
    bb = oracle.backbone
    freqs = bb.freqs_cis[torch.arange(emb.shape[0])]
    h = emb
    for layer in bb.layers.values():
        h = layer(h, freqs, None)
    return bb.norm(h)


def fsq_ties(levels: int, radius: int = 200) -> torch.Tensor:
    """float32 values x whose scaled value ((x + 1) / 2) * (levels - 1) is exactly k + 0.5: where rounding half to
    even and half up differ."""
    centres = torch.tensor([(2 * k + 1) / (levels - 1) - 1 for k in range(levels - 1)], dtype=torch.float32)
    found, lo, hi = [centres], centres.clone(), centres.clone()
    for _ in range(radius):
        lo, hi = torch.nextafter(lo, torch.tensor(-2.0)), torch.nextafter(hi, torch.tensor(2.0))
        found += [lo, hi]
    x = torch.cat(found)
    scaled = ((x + 1) / 2) * (levels - 1)
    return x[scaled == scaled.floor() + 0.5]


def test_wave(seconds: float, seed: int) -> np.ndarray:
    """A speech-like test signal (a modulated tone plus noise), not a whole number of frames long."""
    n = int(seconds * SAMPLE_RATE) + 5
    t = torch.arange(n) / SAMPLE_RATE
    g = torch.Generator().manual_seed(seed)
    wave = 0.4 * torch.sin(2 * math.pi * 220 * t) * torch.sin(2 * math.pi * 3 * t) + 0.05 * torch.randn(n, generator=g)
    return wave.clamp(-1, 1).float().numpy()


def ref_prompt(oracle: Oracle, text: str, voice: str | None = None, ref_wav: bytes | None = None) -> list[int]:
    from mistral_common.protocol.speech.request import SpeechRequest

    request = (
        SpeechRequest(input=text, ref_audio=ref_wav) if ref_wav is not None else SpeechRequest(input=text, voice=voice)
    )
    return list(oracle.tokenizer.encode_speech_request(request).tokens)


def wav_bytes(wave: np.ndarray) -> bytes:
    buf = io.BytesIO()
    sf.write(buf, wave, SAMPLE_RATE, format="WAV", subtype="PCM_16")  # ours sends float WAV
    return buf.getvalue()


# -- the checks -----------------------------------------------------------------------------------------------------


class Checks:
    def __init__(self, report: Report, refs: References, ours: VoxtralTTS, oracle: Oracle, seed: int = 1234) -> None:
        self.r = report
        self.refs = refs
        self.tts = ours
        self.model: VoxtralModel = ours.model
        self.o = oracle
        self.g = torch.Generator().manual_seed(seed)
        self.args = ours.model.args
        self._semantic_batch: tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor] | None = None

    def randn(self, *shape: int) -> torch.Tensor:
        return torch.randn(*shape, generator=self.g)

    def random_frames(self, T: int, offset: bool = True) -> torch.Tensor:
        """Random frames [T, 37]: semantic codes in range, acoustic levels 0..20, plus the +2 offset if asked."""
        a = self.args.audio
        sem = torch.randint(0, a.semantic_codebook_size, (T, 1), generator=self.g)
        ac = torch.randint(0, a.acoustic_codebook_size, (T, a.n_acoustic_codebook), generator=self.g)
        return torch.cat((sem, ac), dim=1) + (N_AUDIO_SPECIALS if offset else 0)

    # 1. flow-matching velocity
    def velocity(self) -> None:
        self.r.group = "Flow-matching velocity"
        ours, fm = self.model.acoustic_transformer, self.o.fm
        dim = self.args.backbone.dim
        for B in (1, 6):
            x, h, t = (
                self.randn(B, self.args.audio.n_acoustic_codebook),
                self.randn(B, dim),
                torch.rand(B, generator=self.g),
            )
            with torch.no_grad():
                v_ours = ours.velocity(x, ours.time_projection(ours.time_embedding(t)), ours.llm_projection(h))
                v_ref = fm._predict_velocity(
                    x_t=x, llm_proj=fm.llm_projection(h), t_proj=fm.time_projection(fm.time_embedding(t[:, None]))
                )
            self.r.close(f"velocity, batch {B} (random x, t, h)", v_ours, v_ref)
        with torch.no_grad():
            t = torch.linspace(0, 1, 8)
            self.r.close("time embedding on the 8-point grid", ours.time_embedding(t), fm.time_embedding(t[:, None]))

    # 2. + 3. semantic head and whole frames
    def semantic_h(self) -> tuple[torch.Tensor, list[str]]:
        """Hidden states built so that each kind of semantic winner occurs, with labels."""
        w = self.model.acoustic_transformer.semantic_codebook_output.weight
        n_valid = N_AUDIO_SPECIALS + self.args.audio.semantic_codebook_size
        rows, labels = [], []
        for i in range(10):
            rows.append(self.randn(w.shape[1]) * (1 + i))
            labels.append("random")
        for idx, label in ((0, "[EMPTY_AUDIO] row boosted"), (END_AUDIO, "[END_AUDIO] row boosted")):
            rows.append(8 * w[idx] / w[idx].norm())
            labels.append(label)
        for idx in (n_valid, w.shape[0] - 1):
            rows.append(8 * w[idx] / w[idx].norm())
            labels.append(f"padding row {idx} boosted")
        return torch.stack(rows), labels

    def semantic(self) -> None:
        self.r.group = "Semantic head"
        h, labels = self.semantic_h()
        fm = self.o.fm
        captured: dict[str, torch.Tensor] = {}
        handle = fm.semantic_codebook_output.register_forward_hook(lambda m, i, out: captured.setdefault("logits", out))
        noise = self.randn(h.shape[0], self.args.audio.n_acoustic_codebook)
        alpha = torch.full((h.shape[0],), 1.2)
        try:
            with torch.no_grad(), injected_noise(noise):
                ref_codes = fm(h, alpha)
        finally:
            handle.remove()
        # Upstream masks the fp32 logits in place (`.float()` of an fp32 tensor is the same tensor), so the hooked
        # output is its masked logits; check that this is so before using it.
        ref_logits = captured["logits"]
        if not bool(torch.isinf(ref_logits[:, 0]).all()):
            raise RuntimeError("could not capture the reference's masked semantic logits")
        with torch.no_grad():
            ours = self.model.acoustic_transformer.semantic_logits(h)
        finite = torch.isfinite(ref_logits)
        self.r.same("masked (-inf) positions", ~torch.isfinite(ours), ~finite)
        self.r.close("logits at unmasked positions", ours[finite], ref_logits[finite])
        picks = ours.argmax(-1)
        self.r.same("argmax", picks, ref_codes[:, 0])
        boosted = {lab: int(p) for lab, p in zip(labels, picks.tolist()) if lab != "random"}
        expect_end = boosted["[END_AUDIO] row boosted"] == END_AUDIO
        n_valid = N_AUDIO_SPECIALS + self.args.audio.semantic_codebook_size
        never_masked = all(0 < p < n_valid for p in picks.tolist())
        self.r.check(
            "boosted rows: END wins, EMPTY and padding never win",
            expect_end and never_masked,
            ", ".join(f"{k}->{v}" for k, v in boosted.items()),
        )
        self._semantic_batch = (h, noise, alpha, ref_codes)

    def frames(self) -> None:
        self.r.group = "Acoustic codes (whole frames)"
        at, fm = self.model.acoustic_transformer, self.o.fm
        # (a) the batch above: 14 rows, some of which pick [END_AUDIO] (acoustic codes forced to [EMPTY_AUDIO]+2).
        if self._semantic_batch is None:
            self.semantic()
        assert self._semantic_batch is not None
        h, noise, alpha, ref_codes = self._semantic_batch
        with torch.no_grad():
            ours = at.frame(h, noise, alpha)
        n_end = int((ref_codes[:, 0] == END_AUDIO).sum())
        self.r.same(f"forward(): {h.shape[0]} frames, {n_end} ending, cfg 1.2", ours, ref_codes)
        # (b) random hidden states, a spread of cfg_alpha values per row.
        B = 32
        h = self.randn(B, self.args.backbone.dim) * 3
        noise = self.randn(B, self.args.audio.n_acoustic_codebook)
        alpha = torch.tensor([1.2, 1.0, 0.0, 2.5] * (B // 4))
        with torch.no_grad():
            ours = at.frame(h, noise, alpha)
            with injected_noise(noise):
                ref = fm(h, alpha)
        self.r.same(f"forward(): {B} frames, cfg in (0, 1, 1.2, 2.5)", ours, ref)
        # (c) decode_one_frame with given semantic codes, every fourth one [END_AUDIO].
        sem = torch.randint(
            N_AUDIO_SPECIALS, N_AUDIO_SPECIALS + self.args.audio.semantic_codebook_size, (B,), generator=self.g
        )
        sem[::4] = END_AUDIO
        noise = self.randn(B, self.args.audio.n_acoustic_codebook)
        alpha = torch.full((B,), 1.2)
        with torch.no_grad():
            ours = at.frame(h, noise, alpha, semantic=sem)[:, 1:]
            with injected_noise(noise):
                ref = fm.decode_one_frame(sem, h, alpha)
        self.r.same(f"decode_one_frame(): {B} frames, {B // 4} given [END_AUDIO]", ours, ref)
        # (d) the quantisation tail alone (clamp, scale to 0..20, round half to even, +2, END rows), with the
        # velocity zeroed on both sides so that the injected start points are what gets quantised. The points
        # are the float32 values near each level boundary whose scaled value is an exact .5 tie, plus values
        # outside [-1, 1].
        ties = fsq_ties(self.args.audio.acoustic_codebook_size)
        vals = torch.cat((ties, torch.tensor([-3.0, -1.0001, -1.0, 1.0, 1.0001, 3.0])))
        n_ac = self.args.audio.n_acoustic_codebook
        noise = torch.cat((vals, vals[: (-vals.numel()) % n_ac])).view(-1, n_ac)
        B = noise.shape[0]
        h = self.randn(B, self.args.backbone.dim)
        sem = torch.full((B,), N_AUDIO_SPECIALS)
        sem[-1] = END_AUDIO
        alpha = torch.full((B,), 1.2)
        with torch.no_grad():
            with mock.patch.object(at, "velocity", lambda x, t, h: torch.zeros_like(x)):
                ours = at.frame(h, noise, alpha, semantic=sem)[:, 1:]
            with mock.patch.object(fm, "_predict_velocity", lambda x_t, llm_proj, t_proj: torch.zeros_like(x_t)):
                with injected_noise(noise):
                    ref = fm.decode_one_frame(sem, h, alpha)
        self.r.same(f"quantisation only: {ties.numel()} exact .5 ties, out-of-range values, an END row", ours, ref)

    # 4. code embeddings
    def embeddings(self) -> None:
        self.r.group = "Code embeddings"
        frames = self.random_frames(60)
        frames[:5, :] = torch.randint(0, N_AUDIO_SPECIALS, (5, frames.shape[1]), generator=self.g)  # specials too
        frames[5] = self.args.audio.codebook_sizes[0] - 1  # the top row of every codebook
        frames[5, 1:] = self.args.audio.codebook_sizes[1] - 1
        with torch.no_grad():
            ours = self.model.embed_frames(frames)
            ref = self.o.codec.encode_tokens([frames.T[None]])[0]
        self.r.close("embed_frames vs encode_tokens, 60 frames incl. specials and top rows", ours, ref)

    # 5. codec decoder
    def decoder(self) -> None:
        self.r.group = "Codec decoder"
        codec, ref = self.model.codec, self.o.codec
        with torch.no_grad():
            for T in (1, 5, 40, 400):
                codes = self.random_frames(T, offset=False).T[None]
                self.r.close(f"decode, {T} frame(s)", codec.decode(codes), ref.decode(codes, dtype=torch.float32)[:, 0])
            codes = torch.stack([self.random_frames(40, offset=False).T for _ in range(3)])
            self.r.close(
                "decode, batch of 3 x 40 frames", codec.decode(codes), ref.decode(codes, dtype=torch.float32)[:, 0]
            )

            # Long output: upstream's decode_helper_batch_async cuts at the first END frame, then decodes
            # independent 375-frame chunks. `decode_frames(..., context=0)` must reproduce that.
            T = 400
            frames = self.random_frames(T)
            tail = torch.cat((torch.tensor([[END_AUDIO] + [N_AUDIO_SPECIALS] * 36]), self.random_frames(3)))
            with fp32_codec(ref):
                up = ref.decode_helper_batch_async([torch.cat((frames, tail))])[0]
            self.r.close(
                f"decode_frames(chunk=375, context=0) vs decode_helper_batch_async, {T} frames + END",
                decode_frames(codec, frames, chunk=ONE_SHOT_CHUNK, context=0),
                up,
            )
            # Our default keeps left context across chunks: equal to upstream up to 375 frames, different after.
            ours = decode_frames(codec, frames)
            spf = codec.samples_per_frame
            cut = ONE_SHOT_CHUNK * spf
            self.r.close("default decode_frames, first 375 frames (30 s)", ours[:cut], up[:cut])
            d = float((ours[cut:] - up[cut:]).abs().max())
            self.r.check(
                "default decode_frames past 375 frames (deliberate: left context, no seam)",
                False,
                f"max abs diff {d:.2e}",
                "differs by design",
                required=False,
                note="upstream restarts the decoder cold at every chunk",
            )
            # Streaming: chunks with left context, joined, equal a one-shot reference decode (<= 375 frames).
            T = 200
            frames = self.random_frames(T)
            dec = StreamDecoder(codec)
            parts = [w for f in frames if (w := dec.push(f)) is not None]
            if (w := dec.flush()) is not None:
                parts.append(w)
            one_shot = ref.decode((frames - N_AUDIO_SPECIALS).T[None], dtype=torch.float32)[0, 0]
            self.r.close(f"StreamDecoder (5, then 25-frame chunks), joined, {T} frames", torch.cat(parts), one_shot)

    # 6. codec encoder
    def encoder(self) -> None:
        self.r.group = "Codec encoder"
        codec, ref = self.model.codec, self.o.codec
        n = int(2.7 * SAMPLE_RATE) + 111  # not a whole number of patches
        t = torch.arange(n) / SAMPLE_RATE
        wave = 0.4 * torch.sin(2 * math.pi * 220 * t) * torch.sin(2 * math.pi * 3 * t) + 0.1 * self.randn(n)
        with torch.no_grad():
            x = torch.nn.functional.pad(wave, (0, (-n) % codec.patch))[None, None]  # upstream's _tokenize_audio pad
            z_ref = ref._forward_encoder(x)
            codes_ref = ref.quantizer.encode(z_ref)
            codes = codec.encode(wave[None])
            if hasattr(codec, "encode_latent"):
                z = codec.encode_latent(wave[None])
            else:
                z = codec._run(codec.encoder_blocks, codec.input_proj(x[:, 0].view(1, -1, codec.patch).transpose(1, 2)))
        self.r.close("latent before quantisation (fp32)", z, z_ref)
        self.r.same(f"semantic codes, {codes.shape[-1]} frames", codes[:, 0], codes_ref[:, 0])
        self.r.same(f"acoustic codes, {codes.shape[-1]} frames x 36", codes[:, 1:], codes_ref[:, 1:])
        # The whole cloning input path: encode, +2, END frame, embeddings.
        with torch.no_grad(), fp32_codec(ref):
            rows_ref = ref.encode_waveforms([wave])[0]
            rows = self.model.embed_frames(self.model.reference_codes(wave))
        self.r.close("reference_codes + embed_frames vs encode_waveforms (encoder in fp32)", rows, rows_ref)

    # 7. backbone
    def backbone(self) -> None:
        self.r.group = "Backbone"
        bb = self.model.backbone
        ids = torch.tensor(self.tts.tokenizer.speech_ids("Hello, the world! Ça va? 你好", voice=VOICE))
        S = ids.numel()
        with torch.no_grad():
            ours = bb(bb.tok_embeddings(ids)[None], bb.new_cache(1, S))[0]
            ref = self.o.backbone.forward_partial(ids, seqlens=[S])
            self.r.close(f"from token ids, all {S} positions", ours, ref)

            emb = bb.tok_embeddings(ids).clone()
            emb[ids == AUDIO_ID] = self.o.voices[VOICE]
            ours = bb(emb[None], bb.new_cache(1, S))[0]
            self.r.close(f"voice rows spliced in, all {S} positions", ours, ref_hidden(self.o, emb))

            # The generation path: prefill, then one position at a time through the KV cache, 300 positions.
            extra = self.randn(300 - S, bb.args.dim)
            full = torch.cat((emb, extra))
            cache = bb.new_cache(1, full.shape[0])
            hs = [bb(emb[None], cache)[0]]
            for i in range(S, full.shape[0]):
                hs.append(bb(full[None, i : i + 1], cache)[0])
            self.r.close("prefill + 1-token KV-cache steps to 300 positions", torch.cat(hs), ref_hidden(self.o, full))

    # 8. prompt ids
    def prompts(self) -> None:
        self.r.group = "Prompt ids"
        texts = [
            "Hello, the world!",
            "Bonjour à tous, ça va ? C'est l'été.",
            "¿Qué tal? Straße, naïve, Øresund.",
            "Привет, как дела?",
            "مرحبا بالعالم",
            "नमस्ते दुनिया",
            "你好，世界。今天天气很好。",
            "Numbers 3.14159 and 2026-11-26, emoji 👋🎉, tabs\tand\nnewlines.",
        ]
        agree = 0
        for text in texts:
            for voice in sorted(self.o.voices):
                agree += self.tts.tokenizer.speech_ids(text, voice=voice) == ref_prompt(self.o, text, voice=voice)
        n = len(texts) * len(self.o.voices)
        self.r.check(
            f"{len(texts)} texts x {len(self.o.voices)} voices (Latin, Cyrillic, Arabic, Devanagari, CJK, emoji)",
            agree == n,
            f"{agree}/{n} identical",
            "all identical",
        )
        wave = (0.3 * self.randn(int(2.3 * SAMPLE_RATE) + 17)).clamp(-1, 1).numpy()
        ours = self.tts.tokenizer.speech_ids("Cloned voice, s'il vous plaît.", ref_audio=wave)
        ref = ref_prompt(self.o, "Cloned voice, s'il vous plaît.", ref_wav=wav_bytes(wave))
        slots = sum(1 for i in ref if i == AUDIO_ID)
        expect = math.ceil(wave.size / SAMPLE_RATE * self.tts.frame_rate) + 1
        self.r.check(
            "reference-audio request (2.3 s)",
            ours == ref and slots == expect,
            f"identical: {ours == ref}; {slots} audio slots (expected ceil(s*12.5)+1 = {expect})",
            "identical",
        )


# -- end to end -----------------------------------------------------------------------------------------------------


def oracle_generate(
    oracle: Oracle, prompt: torch.Tensor, noise: torch.Tensor, max_frames: int, cfg_alpha: float = 1.2
) -> tuple[torch.Tensor, bool, torch.Tensor]:
    """The reference pipeline: mistral-inference backbone recomputed uncached over the growing sequence, vLLM-Omni's
    FM head (semantic argmax + ODE) with the given noise rows, frames fed back through vLLM-Omni's code embeddings,
    and vLLM-Omni's codec decode. Returns (frames without END, stopped on END, waveform)."""
    seq = prompt
    frames: list[torch.Tensor] = []
    ended = False
    alpha = torch.tensor([cfg_alpha])
    with torch.no_grad():
        for k in range(max_frames):
            h = ref_hidden(oracle, seq)[-1:]
            with injected_noise(noise[k : k + 1]):
                codes = oracle.fm(h, alpha)  # [1, 37] with the +2 offset
            if int(codes[0, 0]) == END_AUDIO:
                ended = True
                all_codes = torch.cat((torch.stack(frames), codes)) if frames else codes
                break
            frames.append(codes[0])
            seq = torch.cat((seq, oracle.codec.encode_tokens([codes.T[None]])[0]))
        else:
            all_codes = torch.stack(frames)
        with fp32_codec(oracle.codec):
            wave = oracle.codec.decode_helper_batch_async([all_codes])[0]
    out = torch.stack(frames) if frames else torch.zeros(0, noise.shape[1] + 1, dtype=torch.long)
    return out, ended, wave


def end_to_end(
    r: Report,
    tts: VoxtralTTS,
    oracle: Oracle,
    label: str,
    text: str,
    max_seconds: float,
    seed: int,
    voice: str | None = None,
    ref_audio: np.ndarray | None = None,
    expect_end: bool | None = None,
) -> None:
    max_frames = math.ceil(max_seconds * tts.frame_rate)
    noise = torch.randn(max_frames, tts.args.audio.n_acoustic_codebook, generator=torch.Generator().manual_seed(seed))
    t0 = time.perf_counter()
    if ref_audio is not None:
        audio = tts.generate(text, ref_audio=(ref_audio, SAMPLE_RATE), noise=noise, max_seconds=max_seconds, **ONE_PASS)
    else:
        audio = tts.generate(text, voice=voice, noise=noise, max_seconds=max_seconds, **ONE_PASS)
    t_ours = time.perf_counter() - t0

    t0 = time.perf_counter()
    if ref_audio is not None:
        ids = ref_prompt(oracle, text, ref_wav=wav_bytes(ref_audio))
        with torch.no_grad(), fp32_codec(oracle.codec):
            rows = oracle.codec.encode_waveforms([torch.from_numpy(ref_audio)])[0]
    else:
        ids = ref_prompt(oracle, text, voice=voice)
        rows = oracle.voices[voice]
    ids_t = torch.tensor(ids)
    with torch.no_grad():
        prompt = oracle.backbone.tok_embeddings(ids_t).clone()
    if int((ids_t == AUDIO_ID).sum()) != rows.shape[0]:
        raise RuntimeError(f"{label}: {int((ids_t == AUDIO_ID).sum())} audio slots, {rows.shape[0]} rows")
    prompt[ids_t == AUDIO_ID] = rows
    frames, ended, wave = oracle_generate(oracle, prompt, noise, max_frames)
    t_ref = time.perf_counter() - t0

    ours_frames = torch.from_numpy(audio.frames)
    stop = "END" if audio.stop_reason == "end_audio" else f"cap ({max_frames} frames)"
    ref_stop = "END" if ended else f"cap ({max_frames} frames)"
    r.group = "End to end"
    print(f"  ({label}: ours {t_ours:.1f} s, oracle {t_ref:.1f} s)")
    note = f"prompt of {len(ids)} ids"
    r.check(
        f"{label}: frame count and stop",
        ours_frames.shape[0] == frames.shape[0] and stop == ref_stop and (expect_end is None or ended == expect_end),
        f"ours {ours_frames.shape[0]} frames, {stop}; oracle {frames.shape[0]} frames, {ref_stop}",
        "same",
        note=note,
    )
    if ours_frames.shape == frames.shape:
        r.same(f"{label}: semantic codes", ours_frames[:, 0], frames[:, 0])
        r.same(f"{label}: acoustic codes", ours_frames[:, 1:], frames[:, 1:])
    r.close(f"{label}: waveform", torch.from_numpy(audio.samples), wave, atol=E2E_WAVE_ATOL)


# -- driver ---------------------------------------------------------------------------------------------------------


def zero_end_row(src: Path, dst: Path) -> Path:
    """A copy of a checkpoint whose semantic head can never prefer [END_AUDIO] over a random code (its logit is 0),
    so that a random model speaks until the frame cap."""
    shutil.copytree(src, dst)
    path = dst / "consolidated.safetensors"
    state = load_file(str(path))
    state["acoustic_transformer.semantic_codebook_output.weight"][END_AUDIO] = 0
    save_file(state, str(path), metadata={"format": "pt"})
    return dst


def versions(vllm_omni_root: Path) -> dict[str, str]:
    def installed(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    wheel = "unknown"
    for meta in vllm_omni_root.glob("vllm_omni-*.dist-info/METADATA"):
        for line in meta.read_text().splitlines():
            if line.startswith("Version:"):
                wheel = line.split(":", 1)[1].strip()
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "src"], cwd=ROOT, capture_output=True, text=True).stdout
        commit += " + uncommitted changes in src/" if dirty.strip() else ""
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "vllm-omni": f"{wheel} (the wheel unpacked into build/parity/, not installed)",
        "mistral-inference": f"{installed('mistral_inference')} (installed with --no-deps; xformers stubbed)",
        "mistral-common": installed("mistral_common"),
        "numpy": np.__version__,
        "voxtral-tts": f"{installed('voxtral-tts')}, commit {commit}",
    }


def write_markdown(path: Path, report: Report, vers: dict[str, str], params: dict[str, Any], seconds: float) -> None:
    fm = params["multimodal"]["audio_model_args"]["acoustic_transformer_args"]
    codec = params["multimodal"]["audio_tokenizer_args"]
    n_req = sum(r.required for r in report.results)
    n_pass = sum(r.required and r.passed for r in report.results)
    vo, mi = (vers[k].split()[0] for k in ("vllm-omni", "mistral-inference"))
    lines = [
        "# Parity with the reference implementations",
        "",
        "Generated by `make parity` (`bash parity/run.sh` → `parity/check.py`); do not edit by hand.",
        f"Last run: {datetime.date.today().isoformat()}, {seconds:.0f} s on CPU, {torch.get_num_threads()} threads.",
        "",
        f"**Result: {n_pass}/{n_req} required checks pass"
        + (".**" if n_pass == n_req else f"; {n_req - n_pass} FAIL.**"),
        "",
        "## What is compared",
        "",
        "Our package against three references, on one shrunken, randomly initialised checkpoint in the official",
        "layout (`voxtral_tts.tiny.make_tiny_checkpoint`, fp32). Both sides load the same `consolidated.safetensors`",
        "under the official tensor names: ours through `voxtral_tts.checkpoint`, the references through their own",
        "`load_weight` methods (vLLM-Omni) or `load_state_dict` (mistral-inference), so the name mapping is checked too.",
        "All norm gains, LayerScale vectors, weight-norm gains and VQ statistics are random, so a wiring mistake in any",
        "of them shows.",
        "",
        "| reference | version | used for |",
        "|---|---|---|",
        f"| vLLM-Omni `FlowMatchingAudioTransformer` | {vo} | semantic head, flow-matching velocity and ODE |",
        f"| vLLM-Omni `VoxtralTTSAudioTokenizer` | {vo} | code embeddings, codec decoder and encoder |",
        f"| mistral-inference `Transformer` | {mi} | backbone hidden states |",
        f"| mistral-common `MistralTokenizer.encode_speech_request` | {vers['mistral-common']} | prompt token ids |",
        "",
        "How the references run on a CPU box without vllm, transformers or xformers: `parity/stubs.py` registers",
        "placeholder modules for the names the two vLLM-Omni files import (only `default_weight_loader` and",
        "`MULTIMODAL_REGISTRY.register_processor` do anything), and the two files are imported from the unpacked",
        "wheel in `build/parity/` (never installed, never committed). flash_attn and apex are absent, so the",
        "references take their own fallbacks (`torch.nn.RMSNorm`, the codec's SDPA path with an explicit",
        "ALiBi + causal + window bias). mistral-inference's xformers attention is replaced by causal torch SDPA; without",
        "a cache mistral-inference passes no mask, so the oracle always runs a single sequence uncached from",
        "position 0.",
        "",
        "Noise: every flow-matching start point is injected into the reference by patching `torch.randn` for the one",
        "call in `decode_one_frame`, and into ours through the `noise` argument, so codes must agree exactly.",
        "",
        "The parity checkpoint (shrunken, but with the real model's structure where it is cheap):",
        "",
        f"- backbone: dim {params['dim']}, {params['n_layers']} layers, {params['n_heads']}/{params['n_kv_heads']}"
        f" heads of {params['head_dim']} (q width {params['n_heads'] * params['head_dim']} != dim, as in the real"
        f" model), vocab {params['vocab_size']} (a byte-level tekken.json with 1000 specials);",
        f"- flow-matching head: dim = input_dim = {fm['dim']}, {fm['n_layers']} layers,"
        f" {fm['n_heads']}/{fm['n_kv_heads']} heads of {fm['head_dim']}, {fm['n_decoding_steps']} Euler steps,"
        f" semantic codebook {params['multimodal']['audio_model_args']['semantic_codebook_size']}"
        " (head padded to 128 rows), 36 acoustic codebooks x 21 levels;",
        f"- codec: dim {codec['dim']}, {codec['n_heads']} heads (a power of two), transformer lengths"
        f" {codec['encoder_transformer_lengths_str']} (encoder) and {codec['decoder_transformer_lengths_str']} (decoder),"
        f" semantic dim {codec['semantic_dim']}, patch {codec['pretransform_patch_size']}, 1920 samples per frame,"
        " with encoder weights.",
        "",
        "## Tolerances",
        "",
        f"- Floats (fp32 on both sides): max|ours - reference| <= {FP32_RTOL:g} x max(1, max|reference|). The two",
        "  sides compute the same arithmetic in a different order (fused vs split projections, SDPA vs explicit",
        "  softmax), so they differ by float32 round-off only; any wiring error is orders of magnitude larger.",
        "- Codes and token ids: exactly equal (the count of equal entries is shown).",
        f"- End-to-end waveform: max abs difference < {E2E_WAVE_ATOL:g}.",
        "",
        "## Results",
        "",
        "| group | check | measured | tolerance | status |",
        "|---|---|---|---|---|",
    ]
    for r in report.results:
        name = r.name + (f" ({r.note})" if r.note else "")
        lines.append(f"| {r.group} | {name} | {r.value} | {r.tolerance} | {r.status} |")
    lines += [
        "",
        "INFO rows are measured but not required (see the notes).",
        "",
        "## The end-to-end oracle",
        "",
        "Assembled from the references only: mistral-common builds the prompt ids; the [AUDIO] slots are replaced by",
        "the voice rows (preset voice: `voice_embedding/<name>.pt`; reference audio: vLLM-Omni's `encode_waveforms`,",
        "encoder run in fp32); mistral-inference recomputes the backbone *uncached* over the whole growing sequence",
        "at every step and its final-norm hidden state at the last position goes to vLLM-Omni's",
        "`FlowMatchingAudioTransformer.forward` (masked semantic argmax, then `decode_one_frame` with the same noise",
        "row as ours); the frame is fed back as the sum of its code embeddings (vLLM-Omni's `encode_tokens`); a",
        "[END_AUDIO] pick stops the loop; the frames go through vLLM-Omni's `decode_helper_batch_async` (cut at the",
        "first END, 375-frame chunks), with its hard-coded bf16 decode switched to fp32. Ours is the public",
        "`VoxtralTTS.generate(text, voice=..., noise=N, max_seconds=...)`, which uses the KV cache, as one pass of",
        "the model: no text normalisation, no watermark, no loudness levelling and no duration guard (the product",
        "layers on top of the model, which the references do not have).",
        "",
        "To get more than a handful of frames out of a random model, two runs use a copy of the checkpoint whose",
        "[END_AUDIO] row (row 1) of `acoustic_transformer.semantic_codebook_output.weight` is zeroed, and stop at the",
        "frame cap; the run on the unmodified checkpoint lets END win and compares where both stop.",
        "",
        "## Deliberate differences",
        "",
        "- Long outputs: vLLM-Omni decodes independent 375-frame (30 s) chunks with no left context, so its audio has a",
        "  seam every 30 s. Our default one-shot decode (`streaming.decode_frames`) gives each 375-frame chunk enough",
        "  left context to cover the decoder's receptive field, so it equals an unchunked decode. It is identical to",
        "  upstream up to 30 s and differs only past it (the INFO row above); `decode_frames(..., context=0)`",
        "  reproduces upstream exactly (checked above).",
        "- Streaming: our `StreamDecoder` uses vLLM-Omni's stage-1 chunk sizes (5 frames, then 25) but a left context",
        "  of max(25, the decoder's lookback) frames, so its joined chunks equal a one-shot decode; that is checked",
        "  above against the reference decoder. vLLM-Omni's own streaming stage needs the vLLM engine and is not run.",
        "- Precision: vLLM serves the model in bf16 (the codec's `decode_helper_batch_async` hard-codes a bf16 decode",
        "  and its encoder runs under bf16 autocast). Everything here is fp32 against fp32, with those two",
        "  entry points switched to fp32 by the harness; bf16 runs of either side agree with fp32 only approximately",
        "  and are not compared.",
        "- The mistral-inference oracle is run without a KV cache (its cache path needs real xformers masks); ours uses",
        "  a KV cache, which the 300-position backbone check and the end-to-end runs cover.",
        "",
        "## Versions",
        "",
        "| package | version |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in vers.items()],
        "",
        "## Reproduce",
        "",
        "```",
        "make parity",
        "```",
        "",
        "`parity/run.sh` creates `.venv-parity` (python3.11) on first use, installs torch==2.13.0 (the CPU wheel),",
        "einops, safetensors, numpy, regex, mistral-common==1.13.1, fire, simple-parsing, soundfile and soxr, then",
        "mistral-inference==1.6.0 with `--no-deps` (its xformers requirement is not installed) and this package",
        "with `--no-deps -e .`; it downloads the pure-Python `vllm-omni==0.30.0` wheel into `build/parity/` and",
        "unpacks it there. Later runs skip what is already in place. The command exits non-zero if a required",
        "check fails.",
        "",
    ]
    path.write_text("\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vllm-omni", type=Path, required=True, help="folder of the unpacked vllm-omni wheel")
    ap.add_argument("--out", type=Path, help="write the report as markdown here")
    ap.add_argument("--keep", type=Path, help="build the checkpoints here (kept) instead of a temporary folder")
    args = ap.parse_args(argv)

    t_start = time.perf_counter()
    torch.manual_seed(0)
    gen, tok = stubs.load_vllm_omni(args.vllm_omni)
    mi_transformer, mi_args = stubs.load_mistral_inference()
    refs = References(gen, tok, mi_transformer, mi_args)
    report = Report()
    params = parity_params()

    with contextlib.ExitStack() as stack:
        if args.keep:
            shutil.rmtree(args.keep, ignore_errors=True)
            work = args.keep
            work.mkdir(parents=True)
        else:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="voxtral-parity-")))
        ckpt = make_tiny_checkpoint(work / "model", seed=7, params=params, dtype=torch.float32)
        no_end = zero_end_row(ckpt, work / "model-no-end")
        params = json.loads((ckpt / "params.json").read_text())

        print(f"checkpoint: {ckpt}")
        tts = VoxtralTTS.from_pretrained(ckpt, device="cpu", dtype=torch.float32)
        oracle = load_oracle(refs, ckpt)
        checks = Checks(report, refs, tts, oracle)
        steps: list[tuple[str, Callable[[], None]]] = [
            ("flow-matching velocity", checks.velocity),
            ("semantic head", checks.semantic),
            ("whole frames", checks.frames),
            ("code embeddings", checks.embeddings),
            ("codec decoder", checks.decoder),
            ("codec encoder", checks.encoder),
            ("backbone", checks.backbone),
            ("prompt ids", checks.prompts),
        ]
        for title, step in steps:
            print(f"== {title}", flush=True)
            step()

        print("== end to end", flush=True)
        tts_no_end = VoxtralTTS.from_pretrained(no_end, device="cpu", dtype=torch.float32)
        oracle_no_end = load_oracle(refs, no_end)
        end_to_end(
            report,
            tts_no_end,
            oracle_no_end,
            "preset voice, 20 s cap",
            "Hello, the world! Ça va?",
            20.0,
            11,
            voice=VOICE,
        )
        ref_wave = test_wave(3.1, seed=3)
        end_to_end(
            report,
            tts_no_end,
            oracle_no_end,
            "cloned from 3.1 s reference audio, 4 s cap",
            "Clone this voice.",
            4.0,
            12,
            ref_audio=ref_wave,
        )
        # On the unmodified checkpoint END can win: with this seed it does after a few frames (required, so that the
        # stop itself is compared; if the tiny model's initialisation changes, pick another seed).
        end_to_end(
            report,
            tts,
            oracle,
            "END allowed, 20 s cap",
            "Stop when done.",
            20.0,
            13,
            voice="tiny_male",
            expect_end=True,
        )

    elapsed = time.perf_counter() - t_start
    print()
    width = max(len(r.name) for r in report.results)
    print(f"{'check':<{width}}  {'measured':<36}  {'tolerance':<32}  status")
    group = ""
    for r in report.results:
        if r.group != group:
            group = r.group
            print(f"-- {group}")
        print(f"{r.name:<{width}}  {r.value:<36}  {r.tolerance:<32}  {r.status}")
    n_req = sum(r.required for r in report.results)
    print(f"\n{n_req - len(report.failed)}/{n_req} required checks pass ({elapsed:.0f} s)")
    if args.out:
        out = args.out if args.out.is_absolute() else ROOT / args.out
        out.parent.mkdir(parents=True, exist_ok=True)
        write_markdown(out, report, versions(args.vllm_omni), params, elapsed)
        print(f"wrote {out}")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
