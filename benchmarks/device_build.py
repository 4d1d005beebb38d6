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
import json
import shutil
import tempfile
import time
from pathlib import Path

from execdocs.build import prepare
from execdocs.settings import Settings
from execdocs.store.record import record_name

ROOT = Path(__file__).resolve().parents[1]


def _settings(records: Path, cache: Path, accept: bool) -> Settings:
    return Settings(docs_dir=ROOT / "docs", project_root=ROOT, records_dir=records, cache_dir=cache,
                    accept=accept)


def cpu_band_fallback(session, records: Path) -> tuple[int, int]:
    """(per-device blocks with no entry for this device, how many of them stayed inside the
    CPU record's bands): the figure a GPU build without its own records is judged by."""
    failed = {p.where for p in session.problems}
    compared = inside = 0
    for page in session.pages.values():
        path = records / f"{record_name(page.name)}.json"
        entries = json.loads(path.read_text())["blocks"] if path.exists() else []
        for block in page.blocks:
            if not block.options.per_device or block.index >= len(entries):
                continue
            if session.device not in entries[block.index].get("outputs", {}):
                compared += 1
                inside += block.where not in failed
    return compared, inside


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
        compared, inside = cpu_band_fallback(session, ROOT / "records")
        print(f"{compared} per-device block(s) have no {session.device} entry and were compared against the "
              f"CPU record's bands: {inside} inside, {compared - inside} outside")
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
