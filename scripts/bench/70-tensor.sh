#!/usr/bin/env bash
# Tensor core speed: sgemm against numpy and every GAN conv / transposed-conv shape (widths 32
# and 64, batch 64, 2 threads), forward and forward+backward, against PyTorch in the same run.
# Swift and PyTorch rounds alternate (TENSOR_BENCH_ROUNDS, default 3) and each row reports the
# fastest over the rounds, so both sides see the same spells of load on the shared machine.
# Reports misses honestly; never fails because a layer is slower.
set -euo pipefail
cd "$(dirname "$0")/../.."
THREADS=${TENSOR_BENCH_THREADS:-2}
BATCH=${TENSOR_BENCH_BATCH:-64}
ROUNDS=${TENSOR_BENCH_ROUNDS:-3}
swift build -c release --product t2i-bench-tensor 2>&1 | scripts/check-build-log.sh >/dev/null
bin=$(swift build -c release --show-bin-path)/t2i-bench-tensor
swift_out=$(mktemp) torch_out=$(mktemp)
trap 'rm -f "$swift_out" "$torch_out"' EXIT
PY=.venv/bin/python
have_torch=1
"$PY" -c "import torch" 2>/dev/null || have_torch=0
echo "load before: $(uptime)"
for _ in $(seq "$ROUNDS"); do
    "$bin" "$THREADS" "$BATCH" >> "$swift_out"
    # numpy/PyTorch pick their own OpenBLAS/oneDNN kernels: no core-type overrides meant for our tests.
    [ "$have_torch" = 1 ] && env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
        "$PY" scripts/bench/tensor_compare.py measure "$THREADS" "$BATCH" >> "$torch_out"
done
echo "load after:  $(uptime)"
if [ "$have_torch" = 0 ]; then
    echo "torch is not installed in $PY (make bench-venv); Swift figures only:"; cat "$swift_out"; exit 0
fi
"$PY" scripts/bench/tensor_compare.py table "$swift_out" "$torch_out" "$THREADS" "$BATCH"
