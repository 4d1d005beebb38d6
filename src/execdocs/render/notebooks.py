"""Snippets: ``snippets/*.py`` (jupytext percent format) as executed pages of the site.

A snippet's cells are one ``cont`` chain run by the same engine as the pages (cached,
recorded, drift-checked).  Its page on the site is rendered here like a Markdown page
(the same output fences, figures, problems and provenance), and its notebook and script
downloads are built from the same results as every page's (``downloads.py``).  Why not
mkdocs-jupyter: it needs the notebook as a file in ``docs/`` and renders outputs its own
way; one renderer for every page keeps them alike and the source tree free of build output.
"""
from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from pathlib import Path

from ..model import Block, BlockKey, BlockResult, Options, Page
from ..problem import Problem
from .downloads import Prose
from .page import FigureUrl, problem_markdown, result_markdown

CELL = re.compile(r"^# %%(.*)$")
# Snippets train models: their numbers legitimately differ between CPU and GPU.
SNIPPET_OPTIONS = Options(per_device=True, timeout=900)  # prove_it: 18 trainings; minutes on a loaded machine


def snippet_page(path: Path) -> str:
    """The page id of a snippet: where its traceback lines point, relative to docs/."""
    return f"../snippets/{path.name}"


def site_page(name: str) -> str:
    """Where a page's source lives in the site: a snippet's is ``notebooks/<stem>.md``, generated
    (so it is published at ``Page.url``, ``notebooks/<stem>.html``)."""
    if name.startswith("../snippets/"):
        return f"notebooks/{Path(name).stem}.md"
    return name


def parse_cells(source: str) -> list[tuple[str, int, str]]:
    """(kind, line of its first text line, text) of each cell; markdown loses '# '."""
    cells: list[tuple[str, int, list[str]]] = []
    kind, start = "code", 1
    body: list[str] = []
    for n, line in enumerate(source.splitlines(), 1):
        if m := CELL.match(line):
            cells.append((kind, start, body))
            kind = "markdown" if "[markdown]" in m.group(1) else "code"
            start, body = n + 1, []
        else:
            body.append(re.sub(r"^# ?", "", line) if kind == "markdown" else line)
    cells.append((kind, start, body))
    out = []
    for kind, start, lines in cells:
        while lines and not lines[0].strip():
            lines, start = lines[1:], start + 1
        if any(line.strip() for line in lines):
            out.append((kind, start, "\n".join(lines).rstrip("\n")))
    return out


def snippet_blocks(path: Path) -> list[Block]:
    """Each code cell is a block; all cells share one namespace (a cont chain)."""
    page = snippet_page(path)
    blocks: list[Block] = []
    for kind, start, text in parse_cells(path.read_text()):
        if kind != "code":
            continue
        blocks.append(Block(page=page, index=len(blocks), line=start - 1, end_line=start + text.count("\n") + 1,
                            code=text + "\n", cont=bool(blocks), options=SNIPPET_OPTIONS))
    return blocks


def snippet_title(source: str, fallback: str) -> str:
    """The first line of the snippet's docstring (its template's title)."""
    doc = ast.get_docstring(ast.parse(source)) or fallback
    return doc.strip().splitlines()[0]


def snippet_parts(page: Page) -> list[Prose | Block]:
    """The snippet's cells in order: Markdown cells as prose, code cells as its blocks."""
    blocks = iter(sorted(page.blocks, key=lambda b: b.index))
    return [Prose(text) if kind == "markdown" else next(blocks) for kind, _, text in parse_cells(page.markdown)]


def render_snippet(page: Page, results: Mapping[BlockKey, BlockResult], problems: list[Problem],
                   figure_url: FigureUrl, provenance: str = "", header: str = "") -> str:
    """A snippet as a site page (pure): title, downloads, problems, then each cell and its outputs."""
    title = snippet_title(page.markdown, page.name)
    source = page.name.removeprefix("../")
    chunks = [f"# {title}", header] if header else [f"# {title}"]
    chunks.append(f"The program `{source}`, as the site's build ran it: each cell, then what it printed and drew.")
    chunks += [problem_markdown(p.title, p.detail) for p in problems if p.page == page.name]
    for part in snippet_parts(page):
        if isinstance(part, Prose):
            chunks.append(part.text)
            continue
        chunks.append(f"```python\n{part.code.rstrip()}\n```")
        if part.key in results and (shown := result_markdown(part, results[part.key], figure_url)):
            chunks.append(shown)
    return "\n\n".join(chunks) + "\n" + provenance
