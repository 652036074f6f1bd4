#!/usr/bin/env bash
# Demo data generation time and demo image host throughput (issue 3).
# Target: >= 3,000 image responses/s with 64 concurrent keep-alive connections on loopback.
# Reference: Python's http.server (ThreadingHTTPServer) serving the same files, same wrk load.
# Prints figures; a missed target is reported, not turned into a failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
IMAGES=${BENCH_DEMO_IMAGES:-10000}
TEST_IMAGES=${BENCH_DEMO_TEST_IMAGES:-1000}
DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=64
THREADS=2
OUT=.build/bench-demo-data
PYTHON=${PYTHON:-.venv/bin/python}
[ -x "$PYTHON" ] || PYTHON=python3

command -v wrk >/dev/null || { echo "wrk is not installed (make deps installs it); skipping"; exit 0; }
swift build -c release --product t2i 2>&1 | tail -1
T2I=$(swift build -c release --show-bin-path)/t2i

rm -rf "$OUT"
start=$(date +%s.%N)
"$T2I" demo-data --out "$OUT" --images "$IMAGES" --test-images "$TEST_IMAGES" 2>/dev/null | tail -1
end=$(date +%s.%N)
gen=$(echo "$end - $start" | bc)
echo "demo-data: $((IMAGES + TEST_IMAGES)) images in ${gen} s on $(nproc) cores ($(du -sh "$OUT/images" | cut -f1) of image files)"

# wrk Lua script cycling through every healthy image path (fault 'none').
LUA=$OUT/paths.lua
{
  echo "paths = {"
  awk -F'\t' 'NR > 1 && $4 == "none" { printf "  \"%s\",\n", $7 }' "$OUT/demo_images.tsv"
  echo "}"
  echo "counter = math.random(1, #paths)"
  echo "request = function() counter = counter % #paths + 1; return wrk.format(\"GET\", paths[counter]) end"
} > "$LUA"
echo "wrk: $(grep -c '_z.jpg' "$LUA") healthy image paths, $CONNECTIONS connections, $THREADS threads, $DURATION"

measure() { # name url
  local report rps
  report=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s "$LUA" "$2" 2>&1)
  rps=$(echo "$report" | awk '/Requests\/sec/ { print $2 }')
  # Details to stderr (never `tee /dev/stderr`: reopening it truncates a redirected log).
  echo "$report" | grep -E "Latency|Requests/sec|Transfer/sec|Non-2xx|Socket errors" | sed "s/^/  [$1] /" >&2
  echo "${rps:-0}"
}

"$T2I" serve-demo --data "$OUT" --port 0 > "$OUT/port.txt" 2>/dev/null &
HOST_PID=$!
for _ in $(seq 50); do [ -s "$OUT/port.txt" ] && break; sleep 0.1; done
PORT=$(head -1 "$OUT/port.txt")
swift_rps=$(measure t2i "http://127.0.0.1:$PORT")
stats=$(curl -s "http://127.0.0.1:$PORT/_stats" | "$PYTHON" -c 'import json,sys; s=json.load(sys.stdin); print(s["totalRequests"], s["totalSuccesses"])')
kill "$HOST_PID"; wait "$HOST_PID" 2>/dev/null

PY_PORT=$(( (PORT % 20000) + 30000 ))
"$PYTHON" -m http.server "$PY_PORT" --bind 127.0.0.1 --directory "$OUT/images" >/dev/null 2>&1 &
PY_PID=$!
sleep 1
py_rps=$(measure python "http://127.0.0.1:$PY_PORT")
kill "$PY_PID"; wait "$PY_PID" 2>/dev/null

echo
printf "%-44s %12s\n" "server (wrk -t$THREADS -c$CONNECTIONS -d$DURATION)" "responses/s"
printf "%-44s %12s\n" "t2i serve-demo (SwiftNIO, release)" "$swift_rps"
printf "%-44s %12s\n" "python -m http.server (reference)" "$py_rps"
echo "host counters after the run: requests, successes = $stats"
if awk -v r="$swift_rps" 'BEGIN { exit !(r >= 3000) }'; then
  echo "target >= 3000 responses/s: met"
else
  echo "target >= 3000 responses/s: MISSED ($swift_rps)"
fi
