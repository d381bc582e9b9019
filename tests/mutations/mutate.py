#!/usr/bin/env python3
"""Breaks one CorsKit behaviour at a time and checks that the tests covering it notice.

Each mutation of the JSON file replaces text in the sources (every edit's "old" must occur
exactly once), rebuilds, runs the tests named by its filter, and reports KILLED (a test failed)
or SURVIVED. The sources are restored after every mutation, also when the run is interrupted.
Exit code: 0 when every mutation applied and was killed; 1 otherwise (a mutation that no longer
matches the source is an error, not a skip).

Usage, from the repository root:
    python3 tests/mutations/mutate.py tests/mutations/browser-scenarios.json [more.json ...]
"""
import json
import os
import re
import signal
import subprocess
import sys

ROOT = os.getcwd()


def apply(mutation):
    """Applies every edit in memory first; returns the original texts, or raises if one does not match."""
    originals, texts = {}, {}
    for edit in mutation["edits"]:
        path = os.path.join(ROOT, edit["file"])
        text = texts.get(path) or open(path, encoding="utf-8").read()
        originals.setdefault(path, text)
        count = text.count(edit["old"])
        if count != 1:
            raise LookupError(f"{edit['file']}: the text to replace occurs {count} times, not once")
        texts[path] = text.replace(edit["old"], edit["new"])
    for path, text in texts.items():
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    return originals


def run(mutation):
    project = os.path.join(ROOT, mutation.get("project", "tests/CorsKit.BrowserTests"))
    # Style and warnings are not what a mutation tests: an edit that leaves a using or a parameter
    # unused, or code unreachable, must still build.
    build = subprocess.run(["dotnet", "build", project, "-v", "q", "-nologo", "-p:EnforceCodeStyleInBuild=false", "-p:TreatWarningsAsErrors=false"],
                           capture_output=True, text=True)
    if build.returncode != 0:
        print(build.stdout[-2000:])
        return "BUILD FAILED"
    process = subprocess.Popen(["dotnet", "test", project, "--no-build", "--filter", mutation["filter"]],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, _ = process.communicate(timeout=900)
    except subprocess.TimeoutExpired:
        # The test host too: it runs in the same session. A hang is a failure the tests should
        # report themselves, so it is said, not counted as killed.
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return "HUNG (the tests did not finish within 900 s)"
    test = subprocess.CompletedProcess(process.args, process.returncode, stdout)
    summary = [line.strip() for line in test.stdout.splitlines() if "Passed!" in line or "Failed!" in line]
    verdict = "KILLED" if test.returncode != 0 else "SURVIVED"
    # Browser scenarios run once per engine (classes Chromium, Firefox, WebKit): say which caught it.
    engines = sorted(set(re.findall(r"^\s*Failed CorsKit\.BrowserTests\.(Chromium|Firefox|WebKit)\.", test.stdout, re.MULTILINE)))
    caught = f" (failed in {', '.join(engines)})" if engines else ""
    return f"{verdict} {summary[-1] if summary else ''}{caught}".strip()


def main(files):
    failures = 0
    for file in files:
        for mutation in json.load(open(file, encoding="utf-8")):
            originals = {}
            try:
                originals = apply(mutation)
                result = run(mutation)
            except LookupError as error:
                result = f"NOT APPLICABLE ({error})"
            finally:
                for path, text in originals.items():
                    with open(path, "w", encoding="utf-8") as f:
                        f.write(text)
            if not result.startswith("KILLED"):
                failures += 1
            print(f"{mutation['name']} => {result}", flush=True)
    subprocess.run(["dotnet", "build", os.path.join(ROOT, "CorsKit.sln"), "-v", "q", "-nologo"], capture_output=True)
    print(f"{failures} mutation(s) not killed" if failures else "every mutation was killed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
