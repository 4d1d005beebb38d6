"""Test-time measure [6]: wall time of `make test` after `make site`.

The bar (4 minutes, PRODUCT.md) is about the suite a contributor runs before every change, so it
is timed as the contributor runs it: `make test` in the real tree, after `make site` (which
`make bench` runs first), so the environment is set up and the site is built; `make test` then
builds nothing and runs its one pytest command.  The caller's environment is kept as it is
(``EXECDOCS_CACHE`` included): the tests must read the cache the build wrote.  The slowest tests
(pytest's ``--durations`` table, which `make test` prints) are kept in the results.
"""
from __future__ import annotations

import os
import re
import subprocess
import time

from benchlib import ROOT, results, row, say

GOAL_S = 240
SUMMARY = re.compile(r"^=*\s*((?:\d+ [a-z]+(?:, )?)+) in [\d.]+s", re.M)  # "95 passed, 2 deselected in 3.1s"
DURATION = re.compile(r"^\s*([\d.]+)s (setup|call|teardown)\s+(\S+)", re.M)


def _slowest(output: str) -> list[tuple[float, str, str]]:
    """(seconds, phase, test id) from the durations table `make test` prints."""
    return [(float(s), phase, test) for s, phase, test in DURATION.findall(output)]


def bench_tests() -> None:
    """[6] `make test` after `make site`: at most 4 minutes; failing tests are named, not hidden."""
    say("\n[6] `make test` wall time after `make site` (environment set up, site built)")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    start = time.perf_counter()
    proc = subprocess.run(["make", "test"], cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    output = proc.stdout + proc.stderr
    built = "mkdocs build" in proc.stdout  # make echoes the build when the site was out of date
    summary = (SUMMARY.findall(output) or ["no pytest summary"])[-1]
    failed = [line for line in output.splitlines() if line.startswith(("FAILED", "ERROR"))]
    slowest = _slowest(output)
    say(f"  make test: {seconds:.1f} s, exit {proc.returncode}: {summary}"
        + ("  (it built the site first: an input was newer than the last build)" if built else ""))
    for line in failed:
        say(f"    {line}")
    for secs, phase, test in slowest[:5]:
        say(f"    {secs:7.1f} s {phase:8} {test}")
    results["figures"]["tests"] = {"total_s": seconds, "exit": proc.returncode, "result": summary,
                                   "failed": failed, "built_site": built, "slowest": slowest, "goal_s": GOAL_S}
    if proc.returncode != 0:
        results["notes"].append(f"make test exited {proc.returncode}: {summary}")
    row("6 make test wall time", f"{seconds / 60:.1f} min", f"<= {GOAL_S // 60} min",
        seconds <= GOAL_S and proc.returncode == 0)
