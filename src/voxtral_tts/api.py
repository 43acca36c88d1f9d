"""The Python API: `VoxtralTTS.from_pretrained(folder).generate(text, voice=...)`."""

from __future__ import annotations

import json
import logging
import math
import random
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from .audio import Audio, check_reference, load_audio
from .checkpoint import TOKENIZER, load_model
from .config import AUDIO_ID
from .errors import CheckpointError, EncoderMissingError, TextError, VoiceError
from .generate import FrameRequest, voice_key, voice_prefix
from .longform import LongFormJob, LongFormOptions, run_batch
from .text import PromptTokenizer
from .voices import VoiceBank
from .watermark.embed import Watermarker
from .watermark.keys import WatermarkKey
from .watermark.output import mark, output_marker, provenance_tags

log = logging.getLogger(__name__)

DEFAULT_CFG_ALPHA = 1.2
DEFAULT_MAX_FRAMES = 2048  # vLLM-Omni's deploy default: about 164 s of audio
MAX_TEXT_TOKENS = 1024

RefAudio = str | Path | bytes | tuple[np.ndarray, int]


@dataclass
class Request:
    """One utterance for `generate_batch`."""

    text: str
    voice: str | None = None
    ref_audio: RefAudio | None = None
    seed: int | None = None
    cfg_alpha: float | None = None
    max_seconds: float | None = None
    normalize: bool = True
    language: str | None = None
    noise_scale: float | None = None


# The small model trained by recipes/default, shipped inside the package in the official layout.
DEFAULT_MODEL = Path(__file__).parent / "models" / "default"


def default_model() -> Path | None:
    """The folder of the model that ships with the package, or None when this install has none."""
    return DEFAULT_MODEL if (DEFAULT_MODEL / "params.json").is_file() else None


def _require_text(text: object) -> None:
    if not isinstance(text, str) or not text.strip():
        raise TextError("text is empty: give at least one word to speak")


def _resolve(path: str | Path | None) -> Path:
    if path is None:
        shipped = default_model()
        if shipped is not None:
            return shipped
        raise CheckpointError(
            f"no model given and no default model is installed ({DEFAULT_MODEL} is empty); pass the folder of a "
            "checkpoint in the official layout (params.json, consolidated.safetensors, tekken.json)"
        )
    p = Path(path).expanduser()
    if p.is_dir():
        return p
    if not p.exists() and "/" in str(path) and not str(path).startswith((".", "/", "~")):
        try:  # a Hugging Face repo id such as mistralai/Voxtral-4B-TTS-2603
            from huggingface_hub import snapshot_download
        except ImportError:
            raise CheckpointError(f"{path}: no such folder (install huggingface_hub to download repo ids)") from None
        patterns = ["params.json", "consolidated.safetensors", "tekken.json", "voice_embedding/*"]
        return Path(snapshot_download(str(path), allow_patterns=patterns))
    raise CheckpointError(f"{path}: model folder not found")


class VoxtralTTS:
    """A loaded model with its tokenizer and preset voices."""

    def __init__(self, folder: Path, model, tokenizer: PromptTokenizer, voices: VoiceBank) -> None:
        self.folder = folder
        self.model = model
        self.args = model.args
        self.tokenizer = tokenizer
        self.voice_bank = voices
        # None: this deployment's key, found or created on first use (watermark/keys.py).
        self.watermark_key: WatermarkKey | None = None

    @classmethod
    def from_pretrained(
        cls,
        path: str | Path | None = None,
        device: str | torch.device | None = None,
        dtype: torch.dtype | None = None,
        quantize: str | None = None,
    ) -> VoxtralTTS:
        """Load a model folder in the official layout (or a Hugging Face repo id, if huggingface_hub is
        installed). Defaults: CUDA in bf16 when available, else CPU in fp32. `quantize="int8"` stores the
        backbone's linear weights as int8 with per-channel scales (model/quantize.py)."""
        if quantize not in (None, "int8"):
            raise ValueError(f"quantize must be None or 'int8', got {quantize!r}")
        folder = _resolve(path)
        device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        dtype = dtype or (torch.bfloat16 if device.type == "cuda" else torch.float32)
        tokenizer = PromptTokenizer(folder / TOKENIZER)
        args, model = load_model(folder, dtype=dtype, device=device)
        if tokenizer.vocab_size > args.backbone.vocab_size:
            raise CheckpointError(
                f"{folder / TOKENIZER}: vocabulary of {tokenizer.vocab_size} ids exceeds the model's {args.backbone.vocab_size}"
            )
        if (
            abs(tokenizer.frame_rate - args.codec.frame_rate) > 1e-6
            or tokenizer.sampling_rate != args.codec.sampling_rate
        ):
            raise CheckpointError(
                f"{folder / TOKENIZER}: audio rate {tokenizer.sampling_rate} Hz / {tokenizer.frame_rate} fps disagrees "
                f"with params.json ({args.codec.sampling_rate} Hz / {args.codec.frame_rate} fps)"
            )
        if quantize == "int8":
            from .model.quantize import quantize_backbone_int8

            quantize_backbone_int8(model)
        return cls(folder, model, tokenizer, VoiceBank(folder, tokenizer.voice_slots, args.backbone.dim))

    @property
    def sample_rate(self) -> int:
        return self.args.codec.sampling_rate

    @property
    def frame_rate(self) -> float:
        return self.args.codec.frame_rate

    @property
    def can_clone(self) -> bool:
        return self.model.has_encoder

    def voices(self) -> list[str]:
        """Names of the preset voices this model ships."""
        return self.voice_bank.names()

    def create_voice(self, name: str, ref_audio: RefAudio, overwrite: bool = False) -> Path:
        """Encode a reference clip into a preset voice stored with the model: writes
        `voice_embedding/<name>.pt` and adds the voice to tekken.json and params.json."""
        if not re.fullmatch(r"[A-Za-z0-9_\-]{1,64}", name):
            raise VoiceError(f"voice name {name!r} must be 1-64 letters, digits, '_' or '-'")
        if name in self.voice_bank.slots and not overwrite:
            raise VoiceError(f"voice {name!r} already exists in {self.folder}; pass overwrite=True to replace it")
        _, rows = self._reference_rows(ref_audio)
        vdir = self.folder / "voice_embedding"
        vdir.mkdir(exist_ok=True)
        path = vdir / f"{name}.pt"
        tmp = path.with_suffix(".pt.tmp")
        torch.save(rows.detach().to(device="cpu", dtype=torch.bfloat16).contiguous(), tmp)
        tmp.replace(path)
        tok_path = self.folder / TOKENIZER
        data = json.loads(tok_path.read_text())
        data.setdefault("audio", {}).setdefault("voice_num_audio_tokens", {})[name] = int(rows.shape[0])
        tok_path.write_text(json.dumps(data, ensure_ascii=False))
        params_path = self.folder / "params.json"
        params = json.loads(params_path.read_text())
        voices = params["multimodal"]["audio_tokenizer_args"].setdefault("voice", {})
        voices.setdefault(name, max(voices.values(), default=-1) + 1)
        params_path.write_text(json.dumps(params, indent=2) + "\n")
        self.tokenizer = PromptTokenizer(tok_path)
        self.voice_bank = VoiceBank(self.folder, self.tokenizer.voice_slots, self.args.backbone.dim)
        return path

    # -- prompt building -------------------------------------------------------------------------

    def _reference_rows(self, ref_audio: RefAudio) -> tuple[np.ndarray, torch.Tensor]:
        if not self.can_clone:
            raise EncoderMissingError(
                f"{self.folder}: this checkpoint has no codec encoder weights, so it cannot clone from reference "
                "audio (the official release omits them); use a preset voice, or train an encoder"
            )
        if isinstance(ref_audio, tuple):
            wave = load_audio(ref_audio[0], self.sample_rate, source_rate=ref_audio[1])
            name = "reference audio"
        else:
            wave = load_audio(ref_audio, self.sample_rate)
            name = "<bytes>" if isinstance(ref_audio, bytes) else str(ref_audio)
        wave = check_reference(wave, self.sample_rate, name)
        spf = self.args.codec.samples_per_frame
        if wave.size % spf == 0:
            # mistral-common counts slots as ceil(seconds * frame_rate) in floating point, which can round
            # up one frame too many at exact multiples; one sample less keeps both counts equal.
            wave = wave[:-1]
        with torch.inference_mode():
            codes = self.model.reference_codes(torch.from_numpy(wave))
            rows = self.model.embed_frames(codes)
        return wave, rows

    def _prompt(self, text: str, voice: str | None, ref_audio: RefAudio | None) -> tuple[torch.Tensor, int, bytes]:
        """The prompt's embeddings, how many of its positions are the voice (`FrameRequest.prefix`), and what
        names that voice part (`FrameRequest.prefix_key`)."""
        _require_text(text)  # before a reference clip is encoded for nothing
        name, wave, rows = self._voice_rows(voice, ref_audio)
        return self._embed_prompt(text, name, wave, rows), voice_prefix(rows.shape[0]), voice_key(rows)

    def _voice_rows(
        self, voice: str | None, ref_audio: RefAudio | None
    ) -> tuple[str | None, np.ndarray | None, torch.Tensor]:
        """(preset name, reference waveform, voice rows): computed once, reused for every chunk of a long text."""
        if ref_audio is not None:
            wave, rows = self._reference_rows(ref_audio)
            return None, wave, rows
        if voice is None:
            names = self.voices()
            if not names:
                raise VoiceError(f"{self.folder}: this model has no preset voices; give reference audio")
            voice = names[0]
        return voice, None, self.voice_bank.rows(voice)

    def _embed_prompt(self, text: str, voice: str | None, wave: np.ndarray | None, rows: torch.Tensor) -> torch.Tensor:
        """The prompt's embeddings for `text` in a preset `voice`, or in a reference clip's voice (`wave`; only
        its length counts, for the slot count), with the voice's `rows` in its [AUDIO] slots."""
        _require_text(text)
        if wave is not None:
            ids = self.tokenizer.speech_ids(text, ref_audio=wave)
        else:
            ids = self.tokenizer.speech_ids(text, voice=voice)
        n_text = len(ids) - PromptTokenizer.audio_slots(ids) - 5
        if n_text > MAX_TEXT_TOKENS:
            raise TextError(
                f"text is {n_text} tokens, more than the {MAX_TEXT_TOKENS} one pass reads; split it into shorter parts"
            )
        ids_t = torch.tensor(ids, device=self.model.device)
        slots = torch.nonzero(ids_t == AUDIO_ID).flatten()
        if slots.numel() != rows.shape[0]:
            raise VoiceError(f"prompt has {slots.numel()} audio slots but the voice has {rows.shape[0]} rows")
        with torch.inference_mode():
            emb = self.model.backbone.tok_embeddings(ids_t).clone()
            emb[slots] = rows.to(device=emb.device, dtype=emb.dtype)
        return emb

    def _request(
        self,
        text: str,
        voice: str | None,
        ref_audio: RefAudio | None,
        seed: int | None,
        cfg_alpha: float | None,
        max_seconds: float | None,
        noise: torch.Tensor | None = None,
    ) -> tuple[FrameRequest, int]:
        seed = random.randrange(2**31) if seed is None else int(seed)
        if max_seconds is not None and max_seconds <= 0:
            raise ValueError(f"max_seconds must be positive, got {max_seconds}")
        max_frames = DEFAULT_MAX_FRAMES if max_seconds is None else max(1, math.ceil(max_seconds * self.frame_rate))
        prompt, prefix, prefix_key = self._prompt(text, voice, ref_audio)
        room = self.args.backbone.max_seq_len - prompt.shape[0] - 2
        if room < 1:
            raise TextError(
                f"the prompt ({prompt.shape[0]} positions) fills the model's context of {self.args.backbone.max_seq_len}"
            )
        req = FrameRequest(
            prompt=prompt,
            max_frames=min(max_frames, room),
            cfg_alpha=DEFAULT_CFG_ALPHA if cfg_alpha is None else float(cfg_alpha),
            generator=torch.Generator().manual_seed(seed),
            noise=noise,
            prefix=prefix,
            prefix_key=prefix_key,
        )
        return req, seed

    # -- watermark: every waveform the library returns passes through output_marker ----------------

    def output_marker(self, watermark: bool = True, where: str = "output") -> Watermarker | None:
        """The watermark for one output (a `Watermarker`), or None when `watermark` is False (logged)."""
        return output_marker(self.folder.name, self.sample_rate, watermark, self.watermark_key, where)

    def _marked(self, audio: Audio, watermark: bool) -> Audio:
        marker = self.output_marker(watermark, "generate")
        audio.samples = mark(audio.samples, marker)
        audio.provenance = provenance_tags(self.folder.name, marker)
        return audio

    # -- generation -----------------------------------------------------------------------------

    def generate(
        self,
        text: str,
        voice: str | None = None,
        ref_audio: RefAudio | None = None,
        seed: int | None = None,
        cfg_alpha: float | None = None,
        max_seconds: float | None = None,
        noise: torch.Tensor | None = None,
        noise_scale: float | None = None,
        normalize: bool = True,
        language: str | None = None,
        longform: LongFormOptions | None = None,
        watermark: bool = True,
    ) -> Audio:
        """Synthesize `text` with a preset `voice` or by cloning `ref_audio` (a path, encoded bytes, or
        (samples, sample_rate)). `seed` makes the result reproducible; `noise` [frames, n_acoustic]
        replaces the random flow-matching start points (for cross-checks), and `noise_scale` (0-2, default
        1.0 as in the reference) scales the drawn ones: lower is steadier and less varied.

        Text of any length: it is normalised (numbers, dates, money ... read out in `language`, guessed when
        None; `normalize=False` skips that) and spoken in chunks that carry the voice's prosody across
        (see `voxtral_tts.longform`; `longform` tunes chunking, levelling and the duration guards).

        The audio is watermarked (docs/watermark.md); `watermark=False` turns that off, with a logged warning."""
        job = LongFormJob(
            self,
            text,
            voice=voice,
            ref_audio=ref_audio,
            seed=seed,
            cfg_alpha=cfg_alpha,
            max_seconds=max_seconds,
            noise=noise,
            noise_scale=noise_scale,
            normalize_text=normalize,
            language=language,
            options=longform,
            streaming=False,
        )
        return self._marked(job.run(), watermark)

    def generate_batch(
        self, requests: list[Request], longform: LongFormOptions | None = None, watermark: bool = True
    ) -> list[Audio]:
        """Several utterances in one batched frame loop; each result equals its own `generate` call (and is
        watermarked the same way)."""
        jobs = [
            LongFormJob(
                self,
                r.text,
                voice=r.voice,
                ref_audio=r.ref_audio,
                seed=r.seed,
                cfg_alpha=r.cfg_alpha,
                noise_scale=r.noise_scale,
                max_seconds=r.max_seconds,
                normalize_text=r.normalize,
                language=r.language,
                options=longform,
                streaming=False,
            )
            for r in requests
        ]
        return [self._marked(a, watermark) for a in run_batch(jobs)]

    def stream(
        self,
        text: str,
        voice: str | None = None,
        ref_audio: RefAudio | None = None,
        seed: int | None = None,
        cfg_alpha: float | None = None,
        max_seconds: float | None = None,
        noise: torch.Tensor | None = None,
        noise_scale: float | None = None,
        normalize: bool = True,
        language: str | None = None,
        longform: LongFormOptions | None = None,
        watermark: bool = True,
    ) -> Iterator[np.ndarray]:
        """Yield float32 waveform chunks as frames are generated: a 5-frame (0.4 s) first chunk, then
        2 s chunks. Joined, they equal `generate(...)` with the same arguments. Long text streams across
        its chunks with no gap in the audio. Chunks are watermarked as one stream, so the joined stream
        carries the same mark as `generate` (`watermark=False` turns it off, with a logged warning)."""
        t0 = time.perf_counter()
        with torch.inference_mode():
            job = LongFormJob(
                self,
                text,
                voice=voice,
                ref_audio=ref_audio,
                seed=seed,
                cfg_alpha=cfg_alpha,
                max_seconds=max_seconds,
                noise=noise,
                noise_scale=noise_scale,
                normalize_text=normalize,
                language=language,
                options=longform,
                streaming=True,
            )
        marker = self.output_marker(watermark, "stream")
        first = True
        for chunk in job.stream():
            chunk = mark(chunk, marker)
            if first:
                log.info("first audio after %.3f s", time.perf_counter() - t0)
                first = False
            yield chunk
