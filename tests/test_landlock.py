"""run.landlock: which paths keep write rights around the guarded folders, and tree_guard, the
report that remains where Landlock is missing.  (The refusal itself, in a real chain, is
tests/test_hardening_escapes.py::test_block_writing_into_docs_or_records_is_refused_or_reported.)"""
from __future__ import annotations

import os

from execdocs.check import tree_guard
from execdocs.model import Block, Chain, Options
from execdocs.run.landlock import writable_around


def test_siblings_keep_write_rights_and_the_guarded_folders_and_their_ancestors_do_not(tmp_path):
    project = tmp_path / "project"
    for folder in ("docs", "records", "site", ".cache"):
        (project / folder).mkdir(parents=True)
    (project / "mkdocs.yml").write_text("")
    (tmp_path / "elsewhere").mkdir()
    kept = set(writable_around([str(project / "docs"), str(project / "records")]))
    assert {str(project / "site"), str(project / ".cache"), str(project / "mkdocs.yml"),
            str(tmp_path / "elsewhere")} <= kept
    for refused in (project / "docs", project / "records", project, tmp_path, tmp_path.parent, "/"):
        assert str(refused) not in kept, refused


def test_a_link_to_a_guarded_folder_or_to_an_ancestor_keeps_no_rights(tmp_path):
    docs = tmp_path / "project" / "docs"
    docs.mkdir(parents=True)
    (tmp_path / "to-docs").symlink_to(docs)
    (tmp_path / "to-inside").symlink_to(docs / "sub")
    (tmp_path / "to-project").symlink_to(tmp_path / "project")  # like pytest's pytest-current
    kept = set(writable_around([str(docs)]))
    assert not {str(tmp_path / name) for name in ("to-docs", "to-inside", "to-project")} & kept


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
