"""Render: a notebook page as the executed notebook mkdocs-jupyter turns into HTML (pure).

Why a notebook, not Markdown: mkdocs-jupyter renders notebooks (nbconvert's lab template,
cell toolbar, prompts), which is what notebook authors expect their page to look like.  So the
engine writes, for each notebook page, the author's cells with the engine's outputs in place of
whatever was saved, and mkdocs-jupyter (``execute: false``) renders that file.  The outputs are
the ones a Markdown page shows, in nbformat: text as streams (``output=markdown`` as Markdown), a
cell meant to raise as its error, and each figure as the very ``<img>`` a Markdown page has
(the same file under ``_exec/``, alt text, size, the smallest-text data the browser tests read),
since nbconvert's own PNG output has no alt text.  Problems become a failure box above their cell,
the download links go under the title and the provenance paragraph ends the page, as on every page.
"""
from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping

from ..model import BlockKey, BlockResult, Figure
from ..parse.notebook import Cell, NotebookPage
from ..problem import Problem
from .notebook_prose import LINK, site_link_mapper
from .page import READABLE_PX, FigureUrl

KERNEL = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
          "language_info": {"name": "python"}}


def figure_html(figure: Figure, url: str) -> str:
    """The figure as a Markdown page shows it (render.page.figure_markdown), written as HTML."""
    attrs = (f'src="{html.escape(url)}" alt="{html.escape(figure.alt)}" class="exec-figure" loading="lazy" '
             f'width="{figure.width}" height="{figure.height}"')
    if figure.text_px:
        readable = min(figure.width, math.ceil(figure.width * READABLE_PX / figure.text_px))
        attrs += f' data-text-px="{figure.text_px:g}" style="--exec-readable-width: {readable}px"'
    # a link to its own bitmap, as on a Markdown page: a figure wider than a phone opens full size
    return f'<p><a class="exec-figure-open" href="{html.escape(url)}"><img {attrs}></a></p>'


def outputs(cell_result: BlockResult, output: str, expects_exception: bool, figure_url: FigureUrl) -> list[dict]:
    """One block's result as nbformat outputs, in the order a Markdown page shows them."""
    out: list[dict] = []
    if cell_result.stdout.strip() and output == "markdown":
        out.append(_display({"text/markdown": cell_result.stdout, "text/plain": cell_result.stdout}))
    elif cell_result.stdout:
        out.append({"output_type": "stream", "name": "stdout", "text": cell_result.stdout})
    if cell_result.stderr.strip():
        out.append({"output_type": "stream", "name": "stderr", "text": cell_result.stderr})
    if cell_result.exception is not None and expects_exception:
        error = cell_result.exception
        out.append({"output_type": "error", "ename": error.type, "evalue": error.message,
                    "traceback": [f"{error.type}: {error.message}"]})
    for figure in cell_result.figures:
        out.append(_display({"text/html": figure_html(figure, figure_url(figure)), "text/plain": figure.alt}))
    return out


def problem_html(problem: Problem) -> str:
    """A failure box like the Markdown pages' admonition (Material styles ``.admonition``)."""
    return (f'<div class="admonition failure"><p class="admonition-title">{html.escape(problem.title)}</p>'
            f'<pre class="exec-error"><code>{html.escape(problem.detail)}</code></pre></div>')


def executed_notebook(page: NotebookPage, results: Mapping[BlockKey, BlockResult], problems: list[Problem],
                      figure_url: FigureUrl, provenance: str = "", header: str = "") -> dict:
    """nbformat 4.5: the author's cells, each code cell with the engine's outputs (never the saved ones)."""
    mine = [p for p in problems if p.page == page.name]
    numbers = {c.number for c in page.cells}
    cells = [_markdown(problem_html(p)) for p in mine if p.line not in numbers]
    link = site_link_mapper("", page.name.rpartition("/")[0])
    titled = False
    for cell in page.cells:
        cells += [_markdown(problem_html(p)) for p in mine if p.line == cell.number]
        if cell.kind == "markdown":
            cells.append(_markdown(LINK.sub(lambda m: m.group(1) + link(m.group("target")) + m.group(3), cell.source),
                                   cell.tags))
            if header and not titled and cell.source.lstrip().startswith("# "):
                cells.append(_markdown(header))
                titled = True
        elif cell.kind == "code":
            cells.append(_code(cell, page, results, figure_url))
    if header and not titled:
        cells.insert(0, _markdown(header))
    if page.blocks and provenance:
        cells.append(_markdown(provenance.strip()))
    for number, out in enumerate(cells, 1):
        out["id"] = f"execdocs-{number}"  # not "cell-N": mkdocs-jupyter gives its copy buttons those ids
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": KERNEL, "cells": cells}


def _code(cell: Cell, page: NotebookPage, results: Mapping[BlockKey, BlockResult], figure_url: FigureUrl) -> dict:
    block = page.blocks[cell.block] if cell.block is not None else None
    result = results.get(block.key) if block is not None else None
    shown = outputs(result, block.options.output, block.expects_exception, figure_url) \
        if block is not None and result is not None else []
    return {"cell_type": "code", "metadata": {"tags": list(cell.tags)} if cell.tags else {},
            "execution_count": block.index + 1 if result is not None and block is not None else None,
            "source": cell.source, "outputs": shown}


def _markdown(text: str, tags: tuple[str, ...] = ()) -> dict:
    return {"cell_type": "markdown", "metadata": {"tags": list(tags)} if tags else {}, "source": text}


def _display(data: dict) -> dict:
    return {"output_type": "display_data", "metadata": {}, "data": data}


def notebook_text(nb: dict) -> str:
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
