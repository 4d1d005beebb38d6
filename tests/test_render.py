"""render: outputs become fences (never raw HTML), figures, problems, insertion points."""
from __future__ import annotations

import markdown as md
import pytest

from execdocs.model import Block, BlockResult, ExceptionInfo, Figure, Options, apply_edits
from execdocs.render.page import (figure_markdown, insertion_edit, problem_markdown, result_markdown,
                             timing_table)

EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables", "pymdownx.superfences", "pymdownx.highlight"]


def html(text: str) -> str:
    return md.markdown(text, extensions=EXTENSIONS)


def blk(**kw) -> Block:
    options = Options(**kw.pop("options", {}))
    base = dict(page="p.md", index=0, line=1, end_line=3, code="print()\n", options=options)
    base.update(kw)
    return Block(**base)


def url(figure):
    return "_exec/fig.png"


@pytest.mark.parametrize("stdout", ["<script>alert('x')</script>\n", "<b>bold</b> & <i>it</i>\n",
                                    "# not a heading\n**not bold** [link](http://x)\n| a | b |\n|---|---|\n"])
def test_output_is_shown_literally(stdout):
    text = result_markdown(blk(), BlockResult(stdout=stdout), url)
    assert text.startswith("```")
    out = html(text)
    assert "<script>" not in out and "<b>" not in out and "<h1" not in out and "<strong>" not in out
    assert "<table" not in out and "<a " not in out
    assert "exec-output" in out
    if "script" in stdout:
        assert "&lt;script&gt;" in out


@pytest.mark.parametrize("run", [3, 4, 7])
def test_backtick_runs_lengthen_the_fence(run):
    tick = "`" * run
    stdout = f"before\n{tick}\nafter {tick}python\n"
    text = result_markdown(blk(), BlockResult(stdout=stdout), url)
    fence = text.split("{", 1)[0]
    assert fence == "`" * (run + 1)
    out = html(text)
    assert "before" in out and "after" in out and out.count("<pre") == 1


def test_markdown_output_is_inserted_as_markdown():
    table = "| layer | shape |\n|---|---|\n| conv1 | (1, 6, 32, 32) |\n"
    text = result_markdown(blk(options={"output": "markdown"}), BlockResult(stdout=table), url)
    assert "<table" in html(text) and "conv1" in html(text)


def test_expected_output_blocks_do_not_repeat_stdout_but_show_stderr_and_figures():
    fig = Figure(png=b"x", alt="A [plot]\nof things", width=300, height=200)
    text = result_markdown(blk(expected_output="1\n"), BlockResult(stdout="1\n", stderr="UserWarning: hm\n",
                                                                   figures=(fig,)), url)
    assert "exec-output" not in text
    assert "exec-stderr" in text and "UserWarning: hm" in text
    assert '![A  plot  of things](_exec/fig.png){ .exec-figure loading=lazy width="300" }' in text


def test_intended_exception_is_shown_unexpected_is_not():
    exc = ExceptionInfo("NameError", "name 'F' is not defined", "tb")
    shown = result_markdown(blk(marks=("pytest.mark.xfail",)), BlockResult(exception=exc), url)
    assert "NameError: name 'F' is not defined" in shown and 'title="Raises NameError"' in shown
    assert "as intended" not in shown  # the label says what happened, not that it was meant
    assert result_markdown(blk(), BlockResult(exception=exc), url) == ""


def test_figure_markdown_alt_and_width():
    fig = Figure(png=b"x", alt="Feature maps. panels: a, b", width=640, height=480)
    out = html(figure_markdown(fig, "_exec/abc.png"))
    assert 'alt="Feature maps. panels: a, b"' in out and 'width="640"' in out and 'src="_exec/abc.png"' in out


def test_problem_admonition_renders_detail_in_a_fence():
    detail = "p.md:3: unexpected ValueError: <b>boom</b>\n    | raise ValueError('<b>boom</b>')\n```inner```"
    text = problem_markdown("block failed at p.md:3", detail)
    out = html(text)
    assert 'class="admonition failure"' in out
    assert "block failed at p.md:3" in out
    assert "<b>boom</b>" not in out and "&lt;b&gt;boom&lt;/b&gt;" in out


def test_insertion_edit_after_block_and_indented():
    page = "!!! note\n\n    ```python\n    print(1)\n    ```\n\nafter\n"
    b = blk(line=3, end_line=5, indent="    ")
    edit = insertion_edit(b, "```\n1\n```")
    out = apply_edits(page, [edit])
    assert out.split("\n")[5:9] == ["", "    ```", "    1", "    ```"]
    assert insertion_edit(b, "") is None


def test_timing_table_sorted_slowest_first():
    rows = [{"where": "a.md:1", "seconds": 0.5, "cached": False, "status": "ok"},
            {"where": "b.md:9", "seconds": 2.0, "cached": True, "status": "error"}]
    table = timing_table(rows)
    assert table.index("b.md:9") < table.index("a.md:1")
    assert "2 blocks, 2.5 s" in table and "1 reused from the cache" in table


def test_outputs_go_after_the_expected_output_fence():
    """Reader order: code, its expected output, then warnings and figures (issue 10, defect 5)."""
    from execdocs.model import Page
    from execdocs.parse.page import parse
    from execdocs.render.page import render_page

    text = ("# P\n\n```python\nprint(1)\n```\n\n<!--pytest-codeblocks:cont-->\n```python\nprint(2)\n```\n"
            "<!--pytest-codeblocks:expected-output-->\n```text\n1\n2\n```\n\nAfter.\n")
    page = parse(text, "p.md")
    head, tail = page.blocks
    figure = Figure(png=b"png", alt="a plot", width=10, height=10)
    results = {head.key: BlockResult(stdout="1\n"),
               tail.key: BlockResult(stdout="2\n", stderr="UserWarning: careful\n", figures=(figure,))}
    out = render_page(page, results, [], lambda f: "fig.png")
    assert out.index("```text\n1\n2\n```") < out.index("UserWarning: careful") < out.index("fig.png") \
        < out.index("After.")
    assert "exec-output" not in out.split("```text\n1\n2\n```")[0], "nothing between the block and its fence"
