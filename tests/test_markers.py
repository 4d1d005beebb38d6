"""markers: pytest.mark.* read with ast like pytest does; anything malformed names page:line.

The property tests feed random marker and fence text through the parser, the checks, the
renderer and (a few examples) a real build: nothing may raise, and every problem must
name the page and a line that exists.
"""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from enginekit import build, write_site
from execdocs.errors import ExecDocsError, MarkerError
from execdocs.parse.markers import read_mark
from execdocs.model import Page
from execdocs.parse.page import parse
from execdocs.render.page import render_page


@pytest.mark.parametrize("text, skips", [
    ('pytest.mark.skipif(sys.platform == "x",reason=\'y\')', False),  # no space after the comma
    ("pytest.mark.skipif(sys.platform != 'x', reason = \"y\")", True),
    ("pytest.mark.skipif('sys.platform != \"x\"', reason='string condition, like pytest')", True),
    ("pytest.mark.skipif(True,\n reason='''multi\nline''')", True),
    ("pytest.mark.skipif(sys.version_info < (3, 8))", False),
    ("pytest.mark.skipif(condition=False)", None),
    ("pytest.mark.skip", True),
    ("pytest.mark.skip(reason='later')", True),
    ("pytest.mark.xfail", False),
    ("pytest.mark.xfail(raises=ValueError, strict=True)", False),
])
def test_marks_parsed_and_evaluated_like_pytest(text, skips):
    if skips is None:
        with pytest.raises(MarkerError, match="one condition"):
            read_mark(text, "p.md", 4)
        return
    mark = read_mark(text, "p.md", 4)
    assert mark.skips is skips and mark.text == text


@pytest.mark.parametrize("text, needle", [
    ("pytest.mark.skipif(sys.platform == 'x', reason='y'", "malformed marker"),
    ("pytest.mark.skipif(", "malformed marker"),
    ("pytest.mark.skipif", "needs a condition"),
    ("pytest.mark.skipif(nonsense_name)", "cannot be evaluated: NameError"),
    ("pytest.mark.skipif('1/0')", "ZeroDivisionError"),
    ("pytest.mark.skipif(True, reason=3)", "must be a string"),
    ("pytest.mark.skipif(True, False)", "exactly one condition"),
    ("pytest.mark.parametrize('x', [1])", "unknown marker"),
    ("pytest.mark.skipif(True, why='x')", "one condition and reason"),
])
def test_malformed_marks_are_marker_errors_at_page_line(text, needle):
    with pytest.raises(MarkerError) as info:
        read_mark(text, "dir/p.md", 7)
    assert str(info.value).startswith("dir/p.md:7: ") and needle in str(info.value)


def test_malformed_marker_in_a_build_is_a_problem_not_a_traceback(site):
    settings = site({"m.md": "# M\n\n<!--pytest.mark.skipif(sys.platform == 'x',reason='y')-->\n```python\n"
                             "print('ran')\n```\n\n<!--pytest.mark.skipif(oops(-->\n```python\nprint(2)\n```\n"})
    session = build(settings, accept=True)
    assert [p.where for p in session.problems] == ["m.md:8"]
    assert "malformed marker" in session.problems[0].detail
    assert session.render("m.md").startswith("# M")  # the page still renders, with the problem on it


# -- property tests ------------------------------------------------------------------------------------
MARKERS = st.sampled_from([
    "<!--pytest-codeblocks:cont-->", "<!--pytest-codeblocks:expected-output-->",
    "<!--pytest-codeblocks:expected-output-ignore-whitespace-->", "<!--pytest-codeblocks:skipfile-->",
    "<!--pytest.mark.xfail-->", "<!--pytest.mark.skip-->", "<!--exec: timeout=5-->", "<!--exec: rtol=x-->",
    "<!--pytest-codeblocks:bogus-->", "<!-- pytest.mark.nope -->", "<!--exec: output=html-->",
])
MARK_ARGS = st.text(alphabet="()'\",= abcsyTrueFalse.<>!_[]01\n", max_size=30)
FREE_MARK = MARK_ARGS.map(lambda a: f"<!--pytest.mark.skipif({a})-->")
FENCES = st.sampled_from(["```python", "```text", "```", "````python", "    ```python", "~~~python", "```py"])
CODE = st.sampled_from(["pass", "print(1)", "raise ValueError('v')", "x = (", "import sys\nprint(sys.platform)"])
PROSE = st.sampled_from(["", "Prose.", "<div class=\"quiz\" data-quiz-id=\"q\" markdown>", "</div>",
                         "- [x] `1`", "- [ ] 2", "<!--quiz-badge: g-->", "# Title"])


@st.composite
def pages(draw) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.integers(0, 3))
        if kind == 0:
            parts.append(draw(st.one_of(MARKERS, FREE_MARK)))
        elif kind == 1:
            opener = draw(FENCES)
            closer = "" if draw(st.integers(0, 9)) == 0 else opener.strip().rstrip("python").rstrip("py")
            indent = opener[: len(opener) - len(opener.lstrip())]
            parts.append(f"{opener}\n{indent}{draw(CODE)}\n{indent}{closer}" if closer else f"{opener}\n{draw(CODE)}")
        else:
            parts.append(draw(PROSE))
    return "\n".join(parts) + draw(st.sampled_from(["", "\n"]))


def assert_names_page_and_line(text: str, page: Page | None, markdown: str, name: str) -> None:
    match = re.match(rf"{re.escape(name)}:(\d+): ", text)
    assert match, f"error does not start with {name}:line: {text!r}"
    assert 1 <= int(match.group(1)) <= max(1, len(markdown.splitlines())), text


@settings(max_examples=300, deadline=None)
@given(pages())
def test_random_pages_parse_check_and_render_without_crashing(markdown):
    from execdocs.check.checks import check_page

    page = parse(markdown, "r.md")
    for err in page.errors:
        assert isinstance(err, ExecDocsError)
        assert_names_page_and_line(str(err), page, markdown, "r.md")
    problems = check_page(page, {}, None, "cpu")
    for problem in problems:
        assert_names_page_and_line(problem.detail, page, markdown, "r.md")
    render_page(page, {}, problems, lambda f: "x.png")


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pages())
def test_random_pages_build_without_crashing(tmp_path_factory, markdown):
    settings_ = write_site(tmp_path_factory.mktemp("prop"), {"r.md": "# R\n\n" + markdown})
    session = build(settings_, accept=True)
    text = (settings_.docs_dir / "r.md").read_text()
    for problem in session.problems:
        assert_names_page_and_line(problem.detail, None, text, "r.md")
    session.render("r.md")
