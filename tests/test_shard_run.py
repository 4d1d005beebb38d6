"""Sharded execution end to end: 3 shards, caches merged by copying, a build that executes nothing.

A small site in a tmp dir is recorded once, then built on "one machine" (strict, through
MkDocs and the project's hooks).  The same site is then executed as 3 shards into 3 cache
folders; every chain lands in exactly one; the folders are merged with a plain copy; the
strict build over the merged cache executes 0 blocks and renders the same site as the
one-machine build, apart from the timing page, which lists every shard's blocks.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from enginekit import ROOT, build, py, write_site
from execdocs.build import Build
from execdocs.scale import shard_run
from execdocs.settings import read_settings
from execdocs.store.durations import load_durations, save_durations
from execdocs.scale.shard import chain_id, mine

FIGURE = py("""
    import matplotlib.pyplot as plt
    plt.figure(figsize=(2, 2)); plt.plot([0, 1, 4, 9]); plt.title("squares")
""")
PAGES = {
    "index.md": "# Home\n\n" + py("print('home', 6 * 7)"),
    "conv.md": "# Conv\n\n" + py("""
        import torch
        conv = torch.nn.Conv2d(1, 4, kernel_size=3)
    """) + "\n<!--pytest-codeblocks:cont-->\n" + py("print(conv(torch.zeros(1, 1, 10, 10)).shape)"),
    "plot.md": "# Plot\n\n" + FIGURE + "\nProse.\n\n" + py("print(sum(range(10)))"),
    "loop.md": "# Loop\n\n" + py("import time\nfor i in range(3):\n    time.sleep(0.3)\n    print('step', i)"),
    "numbers.md": "# Numbers\n\n" + py("print([round(1 / k, 4) for k in range(1, 6)])"),
}
CONFIG = f"""site_name: shards
use_directory_urls: false
theme:
  name: mkdocs
markdown_extensions: [admonition, attr_list, md_in_html, pymdownx.superfences]
nav: [index.md, conv.md, plot.md, loop.md, numbers.md, execution-times.md]
hooks:
  - {ROOT}/hooks/execute.py
  - {ROOT}/hooks/figures.py
  - {ROOT}/hooks/render.py
  - {ROOT}/hooks/report.py
"""
TIMING_FILES = {"execution-times.html", "sitemap.xml.gz", "search/search_index.json"}


def mkdocs_build(root: Path, site: Path, cache: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT / "src"), EXECDOCS_CACHE=str(cache),
               EXECDOCS_DRIFT_REPORT=str(root / "drift-report"))
    env.pop("EXECDOCS_ACCEPT", None)
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml"),
                           "-d", str(site)], capture_output=True, text=True, env=env, timeout=300, cwd=root)


def run_shard(root: Path, spec: str, cache: Path, monkeypatch, logs: list[str]) -> int:
    monkeypatch.setenv("EXECDOCS_CACHE", str(cache))
    monkeypatch.delenv("EXECDOCS_ACCEPT", raising=False)
    return shard_run.run_shard(spec, root / "mkdocs.yml", logs.append)


def content(path: Path) -> bytes:
    """A built file's bytes, without the build time the mkdocs theme writes into index.html."""
    return re.sub(rb"Build Date UTC : [^\n]*", b"", path.read_bytes())


def site_files(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("sharded")
    settings = write_site(root, PAGES)
    (root / "mkdocs.yml").write_text(CONFIG)
    settings.cache_dir = root / "accept-cache"
    build(settings, accept=True)  # the committed record, as `make accept` leaves it
    session = build(settings)
    save_durations(settings.records_dir, session.pages.values(), session.results)
    return root


@pytest.fixture(scope="module")
def one_machine(project):
    site = project / "site-one"
    proc = mkdocs_build(project, site, project / "accept-cache")
    assert proc.returncode == 0, proc.stderr
    return site


def test_three_shards_merge_into_a_build_that_executes_nothing(project, one_machine, monkeypatch):
    logs: list[str] = []
    caches = [project / f"cache-{k}" for k in (1, 2, 3)]
    codes = [run_shard(project, f"{k}/3", cache, monkeypatch, logs) for k, cache in enumerate(caches, 1)]
    assert codes == [0, 0, 0], "\n".join(logs)
    entries = [{p.name for p in (c / "results").rglob("*.pickle")} for c in caches]
    assert all(entries), "each of the 3 shards executes something"
    assert not (entries[0] & entries[1] or entries[0] & entries[2] or entries[1] & entries[2])

    merged = project / "merged"
    for cache in caches:  # the merge is a plain copy of folders
        shutil.copytree(cache, merged, dirs_exist_ok=True)
    site = project / "site-merged"
    proc = mkdocs_build(project, site, merged)
    assert proc.returncode == 0, proc.stderr
    assert "0 block(s) executed, 7 from cache" in proc.stderr

    assert site_files(site) == site_files(one_machine)
    differ = {f for f in site_files(site) if content(site / f) != content(one_machine / f)}
    assert differ <= TIMING_FILES, differ
    timing = (site / "execution-times.html").read_text()
    shards = re.findall(r"cache \(shard (\d)/3\)", timing)
    assert sorted(set(shards)) == ["1", "2", "3"] and len(shards) == 7  # every block, with its shard


def planned(project, log) -> Build:
    """The project's pages parsed (the shard's plan step), nothing executed."""
    build = Build(read_settings(project / "mkdocs.yml"), log)
    build.plan()
    return build


def test_durations_plan_the_shards(project):
    durations = load_durations(project / "records")
    assert len(durations) == 6  # 6 distinct chains (conv.md is one chain of 2 blocks)
    loop = planned(project, lambda _m: None).pages["loop.md"]
    assert max(durations, key=durations.get) == chain_id(b.code for b in loop.blocks)
    assert durations[chain_id(b.code for b in loop.blocks)] >= 0.9  # three sleeps of 0.3 s


def test_a_shard_fails_only_for_its_own_chains(project, monkeypatch):
    (project / "docs" / "broken.md").write_text("# Broken\n\n" + py("raise SystemExit('boom')"))
    try:
        logs: list[str] = []
        session = planned(project, logs.append)
        work = list(shard_run.site_work(session, load_durations(project / "records")).values())
        broken = chain_id(b.code for b in session.pages["broken.md"].blocks)
        owner = next(k for k in (1, 2, 3) if broken in mine(work, f"{k}/3"))
        codes = {k: run_shard(project, f"{k}/3", project / f"fail-cache-{k}", monkeypatch, logs)
                 for k in (1, 2, 3)}
        assert codes[owner] == 1 and all(codes[k] == 0 for k in codes if k != owner), codes
        assert any("broken.md:3" in line and "ERROR" in line for line in logs)
    finally:
        (project / "docs" / "broken.md").unlink()


def test_cli_runs_a_shard(project):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), EXECDOCS_CACHE=str(project / "cli-cache"))
    proc = subprocess.run([sys.executable, "-m", "execdocs", "shard", "run", "2/3", "-f", str(project / "mkdocs.yml")],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "shard 2/3:" in proc.stderr
    origins = [json.loads(p.read_text()) for p in (project / "cli-cache" / "results").rglob("*.origin.json")]
    assert origins and all(o["shard"] == "2/3" and o["seconds"] >= 0 for o in origins)
