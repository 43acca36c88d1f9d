#!/bin/bash
# The narrow stage's corpus (docs/default-model.md, "One voice: the first words"): one recorded teacher voice per
# language, 3,000 of the recipe's training sentences each, with Piper joe's 5,000 English ones, and their frames.
# Each step resumes (one_voice.py keeps a journal, `data encode` skips what it has). Run from the repository root.
set -euo pipefail
CLIPS=${CLIPS:-3000}
CODEC=${CODEC:-models/default-codec}
[ -f data/one-voice/manifest.jsonl ] || .venv/bin/python recipes/default/one_voice.py --voice piper-joe --clips 5000 --out data/one-voice
for vl in "pico-de-DE de" "pico-fr-FR fr" "pico-es-ES es" "pico-it-IT it" "espeak-m1 nl" "espeak-m1 ar" "espeak-m1 hi" "kokoro-jf_alpha pt"; do
  set -- $vl
  .venv/bin/python recipes/default/one_voice.py --voice "$1" --lang "$2" --clips "$CLIPS" --out "data/narrow/$2"
done
train=(); val=()
for d in data/narrow/*/ data/one-voice/; do
  train+=(--manifest "$d/manifest.jsonl"); val+=(--manifest "$d/heldout_sentences.jsonl")
done
.venv/bin/voxtral-tts data encode --model "$CODEC" "${train[@]}" --out data/narrow-frames
.venv/bin/voxtral-tts data encode --model "$CODEC" "${val[@]}" --out data/narrow-frames-val
echo "narrow corpus: data/narrow-frames, data/narrow-frames-val"
