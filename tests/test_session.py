"""Session: markers honoured like pytest-codeblocks, cache stats, expected output, render, provenance."""
from __future__ import annotations

import pytest

from enginekit import build, py, write_site

PAGES = {
    "a.md": "# A\n\n" + "\n".join([
        py("print('hello')"),                                                    # 3
        py("import sys\nraise RuntimeError('never')", "<!--pytest.mark.skip-->"),  # 8
        py("raise RuntimeError('never')", "<!--pytest.mark.skipif(sys.platform != 'nope', reason='x')-->"),
        py("print('runs')", "<!--pytest.mark.skipif(sys.platform == 'nope')-->"),
        py("raise NameError(\"name 'F' is not defined\")", "<!--pytest.mark.xfail-->"),
        py("import torch\ntorch.manual_seed(0)\nprint(torch.ones(2, 3).shape)"),
        "<!--pytest-codeblocks:expected-output-->\n```text\ntorch.Size([2, 3])\n```\n",
        py("print('a   b')"),
        "<!--pytest-codeblocks:expected-output-ignore-whitespace-->\n```text\na b\n```\n",
        py("import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([0, 1])\nfig.suptitle('A line')"),
        py("print('| col | val |')\nprint('|---|---|')\nprint('| k | 3 |')", "<!--exec: output=markdown-->"),
    ]),
    "sub/b.md": "# B\n\n" + py("print('loss', 0.123456)", "<!--exec: rtol=1e-2-->")
                + "\n<!--pytest-codeblocks:expected-output-->\n```text\nloss 0.124\n```\n"
                + "\n" + py("print(2)") + "\n<!--pytest-codeblocks:expected-output-->\n```text\n3\n```\n",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("session")
    settings = write_site(root, PAGES)
    logs: list[str] = []
    session = build(settings, accept=True, logs=logs)
    return session, settings, logs


def test_skip_and_skipif_are_not_run(built):
    session, _, _ = built
    assert ("a.md", 1) not in session.results and ("a.md", 2) not in session.results
    assert session.results[("a.md", 3)].stdout == "runs\n"
    assert session.stats["skipped"] == 2
    assert not any("never" in p.detail for p in session.problems)


def test_xfail_shows_type_and_message(built):
    session, _, _ = built
    r = session.results[("a.md", 4)]
    assert r.exception.type == "NameError"
    rendered = session.render("a.md", session.markdown["a.md"])
    assert "NameError: name 'F' is not defined" in rendered and 'title="Raises NameError"' in rendered


def test_expected_output_checked_exactly_and_numbers_with_rtol(built):
    session, _, _ = built
    wheres = {p.where for p in session.problems}
    lines = PAGES["sub/b.md"].splitlines()
    wrong_fence = [i for i, l in enumerate(lines, 1) if l == "```text"][1]
    assert wheres == {f"sub/b.md:{wrong_fence}"}, session.problems
    problem = session.problems[0]
    assert "-3" in problem.detail and "+2" in problem.detail and "page says" in problem.detail


def test_render_outputs_figures_markdown_and_provenance(built):
    session, _, _ = built
    out = session.render("a.md", session.markdown["a.md"])
    assert "```{ .text .exec-output title=\"Output\" }\nhello\n```" in out
    assert "| k | 3 |" in out and "exec-output" in out
    figure = [name for name in session.figures]
    assert len(figure) == 1 and figure[0].startswith("_exec/") and f"]({figure[0]})" in out
    assert "![A line]" in out
    assert 'class="exec-provenance"' in out and "torch" in out
    assert "torch.Size([2, 3])\n```\n\n```{ .text .exec-output" not in out  # expected-output not repeated
    nested = session.render("sub/b.md", session.markdown["sub/b.md"], figure_prefix="../")
    assert "exec-provenance" in nested


def test_progress_and_timing(built):
    session, _, logs = built
    assert any(l.startswith("executing ") for l in logs)
    assert any(l.startswith("[1/") for l in logs)
    assert logs[-1] == session.summary()
    assert len(session.timings) == session.stats["ran"] + session.stats["cached"]
    table = session.timing_markdown()
    assert "a.md:3" in table and "| ran |" in table


def test_rebuild_uses_cache_and_one_edit_reruns_one_chain(built, tmp_path):
    _, settings, _ = built
    again = build(settings, accept=True)
    assert again.stats["ran"] == 0 and again.stats["cached"] > 0
    path = settings.docs_dir / "a.md"
    path.write_text(path.read_text().replace("print('hello')", "print('hello again')")
                    .replace("# A\n", "# A, with new prose\n\nMore prose.\n"))
    logs: list[str] = []
    third = build(settings, accept=True, logs=logs)
    assert third.stats["ran"] == 1
    assert third.results[("a.md", 0)].stdout == "hello again\n"
    assert third.results[("a.md", 0)] is not None and third.pages["a.md"][0].line == 5


def test_strict_compare_against_record_after_accept(built):
    _, settings, _ = built
    strict = build(settings, accept=False)
    assert {p.where.split(":")[0] for p in strict.problems} == {"sub/b.md"}  # only the wrong expected-output
