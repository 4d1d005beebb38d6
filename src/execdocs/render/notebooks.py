"""Snippets: turn ``snippets/*.py`` (jupytext percent format) into executed notebooks.

A snippet's cells are one ``cont`` chain run by the same engine as the pages (cached,
recorded, drift-checked), and the results are written into an ``.ipynb`` that
mkdocs-jupyter only renders (``execute: false``), so nothing runs twice.
"""
from __future__ import annotations

import ast
import base64
import json
import re
from pathlib import Path

from ..store.files import write_atomic
from ..model import Block, BlockResult, Options

CELL = re.compile(r"^# %%(.*)$")
# Snippets train models: their numbers legitimately differ between CPU and GPU.
SNIPPET_OPTIONS = Options(per_device=True, timeout=900)  # prove_it: 18 trainings; minutes on a loaded machine


def snippet_page(path: Path) -> str:
    """The page id of a snippet: where its traceback lines point, relative to docs/."""
    return f"../snippets/{path.name}"


def parse_cells(source: str) -> list[tuple[str, int, str]]:
    """(kind, line of its first text line, text) of each cell; markdown loses '# '."""
    cells, kind, start, body = [], "code", 1, []
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
    blocks = []
    for kind, start, text in parse_cells(path.read_text()):
        if kind != "code":
            continue
        blocks.append(Block(page=page, index=len(blocks), line=start - 1, end_line=start + text.count("\n") + 1,
                            code=text + "\n", cont=bool(blocks), options=SNIPPET_OPTIONS))
    return blocks


def _title(source: str, fallback: str) -> str:
    doc = ast.get_docstring(ast.parse(source)) or fallback
    return doc.strip().splitlines()[0]


def _outputs(result: BlockResult | None) -> list[dict]:
    if result is None:
        return []
    outputs = []
    for name, text in (("stdout", result.stdout), ("stderr", result.stderr)):
        if text:
            outputs.append({"output_type": "stream", "name": name, "text": text})
    for figure in result.figures:
        outputs.append({"output_type": "display_data", "metadata": {},
                        "data": {"image/png": base64.b64encode(figure.png).decode(),
                                 "text/plain": figure.alt}})
    return outputs


def build_notebook(path: Path, results: dict[int, BlockResult]) -> dict:
    """An nbformat-4 notebook with the engine's outputs, headed by download links."""
    source = path.read_text()
    stem = path.stem
    header = (f"# {_title(source, stem)}\n\nThis page is the executed version of "
              f"[`snippets/{stem}.py`]({stem}.py). Download it as [{stem}.py]({stem}.py) or "
              f"[{stem}.ipynb]({stem}.ipynb); both run as they are.")
    cells = [{"cell_type": "markdown", "metadata": {}, "source": header}]
    index = 0
    for kind, _, text in parse_cells(source):
        if kind == "markdown":
            cells.append({"cell_type": "markdown", "metadata": {}, "source": text})
            continue
        cells.append({"cell_type": "code", "metadata": {}, "execution_count": index + 1,
                      "source": text, "outputs": _outputs(results.get(index))})
        index += 1
    return {"nbformat": 4, "nbformat_minor": 5, "cells": cells,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                         "language_info": {"name": "python"}}}


def publish(path: Path, results: dict[int, BlockResult], out_dir: Path) -> None:
    notebook = build_notebook(path, results)
    for cell in notebook["cells"]:
        cell["id"] = f"cell-{notebook['cells'].index(cell)}"
    write_atomic(out_dir / f"{path.stem}.ipynb", (json.dumps(notebook, indent=1) + "\n").encode())
    write_atomic(out_dir / path.name, path.read_bytes())
