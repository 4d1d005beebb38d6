"""Hardening (issue 19, part 1): one line model for every stage.

Parser, renderer, quiz finder and line numbers must agree on what a line is.  Python's
``str.splitlines`` also breaks at U+2028, U+0085, form feed and friends; Markdown does not,
so a page holding one of those used to get its outputs inserted inside the next block.
CR and CRLF are normalised to LF (as Python-Markdown and MkDocs do) before anything counts.
"""
from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from execdocs.model import BlockResult
from execdocs.parse.page import parse
from execdocs.render.page import render_page

ODD_BREAKS = ["\u2028", "\u2029", "\x85", "\x0c", "\x0b", "\x1c", "\x1d", "\x1e"]


def rendered_with_outputs(markdown: str) -> tuple[object, str]:
    page = parse(markdown, "p.md")
    assert not page.errors, page.errors
    results = {b.key: BlockResult(stdout=f"OUT-{b.index}\n") for b in page.blocks}
    return page, render_page(page, results, [], lambda f: "x.png")


def output_follows_its_fence(rendered: str, index: int) -> bool:
    """Block ``index``'s code, its closing fence, a blank line and then its own output fence."""
    pattern = (re.escape(f"print('OUT-{index}')") + r"\n```\n\n```\{ \.text \.exec-output title=\"Output\" \}\n"
               + re.escape(f"OUT-{index}") + r"\n```")
    return re.search(pattern, rendered) is not None


def test_unicode_line_separator_keeps_output_under_its_own_block():
    page_text = ("# T\n\nA\u2028B\u2028C\n\n```python\nprint('OUT-0')\n```\n\n"
                 "```python\nx = 1\ny = 2\nprint('OUT-1')\n```\n")
    page, rendered = rendered_with_outputs(page_text)
    assert [b.line for b in page.blocks] == [5, 9]  # was [7, 11]: one extra line per U+2028
    assert output_follows_its_fence(rendered, 0)
    assert output_follows_its_fence(rendered, 1)
    assert "```python\nx = 1\ny = 2\nprint('OUT-1')\n```" in rendered  # second block still a block


def test_marker_error_line_counts_only_real_line_breaks():
    page = parse("a\x85b\x0cc\u2028d\n\n<!--exec: bogus=1-->\n```python\nx = 1\n```\n", "p.md")
    assert [e.line for e in page.errors] == [3]


def test_crlf_and_cr_pages_number_lines_like_lf():
    for newline in ("\r\n", "\r"):
        text = newline.join(["# T", "", "```python", "print('OUT-0')", "```", "", "text", ""])
        page, rendered = rendered_with_outputs(text)
        assert [b.line for b in page.blocks] == [3]
        assert page.blocks[0].code == "print('OUT-0')\n"
        assert output_follows_its_fence(rendered, 0)


prose_char = st.characters(blacklist_characters="`<\n\r", blacklist_categories=("Cs",))
prose_line = st.one_of(st.text(prose_char, max_size=12), st.sampled_from(ODD_BREAKS + ["\f\f", "a\u2028\u2028b"]))
prose = st.lists(prose_line, max_size=4).map(lambda lines: "\n".join(lines))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chunks=st.lists(prose, min_size=1, max_size=4), newline=st.sampled_from(["\n", "\r\n", "\r"]))
def test_property_each_output_right_after_its_own_fence(chunks, newline):
    parts = []
    for n, chunk in enumerate(chunks):
        parts += [chunk.replace("\n", newline), "", "```python", f"print('OUT-{n}')", "```", ""]
    text = newline.join(parts)
    page, rendered = rendered_with_outputs(text)
    assert len(page.blocks) == len(chunks)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for block in page.blocks:
        assert lines[block.line - 1] == "```python"
        assert lines[block.line] == f"print('OUT-{block.index}')"
        assert output_follows_its_fence(rendered, block.index)
