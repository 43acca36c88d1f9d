"""Offline evaluation of speech synthesis: WER/CER from an independent ASR model, speaker similarity, predicted
MOS, real-time factor and time to first audio. See docs/eval.md."""

from __future__ import annotations

from .errors import EvalSetError, JudgeMissingError
from .metrics import EditCounts, cer, char_edits, corpus_rate, cosine, edit_counts, wer, word_edits
from .normalize import basic_normalize, normalize_text
from .report import compare_markdown, load_results, render_report, validate_results, write_results
from .runner import Judges, build_results, run_items, summarize
from .sets import EvalItem, load_set
from .synth import Synthesizer, SynthResult, VoxtralSynth

__all__ = [
    "EditCounts",
    "EvalItem",
    "EvalSetError",
    "Judges",
    "JudgeMissingError",
    "SynthResult",
    "Synthesizer",
    "VoxtralSynth",
    "basic_normalize",
    "build_results",
    "cer",
    "char_edits",
    "compare_markdown",
    "corpus_rate",
    "cosine",
    "edit_counts",
    "load_results",
    "load_set",
    "normalize_text",
    "render_report",
    "run_items",
    "summarize",
    "validate_results",
    "wer",
    "word_edits",
    "write_results",
]
