"""What does another torch thread count change?  The measurement behind the default tolerances.

    PYTHONPATH=src .venv/bin/python benchmarks/tolerance.py [--jobs N] [--keep-cache DIR]

Two cold builds of the whole site (every page and snippet), each in a fresh process with an
empty cache, on a snapshot of the project in a temporary directory, compared block by block
with the committed records (``records/``):

  1. ``EXECDOCS_THREADS=2``: every block runs with two torch threads instead of one;
  2. ``EXECDOCS_THREADS=1``: the normal setting, run again: shows the run-to-run variation.

For each block: is the text identical; if not and the text skeleton (everything but the
numbers, ``execdocs.check.compare.NUMBER``) matches, the largest relative difference of the decimal
numbers, and whether any integer token (shapes, counts) changed; if the skeleton differs
(a different word, a different number of rows), the text changed structurally.  For each
figure: byte-identical, else ``execdocs.check.compare.image_difference`` of its 320-px thumbnail against
the record's baseline.  And how many problems the strict build reports at the default
tolerances (rtol=1e-4, integers exact, image_tol=2.0).

Prints a table and writes ``.bench/tolerance.json``.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IGNORE = shutil.ignore_patterns("__pycache__", "*.egg-info", "notebooks", ".pytest_cache")


# -- worker: one build in this (fresh) process ---------------------------------------------------
def compare_text(expected: str, actual: str) -> dict:
    """The engine's own number comparison (``execdocs.check.compare.compare_numbers``), as a JSON row."""
    from execdocs.check.compare import compare_numbers

    c = compare_numbers(expected, actual)
    if c.identical or c.structural:
        return {"identical": c.identical, **({"structural": True} if c.structural else {})}
    return {"identical": False, "structural": False, "max_rel_diff": c.max_rel_diff,
            "decimals_changed": c.decimals_changed, "integers_changed": c.integers_changed}


def recorded_entry(record, block, device: str) -> tuple[dict | None, str | None]:
    """The record entry the build compares with; for a ``per_device`` block that has no entry
    for this device yet (records not re-accepted), the shared one, so the block is still measured."""
    entry = record.entry(block, device)
    if entry is not None:
        return entry, device if block.options.per_device else "any"
    blocks = record.data.get("blocks") or []
    if block.index < len(blocks) and isinstance(blocks[block.index], dict):
        outputs = blocks[block.index].get("outputs", {})
        for key in (device, "any"):
            if key in outputs:
                return outputs[key], key
    return None, None


def worker(project: Path, cache: Path, out: Path, jobs: int) -> None:
    from execdocs.build import prepare
    from execdocs.check.compare import image_difference, thumbnail
    from execdocs.store.record import PageRecord, _sha_bytes
    from execdocs.settings import Settings

    import dataclasses

    from execdocs import session as session_module
    from execdocs.model import Chain

    run_chains = session_module.run_chains

    def patient_run_chains(chains, docs_dir, jobs=None, on_done=None, **kwargs):
        """Time limits x10: this measures outputs, and a busy machine must not turn them into timeouts."""
        originals = {}
        for chain in chains:
            slow = Chain(tuple(dataclasses.replace(b, options=dataclasses.replace(
                b.options, timeout=b.options.timeout * 10)) for b in chain.blocks))
            originals[slow] = chain
        done = (lambda c, r: on_done(originals[c], r)) if on_done else None
        outcomes = run_chains(list(originals), docs_dir, jobs, done, **kwargs)
        return {originals[c]: r for c, r in outcomes.items()}

    session_module.run_chains = patient_run_chains
    settings = Settings(docs_dir=project / "docs", project_root=project, records_dir=project / "records",
                        cache_dir=cache, accept=False, jobs=jobs)
    started = time.perf_counter()
    session = prepare(settings, log=lambda m: print(m, file=sys.stderr, flush=True))
    seconds = time.perf_counter() - started
    blocks = []
    for page, parsed in session.pages.items():
        record = PageRecord(settings.records_dir, page)
        for block in parsed.blocks:
            result = session.results.get((page, block.index))
            entry, key = recorded_entry(record, block, session.device)
            if result is None or entry is None:
                blocks.append({"where": block.where, "compared": False})
                continue
            row = {"where": block.where, "compared": True, "seconds": result.duration, "entry": key}
            for stream, fresh in (("stdout", result.stdout), ("stderr", result.stderr)):
                row[stream] = compare_text("\n".join(entry.get(stream) or []), "\n".join(fresh.splitlines()))
            figures = []
            recorded = entry.get("figures", [])
            if len(recorded) != len(result.figures):
                row["figure_count_changed"] = True
            for meta, figure in zip(recorded, result.figures):
                if meta.get("sha") == _sha_bytes(figure.png):
                    figures.append({"identical": True, "rms": 0.0})
                    continue
                baseline = settings.records_dir / meta["baseline"]
                rms, _ = image_difference(baseline.read_bytes(), thumbnail(figure.png))
                figures.append({"identical": False, "rms": rms})
            row["figures"] = figures
            blocks.append(row)
    problems = [{"where": p.where, "title": p.title} for p in session.problems]
    out.write_text(json.dumps({"threads": os.environ.get("EXECDOCS_THREADS", "1"), "seconds": seconds,
                               "stats": session.stats, "device": session.device,
                               "problems": problems, "blocks": blocks}, indent=1))


# -- driver ------------------------------------------------------------------------------------
def snapshot(dest: Path) -> Path:
    for name in ("docs", "snippets", "src", "records"):
        shutil.copytree(ROOT / name, dest / name, ignore=IGNORE)
    shutil.copy2(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


def summarise(run: dict) -> dict:
    rows = [b for b in run["blocks"] if b["compared"]]
    text_identical = [b for b in rows if b["stdout"]["identical"] and b["stderr"]["identical"]]
    fig_rows = [f for b in rows for f in b["figures"]]
    identical = [b for b in text_identical
                 if all(f["identical"] for f in b["figures"]) and not b.get("figure_count_changed")]
    numeric = [b for b in rows if not b["stdout"]["identical"] and not b["stdout"]["structural"]
               and b["stdout"]["decimals_changed"]]
    ints = [b for b in rows if not b["stdout"]["identical"] and not b["stdout"]["structural"]
            and b["stdout"]["integers_changed"]]
    structural = [b for b in rows if not b["stdout"]["identical"] and b["stdout"]["structural"]]
    over_rtol = [b for b in numeric if b["stdout"]["max_rel_diff"] > 1e-4]
    rms = [f["rms"] for f in fig_rows if f["rms"] is not None]
    changed_figs = [f for f in fig_rows if not f["identical"]]
    return {
        "blocks_compared": len(rows),
        "blocks_identical": len(identical),
        "blocks_decimal_diffs": len(numeric),
        "max_rel_diff": max((b["stdout"]["max_rel_diff"] for b in numeric), default=0.0),
        "blocks_decimal_over_rtol": len(over_rtol),
        "blocks_integers_changed": len(ints),
        "blocks_text_structure_changed": len(structural),
        "figures_compared": len(fig_rows),
        "figures_not_byte_identical": len(changed_figs),
        "figure_rms_max": max(rms, default=0.0),
        "figures_over_image_tol": sum(1 for f in fig_rows if f["rms"] is None or f["rms"] > 2.0),
        "figure_size_changed": sum(1 for f in fig_rows if f["rms"] is None),
        "problems_at_default_tolerances": sum(1 for p in run["problems"] if "no recorded output" not in p["title"]),
        "problems_no_entry_for_device": sum(1 for p in run["problems"] if "no recorded output" in p["title"]),
        "blocks_not_compared": sum(1 for b in run["blocks"] if not b["compared"]),
        "problems": [p["title"] for p in run["problems"] if "no recorded output" not in p["title"]],
        "build_seconds": round(run["seconds"], 1),
        "differing_blocks": [
            {"where": b["where"],
             "stdout": b["stdout"],
             "figure_rms": [f["rms"] for f in b["figures"] if not f["identical"]]}
            for b in rows if b not in identical],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--worker", nargs=3, metavar=("PROJECT", "CACHE", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, default=2, help="chains at a time (default 2)")
    parser.add_argument("--threads", default="2,1", help="thread counts to build with, in order (default 2,1)")
    parser.add_argument("--keep-cache", type=Path, help="copy each run's cache to DIR/threads-N")
    args = parser.parse_args()
    if args.worker:
        worker(Path(args.worker[0]), Path(args.worker[1]), Path(args.worker[2]), args.jobs)
        return

    runs = {}
    git = lambda *a: subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True).stdout.strip()  # noqa: E731
    tree = {"commit": git("rev-parse", "HEAD"),
            "uncommitted": git("status", "--porcelain", "--", "docs", "snippets", "src", "records").splitlines()}
    with tempfile.TemporaryDirectory(prefix="execdocs-tolerance-") as tmp:
        project = snapshot(Path(tmp) / "project")
        for threads in args.threads.split(","):
            cache, out = Path(tmp) / f"cache-{threads}", Path(tmp) / f"run-{threads}.json"
            # OMP_WAIT_POLICY=PASSIVE: idle OpenMP threads sleep instead of spinning, which changes
            # no result but keeps a 2-thread build usable on a busy 2-core machine.
            env = dict(os.environ, EXECDOCS_THREADS=threads, MPLBACKEND="Agg", OMP_WAIT_POLICY="PASSIVE",
                       PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
            for name in ("EXECDOCS_ACCEPT", "EXECDOCS_DEVICE"):
                env.pop(name, None)
            print(f"cold build of the whole site with EXECDOCS_THREADS={threads} (fresh process, empty cache) ...",
                  flush=True)
            jobs = args.jobs if threads == "1" else max(1, args.jobs // int(threads))  # threads x jobs <= cores asked
            subprocess.run([sys.executable, __file__, "--jobs", str(jobs), "--worker",
                            str(project), str(cache), str(out)], env=env, check=True)
            runs[threads] = json.loads(out.read_text())
            if args.keep_cache:
                dest = args.keep_cache / f"threads-{threads}"
                shutil.rmtree(dest, ignore_errors=True)
                shutil.copytree(cache / "results", dest)

    summary = {t: summarise(r) for t, r in runs.items()}
    labels = [("blocks compared with the record", "blocks_compared", "{}"),
              ("blocks identical (text and figures)", "blocks_identical", "{}"),
              ("blocks with decimal differences", "blocks_decimal_diffs", "{}"),
              ("largest relative difference of a decimal", "max_rel_diff", "{:.2e}"),
              ("blocks with a decimal beyond rtol=1e-4", "blocks_decimal_over_rtol", "{}"),
              ("blocks whose integer tokens changed", "blocks_integers_changed", "{}"),
              ("blocks whose text changed beyond numbers", "blocks_text_structure_changed", "{}"),
              ("figures compared", "figures_compared", "{}"),
              ("figures not byte-identical", "figures_not_byte_identical", "{}"),
              ("largest figure RMS (320-px thumbnails)", "figure_rms_max", "{:.2f}"),
              ("figures beyond image_tol=2.0", "figures_over_image_tol", "{}"),
              ("problems the strict build reports (drift, failures)", "problems_at_default_tolerances", "{}"),
              ("blocks with no record entry at all (not compared)", "blocks_not_compared", "{}"),
              ("cold build, seconds", "build_seconds", "{}")]
    heads = [f"threads={t}" for t in summary]
    print()
    print(f"| measurement (vs the committed records) | " + " | ".join(heads) + " |")
    print("|---|" + "---:|" * len(heads))
    for label, key, fmt in labels:
        print(f"| {label} | " + " | ".join(fmt.format(s[key]) for s in summary.values()) + " |")
    for t, s in summary.items():
        if s["differing_blocks"]:
            print(f"\nblocks that differ with EXECDOCS_THREADS={t}:")
            for b in s["differing_blocks"]:
                out = b["stdout"]
                if out["identical"]:
                    text = "text identical"
                elif out["structural"]:
                    text = "text changed beyond numbers"
                else:
                    text = (f"max rel diff {out['max_rel_diff']:.2e}, {out['decimals_changed']} decimal(s), "
                            f"{out['integers_changed']} integer(s) changed")
                rms = ", ".join("size changed" if r is None else f"{r:.2f}" for r in b["figure_rms"])
                print(f"  {b['where']}: {text}" + (f"; figure RMS {rms}" if rms else ""))
    out_dir = ROOT / ".bench"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "tolerance.json").write_text(json.dumps(
        {"date": datetime.date.today().isoformat(), "command": "python benchmarks/tolerance.py", "tree": tree,
         "summary": summary, "runs": runs}, indent=1))
    print(f"\nmeasured on {tree['commit'][:10]}" + (f" with {len(tree['uncommitted'])} uncommitted change(s) "
          "in docs/ snippets/ src/ records/" if tree["uncommitted"] else "") + f"; written: {out_dir / 'tolerance.json'}")


if __name__ == "__main__":
    main()
