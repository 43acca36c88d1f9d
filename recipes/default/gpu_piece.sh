#!/usr/bin/env bash
# On a lent GPU machine: one piece of the default model's LM training (recipes/default/gpu_piece.py).
# Run there with carry [".whl", "build/gpu-lm"] after `gpu_piece.py pack` here:
#     bash recipes/default/gpu_piece.sh MINUTES
# The checkpoint comes back in parts under $OUT; take it in here with `gpu_piece.py unpack --parts DIR`.
set -euo pipefail
MINUTES=${1:?usage: gpu_piece.sh MINUTES}
: "${OUT:?OUT must name the folder whose files come back}"
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
export PYTHONPATH="/tmp/site:$PWD/src" PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
python3 recipes/default/gpu_piece.py run --minutes "$MINUTES" --out "$OUT" 2>&1 | tee "$OUT/log.txt"
