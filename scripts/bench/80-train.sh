#!/usr/bin/env bash
# GAN-INT-CLS training speed: images/s of t2i's training step against the PyTorch reference
# (scripts/gan_reference.py: same architecture and loss, torch CPU, channels_last) at widths 32
# and 64, batch 64, 2 threads, in the same run; GFLOP/s against the sgemm rate. Reports misses,
# never fails because of them. TRAIN_BENCH_STEPS (default 5) timed steps after one warm-up.
set -euo pipefail
cd "$(dirname "$0")/../.."
THREADS=${TRAIN_BENCH_THREADS:-2}
BATCH=${TRAIN_BENCH_BATCH:-64}
STEPS=${TRAIN_BENCH_STEPS:-5}
WIDTHS=${TRAIN_BENCH_WIDTHS:-32,64}
swift build -c release --product t2i-bench-train 2>&1 | scripts/check-build-log.sh >/dev/null
bin=$(swift build -c release --show-bin-path)/t2i-bench-train
out=$(mktemp)
trap 'rm -f "$out"' EXIT
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
"$bin" "$THREADS" "$BATCH" "$STEPS" "$WIDTHS" >> "$out"
PY=.venv/bin/python
if "$PY" -c "import torch" 2>/dev/null; then
    OMP_NUM_THREADS=$THREADS "$PY" scripts/gan_reference.py "$THREADS" "$BATCH" "$STEPS" "$WIDTHS" >> "$out"
else
    echo "torch is not installed in $PY (make bench-venv); Swift figures only"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$out" <<'PY'
import json, sys
sys.path.insert(0, "scripts")
from gan_reference import train_step_flops
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
sgemm = next(r["gflops"] for r in rows if r["name"] == "sgemm")
print(f"sgemm 1024^3: {sgemm:.1f} GFLOP/s (OpenBLAS, same threads)")
print(f"{'width':>5} {'impl':>6} {'img/s best':>10} {'img/s median':>12} {'GFLOP/s':>8} {'% sgemm':>8}")
steps = {(r["impl"], r["width"]): r for r in rows if r["name"] == "train step"}
for w in sorted({k[1] for k in steps}):
    for impl in ("swift", "torch"):
        r = steps.get((impl, w))
        if not r:
            continue
        flops = train_step_flops(w, r["batch"])
        gf = flops / r["best"] / 1e9
        print(f"{w:>5} {impl:>6} {r['batch'] / r['best']:>10.1f} {r['batch'] / r['median']:>12.1f} {gf:>8.1f} {100 * gf / sgemm:>7.0f}%")
    s, t = steps.get(("swift", w)), steps.get(("torch", w))
    if s and t:
        ratio = t["best"] / s["best"]
        verdict = "meets" if ratio >= 1.0 else "MISSES"
        print(f"      width {w}: swift/torch speed {ratio:.2f}x (best step), {t['median'] / s['median']:.2f}x (median) -> {verdict} the 1.0x goal")
PY
