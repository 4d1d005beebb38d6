"""Tests for execdocs.parse.quiz: parsing, key verification, rendering edits and the shared hash."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from execdocs.check.quiz_keys import verify
from execdocs.errors import QuizError
from execdocs.model import BlockResult, Edit, ExceptionInfo, Quiz, apply_edits
from execdocs.parse import quiz as quiz_parser
from execdocs.parse.page import parse_page
from execdocs.parse.quiz import find_badges
from execdocs.render.quiz_html import badge_html, fnv1a32, inline_markdown, key_hash, render_badge_edit, render_edits


def find_quizzes(markdown: str, page: str) -> list[Quiz]:
    """The page's quizzes, built on its own parsed blocks (as the build does)."""
    return quiz_parser.find_quizzes(markdown, page, parse_page(markdown, page))


def page_edits(markdown: str, page: str) -> list[Edit]:
    """All quiz and badge edits for a page (what the build applies after verifying)."""
    edits = [e for quiz in find_quizzes(markdown, page) for e in render_edits(quiz)]
    return edits + [render_badge_edit(b) for b in find_badges(markdown, page)]

JS = Path(__file__).resolve().parents[1] / "docs" / "assets" / "quiz.js"

PAGE = '''# Challenge

<!--quiz-badge: challenge "Spatial Pattern Mastery"-->

<div class="quiz" data-quiz-id="ch-shape" data-group="challenge" data-attempts="2" data-timer="120" data-category="Predict output" data-difficulty="intermediate" data-check="output" markdown>

#### Output shape after convolution

What is printed?

```python
import torch
print(torch.zeros(1, 6, 26, 26).shape)
```

- [x] `torch.Size([1, 6, 26, 26])`
- [ ] `torch.Size([1, 6, 28, 28])`
- [ ] `torch.Size([1, 1, 26, 26])` <b>
- [ ] `torch.Size([6, 1, 28, 28])`

??? tip "Hint"
    Output size = (input - kernel + 2 padding) / stride + 1.

??? success "Solution"
    26.

</div>

<div class="quiz" data-quiz-id="ch-why" data-group="challenge" data-category="Conceptual" data-check="none" markdown>

#### Why filters?

- [ ] They shuffle pixels
- [x] They detect **local** patterns

</div>

<div class="quiz" data-quiz-id="p-raise" data-check="raises" markdown>

#### What goes wrong?

<!--pytest.mark.xfail-->
```python
F.relu(1)
```

- [ ] Nothing
- [x] `F` is not defined <!--expect: NameError: name 'F' is not defined-->

</div>

<div class="quiz" data-quiz-id="p-runs" data-check="runs" markdown>

#### Which layer accepts a 64x64 image?

- [ ] Too big linear

    <!--pytest.mark.xfail-->
    ```python
    raise RuntimeError("mat1 and mat2 shapes cannot be multiplied")
    ```

- [x] Conv then adaptive pool

    ```python
    print("ok")
    ```

??? tip "Hint"
    Think.

</div>
'''


def lines_of(text: str, needle: str) -> int:
    """1-based line of the first line containing needle (tests never hard-code line numbers)."""
    return next(i for i, line in enumerate(text.split("\n"), 1) if needle in line)


def ok(stdout: str = "") -> BlockResult:
    return BlockResult(stdout=stdout)


def raised(kind: str, message: str) -> BlockResult:
    return BlockResult(exception=ExceptionInfo(kind, message, "Traceback ..."))


@pytest.fixture
def quizzes() -> dict[str, Quiz]:
    return {q.quiz_id: q for q in find_quizzes(PAGE, "challenge.md")}


# --- parsing ---------------------------------------------------------------------------------

def test_parses_attributes_title_and_options(quizzes):
    q = quizzes["ch-shape"]
    assert (q.page, q.line, q.title, q.check) == ("challenge.md", lines_of(PAGE, 'data-quiz-id="ch-shape"'),
                                                 "Output shape after convolution", "output")
    assert (q.attempts, q.timer, q.group, q.category, q.difficulty) == (2, 120, "challenge", "Predict output",
                                                                       "intermediate")
    assert [o.letter for o in q.options] == ["A", "B", "C", "D"]
    assert q.key.letter == "A" and q.key.plain == "torch.Size([1, 6, 26, 26])"
    assert q.options[1].line == lines_of(PAGE, "torch.Size([1, 6, 28, 28])`")
    assert q.block.line == lines_of(PAGE, "import torch") - 1


def test_defaults_and_expect_and_runs_fences(quizzes):
    why = quizzes["ch-why"]
    assert why.attempts == 2 and why.timer is None and why.key.letter == "B"
    r = quizzes["p-raise"]
    assert r.block.expects_exception and r.key.expect == "NameError: name 'F' is not defined"
    assert r.key.text == "`F` is not defined"
    runs = quizzes["p-runs"]
    assert [o.fence.line for o in runs.options] == [lines_of(PAGE, "    ```python\n    raise".split("\n")[1]) - 1,
                                                    lines_of(PAGE, 'print("ok")') - 1]
    assert runs.options[0].fence.expects_exception and not runs.options[1].fence.expects_exception
    assert runs.blocks == ()


def test_quiz_shown_inside_a_code_fence_is_ignored():
    page = "````text\n" + PAGE.split("# Challenge")[1] + "\n````\n"
    assert find_quizzes(page, "guide.md") == [] and find_badges(page, "guide.md") == []


def test_badge_marker_found(quizzes):
    (badge,) = find_badges(PAGE, "challenge.md")
    assert (badge.group, badge.title, badge.line) == ("challenge", "Spatial Pattern Mastery", 3)


def quiz_page(body: str, attrs: str = 'data-quiz-id="q" data-check="none"') -> str:
    return f'intro\n\n<div class="quiz" {attrs} markdown>\n\n#### Title Q\n\n{body}\n\n</div>\n'


@pytest.mark.parametrize("body, attrs, message", [
    ("Just text.", 'data-quiz-id="q" data-check="none"', "has no options"),
    ("- [ ] a\n- [ ] b", 'data-quiz-id="q" data-check="none"', "exactly one keyed option"),
    ("- [x] a\n- [x] b", 'data-quiz-id="q" data-check="none"', "found 2 (A, B)"),
    ("- [x] a\n- [ ] b", 'data-quiz-id="q" data-check="maybe"', 'data-check="maybe" is unknown'),
    ("- [x] a\n- [ ] b", 'data-check="none"', "no data-quiz-id"),
    ("- [x] a\n- [ ] b", 'data-quiz-id="q" data-check="none" data-attempts="two"', "positive whole number"),
    ("- [x] a\n- [ ] b", 'data-quiz-id="q" data-check="output"', "needs a ```python block"),
    ("```python\nprint(1)\n```\n\n- [x] 1\n- [ ] 2", 'data-quiz-id="q"', "no data-check"),
    ("<!--pytest.mark.xfail-->\n```python\nx\n```\n\n- [x] a\n- [ ] b", 'data-quiz-id="q" data-check="raises"',
     "needs <!--expect"),
    ("```python\nx\n```\n\n- [x] a <!--expect: E-->\n- [ ] b", 'data-quiz-id="q" data-check="raises"',
     "marked <!--pytest.mark.xfail-->"),
    ("- [x] a\n\n    ```python\n    pass\n    ```\n\n- [ ] b\n\n    ```python\n    pass\n    ```",
     'data-quiz-id="q" data-check="runs"', "wrong option B's block must be marked"),
    ("- [x] a\n- [ ] b", 'data-quiz-id="q" data-check="runs"', "option A has no ```python block"),
])
def test_malformed_quizzes_raise_with_page_and_line(body, attrs, message):
    with pytest.raises(QuizError) as info:
        find_quizzes(quiz_page(body, attrs), "bad.md")
    assert str(info.value).startswith("bad.md:") and message in str(info.value)
    assert info.value.line >= 3


def test_duplicate_quiz_id_and_unclosed_div():
    body = quiz_page("- [x] a\n- [ ] b")
    with pytest.raises(QuizError, match=r'bad.md:\d+: duplicate data-quiz-id "q" \(first used at line 3\)'):
        find_quizzes(body + body, "bad.md")
    with pytest.raises(QuizError, match="no closing </div>"):
        find_quizzes(body.replace("</div>", ""), "bad.md")


# --- verification ----------------------------------------------------------------------------

def test_output_right_key_passes(quizzes):
    q = quizzes["ch-shape"]
    assert verify(q, {q.block.key: ok("torch.Size([1, 6, 26, 26])\n")}) == []


def test_output_wrong_key_names_question_and_matching_option(quizzes):
    q = quizzes["ch-shape"]
    (error,) = verify(q, {q.block.key: ok("noise\ntorch.Size([1, 6, 28, 28])\n\n")})
    assert str(error) == (f'challenge.md:{q.key.line}: quiz "Output shape after convolution": keyed option A '
                          f'"torch.Size([1, 6, 26, 26])" does not match the real output "torch.Size([1, 6, 28, 28])" '
                          f"(option B matches)")
    (error,) = verify(q, {q.block.key: ok("something else")})
    assert "(no option matches)" in str(error)


def test_output_two_matching_options_and_exceptions_and_missing_results():
    page = quiz_page("```python\nprint(3)\n```\n\n- [x] `3`\n- [ ] 3", 'data-quiz-id="q" data-check="output"')
    (q,) = find_quizzes(page, "p.md")
    (error,) = verify(q, {q.block.key: ok("3\n")})
    assert 'option B "3" also equals the real output' in str(error)
    assert "raised ValueError: boom" in str(verify(q, {q.block.key: raised("ValueError", "boom")})[0])
    assert "no result for the python block" in str(verify(q, {})[0])
    timeout = BlockResult(failure="timed out after 120 s")
    assert "failed: timed out" in str(verify(q, {q.block.key: timeout})[0])


def test_raises_rules(quizzes):
    q = quizzes["p-raise"]
    line = q.block.key
    assert verify(q, {line: raised("NameError", "name 'F' is not defined")}) == []
    (error,) = verify(q, {line: ok()})
    assert 'quiz "What goes wrong?"' in str(error) and "ran without raising" in str(error)
    (error,) = verify(q, {line: raised("TypeError", "relu(): argument 'input' must be Tensor")})
    assert str(error).startswith(f"challenge.md:{q.key.line}:") and 'raised "TypeError: relu()' in str(error)


def test_runs_rules(quizzes):
    q = quizzes["p-runs"]
    bad, good = (o.fence.key for o in q.options)
    assert verify(q, {bad: raised("RuntimeError", "shapes"), good: ok("ok\n")}) == []
    errors = verify(q, {bad: ok(), good: raised("RuntimeError", "shapes cannot be multiplied")})
    text = "\n".join(map(str, errors))
    assert len(errors) == 2 and 'quiz "Which layer accepts a 64x64 image?"' in text
    assert 'keyed option B "Conv then adaptive pool" should run cleanly but raised RuntimeError' in text
    assert 'option A "Too big linear" is keyed wrong but its block ran without an exception' in text


def test_none_checks_nothing(quizzes):
    assert verify(quizzes["ch-why"], {}) == []


# --- rendering -------------------------------------------------------------------------------

MD_EXTENSIONS = ["admonition", "pymdownx.details", "pymdownx.superfences", "md_in_html", "attr_list",
                 "pymdownx.highlight"]


def rendered_markdown() -> str:
    return apply_edits(PAGE, page_edits(PAGE, "challenge.md"))


def test_render_edits_structure(quizzes):
    out = apply_edits(PAGE, render_edits(quizzes["ch-shape"]))
    assert '<div class="quiz" data-quiz-id="ch-shape"' in out and 'data-check="output" data-key="' in out
    assert re.search(r'<div class="quiz" [^\n]* markdown>\n<div class="quiz-header">', out)
    assert '<span class="quiz-category">Predict output</span>' in out
    assert '<span class="quiz-difficulty" data-level="intermediate">intermediate</span>' in out
    assert '<span class="quiz-attempts-left">2</span>' in out
    assert 'class="quiz-timer" data-timer="120"' in out and ">2:00</span>" in out
    assert '<div class="quiz-options" role="group" aria-label="Answer options: Output shape after convolution">' in out
    assert out.count('<button type="button" class="quiz-option"') == 4
    assert ('<button type="button" class="quiz-option" data-option="A" aria-pressed="false"><span class="quiz-letter">'
            'A</span> <span class="quiz-text"><code>torch.Size([1, 6, 26, 26])</code></span></button>') in out
    assert "&lt;b&gt;" in out and "- [x]" not in out.split("ch-why")[0]
    assert '<p class="quiz-feedback" aria-live="polite"></p>' in out
    assert '??? tip "Hint"' in out and '??? success "Solution"' in out  # admonitions stay Markdown


def test_correct_option_is_not_a_plain_attribute(quizzes):
    html_lines = "\n".join(line for line in rendered_markdown().split("\n") if "<" in line)
    for quiz in quizzes.values():
        assert not re.search(r'[\w-]*(correct|answer|right)[\w-]*="|"[^"<>]*correct[^"<>]*"|\[x\]', html_lines, re.I)
        assert f'data-key="{key_hash(quiz.quiz_id, quiz.key.letter)}"' in html_lines
        wrong = {key_hash(quiz.quiz_id, o.letter) for o in quiz.options if not o.keyed}
        assert not any(f'"{h}"' in html_lines for h in wrong)
    buttons = re.findall(r'<button type="button" class="quiz-option[^>]*>', html_lines)
    assert len(buttons) == 10 and len({re.sub(r'data-option="[A-H]"', "", b) for b in buttons}) == 2


def test_runs_options_keep_their_code_blocks(quizzes):
    q = quizzes["p-runs"]
    out = apply_edits(PAGE, render_edits(q))
    assert '<div class="quiz-options quiz-options-runs" role="group"' in out
    assert ('- <span class="quiz-letter">B</span> <span class="quiz-text">Conv then adaptive pool</span> '
            '<button type="button" class="quiz-option quiz-select" data-option="B"') in out
    assert '    <!--pytest.mark.xfail-->\n    ```python\n    raise RuntimeError' in out
    tail = out.split('print("ok")')[1]
    assert tail.index("</div>") < tail.index("quiz-feedback") < tail.index('??? tip "Hint"')


def test_badge_marker_becomes_hidden_badge():
    out = rendered_markdown()
    assert "<!--quiz-badge" not in out
    assert '<div class="quiz-badge" data-group="challenge" role="status" hidden>' in out
    assert "Spatial Pattern Mastery" in out and badge_html("practice").startswith(
        '<div class="quiz-badge" data-group="practice"')


def test_rendered_page_is_valid_markdown_html():
    markdown = pytest.importorskip("markdown")
    pytest.importorskip("pymdownx")
    html = markdown.markdown(rendered_markdown(), extensions=MD_EXTENSIONS)
    assert html.count('<div class="quiz"') == 4 and html.count('class="quiz-feedback"') == 4
    assert '<details class="tip">' in html and '<details class="success">' in html
    assert "<strong>local</strong>" in html  # option Markdown rendered
    assert 'data-option="A"' in html and "<h4>Output shape after convolution</h4>" in html
    runs = html.split('data-quiz-id="p-runs"')[1]
    assert runs.count('<div class="highlight">') == 2 and "<li>" in runs  # option code stays visible


def test_inline_markdown_escapes_html():
    assert inline_markdown("`a<b>` & **x** *y* in_channels") == (
        "<code>a&lt;b&gt;</code> &amp; <strong>x</strong> <em>y</em> in_channels")


# --- the shared hash ------------------------------------------------------------------------

HASH_INPUTS = ["", "a", "ch-shape:A", "ch-shape:B", "p-runs:D", "ünïcødé-id:C", "foobar"]


def test_fnv1a_known_values():
    # Published FNV-1a 32-bit test vectors.
    assert fnv1a32("") == 0x811C9DC5 and fnv1a32("a") == 0xE40C292C and fnv1a32("foobar") == 0xBF9CF968
    assert key_hash("ch-shape", "A") == f"{fnv1a32('ch-shape:A'):08x}"


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_python_hash_equals_js_hash():
    script = (f"global.window = {{}}; global.document = {{readyState: 'loading', addEventListener() {{}}}};"
              f"require({json.dumps(str(JS))});"
              f"console.log(JSON.stringify({json.dumps(HASH_INPUTS)}.map(window.execdocsQuiz.fnv1a32)));")
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True, timeout=30)
    assert json.loads(out.stdout) == [f"{fnv1a32(s):08x}" for s in HASH_INPUTS]


def test_quiz_error_is_an_engine_error_with_page_and_line():
    from execdocs.errors import ExecDocsError

    with pytest.raises(ExecDocsError) as info:
        find_quizzes(quiz_page("- [x] a\n- [x] b", 'data-quiz-id="q"'), "dir/q.md")
    assert isinstance(info.value, QuizError) and info.value.page == "dir/q.md" and info.value.line == 3
