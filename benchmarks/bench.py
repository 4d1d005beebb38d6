"""Benchmarks of the execdocs engine against the quality bars in PRODUCT.md.

    make bench                                   # after `make site` (needs site/ and a warm cache)
    PYTHONPATH=src .venv/bin/python benchmarks/bench.py [--with-tests] [--skip-anchor] [--profile]
    PYTHONPATH=src .venv/bin/python benchmarks/bench.py --quick   # seconds: every measure's code, once

Everything runs side by side in one run, on a snapshot of the project copied to a
temporary directory (docs/, snippets/, src/, hooks/, mkdocs.yml, records/ and the warm
cache .cache/execdocs/results), so builds of the real tree going on at the same time
neither disturb the figures nor get disturbed.  Builds are non-strict: a page whose
blocks fail is still measured.

 1. warm rebuild, nothing changed, vs the same build with EXECDOCS_DISABLE=1 (median of 3)
 2. cold build (empty cache) vs the summed standalone run time of the same chains
    (benchmarks/standalone.py: one warm interpreter, fresh namespace per chain)
 3. edit one number in one block: blocks re-run must equal the block's chain length
 4. prose and small block edits under `mkdocs serve --livereload`: blocks re-run (0 / 1) and
    seconds until the page shows each (goals <= 1.2 s and <= 2 s; medians, under the machine's load)
 5. outside anchor: the same pages under markdown-exec (no cache), cold and warm
 6. (--with-tests) wall time of `make test` after `make site` (goal: 4 minutes)
 7. the local build's chain order on 2 workers, simulated from records/durations.json:
    longest recorded first (the shard planner's order) vs the old most-blocks-first
 8. `make accept` of one training page with the noise-band variants vs the host alone, and the
    warm build after it (bands cost a build nothing)

``--quick`` (run by tests/test_bench.py in `make test`, so the bench cannot rot silently): one
warm and one off build, the one-block edit, the anchor's page conversion and the schedule
simulation; no cold build, no `mkdocs serve`, no markdown-exec install.

Results are printed as a table (figure, goal, MET/NOT MET) and written to .bench/results.json.

The measures live beside this entry point: benchlib.py (shared helpers), measure_builds.py
([1]-[3], [7]), measure_serve.py ([4]), measure_accept.py ([8]), anchor_markdown_exec.py ([5]) and measure_tests.py ([6]).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from anchor_markdown_exec import bench_anchor, check_conversion
from benchlib import ROOT, BenchError, results, rows, say, snapshot
from measure_accept import bench_accept
from measure_builds import bench_cold, bench_edit, bench_schedule, bench_warm, profile_warm
from measure_serve import bench_serve
from measure_tests import bench_tests


def preflight() -> None:
    """Fail in a second with the fix, rather than minutes in with a traceback, when the
    site, the warm cache or the project's environment is missing."""
    if not (ROOT / "site" / "index.html").exists():
        raise BenchError(f"{ROOT / 'site'} is missing: run `make site` first (make bench does it)")
    results_dir = ROOT / ".cache" / "execdocs" / "results"
    if not results_dir.is_dir() or not any(results_dir.rglob("*.pickle")):
        raise BenchError(f"the execution cache {results_dir} is missing or empty: run `make site` first, "
                         "the warm-rebuild figures need a warm cache")
    try:
        import mkdocs  # noqa: F401
        import execdocs  # noqa: F401
    except ImportError as err:
        raise BenchError(f"{err}: run with the project's environment: PYTHONPATH=src .venv/bin/python "
                         "benchmarks/bench.py") from None


def parse_args() -> argparse.Namespace:
    """The command line; `make bench` passes --with-tests, the rest are for runs by hand."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--with-tests", action="store_true", help="also time make test")
    parser.add_argument("--skip-anchor", action="store_true", help="skip the markdown-exec comparison")
    parser.add_argument("--profile", action="store_true", help="write a pyinstrument profile of a warm rebuild")
    parser.add_argument("--runs", type=int, default=3, help="runs of each warm/off build (median)")
    parser.add_argument("--budget", type=float, default=14 * 60,
                        help="seconds the bench may take (without --with-tests); the markdown-exec warm build "
                             "is skipped when it would go past")
    parser.add_argument("--keep", action="store_true", help="keep the temporary tree")
    parser.add_argument("--quick", action="store_true",
                        help="every measure's code once, in seconds: no cold build, serve or markdown-exec")
    return parser.parse_args()


def run_measures(args: argparse.Namespace, root: Path, tmp: Path, began: float) -> None:
    """The measures in order: the cheap warm ones first, so a slow cold build or anchor that
    runs out of budget still leaves the headline figures."""
    if args.quick:
        bench_warm(root, tmp, 1)
        bench_edit(root, tmp)
        check_conversion(root, tmp)
        bench_schedule(root)
        return
    bench_warm(root, tmp, args.runs)
    bench_edit(root, tmp)
    bench_serve(root, tmp)
    bench_schedule(root)
    bench_accept(root, tmp)
    cold = bench_cold(root, tmp)
    if not args.skip_anchor:
        warm = results["figures"]["warm_rebuild"]["warm_median_s"]
        bench_anchor(root, tmp, cold["seconds"], warm, deadline=began + args.budget)
    if args.profile:
        profile_warm(root, tmp)
    if args.with_tests:
        bench_tests()


def write_results(began: float) -> None:
    """.bench/results.json, written even when a measure failed, so partial figures are kept."""
    results["total_s"] = time.perf_counter() - began
    results["load_after"] = os.getloadavg()
    results["table"] = rows
    (ROOT / ".bench").mkdir(exist_ok=True)
    (ROOT / ".bench" / "results.json").write_text(json.dumps(results, indent=1, default=str) + "\n")


def print_summary() -> None:
    """The table of figures, goals and verdicts, then the notes: what a reader of the log wants."""
    width = max(len(r[0]) for r in rows) if rows else 10
    mwidth = max(len(r[1]) for r in rows) if rows else 10
    gwidth = max(len(r[2]) for r in rows) if rows else 10
    say(f"\nSummary ({results['total_s']:.0f} s; load average {results['load_before'][0]:.2f} before, "
        f"{results['load_after'][0]:.2f} after)")
    say(f"{'figure'.ljust(width)}  {'measured'.ljust(mwidth)}  {'goal'.ljust(gwidth)}  verdict")
    for name, measured, goal, verdict in rows:
        say(f"{name.ljust(width)}  {measured.ljust(mwidth)}  {goal.ljust(gwidth)}  {verdict}")
    for note in results["notes"]:
        say(f"note: {note}")
    say(f"results: {ROOT / '.bench' / 'results.json'}")


def main() -> None:
    """Snapshot the tree, run the measures on it, keep the results, print the summary."""
    args = parse_args()
    preflight()
    began = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="execdocs-bench-"))
    root = snapshot(tmp / "tree")
    say(f"bench: snapshot of {ROOT} in {root}; {os.cpu_count()} CPU(s), load {os.getloadavg()[0]:.2f}")
    results["cpus"] = os.cpu_count()
    results["load_before"] = os.getloadavg()
    try:
        run_measures(args, root, tmp, began)
    finally:
        write_results(began)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print_summary()


if __name__ == "__main__":
    main()
