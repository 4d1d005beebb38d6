"""Hardening v2 (issue 28, case 1): a block cannot change the project or the user's home.

Landlock used to make only docs/ and records/ read-only: a block could create hooks/x.py (run
by the next build), delete files in src/, append to mkdocs.yml, write into .git/ and $HOME,
and append to the target of a symlinked page, all unreported.  Now a chain may write only in
its run dir (working directory, TMPDIR, $EXECDOCS_ARTIFACTS) and /dev; where the kernel has no
Landlock, the build says so and reports every change in the project after the run.
"""
from __future__ import annotations

import os

import pytest

from enginekit import build, py, write_site
from execdocs.run import landlock

ATTEMPTS = """\
import os, tempfile
def put(path, mode, text):
    with open(path, mode) as handle:
        handle.write(text)
def attempt(label, action):
    try:
        action()
        print('did', label)
    except OSError as err:
        print('refused', label, type(err).__name__)
attempt('hook', lambda: put({hook!r}, 'w', 'print(1)'))
attempt('delete', lambda: os.unlink({source!r}))
attempt('config', lambda: put({config!r}, 'a', 'hooks: [evil.py]'))
attempt('git', lambda: put({git!r}, 'w', '#!/bin/sh'))
attempt('home', lambda: put(os.path.expanduser({home!r}), 'w', 'x'))
attempt('link', lambda: put({link!r}, 'a', 'appended'))
attempt('outside', lambda: put({outside!r}, 'w', 'x'))
attempt('cwd', lambda: put('here.txt', 'w', 'x'))
attempt('artifact', lambda: put(os.path.join(os.environ['EXECDOCS_ARTIFACTS'], 'a.txt'), 'w', 'x'))
attempt('tempfile', lambda: tempfile.TemporaryFile().close())
attempt('devnull', lambda: put(os.devnull, 'w', 'x'))
"""


def project(tmp_path):
    """A small project beside a folder outside it, with a page linked from there."""
    root, outside = tmp_path / "project", tmp_path / "outside"
    outside.mkdir()
    (outside / "notes.md").write_text("# Notes\n")
    for folder in ("hooks", "src", ".git/hooks"):
        (root / folder).mkdir(parents=True)
    (root / "src" / "pkg.py").write_text("A = 1\n")
    (root / "mkdocs.yml").write_text("site_name: x\n")
    home = f"~/execdocs-test28-{os.getpid()}"
    paths = dict(hook=str(root / "hooks" / "x.py"), source=str(root / "src" / "pkg.py"),
                 config=str(root / "mkdocs.yml"), git=str(root / ".git" / "hooks" / "pre-commit"), home=home,
                 link=str(root / "docs" / "link.md"), outside=str(outside / "new.txt"))
    settings = write_site(root, {"a.md": "# A\n\n" + py(ATTEMPTS.format(**paths))})
    (root / "docs" / "link.md").symlink_to(outside / "notes.md")
    return settings, paths


def snapshot(root) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.skipif(landlock.abi_version() < 1, reason="the kernel has no Landlock")
def test_a_chain_writes_only_in_its_own_folders(tmp_path):
    settings, paths = project(tmp_path)
    before = snapshot(tmp_path)
    try:
        session = build(settings, accept=True)
    finally:
        leaked = os.path.expanduser(paths["home"])
        home_written = os.path.exists(leaked)
        if home_written:
            os.unlink(leaked)
    lines = session.results[("a.md", 0)].stdout.splitlines()
    refused = [line.split()[1] for line in lines if line.startswith("refused")]
    assert refused == ["hook", "delete", "config", "git", "home", "link", "outside"], lines
    assert [line.split()[1] for line in lines if line.startswith("did")] == ["cwd", "artifact", "tempfile",
                                                                           "devnull"]
    assert not home_written
    after = {k: v for k, v in snapshot(tmp_path).items() if "/records/" not in k and "/.cache/" not in k}
    assert after == before
    assert session.problems == []


def test_without_landlock_the_build_says_so_and_reports_writes_into_the_project(tmp_path, monkeypatch):
    monkeypatch.setattr(landlock, "available", lambda: False)
    settings, paths = project(tmp_path)
    paths_code = "import os\n" + "".join(f"with open({paths[k]!r}, {m!r}) as f:\n    f.write('x')\n"
                                         for k, m in (("hook", "w"), ("config", "a"), ("link", "a"))) \
        + f"os.unlink({paths['source']!r})"
    (settings.docs_dir / "a.md").write_text("# A\n\n" + py(paths_code))
    logs: list[str] = []
    session = build(settings, accept=True, logs=logs)
    assert any("no Landlock" in line and "$HOME" in line for line in logs), logs
    assert [(p.kind, p.where) for p in session.problems] == [("block wrote into the source tree", "a.md:3")]
    detail = session.problems[0].detail
    for name in ("hooks/x.py", "mkdocs.yml", "docs/link.md", "src/pkg.py"):
        assert name in detail, detail
