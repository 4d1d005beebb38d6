"""notebooks: snippet cells become one cont chain, rendered as a page with its outputs."""
from __future__ import annotations

from execdocs.model import BlockResult, Figure
from execdocs.parse.page import parse
from execdocs.render.notebooks import (parse_cells, render_snippet, site_page, snippet_blocks, snippet_page,
                                       snippet_parts)

SNIPPET = '''"""Demo: a tiny snippet

Details.
"""

# %% [markdown]
# Some *prose*.

# %%
x = 1
print(x)

# %%
print(x + 1)
'''


def test_cells_and_blocks(tmp_path):
    path = tmp_path / "demo.py"
    path.write_text(SNIPPET)
    kinds = [k for k, _, _ in parse_cells(SNIPPET)]
    assert kinds == ["code", "markdown", "code", "code"]
    blocks = snippet_blocks(path)
    assert [b.code for b in blocks][1:] == ["x = 1\nprint(x)\n", "print(x + 1)\n"]
    assert [b.cont for b in blocks] == [False, True, True]
    assert blocks[0].page == "../snippets/demo.py"
    lines = SNIPPET.splitlines()
    assert lines[blocks[1].line] == "x = 1"  # line+1 (1-based) is the first code line


def test_snippet_renders_as_a_page_with_its_outputs(tmp_path):
    path = tmp_path / "demo.py"
    path.write_text(SNIPPET)
    page = parse(SNIPPET, snippet_page(path), snippet_blocks(path))
    fig = Figure(png=b"\x89PNG fake", alt="A plot", width=10, height=10)
    results = {(page.name, 1): BlockResult(stdout="1\n"), (page.name, 2): BlockResult(stdout="2\n", figures=(fig,))}
    parts = snippet_parts(page)
    assert [type(p).__name__ for p in parts] == ["Block", "Prose", "Block", "Block"]
    body = render_snippet(page, results, [], lambda f: "../_exec/f.png", header="LINKS")
    assert body.startswith("# Demo: a tiny snippet\n\nLINKS\n\n")
    assert "Some *prose*." in body and "```python\nx = 1\nprint(x)\n```" in body
    assert body.index("print(x + 1)") < body.index("![A plot](../_exec/f.png)")
    assert site_page(page.name) == "notebooks/demo.md" and page.url == "notebooks/demo.html"
