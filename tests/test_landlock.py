"""run.landlock: a confined process writes only beneath the paths it keeps, and tree_guard, the
report that remains where Landlock is missing.  (The refusal itself, in a real chain, is
tests/test_hardening_escapes.py::test_block_writing_into_docs_or_records_is_refused_or_reported.)"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from execdocs.check import tree_guard
from execdocs.model import Block, Chain, Options
from execdocs.run import landlock


def test_a_confined_process_writes_only_beneath_the_paths_it_keeps(tmp_path):
    """The model since issue 28: everything read-only but the run dir (and /dev), links included."""
    if not landlock.available():
        pytest.skip("the kernel has no Landlock")
    kept, other = tmp_path / "run", tmp_path / "project"
    kept.mkdir(), other.mkdir()
    (kept / "to-other").symlink_to(other)
    code = ("import os, sys\nfrom execdocs.run.landlock import forbid_writes\n"
            f"assert forbid_writes([{str(kept)!r}])\n"
            f"open({str(kept / 'ok.txt')!r}, 'w').close()\nopen(os.devnull, 'w').close()\n"
            f"for path in [{str(other / 'no.txt')!r}, {str(kept / 'to-other' / 'no2.txt')!r}]:\n"
            "    try:\n        open(path, 'w').close()\n        sys.exit('wrote ' + path)\n"
            "    except PermissionError:\n        pass\n")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1] / "src"))
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert (kept / "ok.txt").exists() and not list(other.iterdir())


def test_tree_guard_reports_a_new_file_in_docs_and_any_change_in_records(tmp_path):
    docs, records = tmp_path / "docs", tmp_path / "records"
    docs.mkdir(), records.mkdir()
    (docs / "page.md").write_text("# old")
    (records / "page.json").write_text("{}")
    before = tree_guard.listing([docs, records])
    (docs / "page.md").write_text("# edited by the author while the build ran")
    (docs / "sneaky.md").write_text("# new")
    (records / "page.json").write_text('{"changed": 1}')
    after = tree_guard.listing([docs, records])
    written = tree_guard.changed(before, after, new_only=docs)
    assert written == sorted([str(docs / "sneaky.md"), str(records / "page.json")])
    chain = Chain((Block(page="a.md", index=0, line=3, end_line=4, code="x = 1\n", cont=False, options=Options()),))
    (problem,) = tree_guard.write_problems(written, tmp_path, {chain: (0.0, 4e9)}, after)
    assert problem.kind == "block wrote into the source tree" and problem.page == "a.md"
    assert os.path.join("docs", "sneaky.md") in problem.detail and os.path.join("records", "page.json") in problem.detail
