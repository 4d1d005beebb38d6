"""Run the whole build without MkDocs on another machine (a GPU box) and say what drifted.

Why: the records are made on CPU; this shows, on a machine that only has the engine's own
dependencies (no MkDocs), which outputs stay within tolerance on that device and which blocks
need a per-device entry. ``--accept DIR`` also re-records into a copy of ``records/`` in DIR
(the committed records are never touched), so the new device entries can be reviewed.

    PYTHONPATH=src python benchmarks/device_build.py [--accept /tmp/records-gpu]
"""
from __future__ import annotations

import argparse
import collections
import shutil
import tempfile
import time
from pathlib import Path

from execdocs.build import prepare
from execdocs.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def _settings(records: Path, cache: Path, accept: bool) -> Settings:
    return Settings(docs_dir=ROOT / "docs", project_root=ROOT, records_dir=records, cache_dir=cache,
                    accept=accept)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accept", type=Path, help="also re-record into a copy of records/ in this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="device-build-") as scratch:
        cache = Path(scratch) / "cache"
        started = time.perf_counter()
        session = prepare(_settings(ROOT / "records", cache, accept=False), log=lambda _: None)
        print(f"device {session.device}: {session.summary()} in {time.perf_counter() - started:.1f} s")
        kinds = collections.Counter(p.title.split(" at ")[0] for p in session.problems)
        print("problems by kind:", dict(kinds) or "none")
        slowest = sorted(session.timings, key=lambda t: -t["seconds"])[:10]
        print("slowest blocks:", "; ".join(f"{t['where']} {t['seconds']:.1f} s" for t in slowest))
        for problem in session.problems:
            print(f"- {problem.title}\n  {problem.detail.splitlines()[0] if problem.detail else ''}")
        if args.accept:
            shutil.copytree(ROOT / "records", args.accept, dirs_exist_ok=True)
            prepare(_settings(args.accept, cache, accept=True), log=lambda _: None)
            print(f"re-recorded into {args.accept}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
