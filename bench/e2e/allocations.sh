#!/usr/bin/env bash
# Bytes allocated per request by a real Kestrel server, for each mode of the end-to-end server
# (see run.sh), on two endpoints (/api/data under the default policy, /api/named-policy naming
# it as endpoint metadata): warm up with wrk, read the process's total allocated bytes, drive a
# bounded wrk run, read it again, divide by the requests wrk completed. The difference between
# modes is what each CORS middleware allocates per request on a real server.
#
#   bench/e2e/allocations.sh          # about 2 minutes
#
# Needs wrk and curl. Sends traffic to 127.0.0.1 only, 8 s per mode and endpoint.
set -euo pipefail
cd "$(dirname "$0")/../.."

PORT=${PORT:-5094}
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }
dotnet build -c Release -v q -nologo bench/CorsKit.Benchmarks.Server >/dev/null
server_dll=bench/CorsKit.Benchmarks.Server/bin/Release/net10.0/CorsKit.Benchmarks.Server.dll
url="http://127.0.0.1:$PORT"
pid=
trap '[[ -n $pid ]] && kill "$pid" 2>/dev/null' EXIT INT TERM
fail() { echo "$1" >&2; exit 1; }

# Prints the number of requests served; fails on socket errors or non-2xx answers.
drive() {
  local report
  report=$(wrk -t1 -c32 -d"$1" -H "Origin: https://app.example.com" "$url$2")
  ! grep -qE "Socket errors|Non-2xx" <<<"$report" || fail "wrk reported errors: $report"
  awk '/requests in/ {print $1}' <<<"$report"
}

echo "| Mode | Endpoint | Requests | Bytes allocated per request |"
echo "|---|---|---:|---:|"
for mode in corskit framework headers none; do
  dotnet "$server_dll" "$mode" "$PORT" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 50); do curl -sf "$url/allocated-bytes" >/dev/null && break; sleep 0.2; done
  curl -sf "$url/allocated-bytes" >/dev/null || fail "the $mode server did not answer on $url"
  for path in /api/data /api/named-policy; do
    drive 3s "$path" >/dev/null
    before=$(curl -sf "$url/allocated-bytes")
    requests=$(drive 5s "$path")
    after=$(curl -sf "$url/allocated-bytes")
    [[ $requests =~ ^[1-9][0-9]*$ ]] || fail "wrk served no requests from $path in $mode mode"
    echo "| $mode | $path | $requests | $(( (after - before) / requests )) |"
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
  pid=
done
