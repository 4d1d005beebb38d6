"""Hardening (issue 19, parts 2-3 and 5): records and ``make accept``.

Record files are world-readable (0644) like every file git checks out; a killed accept's
``.tmp-*`` files are removed by the next one and ignored by git meanwhile; stale record
entries and records of deleted pages are reported by strict builds; a refused accept leaves
``records/durations.json`` as it was; a serve rebuild that crashes releases the build lock.
"""
from __future__ import annotations

import fcntl
import json
import os
import subprocess

import pytest

from enginekit import ROOT, build, py, write_site


def test_record_files_are_created_0644(tmp_path):
    settings = write_site(tmp_path, {"a.md": "# A\n\n" + py("import matplotlib.pyplot as plt\nplt.plot([1, 2])")})
    old = os.umask(0o022)
    try:
        assert build(settings, accept=True).problems == []
    finally:
        os.umask(old)
    files = [p for p in settings.records_dir.rglob("*") if p.is_file()]
    assert files and {oct(p.stat().st_mode & 0o777) for p in files} == {"0o644"}


def test_killed_accept_leftovers_are_removed_and_ignored(tmp_path):
    settings = write_site(tmp_path, {"a.md": "# A\n\n" + py("import matplotlib.pyplot as plt\nplt.plot([1, 2])")})
    assert build(settings, accept=True).problems == []
    leftover = settings.records_dir / "figures" / "a" / ".tmp-abc123"
    leftover.write_bytes(b"half a png")
    top = settings.records_dir / ".tmp-xyz"
    top.write_bytes(b"half a json")
    assert build(settings, accept=True).problems == []
    assert not leftover.exists() and not top.exists()
    ignored = subprocess.run(["git", "check-ignore", "-q", "records/figures/a/.tmp-abc123"], cwd=ROOT)
    assert ignored.returncode == 0, ".gitignore does not cover records' .tmp-* files"


def test_stale_record_entries_are_reported_in_strict_builds(tmp_path):
    pages = {"a.md": "# A\n\n" + py("print(1)") + "\n" + py("print(2)")}
    settings = write_site(tmp_path, pages)
    assert build(settings, accept=True).problems == []
    (settings.docs_dir / "a.md").write_text("# A\n\n" + py("print(1)") + "\n")
    session = build(settings)
    assert [(p.where, p.kind) for p in session.problems] == [("a.md:1", "stale record")]
    assert 'make accept PAGES="docs/a.md"' in session.problems[0].detail


def test_record_of_a_deleted_page_is_reported(tmp_path):
    pages = {"a.md": "# A\n\n" + py("print(1)"), "gone.md": "# G\n\n" + py("print(2)")}
    settings = write_site(tmp_path, pages)
    assert build(settings, accept=True).problems == []
    (settings.docs_dir / "gone.md").unlink()
    session = build(settings)
    assert [p.kind for p in session.problems] == ["stale record"]
    assert "gone.json" in session.problems[0].detail and "git rm" in session.problems[0].detail


def test_refused_accept_keeps_durations(tmp_path):
    settings = write_site(tmp_path, {"a.md": "# A\n\n" + py("print(1)"), "b.md": "# B\n\n" + py("print(2)")})
    assert build(settings, accept=True).problems == []
    durations = settings.records_dir / "durations.json"
    before = durations.read_bytes()
    assert len(json.loads(before)["chains"]) == 2
    (settings.docs_dir / "a.md").write_text("# A\n\n" + py("from cnnlab.claims import claim\nclaim(1 > 2, 'one beats two')"))
    settings.accept_pages = frozenset({"a.md"})
    session = build(settings, accept=True)
    assert [p.where for p in session.problems] == ["a.md:3"]
    assert durations.read_bytes() == before


def test_crashed_rebuild_releases_the_build_lock(tmp_path, monkeypatch):
    from execdocs import workspace as ws_module

    settings = write_site(tmp_path, {"a.md": "# A\n"})
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: t\n")
    ws = ws_module.Workspace(str(config))

    class Crashing:
        def __init__(self, *_args, **_kwargs):
            pass

        def run(self):
            raise RuntimeError("a crash inside the build")

    monkeypatch.setattr(ws_module, "Build", Crashing)
    monkeypatch.setenv("EXECDOCS_CACHE", str(settings.cache_dir))
    with pytest.raises(RuntimeError):
        ws.run(str(settings.docs_dir), str(tmp_path / "site"), lambda _m: None)
    with open(settings.cache_dir / "build.lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pytest.fail("the build lock is still held after the rebuild crashed")
    ws.close()
