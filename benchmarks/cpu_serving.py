"""CPU speed of a voxtral-tts model beside Piper and espeak-ng, in one run, on the same English sentences:
real-time factor and time to first audio for one request at a time.

    python benchmarks/cpu_serving.py --model src/voxtral_tts/models/default
    python benchmarks/cpu_serving.py --random-small      # the default model's size with random weights

Our model streams (first chunk after 5 frames), so its time to first audio is the first chunk; the engines
write a whole file, so theirs is the whole synthesis. A random-weight model never stops by itself: it is
given the frames a speaker needs for the sentence (0.065 s a character), so its RTF is that of real output
of that length. Prints one markdown table.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

from voxtral_tts import VoxtralTTS
from voxtral_tts.eval.engines import available_engines
from voxtral_tts.eval.sets import EvalItem

SENTENCES = [
    "The quick brown fox jumps over the lazy dog.",
    "Please call Stella and ask her to bring these things with her from the store.",
    "It was the best of times, it was the worst of times.",
    "Our meeting moved to Thursday at half past three, in the small room upstairs.",
    "Would you like a cup of tea before we start?",
    "The museum opens at nine and closes at six, except on public holidays.",
    "She sells sea shells by the sea shore.",
    "Turn left at the second light, then keep going until you see the river.",
]
SECONDS_PER_CHAR = 0.065


def random_small(folder: Path) -> Path:
    """A model of the default recipe's size (small preset, iSTFT codec head) with random weights, in the
    official layout. It would say [END_AUDIO] at random, so that row of the semantic head is zeroed."""
    import copy

    from safetensors.torch import load_file, save_file

    from voxtral_tts.config import END_AUDIO
    from voxtral_tts.tiny import TINY_PARAMS, make_tiny_checkpoint
    from voxtral_tts.train.config import CODEC_PRESETS, lm_params

    p = copy.deepcopy(TINY_PARAMS)
    codec = p["multimodal"]["audio_tokenizer_args"]
    codec.update(CODEC_PRESETS["small"], output_head="istft", istft_n_fft=960)
    p["multimodal"]["audio_model_args"]["semantic_codebook_size"] = codec["semantic_codebook_size"]
    make_tiny_checkpoint(folder, seed=0, params=lm_params("small", p, TINY_PARAMS["vocab_size"]))
    weights = folder / "consolidated.safetensors"
    state = load_file(str(weights))
    state["acoustic_transformer.semantic_codebook_output.weight"][END_AUDIO] = 0.0
    save_file(state, str(weights))
    return folder


def time_ours(tts: VoxtralTTS, text: str, voice: str, fixed_len: bool) -> tuple[float, float, float]:
    """(wall s, first audio s, audio s) for one streamed request."""
    max_s = len(text) * SECONDS_PER_CHAR if fixed_len else 30.0
    t0 = time.perf_counter()
    first, n = None, 0
    for chunk in tts.stream(text, voice=voice, seed=0, max_seconds=max_s):
        first = first if first is not None else time.perf_counter() - t0
        n += chunk.size
    return time.perf_counter() - t0, first or 0.0, n / tts.sample_rate


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", help="model folder (default: the installed default model)")
    ap.add_argument("--random-small", action="store_true", help="a random model of the default recipe's size")
    ap.add_argument("--threads", type=int, default=0, help="torch threads (default: torch's choice)")
    args = ap.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)

    tmp = tempfile.TemporaryDirectory()
    folder = random_small(Path(tmp.name) / "small") if args.random_small else args.model
    tts = VoxtralTTS.from_pretrained(folder, device="cpu")
    if not tts.voices():
        sys.exit(f"{tts.folder}: the model has no preset voices; add one with `voxtral-tts voice create`")
    voice = next((v for v in tts.voices() if v.startswith("en_")), tts.voices()[0])
    label = "voxtral-tts (small, random weights)" if args.random_small else f"voxtral-tts ({Path(tts.folder).name})"
    time_ours(tts, "Warm up.", voice, args.random_small)

    rows: dict[str, list[tuple[float, float, float]]] = {label: []}
    engines = [e for e in available_engines(["piper", "espeak-ng"])]
    for e in engines:
        rows[e.name] = []
    for i, text in enumerate(SENTENCES):
        rows[label].append(time_ours(tts, text, voice, args.random_small))
        for e in engines:
            r = e.synthesize(EvalItem(f"s{i}", text, "en"))
            rows[e.name].append((r.wall_s, r.ttfa_s or r.wall_s, r.duration))

    print("| system | RTF (total wall / total audio) | time to first audio, median (ms) | audio (s) |")
    print("|---|---|---|---|")
    for name, rs in rows.items():
        wall, audio = sum(r[0] for r in rs), sum(r[2] for r in rs)
        ttfa = statistics.median(r[1] for r in rs) * 1000
        print(f"| {name} | {wall / audio:.3f} | {ttfa:.0f} | {audio:.1f} |")
    missing = {"piper", "espeak-ng"} - {e.name for e in engines}
    print(
        f"\nCommand: `python benchmarks/cpu_serving.py {' '.join(argv if argv is not None else sys.argv[1:])}`; "
        f"{platform.machine()}, {os.cpu_count()} CPUs, torch {torch.__version__} with {torch.get_num_threads()} "
        f"threads; load average {os.getloadavg()[0]:.1f}; {len(SENTENCES)} English sentences, one at a time"
        + (f"; not installed: {', '.join(sorted(missing))}" if missing else "")
        + "."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
