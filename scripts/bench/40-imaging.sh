#!/usr/bin/env bash
# Imaging benchmark: decode + filter + resize to 64x64 of Flickr-like JPEGs on ONE core, per size
# bucket, side by side with Pillow (draft() + BOX) and img2dataset 1.47's Resizer (OpenCV +
# albumentations). Targets: >= 3x Pillow and >= 5x img2dataset on 640x480. A missed target is
# reported, not failed. Times are CPU time per image (best of the repeats), so other work on a
# shared machine does not inflate one side. IMAGING_BENCH_PER_BUCKET (default 40) and IMAGING_BENCH_REPEATS (default 5)
# size the run.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=.venv/bin/python
PER_BUCKET=${IMAGING_BENCH_PER_BUCKET:-40}
REPEATS=${IMAGING_BENCH_REPEATS:-5}

swift build -c release --product t2i-bench-imaging 2>&1 | scripts/check-build-log.sh >/dev/null
BIN="$(swift build -c release --show-bin-path)/t2i-bench-imaging"

WORK=$(mktemp -d /tmp/t2i-bench-imaging.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
"$PYTHON" scripts/imaging_corpus.py --bench "$WORK/corpus" --per-bucket "$PER_BUCKET"

# One core for every contender; OpenCV and BLAS threads off.
PIN=()
if command -v taskset >/dev/null; then PIN=(taskset -c 0); fi
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 NO_ALBUMENTATIONS_UPDATE=1

# t2i runs before and after the Python references and keeps the better time per bucket, so a
# burst of load from other work on the machine does not land on one side only.
"${PIN[@]}" "$BIN" "$WORK/corpus" "$REPEATS" > "$WORK/ours.tsv"
if "$PYTHON" -c "import img2dataset, cv2" 2>/dev/null; then
  "${PIN[@]}" "$PYTHON" -W ignore scripts/bench/imaging_reference.py "$WORK/corpus" "$REPEATS" > "$WORK/python.tsv"
else
  echo "img2dataset missing: run 'make bench-venv' (scripts/requirements-bench.txt); comparing with nothing" >&2
  : > "$WORK/python.tsv"
fi
"${PIN[@]}" "$BIN" "$WORK/corpus" "$REPEATS" > "$WORK/ours2.tsv"

"$PYTHON" - "$WORK/ours.tsv" "$WORK/python.tsv" "$WORK/ours2.tsv" <<'PY'
import sys
ours = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
again = {r[0]: r for r in (line.rstrip("\n").split("\t") for line in open(sys.argv[3]))}
ours = [r if r[0] in ("bucket", "peak_rss_kib") else r[:2] + [str(min(float(r[2]), float(again[r[0]][2])))] + r[3:]
        for r in ours]
header, rows, rss = ours[0], [r for r in ours[1:] if r[0] != "peak_rss_kib"], [r for r in ours if r[0] == "peak_rss_kib"]
python = {r[0]: r for r in (line.rstrip("\n").split("\t") for line in list(open(sys.argv[2]))[1:])}
print(f"{'bucket':>10} {'images':>6} {'t2i us':>8} {'Pillow us':>10} {'img2dataset us':>15} {'vs Pillow':>10} {'vs img2ds':>10} "
      f"{'decode KiB':>11} {'full-size KiB':>14} {'TurboJPEG-only us':>18}")
missed = []
for bucket, images, us, _, decode, full, accepted, floor in rows:
    p = python.get(bucket)
    pil, i2d = (float(p[2]), float(p[3])) if p else (float("nan"), float("nan"))
    vs_pil, vs_i2d = pil / float(us), i2d / float(us)
    print(f"{bucket:>10} {images:>6} {float(us):8.0f} {pil:10.0f} {i2d:15.0f} {vs_pil:9.2f}x {vs_i2d:9.2f}x "
          f"{int(decode) / 1024:11.0f} {int(full) / 1024:14.0f} {float(floor):18.0f}")
    if bucket == "640x480":
        if not vs_pil >= 3: missed.append(f"640x480 vs Pillow {vs_pil:.2f}x < 3x target")
        if not vs_i2d >= 5: missed.append(f"640x480 vs img2dataset {vs_i2d:.2f}x < 5x target")
    if int(accepted) != int(images): missed.append(f"{bucket}: only {accepted}/{images} accepted")
if rss: print(f"peak RSS of the t2i benchmark process: {int(rss[0][1]) / 1024:.1f} MiB")
print("TurboJPEG-only: header + decode at the same DCT scale, the floor any libjpeg-turbo user pays")
print("targets (640x480: >= 3x Pillow, >= 5x img2dataset):", "MISSED: " + "; ".join(missed) if missed else "met")
PY
