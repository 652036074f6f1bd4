#!/usr/bin/env bash
# Issue 6: the whole prepare (download, filter, resize, encode, write) against img2dataset 1.47 on
# the same demo host and the same URL list. Prints URLs/s, accepted images/s and peak memory.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
BIN=.build/release/t2i
IMAGES=${BENCH_PREPARE_IMAGES:-10000}
PORT=${BENCH_PREPARE_PORT:-18443}
ROOT=${BENCH_DATA:-.build/bench-data}/prepare-$IMAGES
DATA=$ROOT/data
mkdir -p "$ROOT"
[ -x $BIN ] || swift build -c release 2>&1 | tail -1
if [ ! -f "$DATA/demo_images.tsv" ]; then
  echo "making $IMAGES demo images with literal URLs http://127.0.0.1:$PORT/..."
  $BIN demo-data --out "$DATA" --images "$IMAGES" --test-images 1 --host "127.0.0.1:$PORT" > /dev/null
fi
$PY - "$DATA/eee443_project_dataset_train.h5" "$ROOT/urls.txt" <<'PYEOF'
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    urls = [u.decode().strip() for u in f["train_url"][...]]
open(sys.argv[2], "w").write("\n".join(urls) + "\n")
PYEOF
URLS=$(wc -l < "$ROOT/urls.txt")

start_host() {
  $BIN serve-demo --data "$DATA" --port "$PORT" > "$ROOT/host.log" 2>&1 &
  HOST_PID=$!
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$PORT/_stats" && return; sleep 0.1; done
  echo "demo host did not start"; exit 1
}
stop_host() { kill "$HOST_PID" 2>/dev/null; wait "$HOST_PID" 2>/dev/null || true; }
trap stop_host EXIT

cat > "$ROOT/bench.toml" <<TOML
[pipeline]
name = "bench"
output = "$ROOT/t2i-out"
[inputs]
train = "$DATA/eee443_project_dataset_train.h5"
vectors = "$DATA/demo_vectors.50d.txt"
[download]
concurrency = 64
per_host_connections = 64
connect_timeout = 5
total_timeout = 30
low_speed_bytes = 1024
low_speed_time = 5
max_attempts = 2
backoff_base = 0.25
retry_after_max = 2
[image]
size = 64
mode = "center_crop"
min_side = 64
[shards]
images_per_shard = 4096
TOML

measure() {  # measure NAME COMMAND...: wall seconds and peak RSS (KiB) into $NAME.time
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$ROOT/$name.time" "$@" > "$ROOT/$name.log" 2>&1 || { echo "$name failed:"; tail -20 "$ROOT/$name.log"; return 1; }
}

rm -rf "$ROOT/t2i-out"
start_host
measure t2i $BIN prepare --pipeline "$ROOT/bench.toml"
stop_host
T2I_ACCEPTED=$($BIN status --ledger "$ROOT/t2i-out/ledger.sqlite" --json | $PY -c 'import json,sys; s=json.load(sys.stdin); print(sum(v["done"] for v in s["splits"].values()))')

rm -rf "$ROOT/img2dataset-out"
start_host
NO_ALBUMENTATIONS_UPDATE=1 measure img2dataset .venv/bin/img2dataset --url_list "$ROOT/urls.txt" --input_format txt --output_format webdataset \
  --output_folder "$ROOT/img2dataset-out" --image_size 64 --resize_mode center_crop --processes_count 2 \
  --thread_count 64 --timeout 5 --retries 1 --enable_wandb False --number_sample_per_shard 1000
stop_host
I2D_ACCEPTED=$($PY - "$ROOT/img2dataset-out" <<'PYEOF'
import glob, json, sys
print(sum(json.load(open(p))["successes"] for p in glob.glob(sys.argv[1] + "/*_stats.json")))
PYEOF
)

read T2I_WALL T2I_RSS < "$ROOT/t2i.time"
read I2D_WALL I2D_RSS < "$ROOT/img2dataset.time"
$PY - "$URLS" "$T2I_WALL" "$T2I_RSS" "$T2I_ACCEPTED" "$I2D_WALL" "$I2D_RSS" "$I2D_ACCEPTED" "$(uptime)" <<'PYEOF'
import sys
urls, tw, tr, ta, iw, ir, ia, load = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]), sys.argv[8]
print("\nprepare of %d demo URLs (640x480-class JPEGs, 13%% dead) on the same loopback host; %s" % (urls, load.strip()))
print("%-34s %9s %10s %12s %10s %12s" % ("tool", "wall s", "URLs/s", "accepted", "images/s", "peak RSS MB"))
print("%-34s %9.1f %10.0f %12d %10.0f %12.0f" % ("t2i prepare (all stages)", tw, urls / tw, ta, ta / tw, tr / 1024))
print("%-34s %9.1f %10.0f %12d %10.0f %12.0f" % ("img2dataset 1.47 (2 proc, 64 thr)", iw, urls / iw, ia, ia / iw, ir / 1024))
print("t2i / img2dataset: %.2fx URLs/s, %.2fx accepted images/s (target >= 3x)" % ((urls / tw) / (urls / iw), (ta / tw) / max(ia / iw, 1e-9)))
print("peak memory of t2i: %.0f MB (target <= 300 MB for an 82,783-image run; this run has %d)" % (tr / 1024, urls))
PYEOF
