"""The evaluation loop: synthesise each item, score it with independent judges, aggregate per language."""

from __future__ import annotations

import datetime as _dt
import logging
import math
import os
import platform
import re
import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..audio import load_audio, save_audio
from ..errors import VoxtralError
from .asr import ASR, WEAK_LANGS
from .metrics import EditCounts, char_edits, corpus_rate, cosine, mean, quantile, word_edits
from .mos import MOSPredictor
from .normalize import normalize_text
from .sets import EvalItem
from .speaker import SpeakerEncoder
from .synth import Synthesizer, SynthResult

log = logging.getLogger(__name__)

SCHEMA = "voxtral-tts-eval/1"
AUDIO_EXTS = (".wav", ".flac", ".mp3", ".ogg", ".opus", ".m4a")
# Read speech runs at roughly 0.05-0.10 s per character in the set's languages. An item is `long` when it lasts
# more than SLACK_S beyond MAX_S_PER_CHAR per character, and `short` when it lasts less than MIN_S_PER_CHAR per
# character; the slack keeps the fixed pauses around one-word inputs ("Ciao." takes a second) from flagging.
MIN_S_PER_CHAR = 0.025
MAX_S_PER_CHAR = 0.30
SLACK_S = 1.0
# The same test against the language's median s/char in this run (times or divided by REL_FACTOR), once the
# language has enough items for a median to mean something.
REL_FACTOR = 2.5
REL_MIN_ITEMS = 5


def duration_flag(duration: float, chars: int, min_spc: float, max_spc: float) -> str | None:
    """`short`, `long` or None for `duration` seconds of audio speaking `chars` characters."""
    if duration < min_spc * chars:
        return "short"
    if duration > max_spc * chars + SLACK_S:
        return "long"
    return None


# Read by each preset voice (or engine voice) when no reference clips are given: SIM is then measured
# against the model's own rendering of this sentence (consistency of the voice, not fidelity to a person).
ANCHOR_TEXT = {
    "en": "This is a short recording of my voice, made so that other recordings can be compared with it.",
    "fr": "Ceci est un court enregistrement de ma voix, fait pour que l'on puisse y comparer d'autres enregistrements.",
    "de": "Dies ist eine kurze Aufnahme meiner Stimme, damit andere Aufnahmen damit verglichen werden können.",
    "es": "Esta es una breve grabación de mi voz, hecha para poder compararla con otras grabaciones.",
    "it": "Questa è una breve registrazione della mia voce, fatta per poterla confrontare con altre registrazioni.",
    "pt": "Esta é uma gravação curta da minha voz, feita para que outras gravações possam ser comparadas com ela.",
    "nl": "Dit is een korte opname van mijn stem, gemaakt om andere opnames ermee te kunnen vergelijken.",
    "ar": "هذا تسجيل قصير لصوتي، أعد لكي تقارن به تسجيلات أخرى.",
    "hi": "यह मेरी आवाज़ की एक छोटी रिकॉर्डिंग है, ताकि दूसरी रिकॉर्डिंग की इससे तुलना की जा सके।",
}


@dataclass
class Judges:
    """The independent models that score the audio; any of them may be None to skip that metric."""

    asr: ASR | None = None
    speaker: SpeakerEncoder | None = None
    mos: MOSPredictor | None = None

    def describe(self) -> dict:
        return {
            "asr": self.asr.describe() if self.asr else None,
            "speaker": self.speaker.describe() if self.speaker else None,
            "mos": self.mos.describe() if self.mos else None,
        }


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "item"


def spoken_chars(text: str) -> int:
    """Characters that take time to say: letters, digits and marks, not spaces or punctuation."""
    return sum(1 for c in text if unicodedata.category(c)[0] in "LNM")


def primary_metric(lang: str) -> str:
    """WER, except where the ASR judge is too weak for word-level scores to mean much (see docs/eval.md)."""
    return "cer" if lang in WEAK_LANGS else "wer"


def system_info() -> dict:
    info = {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or None,
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
    }
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return info


class SimReferences:
    """Reference embeddings for speaker similarity: the cloning clip, a voice's reference clips, or an anchor."""

    def __init__(
        self, speaker: SpeakerEncoder, synth: Synthesizer, voice_refs: Path | None, audio_dir: Path | None
    ) -> None:
        self.speaker = speaker
        self.synth = synth
        self.voice_refs = voice_refs
        self.audio_dir = audio_dir
        self._cache: dict[tuple, tuple[np.ndarray | None, str, str | None]] = {}

    def _embed_file(self, path: str | Path) -> np.ndarray | None:
        wave = load_audio(path, 16000)
        return self.speaker.embed(wave, 16000)

    def _voice_clips(self, voice: str) -> list[Path]:
        if self.voice_refs is None:
            return []
        d = self.voice_refs / voice
        return sorted(p for p in d.glob("*") if p.suffix.lower() in AUDIO_EXTS) if d.is_dir() else []

    def get(self, item: EvalItem, voice: str | None) -> tuple[np.ndarray | None, str, str | None]:
        """(embedding, kind, source): kind is `ref_audio`, `voice_refs` or `self`."""
        if item.ref_audio:
            key = ("ref", item.ref_audio)
            if key not in self._cache:
                self._cache[key] = (self._embed_file(item.ref_audio), "ref_audio", item.ref_audio)
            return self._cache[key]
        clips = self._voice_clips(voice) if voice else []
        # Clips stand for the voice in every language; an anchor is read in the item's language, since the
        # language spoken moves speaker embeddings too.
        key = ("voice", voice) if clips else ("anchor", voice, item.lang)
        if key in self._cache:
            return self._cache[key]
        if clips:
            embs = [e for e in (self._embed_file(p) for p in clips) if e is not None]
            emb = None
            if embs:
                emb = np.mean([e / np.linalg.norm(e) for e in embs], axis=0)
            self._cache[key] = (emb, "voice_refs", str(self.voice_refs / voice))
            return self._cache[key]
        anchor = EvalItem(
            id=f"_anchor_{voice}", text=ANCHOR_TEXT.get(item.lang, ANCHOR_TEXT["en"]), lang=item.lang, voice=voice
        )
        res = self.synth.synthesize(anchor)
        src = None
        if self.audio_dir is not None:
            (self.audio_dir / "anchors").mkdir(exist_ok=True)
            path = self.audio_dir / "anchors" / f"{safe_name(f'{voice}_{item.lang}')}.wav"
            src = str(save_audio(path, res.samples, res.sample_rate))
        self._cache[key] = (self.speaker.embed(res.samples, res.sample_rate), "self", src)
        return self._cache[key]


def score_item(
    item: EvalItem,
    res: SynthResult,
    judges: Judges,
    sim_refs: SimReferences | None,
    max_seconds: float | None = None,
) -> dict:
    """Every per-item number for one synthesised item (the audio must already be in `res`)."""
    row: dict = {
        "voice": res.voice,
        "duration_s": round(res.duration, 4),
        "sample_rate": res.sample_rate,
        "synth_wall_s": round(res.wall_s, 4),
        "rtf": round(res.wall_s / res.duration, 4) if res.duration > 0 else None,
        "ttfa_s": None if res.ttfa_s is None else round(res.ttfa_s, 4),
    }
    chars = spoken_chars(item.text)
    row["chars"] = chars
    row["sec_per_char"] = round(res.duration / chars, 5) if chars else None
    t0 = time.perf_counter()
    if judges.asr is not None:
        hyp = judges.asr.transcribe(res.samples, res.sample_rate, item.lang)
        ref_n, hyp_n = normalize_text(item.text, item.lang), normalize_text(hyp, item.lang)
        w, c = word_edits(ref_n, hyp_n), char_edits(ref_n, hyp_n)
        row.update(
            asr_text=hyp,
            ref_norm=ref_n,
            hyp_norm=hyp_n,
            wer=round(w.rate, 5),
            cer=round(c.rate, 5),
            word_edits=[w.substitutions, w.deletions, w.insertions, w.ref_len],
            char_edits=[c.substitutions, c.deletions, c.insertions, c.ref_len],
        )
    else:
        row.update(asr_text=None, ref_norm=None, hyp_norm=None, wer=None, cer=None, word_edits=None, char_edits=None)
    row["sim"] = row["sim_ref"] = row["sim_ref_source"] = None
    if judges.speaker is not None and sim_refs is not None:
        ref_emb, kind, source = sim_refs.get(item, res.voice)
        out_emb = judges.speaker.embed(res.samples, res.sample_rate)
        if ref_emb is not None and out_emb is not None:
            row["sim"] = round(cosine(out_emb, ref_emb), 5)
        row["sim_ref"], row["sim_ref_source"] = kind, source
    row["mos"] = None
    if judges.mos is not None:
        m = judges.mos.score(res.samples, res.sample_rate)
        row["mos"] = None if m is None else round(m, 4)
    row["judge_wall_s"] = round(time.perf_counter() - t0, 3)
    flags = []
    if res.duration < 0.1 or not np.any(np.abs(res.samples) > 1e-3):
        flags.append("silent")
    if max_seconds is not None and res.duration >= max_seconds - 0.08:
        flags.append("capped")
    if chars and res.duration >= 0.1:
        flag = duration_flag(res.duration, chars, MIN_S_PER_CHAR, MAX_S_PER_CHAR)
        if flag:
            flags.append(flag)
    row["flags"] = flags
    return row


def add_relative_flags(items: list[dict]) -> None:
    """Flag items whose duration per character is far from their language's median in this run."""
    by_lang: dict[str, list[dict]] = {}
    for it in items:
        if it.get("sec_per_char") is not None and "silent" not in it["flags"]:
            by_lang.setdefault(it["lang"], []).append(it)
    for rows in by_lang.values():
        if len(rows) < REL_MIN_ITEMS:
            continue
        med = float(np.median([r["sec_per_char"] for r in rows]))
        for r in rows:
            flag = duration_flag(r["duration_s"], r["chars"], med / REL_FACTOR, med * REL_FACTOR)
            if flag and flag not in r["flags"]:
                r["flags"].append(flag)


def _edits(rows: list[dict], key: str) -> list[EditCounts]:
    return [EditCounts(*r[key]) for r in rows if r.get(key)]


def aggregate(rows: list[dict], lang: str | None = None) -> dict:
    """Corpus WER/CER and mean or median of everything else over `rows` (items with errors are counted apart)."""
    ok = [r for r in rows if not r.get("error")]
    agg = {
        "n": len(rows),
        "n_failed": len(rows) - len(ok),
        "wer": corpus_rate(_edits(ok, "word_edits")),
        "cer": corpus_rate(_edits(ok, "char_edits")),
        "wer_item_mean": mean(r.get("wer") for r in ok),
        "sim_mean": mean(r.get("sim") for r in ok),
        "mos_mean": mean(r.get("mos") for r in ok),
        "rtf_mean": mean(r.get("rtf") for r in ok),
        "rtf_total": None,
        "ttfa_median_s": quantile((r.get("ttfa_s") for r in ok), 0.5),
        "ttfa_p90_s": quantile((r.get("ttfa_s") for r in ok), 0.9),
        "sec_per_char_median": quantile((r.get("sec_per_char") for r in ok), 0.5),
        "audio_s": float(sum(r.get("duration_s") or 0.0 for r in ok)),
        "n_flagged": sum(1 for r in ok if r.get("flags")),
    }
    wall = sum(r.get("synth_wall_s") or 0.0 for r in ok)
    if agg["audio_s"] > 0:
        agg["rtf_total"] = wall / agg["audio_s"]
    if lang is not None:
        agg["primary_metric"] = primary_metric(lang)
        agg["primary"] = agg[agg["primary_metric"]]
        agg["judge_reliability"] = "low" if lang in WEAK_LANGS else "normal"
    for k, v in agg.items():
        if isinstance(v, float) and math.isfinite(v):
            agg[k] = round(v, 5)
    return agg


def summarize(items: list[dict]) -> tuple[dict, dict]:
    """Per-language aggregates and the overall one (with a macro average of the languages' primary metric)."""
    langs: dict[str, list[dict]] = {}
    for it in items:
        langs.setdefault(it["lang"], []).append(it)
    per_lang = {lang: aggregate(rows, lang) for lang, rows in langs.items()}
    overall = aggregate(items)
    prim = [a["primary"] for a in per_lang.values() if a.get("primary") is not None]
    overall["macro_primary"] = round(float(np.mean(prim)), 5) if prim else None
    overall["languages"] = sorted(per_lang)
    return per_lang, overall


def run_items(
    synth: Synthesizer,
    items: list[EvalItem],
    judges: Judges,
    out_dir: Path,
    voice_refs: Path | None = None,
    max_seconds: float | None = None,
    progress: Callable[[int, int, dict], None] | None = None,
) -> list[dict]:
    """Synthesise and score every item, saving each item's audio under `out_dir/audio`."""
    audio_dir = out_dir / "audio"
    audio_dir.mkdir(parents=True, exist_ok=True)
    sim_refs = SimReferences(judges.speaker, synth, voice_refs, audio_dir) if judges.speaker else None
    rows = []
    for i, item in enumerate(items, 1):
        row = {"id": item.id, "lang": item.lang, "kind": item.kind, "text": item.text, "ref_audio": item.ref_audio}
        try:
            res = synth.synthesize(item)
            path = save_audio(audio_dir / f"{safe_name(item.id)}.wav", res.samples, res.sample_rate)
            row["audio"] = str(path.relative_to(out_dir))
            row.update(score_item(item, res, judges, sim_refs, max_seconds))
            row["error"] = None
        except (VoxtralError, OSError, ValueError, RuntimeError) as e:
            log.warning("%s: %s", item.id, e)
            row.update(audio=None, flags=["failed"], error=f"{type(e).__name__}: {e}")
        rows.append(row)
        if progress is not None:
            progress(i, len(items), row)
    add_relative_flags(rows)
    return rows


def build_results(
    rows: list[dict],
    synth_info: dict,
    judges: Judges,
    set_info: dict,
    settings: dict,
    command: list[str] | None = None,
) -> dict:
    """The results.json document."""
    from .. import __version__ as version

    per_lang, overall = summarize(rows)
    sim_kinds = sorted({r["sim_ref"] for r in rows if r.get("sim_ref")})
    return {
        "schema": SCHEMA,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "tool": {"voxtral_tts": version, "command": command},
        "system": system_info(),
        "synthesizer": synth_info,
        "set": set_info,
        "judges": judges.describe(),
        "settings": {**settings, "sim_reference": sim_kinds},
        "languages": per_lang,
        "overall": overall,
        "items": rows,
    }
