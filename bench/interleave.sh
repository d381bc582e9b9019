#!/usr/bin/env bash
# Before/after, interleaved: the same BenchmarkDotNet benchmarks of two revisions, measured in
# alternating rounds so that a drift of this shared machine hits both alike.
#
#   bench/interleave.sh <before-rev> <after-rev> <rounds> <filter> [extra BenchmarkDotNet args]
#
#   bench/interleave.sh main HEAD 4 '*HotPathBenchmarks*'
#   bench/interleave.sh HEAD~1 HEAD 1 '*HotPathBenchmarks.CorsKit_NoOrigin*' --warmupCount 1 --iterationCount 3
#
# Each revision is checked out in a throwaway worktree under a temporary folder (removed at exit,
# on failure and on Ctrl-C too) and built once in Release. Then, for round 1..rounds, each runs
#   dotnet run -c Release --no-build --project bench/CorsKit.Benchmarks -- --filter <filter>
#     --launchCount 1 --warmupCount 5 --iterationCount 10 --exporters json --artifacts <dir> [extra]
# before first in odd rounds, after first in even ones. Extra arguments are passed through; one of
# --launchCount, --warmupCount or --iterationCount among them replaces the default above. --quick
# (in-process, 100 ms iterations) is refused: it is for a check while working, not a comparison.
# --artifacts and --exporters are the script's.
#
# Each run's JSON report (results/*-report-full-compressed.json) is kept in
# $OUT/<before|after>/round-<n>/ (default OUT: BenchmarkDotNet.Artifacts/interleave/<UTC time>
# in this checkout, which git ignores), with each run's console log beside it. At the end
# bench/compare.py prints a markdown table: per benchmark (method and parameters) the median over
# rounds of each run's Mean, before and after, the ratio after/before and each side's min-max.
# Run it again on a folder with: python3 bench/compare.py "$OUT"
#
# Runs out of process (BenchmarkDotNet's default toolchain): each run first builds a host project,
# tens of seconds here, then runs each benchmark in a process of its own. Keep the machine
# otherwise idle while measuring. Ctrl-C stops at once; a TERM sent to this script alone takes
# effect (and cleans up) when the build or run under way ends.
set -euo pipefail

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
  exit 2
}

[ $# -ge 4 ] || usage
before_rev=$1
after_rev=$2
rounds=$3
filter=$4
shift 4
extra=("$@")

[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "rounds must be a positive whole number, not '$rounds'" >&2; exit 2; }

defaults=(--launchCount 1 --warmupCount 5 --iterationCount 10)
for arg in ${extra[@]+"${extra[@]}"}; do
  case $arg in
    --quick)
      echo "--quick is refused: it runs in process with 100 ms iterations, not fit for a before/after comparison." >&2
      exit 2 ;;
    --artifacts|--artifacts=*|--exporters|--exporters=*)
      echo "$arg is set by the script (each run's JSON report goes to its own folder)." >&2
      exit 2 ;;
  esac
done

# The defaults the extra arguments do not replace.
bdn_args=()
for ((i = 0; i < ${#defaults[@]}; i += 2)); do
  option=${defaults[i]}
  replaced=false
  for arg in ${extra[@]+"${extra[@]}"}; do
    if [ "$arg" = "$option" ] || [[ $arg == "$option="* ]]; then
      replaced=true
    fi
  done
  $replaced || bdn_args+=("$option" "${defaults[i + 1]}")
done

script_dir=$(cd "$(dirname "$0")" && pwd)
repo=$(git -C "$script_dir" rev-parse --show-toplevel)
before_sha=$(git -C "$repo" rev-parse --verify --quiet "$before_rev^{commit}") || { echo "no such revision: $before_rev" >&2; exit 2; }
after_sha=$(git -C "$repo" rev-parse --verify --quiet "$after_rev^{commit}") || { echo "no such revision: $after_rev" >&2; exit 2; }

out=${OUT:-$repo/BenchmarkDotNet.Artifacts/interleave/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
out=$(cd "$out" && pwd)

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/corskit-interleave.XXXXXX")
added=()
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for dir in "${added[@]}"; do
    git -C "$repo" worktree remove --force "$dir" >/dev/null 2>&1 || true
  done
  rm -rf "$tmp"
  git -C "$repo" worktree prune >/dev/null 2>&1 || true
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

{
  echo "before: $before_rev = $before_sha"
  echo "after:  $after_rev = $after_sha"
  echo "rounds: $rounds"
  echo "filter: $filter"
  echo "args:   ${bdn_args[*]} ${extra[*]}"
  echo "date:   $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host:   $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/run-info.txt"

for side in before after; do
  sha_var=${side}_sha
  dir=$tmp/$side
  git -C "$repo" worktree add --detach --quiet "$dir" "${!sha_var}"
  added+=("$dir")
  echo "== building $side (${!sha_var:0:12}) in Release"
  (cd "$dir" && dotnet build -c Release -nologo -v q --disable-build-servers bench/CorsKit.Benchmarks) >"$out/build-$side.log" 2>&1 \
    || { echo "the $side build failed: see $out/build-$side.log" >&2; tail -20 "$out/build-$side.log" >&2; exit 1; }
done

run() {
  local side=$1 round=$2
  local dir=$tmp/$side
  local artifacts=$tmp/artifacts-$side-$round
  local dest=$out/$side/round-$round
  mkdir -p "$dest"
  echo "== round $round/$rounds: $side"
  local started=$SECONDS
  (cd "$dir" && dotnet run -c Release --no-build --project bench/CorsKit.Benchmarks -- \
    --filter "$filter" ${bdn_args[@]+"${bdn_args[@]}"} ${extra[@]+"${extra[@]}"} --exporters json --artifacts "$artifacts") >"$dest/console.log" 2>&1 \
    || { echo "the $side run of round $round failed: see $dest/console.log" >&2; tail -20 "$dest/console.log" >&2; exit 1; }
  shopt -s nullglob
  local reports=("$artifacts"/results/*-report-full-compressed.json)
  shopt -u nullglob
  if [ ${#reports[@]} -eq 0 ]; then
    echo "the $side run of round $round wrote no JSON report (does '$filter' match a benchmark there?): see $dest/console.log" >&2
    exit 1
  fi
  cp "${reports[@]}" "$dest/"
  echo "   $((SECONDS - started)) s, ${#reports[@]} report(s)"
}

for ((round = 1; round <= rounds; round++)); do
  if ((round % 2 == 1)); then
    run before "$round"
    run after "$round"
  else
    run after "$round"
    run before "$round"
  fi
done

echo
echo "Reports in $out"
echo
python3 "$script_dir/compare.py" "$out" | tee "$out/comparison.md"
