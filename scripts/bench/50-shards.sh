#!/usr/bin/env bash
# Shards: bytes per image on disk, write rate, and the reader's sequential throughput from the
# page cache on one core (target: >= 50,000 images/s), next to numpy.memmap reading the same files.
set -euo pipefail
cd "$(dirname "$0")/../.."
IMAGES=${IMAGES:-20000}
BATCH=${BATCH:-64}
swift build -c release --product t2i-bench-shards 2>&1 | scripts/check-build-log.sh >/dev/null
folder=$(mktemp -d /tmp/t2i-bench-shards.XXXXXX)
trap 'rm -rf "$folder"' EXIT
echo "-- Swift (t2i-bench-shards $IMAGES images, batches of $BATCH, one thread)"
output=$(taskset -c 0 .build/release/t2i-bench-shards "$folder" "$IMAGES" "$BATCH" 2>&1 || .build/release/t2i-bench-shards "$folder" "$IMAGES" "$BATCH")
echo "$output"
echo "-- Python reference (same files)"
PYTHON=.venv/bin/python; [ -x "$PYTHON" ] || PYTHON=python3
taskset -c 0 "$PYTHON" scripts/bench/shards-numpy-reference.py "$folder" "$BATCH" || echo "numpy reference failed (is the venv made? make venv)"
rate=$(echo "$output" | awk '/record CRC checked \(the default\)/ {print $3; exit}')
bytes=$(echo "$output" | awk '/bytes per image/ {gsub(/\)/, "", $NF); print $NF; exit}')
echo "-- targets"
if [ -n "$rate" ] && [ "${rate%.*}" -ge 50000 ]; then echo "sequential read: $rate images/s >= 50,000: met"
else echo "sequential read: ${rate:-?} images/s: TARGET MISSED (50,000)"; fi
if [ -n "$bytes" ] && awk "BEGIN {exit !($bytes < 4096)}"; then echo "non-pixel bytes per image: $bytes < 4,096: met"
else echo "non-pixel bytes per image: ${bytes:-?}: TARGET MISSED (4,096)"; fi
