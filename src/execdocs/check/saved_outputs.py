"""A notebook's saved outputs that differ from what its cells print now: a note, never a failure.

Why a note: the site never shows what a notebook had saved (the engine's outputs replace it), so
a stale saved output cannot mislead a reader of the site; but the committed notebook is what a
reader of the repository, or of GitHub's preview, sees.  One line per notebook names every cell
whose saved stdout no longer matches (numbers within the cell's tolerances), so the author can
run it again or clear the outputs.  Cells saved without output are not compared.
"""
from __future__ import annotations

from collections.abc import Mapping

from ..model import BlockKey, BlockResult
from ..parse.notebook import NotebookPage
from .compare import text_matches


def stale_cells(page: NotebookPage, results: Mapping[BlockKey, BlockResult]) -> list[int]:
    """Numbers of the cells whose saved stdout differs from the executed one."""
    stale = []
    for cell in page.cells:
        if cell.block is None or cell.saved is None:
            continue
        block = page.blocks[cell.block]
        result = results.get(block.key)
        if result is not None and not text_matches(cell.saved, result.stdout, block.options.rtol, block.options.atol):
            stale.append(cell.number)
    return stale


def stale_saved_outputs(page: NotebookPage, results: Mapping[BlockKey, BlockResult]) -> str | None:
    """The note for ``page``, or None when every saved output matches (or none was saved)."""
    stale = stale_cells(page, results)
    if not stale:
        return None
    cells = ", ".join(str(n) for n in stale)
    return (f"note: {page.label}: the output saved in cell(s) {cells} differs from what the cell prints now; "
            "the site shows the executed output.  Run the notebook again and save it, or clear its outputs "
            f"(`jupyter nbconvert --clear-output --inplace docs/{page.label}`)")
