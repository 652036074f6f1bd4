#!/usr/bin/env bash
# Tensor core speed: sgemm against numpy and every GAN conv / transposed-conv shape (widths 32
# and 64, batch 64, 2 threads), forward and forward+backward, against PyTorch in the same run.
# Reports misses honestly; never fails because a layer is slower.
set -euo pipefail
cd "$(dirname "$0")/../.."
THREADS=${TENSOR_BENCH_THREADS:-2}
BATCH=${TENSOR_BENCH_BATCH:-64}
swift build -c release --product t2i-bench-tensor 2>&1 | scripts/check-build-log.sh >/dev/null
bin=$(swift build -c release --show-bin-path)/t2i-bench-tensor
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$bin" "$THREADS" "$BATCH" > "$out"
PY=.venv/bin/python
if ! "$PY" -c "import torch" 2>/dev/null; then
    echo "torch is not installed in $PY (make bench-venv); Swift figures only:"; cat "$out"; exit 0
fi
"$PY" scripts/bench/tensor_compare.py "$out" "$THREADS" "$BATCH"
