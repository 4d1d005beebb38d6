"""Hardening (issue 19, part 5): authors are told exactly what to do, once.

Tried as a new author would: the messages must name the fix (the closest valid marker, the
exact ``make accept`` command), never repeat themselves, and the drift report must work
inside a downloaded CI artifact.  Claims are tied to the prose sentence they back.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from execdocs.render import drift_report
from execdocs.model import BlockResult
from execdocs.parse.page import parse
from execdocs.render.page import render_page

from enginekit import ROOT, build, py, write_site

QUIZ = """
<div class="quiz" data-quiz-id="q" data-check="output" markdown>

#### What is printed?

```python
print(2)
```

- [x] `2`
- [ ] `3`

</div>
"""


def terminal(problem) -> str:
    """What the strict build logs for one problem (hooks/report.py)."""
    from execdocs.messages import terminal_text

    return terminal_text(problem)


def test_expected_output_after_a_cont_block_is_shown_once():
    text = ("# T\n\n```python\nx = 41\n```\n\n<!--pytest-codeblocks:cont-->\n```python\nprint(x + 1)\n```\n\n"
            "<!--pytest-codeblocks:expected-output-->\n```text\n42\n```\n")
    page = parse(text, "p.md")
    results = {page.blocks[0].key: BlockResult(), page.blocks[1].key: BlockResult(stdout="42\n")}
    rendered = render_page(page, results, [], lambda f: "x.png")
    assert "exec-output" not in rendered
    assert rendered.count("42\n") == 1


def test_misspelled_marker_suggests_the_closest_and_raises_no_false_quiz_error():
    text = "# T\n\n```python\nx = 1\n```\n\n<!--pytest-codeblocks:contt-->\n```python\nprint(x)\n```\n" + QUIZ
    page = parse(text, "p.md")
    assert [type(e).__name__ for e in page.errors] == ["MarkerError"]
    message = str(page.errors[0])
    assert message.startswith("p.md:7: ")
    assert "did you mean <!--pytest-codeblocks:cont-->" in message
    for valid in ("expected-output", "skipfile", "pytest.mark.xfail", "exec:"):
        assert valid in message


def test_misspelled_exec_option_suggests_the_closest():
    page = parse("<!--exec: timout=5-->\n```python\nx = 1\n```\n", "p.md")
    assert "did you mean timeout" in str(page.errors[0])


def test_drift_message_says_how_to_accept(tmp_path):
    settings = write_site(tmp_path, {"a.md": "# A\n\n" + py("print(1)")})
    assert build(settings, accept=True).problems == []
    (settings.docs_dir / "a.md").write_text("# A\n\n" + py("print(2)"))
    session = build(settings)
    assert [p.where for p in session.problems] == ["a.md:3"]
    assert 'make accept PAGES="docs/a.md"' in session.problems[0].detail


def test_marker_and_claim_messages_say_things_once(tmp_path):
    claim = "from cnnlab.claims import claim\nclaim(1 > 2, 'one beats two', 'one')"
    pages = {"a.md": "# A\n\n<!--exec: bogus=1-->\n```python\nx = 1\n```\n", "c.md": "# C\n\n" + py(claim)}
    session = build(write_site(tmp_path, pages))
    by_page = {p.page: p for p in session.problems}
    marker_text = terminal(by_page["a.md"])
    assert marker_text.count("unknown exec option") == 1 and marker_text.count("a.md:3") == 1
    claim_text = terminal(by_page["c.md"])
    assert claim_text.count("claim does not hold: one beats two") == 1, claim_text
    assert claim_text.count("from cnnlab.claims import claim") == 1, claim_text
    html = drift_report.render_report([by_page["c.md"]])
    assert html.count("from cnnlab.claims import claim") == 1, "the block's source is shown twice in the report"


def test_first_build_counts_cache_reuse_consistently(tmp_path):
    same = py("print('same')")
    settings = write_site(tmp_path, {"a.md": "# A\n\n" + same, "b.md": "# B\n\n" + same})
    logs: list[str] = []
    session = build(settings, accept=True, logs=logs)
    start = next(m for m in logs if m.startswith("executing"))
    reused = int(re.search(r"(\d+) block\(s\) reused from the cache", start)[1])
    summary = session.summary()
    from_cache = int(re.search(r"(\d+) from cache", summary)[1])
    assert (reused, from_cache) == (0, 0), (start, summary)
    assert "1 identical" in summary


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def test_drift_report_links_resolve_inside_the_downloaded_artifact(tmp_path):
    settings = write_site(tmp_path, {"a.md": "# A\n\n" + py("print(1)")})
    assert build(settings, accept=True).problems == []
    (settings.docs_dir / "a.md").write_text("# A\n\n" + py("print(2)"))
    session = build(settings)
    report = drift_report.publish(session.problems, tmp_path / "drift-report", settings.docs_dir, tmp_path / "site")
    downloaded = tmp_path / "downloads" / "drift-report"
    shutil.copytree(report.parent, downloaded)
    links = [h for h in hrefs((downloaded / "index.html").read_text()) if not h.startswith("#")]
    assert links
    for link in links:
        if link.startswith(("https://", "http://")):
            continue
        target = (downloaded / link).resolve()
        assert target.is_relative_to(downloaded.resolve()) and target.is_file(), link


def test_figure_drift_shows_no_text_table(tmp_path):
    plot = "import matplotlib.pyplot as plt\nplt.plot([0, 1, 2], [0, 2, 1], color={c!r}, linewidth=8)"
    settings = write_site(tmp_path, {"f.md": "# F\n\n" + py(plot.format(c="red"))})
    assert build(settings, accept=True).problems == []
    (settings.docs_dir / "f.md").write_text("# F\n\n" + py(plot.format(c="blue")))
    session = build(settings)
    assert [p.where for p in session.problems] == ["f.md:3"]
    html = drift_report.render_report(session.problems)
    assert 'class="diff"' not in html and "numbers beyond rtol" not in html
    assert "data:image/png" in html


CLAIM_PAGE = """# C

{sentence}

```python
from cnnlab.claims import claim
drop = 45.0
claim(drop >= 40, "the permutation costs the CNN at least 40 points", f"{{drop:.1f}} points")
```
"""


def test_claim_is_tied_to_its_sentence(tmp_path):
    sentence = "Shuffling the pixels costs the CNN at least 40 points of accuracy."
    settings = write_site(tmp_path, {"c.md": CLAIM_PAGE.format(sentence=sentence)})
    assert build(settings, accept=True).problems == []
    assert build(settings).problems == []
    (settings.docs_dir / "c.md").write_text(CLAIM_PAGE.format(sentence=sentence.replace("40", "60")))
    session = build(settings)
    assert [p.where for p in session.problems] == ["c.md:5"]
    detail = session.problems[0].detail
    assert "the permutation costs the CNN at least 40 points" in detail and "60 points" in detail
    assert 'make accept PAGES="docs/c.md"' in detail


def test_authoring_guide_covers_a_new_page():
    guide = (ROOT / "docs" / "authoring.md").read_text()
    section = guide.split("## A new page", 1)[1].split("\n## ", 1)[0]
    assert "nav:" in section and "make accept PAGES=" in section and "git status records/" in section
    makefile = (ROOT / "Makefile").read_text()
    assert "git status records/" in makefile


def test_make_refuses_a_venv_that_links_outside_the_checkout(tmp_path):
    clone = tmp_path / "clone"
    clone.mkdir()
    for name in ("Makefile", "requirements.lock", "pyproject.toml", "package.json", "package-lock.json"):
        shutil.copy(ROOT / name, clone / name)
    other = tmp_path / "other-venv"  # another checkout's environment, its python a stand-in that logs calls
    (other / "bin").mkdir(parents=True)
    (other / "bin" / "python").write_text(f"#!/bin/sh\necho \"$@\" >> {other}/CALLED\n")
    (other / "bin" / "python").chmod(0o755)
    (clone / ".venv").symlink_to(other)
    proc = subprocess.run(["make", "env"], cwd=clone, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert ".venv is a symbolic link" in proc.stdout + proc.stderr
    assert sorted(p.name for p in other.rglob("*")) == ["bin", "python"], "make wrote into another checkout's environment"
    other_modules = tmp_path / "other-modules"
    other_modules.mkdir()
    (other_modules / "keep").write_text("x")
    (clone / "node_modules").symlink_to(other_modules)
    proc = subprocess.run(["make", "npm"], cwd=clone, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and "node_modules is a symbolic link" in proc.stdout + proc.stderr
    assert (other_modules / "keep").exists()
