"""Shared pieces of the benchmarks: environment, reporting, the snapshot tree and timed builds.

Every measure_*.py module and bench.py import from here, so that the figures all come from
builds run the same way (same environment, same log parsing) and land in one results dict
and one summary table.  benchmarks/ is not a package: bench.py runs as a script, which puts
benchmarks/ first on sys.path, so a plain `import benchlib` finds this file.
"""
from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SUMMARY = re.compile(r"(\d+) block\(s\) executed, (\d+) from cache, (\d+) skipped, (\d+) problem\(s\)")
CHAIN_DONE = re.compile(r"\[\d+/\d+\] (\S+) \((\d+) block\(s\), ([\d.]+) s\)")
TREE = ("packaging", "docs", "snippets", "src", "hooks", "mkdocs.yml", "records")
IGNORE = shutil.ignore_patterns("__pycache__", "*.egg-info", "notebooks", ".pytest_cache")

# One run's figures and table, filled in place by every measure and written out by bench.main.
results: dict = {"figures": {}, "notes": []}
rows: list[tuple[str, str, str, str]] = []  # figure, measured, goal, verdict


class BenchError(SystemExit):
    """A failure that ends the bench with a readable message instead of a traceback."""

    def __init__(self, message: str):
        super().__init__(f"bench: error: {message}")


def say(text: str) -> None:
    """Print at once: the bench runs for minutes and its progress should show as it goes."""
    print(text, flush=True)


def row(name: str, measured: str, goal: str, met: bool | None) -> None:
    """Record a figure for the summary table and echo it now; ``met`` None means no goal."""
    verdict = "" if met is None else ("MET" if met else "NOT MET")
    rows.append((name, measured, goal, verdict))
    say(f"  -> {name}: {measured}   goal {goal}   {verdict}")


# -- environment ---------------------------------------------------------------------------
def env_for(root: Path, **extra: str) -> dict:
    """The environment of a child build in ``root``: the snapshot's src/, and no execdocs
    switches leaking in from the caller's shell, so only ``extra`` decides the mode."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(root / "src"), MPLBACKEND="Agg")
    for key in ("EXECDOCS_DISABLE", "EXECDOCS_CACHE", "EXECDOCS_ACCEPT"):
        env.pop(key, None)
    env.update(extra)
    return env


def snapshot(dest: Path, with_cache: bool = True) -> Path:
    """Copy the project (and its warm cache) to ``dest`` so that builds of the real tree going
    on at the same time neither disturb the figures nor get disturbed by the edits here."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in TREE:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=IGNORE)
        elif src.is_file():
            shutil.copy2(src, dest / name)
    if with_cache:
        shutil.copytree(ROOT / ".cache" / "execdocs" / "results", dest / ".cache" / "execdocs" / "results",
                        ignore=shutil.ignore_patterns(".tmp-*"))
    return dest


# -- builds and the engine's log -----------------------------------------------------------
def parse_counts(log: str) -> dict | None:
    """The engine's last summary line in ``log`` as counts, or None when it logged none."""
    if found := SUMMARY.findall(log):
        ran, cached, skipped, problems = map(int, found[-1])
        return {"ran": ran, "cached": cached, "skipped": skipped, "problems": problems}
    return None


def build(root: Path, site: Path, label: str, **extra: str) -> dict:
    """One `mkdocs build` (non-strict) in ``root``; wall seconds and the engine's counts."""
    cmd = [PY, "-m", "mkdocs", "build", "-d", str(site)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=root, env=env_for(root, **extra), capture_output=True, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    log = proc.stdout + proc.stderr
    if proc.returncode != 0:
        tail = "\n".join(log.splitlines()[-25:])
        raise BenchError(f"`mkdocs build` ({label}) exited {proc.returncode} in {root}:\n{tail}")
    counts = parse_counts(log)
    chains = [(w, int(n), float(s)) for w, n, s in CHAIN_DONE.findall(log)]
    # cpu: the build process and what it waited for (not the zygote's forked chains)
    return {"seconds": seconds, "cpu": cpu, "counts": counts, "chains": chains, "log": log}


def describe(counts: dict | None) -> str:
    """The counts in words for the progress lines; says so when the engine logged nothing."""
    if counts is None:
        return "no execdocs summary in the log"
    return (f"{counts['ran']} executed, {counts['cached']} from cache, {counts['skipped']} skipped, "
            f"{counts['problems']} problem(s)")


# -- pages --------------------------------------------------------------------------------
def site_chains(root: Path) -> tuple[list, dict]:
    """Every runnable chain of the pages and snippets (as the engine groups them); skipped ones left out.

    Uses the engine's own parser, so the measures edit and time exactly what a build runs."""
    sys.path.insert(0, str(root / "src"))
    from execdocs.render import notebooks
    from execdocs.build import page_files
    from execdocs.errors import MarkerError
    from execdocs.parse.page import chains, parse_page

    out, pages = [], {}
    docs = root / "docs"
    for path in page_files(docs):
        page = path.relative_to(docs).as_posix()
        try:
            blocks = parse_page(path.read_text(), page)
        except MarkerError as err:
            results["notes"].append(f"{page}: marker error, left out of the standalone sum: {err}")
            continue
        pages[page] = blocks
    for path in sorted((root / "snippets").glob("*.py")):
        pages[notebooks.snippet_page(path)] = notebooks.snippet_blocks(path)
    for page, blocks in pages.items():
        for chain in chains(blocks):
            if not chain.skip:
                out.append(chain)
    return out, pages
