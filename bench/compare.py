#!/usr/bin/env python3
"""Compares the rounds bench/interleave.sh collected: a markdown table on standard output.

    python3 bench/compare.py <folder>

<folder> holds before/round-<n>/*.json and after/round-<n>/*.json, BenchmarkDotNet's JSON reports
(--exporters json). For each benchmark (type, method and parameters) it takes each run's Mean,
then prints the median over rounds of the before and after runs, the ratio after/before (below 1:
faster after) and each side's min-max range, with the allocated bytes per operation where the
class has a MemoryDiagnoser. A benchmark present on one side only is listed with a dash.
"""

import json
import statistics
import sys
from pathlib import Path

SIDES = ("before", "after")


def load(folder: Path):
    """{side: {benchmark: {"means": [ns, ...], "allocated": [bytes, ...]}}} and the rounds seen per side."""
    results = {side: {} for side in SIDES}
    rounds = {side: set() for side in SIDES}
    for side in SIDES:
        for report in sorted((folder / side).glob("round-*/*.json")):
            rounds[side].add(report.parent.name)
            with report.open(encoding="utf-8") as f:
                data = json.load(f)
            for benchmark in data.get("Benchmarks", []):
                stats = benchmark.get("Statistics")
                if not stats or stats.get("Mean") is None:
                    continue  # a benchmark that failed has no statistics
                name = benchmark_name(benchmark)
                entry = results[side].setdefault(name, {"means": [], "allocated": []})
                entry["means"].append(float(stats["Mean"]))
                memory = benchmark.get("Memory")
                if memory and memory.get("BytesAllocatedPerOperation") is not None:
                    entry["allocated"].append(float(memory["BytesAllocatedPerOperation"]))
    return results, rounds


def benchmark_name(benchmark) -> str:
    """Type.Method(parameters), e.g. HotPathBenchmarks.CorsKit_Preflight(Headers=Kestrel)."""
    method = f'{benchmark.get("Type", "")}.{benchmark.get("Method") or benchmark.get("MethodTitle", "?")}'.lstrip(".")
    parameters = benchmark.get("Parameters") or ""
    return f"{method}({parameters.replace('&', ', ')})" if parameters else method


def ns(value: float) -> str:
    return f"{value:,.1f}"


def cell(entry, pick) -> str:
    return pick(entry) if entry else "—"


def main(argv) -> int:
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    folder = Path(argv[1])
    results, rounds = load(folder)
    names = sorted(set(results["before"]) | set(results["after"]))
    if not names:
        print(f"no benchmark results under {folder}/before or {folder}/after", file=sys.stderr)
        return 1

    print(f"Mean per run in ns; median over rounds ({len(rounds['before'])} before, {len(rounds['after'])} after), "
          "ratio = after / before (below 1: faster after), range = min-max of the runs' means.")
    print()
    print("| Benchmark | Before (median) | After (median) | After/before | Before range | After range | Allocated before / after |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in names:
        before = results["before"].get(name)
        after = results["after"].get(name)
        before_median = statistics.median(before["means"]) if before else None
        after_median = statistics.median(after["means"]) if after else None
        ratio = f"{after_median / before_median:.3f}" if before_median and after_median is not None else "—"
        allocated = " / ".join(
            f'{statistics.median(e["allocated"]):,.0f} B' if e and e["allocated"] else "—" for e in (before, after))
        print("| " + " | ".join([
            name.replace("|", "\\|"),
            cell(before, lambda _: ns(before_median)),
            cell(after, lambda _: ns(after_median)),
            ratio,
            cell(before, lambda e: f'{ns(min(e["means"]))}–{ns(max(e["means"]))}'),
            cell(after, lambda e: f'{ns(min(e["means"]))}–{ns(max(e["means"]))}'),
            allocated,
        ]) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
