"""workspace: what the MkDocs hooks share; pages whose outputs changed are found for `serve --dirty`."""
from __future__ import annotations

from enginekit import py
from execdocs import workspace


def test_changed_pages_follow_outputs_not_only_sources(tmp_path, monkeypatch):
    """Editing project code changes a page's outputs without touching its source: it must be rebuilt."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "helper.py").write_text("VALUE = 1\n")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "uses.md").write_text("# Uses\n\n" + py("import helper\nprint(helper.VALUE)"))
    (docs / "sub").mkdir()
    (docs / "sub" / "plain.md").write_text("# Plain\n\n" + py("print('constant')"))
    monkeypatch.setenv("EXECDOCS_ACCEPT", "1")
    monkeypatch.syspath_prepend(str(tmp_path / "src"))
    ws = workspace.workspace(str(tmp_path / "mkdocs.yml"))
    try:
        ws.run(str(docs), str(tmp_path / "site"), lambda m: None)
        assert ws.changed_pages() == {"uses.md", "sub/plain.md"}  # first build: everything
        ws.run(str(docs), str(tmp_path / "site"), lambda m: None)
        assert ws.changed_pages() == set()
        (tmp_path / "src" / "helper.py").write_text("VALUE = 2\n")
        ws.run(str(docs), str(tmp_path / "site"), lambda m: None)
        assert ws.changed_pages() == {"uses.md"}
        assert "2" in ws.render("uses.md").split("```{ .text .exec-output")[1]
    finally:
        workspace.close_all()
