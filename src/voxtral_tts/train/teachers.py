"""Teachers for the codec's semantic distillation: frozen models whose hidden states the semantic
branch learns to predict, so that semantic codes carry what is said (spec §7).

A teacher maps a clip to features at 50 Hz, [frames, dim]; the trainer averages them to the codec frame
rate. `whisper-decoder` is the paper's: Whisper *decoder* states, teacher-forced on the clip's transcript
and placed on the frames where Whisper's alignment heads say each token is spoken. Those states are about
the words, so the codes that learn them are too. `whisper` takes Whisper *encoder* states instead, which
are frame-aligned by construction and need no transcript, but carry the speaker as much as the words: on
the default corpus, codes distilled from them recurred twice as often within a speaker as between two
speakers of one language (docs/default-model.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np
import soxr
import torch

from ..errors import VoxtralError
from .losses import mel_filterbank

TEACHER_RATE = 50  # frames per second


class Teacher(Protocol):
    name: str
    dim: int
    needs_text: bool  # features() then takes the clip's transcript and language

    def features(self, wave_24k: np.ndarray, text: str = "", lang: str = "") -> np.ndarray:
        """[ceil(seconds * 50), dim] float32."""


class MelTeacher:
    """Log-mel frames: not semantic, but needs nothing installed. For tests and ablations."""

    name = "mel"
    dim = 80
    needs_text = False

    def __init__(self) -> None:
        self.fb = mel_filterbank(16000, 400, self.dim)

    def features(self, wave_24k: np.ndarray, text: str = "", lang: str = "") -> np.ndarray:
        x = torch.from_numpy(soxr.resample(wave_24k, 24000, 16000).astype(np.float32))
        n = int(np.ceil(len(wave_24k) / 24000 * TEACHER_RATE))
        spec = torch.stft(x, 400, 320, window=torch.hann_window(400), return_complex=True, center=True).abs() ** 2
        mel = (self.fb @ spec).clamp(min=1e-8).log10().T  # [frames, 80]
        mel = (mel - mel.mean()) / (mel.std() + 1e-5)
        out = np.zeros((n, self.dim), np.float32)
        m = min(n, mel.shape[0])
        out[:m] = mel[:m].numpy()
        return out


class WhisperEncoderTeacher:
    """Whisper's encoder through faster-whisper (CTranslate2), with a model folder on disk."""

    name = "whisper"
    needs_text = False

    def __init__(self, model_dir: str | Path | None = None, threads: int = 0) -> None:
        _, self.model = _load_whisper(model_dir, threads)
        self.dim = self._encode(np.zeros(16000, np.float32)).shape[-1]

    def _encode(self, wave_16k: np.ndarray) -> np.ndarray:
        import ctranslate2

        fe = self.model.feature_extractor
        feats = fe(wave_16k, padding=fe.n_samples - len(wave_16k) if len(wave_16k) < fe.n_samples else 0)
        feats = feats[:, : fe.nb_max_frames]
        out = self.model.model.encode(ctranslate2.StorageView.from_array(feats[None].astype(np.float32)))
        return np.array(out)[0]  # [1500, dim] for 30 s

    def features(self, wave_24k: np.ndarray, text: str = "", lang: str = "") -> np.ndarray:
        wave = soxr.resample(wave_24k, 24000, 16000).astype(np.float32)
        n = int(np.ceil(len(wave_24k) / 24000 * TEACHER_RATE))
        chunk = 30 * 16000
        parts = [self._encode(wave[i : i + chunk]) for i in range(0, max(1, len(wave)), chunk)]
        return np.concatenate(parts)[:n].astype(np.float32)


def _load_whisper(model_dir: str | Path | None, threads: int):
    try:
        from faster_whisper import WhisperModel
    except ImportError:
        raise VoxtralError("the whisper teachers need faster-whisper: pip install 'voxtral-tts[eval]'") from None
    if model_dir is None:
        from ..eval.asr import whisper_base_dir  # raises a clear error naming the packages to install

        model_dir = whisper_base_dir()
    # int8 matches the eval judge and runs ~2x faster; the targets need no more precision.
    return Path(model_dir), WhisperModel(str(model_dir), device="cpu", compute_type="int8", cpu_threads=threads)


class WhisperDecoderTeacher:
    """Whisper's decoder states, aligned to the audio by its cross-attention (the paper's teacher).

    For each 20 ms Whisper frame, the target is the final decoder state at the position that predicts the
    token being spoken there, teacher-forced on the clip's transcript. CTranslate2 encodes the audio and finds
    the alignment (its alignment heads, median filter and DTW, as for word timestamps); the decoder states come
    from `WhisperTextDecoder`, which CTranslate2 does not expose."""

    name = "whisper-decoder"
    needs_text = True
    max_tokens = 440  # Whisper's decoder has 448 positions; the prompt takes 4

    def __init__(self, model_dir: str | Path | None = None, threads: int = 0) -> None:
        from .whisper_decoder import WhisperTextDecoder

        model_dir, self.model = _load_whisper(model_dir, threads)
        self.decoder = WhisperTextDecoder.from_ct2(model_dir / "model.bin")
        self.dim = self.decoder.dim
        self._tokenizers: dict[str, object] = {}

    def _tokenizer(self, lang: str):
        lang = lang.split("-")[0].lower()  # pt-BR reads as Whisper's pt
        if lang not in self._tokenizers:
            from faster_whisper.tokenizer import _LANGUAGE_CODES, Tokenizer

            if lang not in _LANGUAGE_CODES:
                raise VoxtralError(f"teacher whisper-decoder: Whisper has no language {lang!r}")
            self._tokenizers[lang] = Tokenizer(self.model.hf_tokenizer, True, task="transcribe", language=lang)
        return self._tokenizers[lang]

    def tokens(self, text: str, lang: str) -> list[int]:
        return self._tokenizer(lang).encode(" " + " ".join(text.split()))

    def features(self, wave_24k: np.ndarray, text: str = "", lang: str = "") -> np.ndarray:
        import ctranslate2

        if not text.strip() or not lang:
            raise VoxtralError("teacher whisper-decoder needs each clip's transcript and language (the manifest's)")
        n = -(-len(wave_24k) // (24000 // TEACHER_RATE))  # whole teacher frames, as features_many splits them
        wave = soxr.resample(wave_24k, 24000, 16000).astype(np.float32)
        fe = self.model.feature_extractor
        if len(wave) > fe.n_samples:
            raise VoxtralError(
                f"teacher whisper-decoder aligns at most 30 s at once; a clip of {len(wave) / 16000:.1f} s "
                "must be split first"
            )
        tok = self._tokenizer(lang)
        ids = self.tokens(text, lang)[: self.max_tokens]
        feats = fe(wave, padding=fe.n_samples - len(wave))[:, : fe.nb_max_frames]
        enc = self.model.model.encode(ctranslate2.StorageView.from_array(feats[None].astype(np.float32)))
        prompt = list(tok.sot_sequence) + [tok.no_timestamps]
        hidden = self.decoder(torch.tensor(prompt + ids), torch.from_numpy(np.array(enc)[0]))
        path = self.model.model.align(enc, list(tok.sot_sequence), [ids], max(1, len(wave) // 160))[0].alignments
        token_at = np.zeros(n, np.int64)
        for ti, tau in path:  # monotone: the last token aligned to a frame wins
            if tau < n:
                token_at[tau] = ti
        reached = np.maximum.accumulate(token_at)  # frames past the path's end keep its last token
        # The state at position len(prompt) - 1 + i predicts token i; i = len(ids) is the end of text.
        return hidden[len(prompt) - 1 + np.clip(reached, 0, len(ids))].numpy().astype(np.float32)

    def features_many(self, waves: list[np.ndarray], texts: list[str], langs: list[str]) -> list[np.ndarray]:
        """Features of many clips, packed back to back (same language, transcripts joined) into windows of up
        to 30 s and `max_tokens` tokens, so that one encoder call serves several short clips."""
        hop = 24000 // TEACHER_RATE
        out: list[np.ndarray | None] = [None] * len(waves)
        order = sorted(range(len(waves)), key=lambda i: langs[i])
        batch: list[int] = []

        def flush() -> None:
            if not batch:
                return
            parts = [np.pad(waves[i], (0, (-len(waves[i])) % hop)) for i in batch]
            text = " ".join(" ".join(texts[i].split()) for i in batch)
            feats = self.features(np.concatenate(parts), text, langs[batch[0]])
            start = 0
            for i, p in zip(batch, parts):
                out[i] = feats[start : start + len(p) // hop]
                start += len(p) // hop
            batch.clear()

        samples = tokens = 0
        for i in order:
            n, t = len(waves[i]) + (-len(waves[i])) % hop, len(self.tokens(texts[i], langs[i]))
            if batch and (langs[i] != langs[batch[0]] or samples + n > 30 * 24000 or tokens + t > self.max_tokens):
                flush()
                samples = tokens = 0
            batch.append(i)
            samples, tokens = samples + n, tokens + t
        flush()
        return out  # type: ignore[return-value]


def packed_features(teacher: Teacher, waves: list[np.ndarray], window_s: float = 30.0) -> list[np.ndarray]:
    """Teacher features for many utterances, several per teacher call.

    Whisper's encoder always processes a 30 s window, so one short clip per call wastes most of it;
    packing clips back to back (each padded to a whole teacher frame, so the split is exact) costs one
    call per 30 s of audio. A clip then sees its neighbours through attention, which is harmless for
    a distillation target."""
    hop = 24000 // TEACHER_RATE
    out: list[np.ndarray | None] = [None] * len(waves)
    batch: list[int] = []
    limit = int(window_s * 24000)

    def flush() -> None:
        if not batch:
            return
        parts = [np.pad(waves[i], (0, (-len(waves[i])) % hop)) for i in batch]
        feats = teacher.features(np.concatenate(parts))
        start = 0
        for i, p in zip(batch, parts):
            n = len(p) // hop
            out[i] = feats[start : start + n]
            start += n
        batch.clear()

    used = 0
    for i, w in enumerate(waves):
        n = len(w) + (-len(w)) % hop
        if n > limit:  # long clips go alone; the teacher chunks them itself
            flush()
            out[i] = teacher.features(w)
            used = 0
            continue
        if used + n > limit:
            flush()
            used = 0
        batch.append(i)
        used += n
    flush()
    return out  # type: ignore[return-value]


def make_teacher(name: str, model_dir: str = "") -> Teacher | None:
    if name in ("", "none"):
        return None
    if name == "mel":
        return MelTeacher()
    if name == "whisper":
        return WhisperEncoderTeacher(model_dir or None)
    if name == "whisper-decoder":
        return WhisperDecoderTeacher(model_dir or None)
    raise VoxtralError(f"unknown teacher {name!r}; choose whisper-decoder, whisper, mel or none")
