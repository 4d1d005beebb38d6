"""`make bench`'s test-timing row ([6], benchmarks/measure_tests.py), without running `make test`:
it must read what `make test` prints (summary, slowest tests, whether it built) and judge the goal."""
from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

# benchmarks/ is the project's own script folder, not a package: put it on the path as bench.py
# does when it runs, and load the two modules from there.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
measure_tests = importlib.import_module("measure_tests")
benchlib = sys.modules["benchlib"]

OUTPUT = """PYTHONPATH=src MPLBACKEND=Agg .venv/bin/python -m pytest -q --durations=15 -m "not slow" tests
........................................................................ [100%]
============================= slowest 15 durations =============================
148.07s call     tests/test_mutations.py::test_every_mutation_of_a_real_page_is_caught
0.13s setup    tests/test_e2e.py::test_strict_build_fails
594 passed, 22 deselected, 2 xfailed in 210.50s (0:03:30)
"""


@pytest.fixture
def fresh_results(monkeypatch):
    monkeypatch.setitem(benchlib.results, "figures", {})
    monkeypatch.setitem(benchlib.results, "notes", [])
    rows: list = []
    monkeypatch.setattr(benchlib, "rows", rows)
    return rows


def fake_make(monkeypatch, code: int, stdout: str):
    calls = []

    def run(cmd, **kwargs):
        calls.append((cmd, kwargs))
        return subprocess.CompletedProcess(cmd, code, stdout, "")
    monkeypatch.setattr(measure_tests.subprocess, "run", run)
    return calls


def test_row_times_make_test_and_keeps_the_slowest(monkeypatch, fresh_results):
    calls = fake_make(monkeypatch, 0, OUTPUT)
    measure_tests.bench_tests()
    assert calls[0][0] == ["make", "test"]
    figure = benchlib.results["figures"]["tests"]
    assert figure["result"] == "594 passed, 22 deselected, 2 xfailed" and figure["exit"] == 0
    assert figure["slowest"][0] == (148.07, "call", "tests/test_mutations.py::test_every_mutation_of_a_real_page_is_caught")
    assert figure["built_site"] is False
    assert benchlib.rows[-1][0] == "6 make test wall time" and benchlib.rows[-1][3] == "MET"  # seconds, not minutes


def test_a_failing_make_test_does_not_meet_the_goal(monkeypatch, fresh_results):
    fake_make(monkeypatch, 2, OUTPUT.replace("594 passed", "1 failed, 593 passed")
              + "FAILED tests/test_x.py::test_y - AssertionError\n")
    measure_tests.bench_tests()
    figure = benchlib.results["figures"]["tests"]
    assert figure["failed"] == ["FAILED tests/test_x.py::test_y - AssertionError"]
    assert benchlib.rows[-1][3] == "NOT MET" and benchlib.results["notes"]
