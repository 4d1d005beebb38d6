"""parse: markers, fences, errors with page:line, and agreement with pytest-codeblocks."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from pytest_codeblocks.main import extract_from_file

from execdocs.errors import MarkerError
from execdocs.model import Options
from execdocs.parse.page import chains, parse_page

DOCS = Path(__file__).resolve().parents[1] / "docs"


def parse(text: str, page: str = "p.md"):
    return parse_page(textwrap.dedent(text).lstrip("\n"), page)


def test_plain_block_and_non_python_fences():
    blocks = parse("""
        # Title

        ```text
        not code
        ```

        ```python
        x = 1
        ```
        """)
    assert len(blocks) == 1
    b = blocks[0]
    assert (b.line, b.end_line, b.code, b.index) == (7, 9, "x = 1\n", 0)
    assert b.where == "p.md:7" and b.options == Options() and not b.cont and b.marks == ()


def test_cont_joins_chain_and_expected_output_goes_to_head():
    blocks = parse("""
        ```python
        a = 1
        ```

        <!--pytest-codeblocks:cont-->
        ```python
        print(a)
        ```

        <!--pytest-codeblocks:expected-output-->
        ```text
        1
        ```

        ```python
        b = 2
        ```
        """)
    assert [b.cont for b in blocks] == [False, True, False]
    assert blocks[0].expected_output == "1\n" and blocks[0].expected_line == 11
    assert blocks[1].expected_output is None
    groups = chains(blocks)
    assert [len(c.blocks) for c in groups] == [2, 1]
    assert groups[0].head is blocks[0]


def test_expected_output_ignore_whitespace():
    blocks = parse("""
        ```python
        print(1, 2)
        ```
        <!--pytest-codeblocks:expected-output-ignore-whitespace-->
        ```
        1    2
        ```
        """)
    assert blocks[0].expected_output == "1    2\n" and blocks[0].expected_ignore_ws


@pytest.mark.parametrize("mark", ["pytest.mark.skip", "pytest.mark.skipif(sys.version_info < (3, 8), reason='old')",
                                  "pytest.mark.xfail", "pytest.mark.xfail(raises=ValueError)"])
def test_pytest_marks_are_kept(mark):
    blocks = parse(f"""
        <!--{mark}-->
        ```python
        pass
        ```
        """)
    assert blocks[0].marks == (mark,)
    assert blocks[0].expects_exception == mark.startswith("pytest.mark.xfail")


def test_exec_options_all_keys_and_combined_with_other_markers():
    blocks = parse("""
        <!--exec: rtol=1e-2 atol=0.5 timeout=300 output=markdown per_device=true image_tol=5-->
        <!--pytest.mark.xfail-->
        ```python
        raise ValueError
        ```
        """)
    assert blocks[0].options == Options(rtol=1e-2, atol=0.5, timeout=300.0, output="markdown",
                                        per_device=True, image_tol=5.0)
    assert blocks[0].marks == ("pytest.mark.xfail",)


@pytest.mark.parametrize("marker, needle", [
    ("<!--pytest-codeblocks:contt-->", "unknown marker"),
    ("<!--pytest.mark.parametrize('x', [1])-->", "unknown marker"),
    ("<!--exec: colour=red-->", "unknown exec option"),
    ("<!--exec: timeout=soon-->", "bad value"),
    ("<!--exec: timeout-->", "unknown exec option"),
])
def test_unknown_or_bad_markers_name_page_and_line(marker, needle):
    text = f"# t\n\nprose\n\n{marker}\n```python\npass\n```\n"
    with pytest.raises(MarkerError) as info:
        parse_page(text, "dir/page.md")
    assert info.value.where == "dir/page.md:5"
    assert str(info.value).startswith("dir/page.md:5: ")
    assert needle in str(info.value)


def test_expected_output_with_no_fence_after_is_an_error():
    text = "```python\nprint(1)\n```\n\n<!--pytest-codeblocks:expected-output-->\n\nThe end.\n"
    with pytest.raises(MarkerError) as info:
        parse_page(text, "e.md")
    assert info.value.where.startswith("e.md:")
    assert "no fence" in str(info.value)


def test_expected_output_or_cont_before_any_block_is_an_error():
    with pytest.raises(MarkerError) as info:
        parse_page("<!--pytest-codeblocks:cont-->\n```python\npass\n```\n", "c.md")
    assert info.value.where == "c.md:2"


@pytest.mark.parametrize("marker", ["<!--pytest-codeblocks:cont-->", "<!--pytest-codeblocks:expected-output-->"])
def test_cont_after_non_python_fence_is_an_error(marker):
    text = f"```python\nx = 1\n```\n\n```text\nlisting\n```\n\n{marker}\n```python\nprint(x)\n```\n"
    with pytest.raises(MarkerError) as info:
        parse_page(text, "k.md")
    assert info.value.where == "k.md:10"
    assert "```text" in str(info.value)


def test_mark_before_non_python_fence_is_an_error():
    with pytest.raises(MarkerError) as info:
        parse_page("<!--pytest.mark.xfail-->\n```text\nx\n```\n", "m.md")
    assert info.value.where == "m.md:2"


def test_unclosed_fence_names_its_line():
    with pytest.raises(MarkerError) as info:
        parse_page("text\n\n```python\nx = 1\n", "u.md")
    assert info.value.where == "u.md:3"


def test_indented_fences_in_admonition_and_list():
    blocks = parse("""
        !!! note "In an admonition"
            Some prose.

            ```python
            if True:
                x = 1
            ```

        - a list item

            <!--pytest-codeblocks:cont-->
            ```python
            print(x)
            ```
        """)
    assert [b.indent for b in blocks] == ["    ", "    "]
    assert blocks[0].code == "if True:\n    x = 1\n"
    assert blocks[1].cont and blocks[1].code == "print(x)\n"
    assert blocks[0].line == 4 and blocks[1].line == 12


def test_longer_fence_contains_triple_backticks():
    blocks = parse('''
        ````python
        s = """
        ```
        """
        ````
        ''')
    assert len(blocks) == 1 and "```" in blocks[0].code


def test_skipfile_on_first_line():
    assert parse_page("<!--pytest-codeblocks:skipfile-->\n```python\nraise SystemExit\n```\n", "s.md") == []


# -- cross-check against pytest-codeblocks' own parser on every page of the site ------------------
def _pages():
    pages = sorted(DOCS.glob("*.md"))
    assert pages, "no pages in docs/"
    return pages


@pytest.mark.parametrize("path", _pages(), ids=lambda p: p.name)
def test_agrees_with_pytest_codeblocks(path):
    theirs = [b for b in extract_from_file(path) if b.syntax == "python"]
    ours = parse_page(path.read_text(), path.name)
    mine = []
    for chain in chains(ours):
        head = chain.head
        mine.append(("".join(b.code for b in chain.blocks), head.line, list(head.marks),
                     head.expected_output, head.expected_ignore_ws))
    expected = [(b.code, b.lineno, list(b.marks), b.expected_output, b.expected_output_ignore_whitespace)
                for b in theirs]
    assert mine == expected


def test_numeric_options_are_floats_so_equal_settings_share_one_key():
    from execdocs.model import Options

    assert Options(timeout=300) == Options(timeout=300.0)
    assert isinstance(Options(timeout=300).timeout, float)
