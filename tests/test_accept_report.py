"""Targeted accept, accept that refuses failures, and the drift report a strict build writes.

Each test makes a small project in a tmp dir and drives it through MkDocs and the
project's hooks, as ``make accept`` / ``make site`` / ``make serve`` do.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from enginekit import mkdocs_config, py, write_site
from inprocess import mkdocs_build

PLOT = """
import matplotlib.pyplot as plt
plt.figure(figsize=(2.4, 1.8)); plt.plot([0, 1, 2, 3], {ys}); plt.title("curve")
"""
PAGES = {
    "a.md": "# A\n\n" + py("print('a', 0.5)") + "\n" + py(PLOT.format(ys="[0, 1, 4, 9]")),
    "b.md": "# B\n\n" + py("print('b', 41 + 1)") + "\n" + py(PLOT.format(ys="[9, 4, 1, 0]")),
}
CONFIG = mkdocs_config("accept")


def mkdocs(root: Path, strict: bool = True, **env: str):
    """`mkdocs build` of the tmp project, in this process with the shared zygote (inprocess.py)."""
    return mkdocs_build(root / "mkdocs.yml", root / "site", strict=strict, EXECDOCS_CACHE=str(root / "cache"),
                        EXECDOCS_DRIFT_REPORT=str(root / "drift-report"), **env)


def accept(root: Path, pages: str = ""):
    """What `make accept PAGES=...` runs (the Makefile maps docs/x.md to x.md)."""
    return mkdocs(root, EXECDOCS_ACCEPT="1", EXECDOCS_ACCEPT_PAGES=pages)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def edit(root: Path, page: str, old: str, new: str) -> None:
    path = root / "docs" / page
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


@pytest.fixture
def project(tmp_path):
    write_site(tmp_path, PAGES)
    (tmp_path / "mkdocs.yml").write_text(CONFIG)
    first = accept(tmp_path)
    assert first.returncode == 0, first.stderr
    assert {"a.json", "b.json"} <= set(snapshot(tmp_path / "records"))
    return tmp_path


def test_targeted_accept_leaves_every_other_record_byte_identical(project):
    edit(project, "a.md", "print('a', 0.5)", "print('a', 0.75)")
    edit(project, "b.md", "print('b', 41 + 1)", "print('b', 41 + 2)")
    edit(project, "b.md", "[9, 4, 1, 0]", "[9, 8, 7, 0]")
    before = snapshot(project / "records")
    proc = accept(project, "a.md")
    assert proc.returncode != 0  # b.md still drifts, and the command says so
    assert "output drifted at b.md:3" in proc.stderr
    after = snapshot(project / "records")
    others = {k for k in before if "a.json" not in k and "/a/" not in k and k != "durations.json"}
    assert others and all(after[k] == before[k] for k in others)
    assert "0.75" in after["a.json"].decode() and after["a.json"] != before["a.json"]


def test_accept_refuses_a_page_whose_block_fails_or_whose_claim_breaks(project):
    edit(project, "a.md", "print('a', 0.5)", "acc = 0.5\nassert acc > 0.9, 'claim: accuracy above 90%'\nprint('a', acc)")
    (project / "docs" / "new.md").write_text("# New\n\n" + py("print(1 / 0)"))
    before = snapshot(project / "records")
    proc = accept(project)
    assert proc.returncode != 0
    assert "claim: accuracy above 90%" in proc.stderr and "a.md:3" in proc.stderr
    assert "new.md:3" in proc.stderr and "ZeroDivisionError" in proc.stderr
    after = snapshot(project / "records")
    assert after.get("a.json") == before["a.json"]  # not recorded: the failure stays visible
    assert "new.json" not in after
    assert after["b.json"] == before["b.json"]


def test_accept_names_a_page_that_does_not_exist(project):
    proc = accept(project, "nosuch.md")
    assert proc.returncode != 0 and "nosuch.md" in proc.stderr


def test_strict_build_writes_the_drift_report_and_prints_its_path(project):
    edit(project, "a.md", "print('a', 0.5)", "print('a', 0.625)")
    edit(project, "b.md", "[9, 4, 1, 0]", "[0, 1, 4, 9]")
    proc = mkdocs(project)
    assert proc.returncode != 0
    report = project / "drift-report" / "index.html"
    assert f"drift report: {report}" in proc.stderr
    html = report.read_text()
    assert 'href="../site/a.html">a.md:3</a>' in html
    assert "print(&#x27;a&#x27;, 0.625)" in html
    assert '<mark class="num">0.5</mark>' in html and '<mark class="num">0.625</mark>' in html
    images = re.findall(r'<img src="data:image/png;base64,', html)
    assert len(images) == 3  # recorded, fresh, difference of b.md's figure
    assert re.search(r"figure 1: RMS \d+\.\d\d, tolerance 2", html)


def test_a_clean_build_removes_a_stale_report(project):
    stale = project / "drift-report" / "index.html"
    stale.parent.mkdir()
    stale.write_text("old")
    proc = mkdocs(project)
    assert proc.returncode == 0, proc.stderr
    assert not stale.exists()


def test_on_page_problem_shows_the_same_images(project):
    edit(project, "b.md", "[9, 4, 1, 0]", "[0, 1, 4, 9]")
    proc = mkdocs(project, strict=False)  # as `make serve` renders: problems on the page
    assert proc.returncode == 0
    html = (project / "site" / "b.html").read_text()
    admonition = html.split('class="admonition', 1)[1].split("exec-provenance", 1)[0]
    assert "figure 1 changed" in admonition
    for caption in ("recorded", "fresh", "difference"):
        assert re.search(rf'<img alt="{caption}[^"]*" src="data:image/png;base64,', admonition), caption
