"""notebooks: snippet cells become one cont chain and a valid executed notebook."""
from __future__ import annotations

import json

import nbformat

from execdocs.model import BlockResult, Figure
from execdocs.render.notebooks import build_notebook, parse_cells, publish, snippet_blocks

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


def test_notebook_is_valid_and_has_outputs(tmp_path):
    path = tmp_path / "demo.py"
    path.write_text(SNIPPET)
    fig = Figure(png=b"\x89PNG fake", alt="A plot", width=10, height=10)
    results = {1: BlockResult(stdout="1\n"), 2: BlockResult(stdout="2\n", figures=(fig,))}
    publish(path, results, tmp_path / "out")
    nb = nbformat.read(tmp_path / "out" / "demo.ipynb", as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[1].outputs[0]["text"] == "1\n"
    assert code[2].outputs[1]["data"]["text/plain"] == "A plot"
    assert nb.cells[0].source.startswith("# Demo: a tiny snippet")
    assert (tmp_path / "out" / "demo.py").read_text() == SNIPPET
