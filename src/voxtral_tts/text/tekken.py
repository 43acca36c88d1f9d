"""Writing tekken.json files for our own models.

The official tokenizer has 130,072 BPE ranks. A small model may carry far fewer: the 256 byte tokens,
optionally some merges, and the 1000 special slots, so that text ids stay rank + 1000 (design latitude).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

# The pre-tokenisation regex tekken files carry (splits letters, numbers, punctuation and spaces).
TEKKEN_PATTERN = (
    r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+|"
    r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*|"
    r"\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)

NUM_SPECIAL = 1000

# Ranks of the named specials. 0-2, 24-26, 35 and 36 are fixed by the Voxtral format; mistral-common's
# v7 instruct tokenizer also requires the system, tool-content and transcribe markers to exist.
SPECIALS: dict[int, str] = {
    0: "<unk>",
    1: "<s>",
    2: "</s>",
    3: "[INST]",
    4: "[/INST]",
    5: "[AVAILABLE_TOOLS]",
    6: "[/AVAILABLE_TOOLS]",
    7: "[TOOL_RESULTS]",
    8: "[/TOOL_RESULTS]",
    9: "[TOOL_CALLS]",
    10: "[IMG]",
    11: "<pad>",
    12: "[IMG_BREAK]",
    13: "[IMG_END]",
    14: "[PREFIX]",
    15: "[MIDDLE]",
    16: "[SUFFIX]",
    17: "[SYSTEM_PROMPT]",
    18: "[/SYSTEM_PROMPT]",
    19: "[TOOL_CONTENT]",
    24: "[AUDIO]",
    25: "[BEGIN_AUDIO]",
    26: "[OUTPUT_AUDIO]",
    32: "[ARGS]",
    33: "[CALL_ID]",
    34: "[TRANSCRIBE]",
    35: "[REPEAT_AUDIO_TEXT]",
    36: "[NEXT_AUDIO_TEXT]",
}


def write_tekken(
    path: str | Path,
    voices: Mapping[str, int],
    merges: Iterable[bytes] = (),
    sampling_rate: int = 24000,
    frame_rate: float = 12.5,
) -> int:
    """Write a byte-level tekken.json. `voices` maps preset names to their audio-slot counts N.

    Returns the text vocabulary size the backbone needs (1000 specials + ranks).
    """
    vocab = [bytes([i]) for i in range(256)]
    seen = set(vocab)
    for m in merges:
        if m not in seen:
            vocab.append(m)
            seen.add(m)

    def entry(rank: int, b: bytes) -> dict:
        try:
            s: str | None = b.decode("utf-8")
        except UnicodeDecodeError:
            s = None
        return {"rank": rank, "token_bytes": base64.b64encode(b).decode("ascii"), "token_str": s}

    n_named = max(SPECIALS) + 1
    specials = [{"rank": r, "token_str": SPECIALS.get(r, f"<SPECIAL_{r}>"), "is_control": True} for r in range(n_named)]
    data = {
        "config": {
            "pattern": TEKKEN_PATTERN,
            "num_vocab_tokens": len(vocab),
            "default_vocab_size": NUM_SPECIAL + len(vocab),
            "default_num_special_tokens": NUM_SPECIAL,
            "version": "v7",
        },
        "vocab": [entry(i, b) for i, b in enumerate(vocab)],
        "special_tokens": specials,
        "audio": {
            "sampling_rate": sampling_rate,
            "frame_rate": frame_rate,
            "audio_encoding_config": {"num_mel_bins": 128, "hop_length": 160, "window_size": 400},
            "chunk_length_s": 30.0,
            "voice_num_audio_tokens": dict(voices),
        },
    }
    Path(path).write_text(json.dumps(data, ensure_ascii=False))
    return NUM_SPECIAL + len(vocab)


def set_tekken_voices(src: str | Path, dst: str | Path, voices: Mapping[str, int]) -> None:
    """Copy a tekken.json, replacing its preset-voice table (used when saving a model's voices)."""
    data = json.loads(Path(src).read_text())
    data.setdefault("audio", {})["voice_num_audio_tokens"] = dict(voices)
    Path(dst).write_text(json.dumps(data, ensure_ascii=False))
