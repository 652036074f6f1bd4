#!/usr/bin/env bash
# Issue 6: peak memory of a full-size demo prepare (82,783 train images, the real list's size).
# Not part of `make bench` (it renders about 5 GB of images first); run `make bench-prepare-memory`.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.build/release/t2i
IMAGES=${IMAGES:-82783}
ROOT=${BENCH_DATA:-.build/bench-data}/memory-$IMAGES
mkdir -p "$ROOT"
if [ ! -f "$ROOT/data/demo_images.tsv" ]; then
  echo "making $IMAGES demo images (once)..."
  /usr/bin/time -f "demo-data: %e s wall, %M KiB peak" $BIN demo-data --out "$ROOT/data" --images "$IMAGES" --test-images 1000 > /dev/null
fi
rm -rf "$ROOT/out"
/usr/bin/time -f "%e %M" -o "$ROOT/prepare.time" $BIN prepare --pipeline Pipelines/demo.toml \
  --set data="$ROOT/data" --set pipeline.output="$ROOT/out" --set demo.images="$IMAGES" > "$ROOT/prepare.log" 2>&1
read WALL RSS < "$ROOT/prepare.time"
tail -25 "$ROOT/prepare.log" | grep -E "split|train|test|done:" || true
echo "full-size demo prepare: $IMAGES train + 1000 test URLs in $WALL s; peak RSS $((RSS / 1024)) MB (target <= 300 MB); $(uptime)"
