#!/usr/bin/env bash
# Cross-check voxtral_tts against the reference implementations (vLLM-Omni FM head + codec, mistral-inference
# backbone, mistral-common prompts) on a tiny random checkpoint, and write docs/parity.md.
#
# Everything upstream lives outside the source tree: the references are installed into .venv-parity, and the
# vLLM-Omni wheel is only downloaded and unpacked into build/parity/ (git-ignored), never installed or committed.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv-parity
PY="$VENV/bin/python"
PIP=("$PY" -m pip install -q)
STAMP="$VENV/.parity-installed"
VLLM_OMNI_VERSION=0.30.0
WHEEL_DIR=build/parity
UNPACKED="$WHEEL_DIR/vllm_omni-$VLLM_OMNI_VERSION"

if [ ! -x "$PY" ]; then
    echo "parity: creating $VENV"
    python3.11 -m venv "$VENV"
fi

# Re-install only when this script or the package metadata changed since the last successful install.
if [ ! -f "$STAMP" ] || [ parity/run.sh -nt "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
    echo "parity: installing the reference packages into $VENV"
    # The exact pin picks the local CPU wheel; it is repeated below so that no later step can swap torch
    # for a CUDA build.
    "${PIP[@]}" torch==2.13.0
    "${PIP[@]}" torch==2.13.0 einops safetensors numpy regex "mistral-common==1.13.1" fire simple-parsing \
        soundfile soxr pyyaml num2words
    # --no-deps: mistral-inference requires xformers, whose wheels pin CUDA torch builds. parity/stubs.py
    # stands in for the few xformers names it imports and patches torch SDPA in.
    "${PIP[@]}" --no-deps mistral-inference==1.6.0
    "${PIP[@]}" --no-deps -e .
    touch "$STAMP"
fi

if [ ! -f "$UNPACKED/vllm_omni/model_executor/models/voxtral_tts/voxtral_tts_audio_generation.py" ]; then
    echo "parity: fetching the vllm-omni==$VLLM_OMNI_VERSION wheel (unpacked, not installed)"
    mkdir -p "$WHEEL_DIR"
    "$PY" -m pip download -q --no-deps --only-binary=:all: "vllm-omni==$VLLM_OMNI_VERSION" -d "$WHEEL_DIR"
    rm -rf "$UNPACKED"
    "$PY" -m zipfile -e "$WHEEL_DIR"/vllm_omni-"$VLLM_OMNI_VERSION"-*.whl "$UNPACKED"
fi

"$PY" parity/check.py --vllm-omni "$UNPACKED" --out docs/parity.md "$@"
