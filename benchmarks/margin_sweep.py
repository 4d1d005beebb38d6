"""Margin sweep: how wide the noise bands must be, measured both ways (false alarms, catches).

Why a script of its own: the margin (``check.noise.MARGIN``) trades two failures against each
other.  Too narrow, and a machine accept never saw fails the gate (a false alarm); too wide, and
a real change of training lands inside the band (a miss).  Records hold each number's noise
scale, the build applies ``MARGIN``, so every choice can be judged against the same fresh
outputs without re-recording:

1. false alarms: the whole site built under a numeric variant accept did not use (``avx``,
   standing in for another machine); numbers outside their band per margin.
2. catches: the mutation test's pages (``tests/test_mutations.py``: every mutation, training
   ones included) built once; per margin, which are caught and by what (band/claim/exact).

Each fresh output runs once (cached under its variant's key); each margin is a warm rebuild.
Run: ``PYTHONPATH=src:tests .venv/bin/python benchmarks/margin_sweep.py [factors...]``
(about 10 minutes cold on 2 cores; the host site's warm cache from ``make site`` is reused).
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import test_mutations as tm  # noqa: E402
from enginekit import build  # noqa: E402
from realsite import project_settings  # noqa: E402

from execdocs.check import noise  # noqa: E402

HELD_OUT = "avx"


def outside_count(problems) -> tuple[int, int]:
    """(problems, numbers outside their band) of a build."""
    numbers = sum(p.detail.count(" outside its band ") for p in problems)
    return len(problems), numbers


def held_out(factors: list[float]) -> dict[float, tuple[int, int]]:
    settings = project_settings()
    settings.variant = HELD_OUT
    found = {}
    for factor in factors:
        noise.MARGIN = factor
        found[factor] = outside_count(build(settings).problems)
        print(f"  margin x{factor:g}: {found[factor][0]} problem(s), {found[factor][1]} number(s) outside",
              flush=True)
    return found


def mutation_table(factors: list[float], root: Path) -> dict[float, list[str]]:
    settings = tm.copy_project(root / "project")
    warm = project_settings().cache_dir / "results"
    if warm.is_dir():
        shutil.copytree(warm, settings.cache_dir / "results", ignore=shutil.ignore_patterns(".tmp-*"))
    mutations = tm.MUTATIONS + tm.TRAINING
    copies = [tm.apply(m, settings.project_root, n) for n, m in enumerate(mutations, 1)]
    wheres = [tm.expected_wheres(copy, settings.project_root, line) for copy, line in copies]
    tables = {}
    for factor in factors:
        noise.MARGIN = factor
        session = build(settings)
        rows = []
        for mutation, (copy, line), where in zip(mutations, copies, wheres):
            ok, by, _ = tm.verdict(mutation, copy, line, where, session.problems)
            rows.append(f"{mutation.kind:<55} {'+'.join(sorted(by)) if ok else 'neither'}")
        caught = sum(not r.endswith(" neither") for r in rows)
        print(f"  margin x{factor:g}: caught {caught}/{len(rows)}", flush=True)
        for r in rows:
            print(f"    {r}")
        tables[factor] = rows
    return tables


def main(argv: list[str]) -> None:
    factors = [float(a) for a in argv] or [1.0, 1.5, 2.0, 3.0, 4.0]
    print(f"[margin sweep] held-out variant {HELD_OUT!r}: false alarms per margin", flush=True)
    held_out(factors)
    print("[margin sweep] mutations: what each margin catches", flush=True)
    with tempfile.TemporaryDirectory(prefix="margin-sweep-") as tmp:
        mutation_table(factors, Path(tmp))


if __name__ == "__main__":
    main(sys.argv[1:])
