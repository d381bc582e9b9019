#!/usr/bin/env bash
# End-to-end throughput: the same minimal API on Kestrel with CorsKit, with the framework's CORS
# middleware, with a control that only writes the same four response headers CorsKit sends, and
# with no CORS middleware, each driven by wrk on 127.0.0.1 with an allowed Origin header. The
# modes run in turn, in an order rotated each round, so that drifts of the machine hit all
# alike; the server is pinned to one CPU and wrk to the other. Servers run with tiered
# compilation off (DOTNET_TieredCompilation=0): everything is fully optimized from the start, so
# no mode is measured mid-tiering on its single core. Besides requests/s, the server's CPU time
# per request (user + system, from /proc) is reported.
#
#   bench/e2e/run.sh                                  # 5 rounds: 5 s warm-up + 10 s measured, per mode
#   ROUNDS=3 WARMUP=5s DURATION=5s bench/e2e/run.sh   # shorter
#
# Needs wrk (apt-get install -y wrk). Sends traffic to 127.0.0.1 only, bounded by
# ROUNDS x 4 x (WARMUP + DURATION).
set -euo pipefail
cd "$(dirname "$0")/../.."

ROUNDS=${ROUNDS:-5}
WARMUP=${WARMUP:-5s}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
PORT=${PORT:-5093}
MODES=(corskit framework headers none)

command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }
server_cpu=1; client_cpu=0
[ "$(nproc)" -ge 2 ] || { server_cpu=0; client_cpu=0; }
ticks=$(getconf CLK_TCK)

dotnet build -c Release -v q -nologo bench/CorsKit.Benchmarks.Server >/dev/null
server_dll=bench/CorsKit.Benchmarks.Server/bin/Release/net10.0/CorsKit.Benchmarks.Server.dll
results=$(mktemp)
url="http://127.0.0.1:$PORT/api/data"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run_mode() {
  local mode=$1
  DOTNET_TieredCompilation=0 taskset -c "$server_cpu" dotnet "$server_dll" "$mode" "$PORT" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do
    curl -fs -o /dev/null "$url" && break
    sleep 0.1
  done
  taskset -c "$client_cpu" wrk -t1 -c"$CONNECTIONS" -d"$WARMUP" -H "Origin: https://app.example.com" "$url" >/dev/null
  local before after out
  before=$(cpu_ticks "$pid")
  out=$(taskset -c "$client_cpu" wrk -t1 -c"$CONNECTIONS" -d"$DURATION" -H "Origin: https://app.example.com" "$url")
  after=$(cpu_ticks "$pid")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  local rps requests cpu
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  cpu=$(awk -v a="$before" -v b="$after" -v t="$ticks" -v n="$requests" 'BEGIN {printf "%.2f", (b - a) / t / n * 1e6}')
  echo "$mode $rps $cpu" >> "$results"
  echo "  $mode: $rps req/s, $cpu us CPU/request"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }

for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS"
  # Rotate the order each round so that no mode always runs first or last.
  for i in "${!MODES[@]}"; do run_mode "${MODES[$(( (i + round - 1) % ${#MODES[@]} ))]}"; done
done

none_rps=$(awk '$1=="none"{print $2}' "$results" | median)
none_cpu=$(awk '$1=="none"{print $3}' "$results" | median)
echo
echo "| Mode | Median req/s | vs no middleware | Median server CPU per request | vs no middleware | Rounds (req/s) |"
echo "|---|---:|---:|---:|---:|---|"
for mode in "${MODES[@]}"; do
  rps=$(awk -v m="$mode" '$1==m{print $2}' "$results" | median)
  cpu=$(awk -v m="$mode" '$1==m{print $3}' "$results" | median)
  all=$(awk -v m="$mode" '$1==m{printf "%s%s", sep, $2; sep=", "}' "$results")
  rps_delta=$(awk -v a="$rps" -v b="$none_rps" 'BEGIN {printf "%+.1f%%", (a / b - 1) * 100}')
  cpu_delta=$(awk -v a="$cpu" -v b="$none_cpu" 'BEGIN {printf "%+.1f%%", (a / b - 1) * 100}')
  echo "| $mode | $rps | $rps_delta | ${cpu} µs | $cpu_delta | $all |"
done
rm -f "$results"
