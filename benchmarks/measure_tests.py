"""Test-time measure [6]: wall time of the two pytest commands of `make test`.

The bar (under 15 minutes) is about the suite a contributor runs before every change, so it is
timed as `make test` runs it, in the real tree, without the environment set-up.
"""
from __future__ import annotations

import subprocess
import time

from benchlib import PY, ROOT, env_for, results, row, say


def _time_pytest(args: list[str], env: dict) -> dict:
    """One `pytest -q ARGS` run: seconds, exit, last line and the FAILED/ERROR lines, echoed."""
    start = time.perf_counter()
    proc = subprocess.run([PY, "-m", "pytest", "-q", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    last = (proc.stdout.strip().splitlines() or ["?"])[-1]
    failed = [line for line in proc.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
    say(f"  pytest -q {' '.join(args)}: {seconds:.1f} s, exit {proc.returncode}: {last}")
    for line in failed:
        say(f"    {line}")
    return {"args": args, "seconds": seconds, "exit": proc.returncode, "result": last, "failed": failed}


def bench_tests() -> None:
    """[6] `make test` must take under 15 minutes; failing tests are named, not hidden."""
    say("\n[6] `make test` wall time, excluding environment set-up (the two pytest commands)")
    env = env_for(ROOT, PYTHONPATH="src")
    parts = [_time_pytest(args, env) for args in (["tests"], ["--codeblocks", "docs"])]
    total = sum(part["seconds"] for part in parts)
    results["figures"]["tests"] = {"total_s": total, "parts": parts, "goal_s": 900}
    row("6 make test wall time", f"{total / 60:.1f} min", "< 15 min", total < 900)
