"""Inline values: prose shows what the code printed, checked like any output (parse.values,
check.values, render): references, value lines, substitution, the problems, drift, downloads."""
from __future__ import annotations

import json

from enginekit import build, py, write_site

from execdocs.parse.values import collect, printed_values, references, substitute, without_values

PROSE = "It reaches {glue}`acc` after {glue}`epochs` epochs.\n\n```text\n{glue}`acc` stays literal\n```\n"


def test_references_outside_fences_only_with_lines():
    assert [(r.name, r.line) for r in references(PROSE)] == [("acc", 1), ("epochs", 1)]
    assert substitute(PROSE, {"acc": "95.0 %", "epochs": "10"}).split("\n")[0] == "It reaches 95.0 % after 10 epochs."
    assert "{glue}`acc` stays literal" in substitute(PROSE, {"acc": "95.0 %"})
    assert substitute("see {glue}`nope`", {}) == "see {glue}`nope`"  # reported by the check, left visible


def test_value_lines_are_read_and_hidden_from_the_reader():
    stdout = "epoch 1\nglue: acc = 95.0 %\nglue: loss-final = 0.123\ndone\n"
    assert printed_values(stdout) == [("acc", "95.0 %"), ("loss-final", "0.123")]
    assert without_values(stdout) == "epoch 1\ndone\n"
    assert without_values("glue: acc = 1") == ""
    assert without_values("no glue: here = 1\n") == "no glue: here = 1\n"  # only whole lines are values


def test_collect_keeps_the_first_and_reports_a_clash():
    values, clashes = collect([(3, "glue: a = 1\n"), (9, "glue: a = 1\nglue: b = 2\n"), (14, "glue: a = 3\n")])
    assert values == {"a": "1", "b": "2"}
    assert [(c.name, c.line, c.first, c.second) for c in clashes] == [("a", 14, "1", "3")]


PAGE = "# V\n\n" + py("acc = 0.95\nprint('trained')\nprint(f'glue: acc = {acc:.1%}')") + \
    "\nThe model reaches {glue}`acc` on held-out data.\n"


def test_a_built_page_shows_the_value_in_its_sentence_and_not_in_the_output(tmp_path):
    session = build(write_site(tmp_path, {"v.md": PAGE}), accept=True)
    assert session.problems == []
    rendered = session.render("v.md")
    assert "The model reaches 95.0% on held-out data." in rendered
    assert "trained" in rendered and "glue: acc = 95" not in rendered  # the code shows it, the output not
    record = json.loads((tmp_path / "records" / "v.json").read_text())
    assert "glue: acc = 95.0%" in json.dumps(record)  # recorded with the block's stdout: drift-checked


def test_unknown_reference_and_clash_are_problems_at_their_lines(tmp_path):
    page = PAGE + "\nAnd {glue}`acuracy` is a typo.\n" + py("print('glue: acc = 12%')")
    session = build(write_site(tmp_path, {"v.md": page}), accept=True)
    found = {(p.line, p.kind) for p in session.problems}
    typo = page.split("\n").index("And {glue}`acuracy` is a typo.") + 1
    clash = [i for i, line in enumerate(page.split("\n"), 1) if line == "```python"][1]
    assert found == {(typo, "inline value error"), (clash, "inline value error")}, session.problems
    details = "\n".join(p.detail for p in session.problems)
    assert "names no value the page's code printed (printed here: acc)" in details
    assert "printed again with other text: '12%' (first printed '95.0%')" in details


def test_a_changed_value_is_a_drift_of_its_block(tmp_path):
    settings = write_site(tmp_path, {"v.md": PAGE})
    build(settings, accept=True)
    write_site(tmp_path, {"v.md": PAGE.replace("acc = 0.95", "acc = 0.91")})
    session = build(settings)
    assert [(p.line, p.kind) for p in session.problems] == [(3, "output drifted")]
    assert "91.0%" in session.problems[0].detail


def test_notebook_download_gets_the_value_as_text(tmp_path):
    from execdocs.render import downloads

    session = build(write_site(tmp_path, {"v.md": PAGE}), accept=True)
    page = session.pages["v.md"]
    nb = downloads.notebook(page, downloads.page_parts(page), session.results, downloads.Site(url="", wheel="cnnlab-0-py3-none-any.whl"), "v/", "V")
    prose = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "The model reaches 95.0% on held-out data." in prose and "{glue}" not in prose
