"""`make bench` cannot rot silently: its --quick mode runs every measure's code once.

It needs what `make bench` needs (the built site/ and a warm cache: `make test` builds the
site first).  The figures are not judged here (they are benchmarks, not timed tests); what
is checked is that each measure ran and produced its figure.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_quick_bench_runs_every_measure(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--quick"], cwd=ROOT,
                          capture_output=True, text=True, env=env, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    figures = json.loads((ROOT / ".bench" / "results.json").read_text())["figures"]
    assert {"warm_rebuild", "block_edit", "anchor_conversion", "schedule"} <= set(figures), sorted(figures)
    assert figures["anchor_conversion"]["exec_fences"] > 0
    schedule = figures["schedule"]
    assert schedule["longest_first_s"] <= schedule["most_blocks_first_s"]
