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
    rendered = session.render("a.md")
    assert "NameError: name 'F' is not defined" in rendered and 'title="Raises NameError"' in rendered
    assert "as intended" not in rendered


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
    out = session.render("a.md")
    assert "```{ .text .exec-output title=\"Output\" }\nhello\n```" in out
    assert "| k | 3 |" in out and "exec-output" in out
    figure = [name for name in session.figures]
    assert len(figure) == 1 and figure[0].startswith("_exec/") and f"]({figure[0]})" in out
    assert "![Figure “A line”: a plot: a line goes from 0 to 1" in out
    assert 'class="exec-provenance"' in out and "torch" in out
    assert "torch.Size([2, 3])\n```\n\n```{ .text .exec-output" not in out  # expected-output not repeated
    nested = session.render("sub/b.md", figure_prefix="../")
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
    assert third.results[("a.md", 0)] is not None and third.pages["a.md"].blocks[0].line == 5


def test_strict_compare_against_record_after_accept(built):
    _, settings, _ = built
    strict = build(settings, accept=False)
    assert {p.where.split(":")[0] for p in strict.problems} == {"sub/b.md"}  # only the wrong expected-output


# -- artifacts and identical chains ------------------------------------------------------------------
ARTIFACT_PAGES = {
    "art.md": "# Artifacts\n\n" + "\n".join([
        py("import os, pathlib\nout = pathlib.Path(os.environ['EXECDOCS_ARTIFACTS'])\n"
           "print(out.is_absolute(), sorted(os.listdir(out)))\n(out / 'weights.bin').write_bytes(b'w' * 10)"),
        py("print((out / 'weights.bin').read_bytes()[:3])\n(out / 'model.txt').write_text('m')",
           "<!--pytest-codeblocks:cont-->"),
    ]),
    "sub/deep.md": "# Deep\n\n" + py("import os, pathlib\npathlib.Path(os.environ['EXECDOCS_ARTIFACTS'], 'x.csv').write_text('a,b')"),
    "dup1.md": "# One\n\n" + py("import os, time\nprint('shared', os.getpid(), time.time())"),
    "dup2.md": "# Two\n\nOther prose.\n\n" + py("import os, time\nprint('shared', os.getpid(), time.time())"),
}


@pytest.fixture(scope="module")
def artifact_build(tmp_path_factory):
    settings = write_site(tmp_path_factory.mktemp("artifacts"), ARTIFACT_PAGES)
    logs: list[str] = []
    return build(settings, accept=True, logs=logs), settings, logs


def test_artifacts_collected_per_block_and_published_by_page(artifact_build):
    session, _, _ = artifact_build
    first, second = session.results[("art.md", 0)], session.results[("art.md", 1)]
    assert first.stdout == "True []\n", "the directory is absolute and empty when the chain starts"
    assert [(a.name, a.data) for a in first.artifacts] == [("weights.bin", b"w" * 10)]
    assert second.stdout == "b'www'\n", "a later block of the chain reads an earlier block's file"
    assert [a.name for a in second.artifacts] == ["model.txt"], "only files new or changed in this block"
    assert session.artifacts == {"artifacts/art/weights.bin": b"w" * 10, "artifacts/art/model.txt": b"m",
                                 "artifacts/sub/deep/x.csv": b"a,b"}


def test_artifacts_recorded_by_name_and_size_and_drift_on_name_change(artifact_build):
    import json

    session, settings, _ = artifact_build
    record = json.loads((settings.records_dir / "art.json").read_text())
    assert record["blocks"][0]["outputs"]["any"]["artifacts"] == [{"name": "weights.bin", "bytes": 10}]
    assert "artifacts" not in json.loads((settings.records_dir / "dup1.json").read_text())["blocks"][0]["outputs"]["any"]
    path = settings.docs_dir / "art.md"
    original = path.read_text()
    try:
        path.write_text(original.replace("'weights.bin').write_bytes(b'w' * 10)", "'weights.bin').write_bytes(b'w' * 12)"))
        assert not build(settings).problems, "a changed size alone is not drift"
        path.write_text(original.replace("weights.bin", "weights2.bin"))
        problems = build(settings).problems
        assert [p.where for p in problems] == ["art.md:3"], problems
        assert "-weights.bin" in problems[0].detail and "+weights2.bin" in problems[0].detail
    finally:
        path.write_text(original)


def test_artifact_limits_are_block_errors(site):
    settings = site({"big.md": py("import os, pathlib\npathlib.Path(os.environ['EXECDOCS_ARTIFACTS'], 'big')"
                                  ".write_bytes(b'0' * (17 * 1024 * 1024))"),
                     "bad.md": py("import os\nos.mkdir(os.environ['EXECDOCS_ARTIFACTS'] + '/sub')")})
    session = build(settings, accept=True)
    details = {p.where: p.detail for p in session.problems}
    assert "over the limit" in details["big.md:1"] and "16,777,216" in details["big.md:1"]
    assert "only hold plain files" in details["bad.md:1"] and "'sub'" in details["bad.md:1"]
    assert session.artifacts == {}


def test_identical_chains_run_once_and_both_pages_get_the_result(artifact_build):
    session, _, logs = artifact_build
    one, two = session.results[("dup1.md", 0)], session.results[("dup2.md", 0)]
    assert one is two, "the second page reuses the first's run (same pid and clock in the output)"
    assert any(l.startswith("executing 3 chain(s)") for l in logs), logs
    sources = sorted(t["cached"] for t in session.timings if t["where"].startswith("dup"))
    assert sources == [False, True]
