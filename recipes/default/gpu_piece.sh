#!/usr/bin/env bash
# On a lent GPU machine: one piece of the default model's training (recipes/default/gpu_piece.py).
# Run there with carry [".whl", "build/gpu-STAGE"] after `gpu_piece.py pack --stage STAGE` here:
#     bash recipes/default/gpu_piece.sh STAGE MINUTES        (STAGE: lm, or codec for the decoder phase)
# The checkpoint comes back in parts under $OUT; take it in with `gpu_piece.py unpack --stage STAGE --parts DIR`.
set -euo pipefail
STAGE=${1:?usage: gpu_piece.sh lm|codec MINUTES}
MINUTES=${2:?usage: gpu_piece.sh lm|codec MINUTES}
: "${OUT:?OUT must name the folder whose files come back}"
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
export PYTHONPATH="/tmp/site:$PWD/src" PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
python3 recipes/default/gpu_piece.py run --stage "$STAGE" --minutes "$MINUTES" --out "$OUT" 2>&1 | tee "$OUT/log.txt"
