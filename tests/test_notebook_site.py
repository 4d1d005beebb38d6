"""The site's notebook pages under pytest: each checked from the build's cache, the build and nbformat agreeing.

`make test` runs every notebook page's chain once per test run: these tests read the results of
the one in-process build of the real site (``realsite.real_build``, cache hits after `make site`),
never a kernel of their own.  The parity test reads each notebook with nbformat, the reader
nbclient and Jupyter use, and proves the build runs exactly its code cells (minus
``skip-execution``), in order, and that the executed notebook mkdocs-jupyter renders holds the
same cells.  The guide's example messages are checked against the real parser.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from realsite import real_build

from execdocs.parse.notebook import parse_notebook

DOCS = Path(__file__).resolve().parents[1] / "docs"
NOTEBOOKS = sorted(p.name for p in DOCS.glob("*.ipynb"))


def test_the_site_has_notebook_pages_in_its_navigation():
    nav = (DOCS.parent / "mkdocs.yml").read_text()
    assert "train.ipynb" in NOTEBOOKS and all(f": {name}" in nav for name in NOTEBOOKS)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_notebook_page_runs_clean(name):
    session = real_build()
    page = session.pages[name]
    assert page.blocks and not page.errors
    problems = [p.detail for p in session.problems if p.page == name]
    assert problems == []
    assert all(b.key in session.results for b in page.blocks), "a cell did not run"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_the_build_and_nbformat_see_the_same_cells(name):
    nb = nbformat.read(DOCS / name, as_version=4)
    nbformat.validate(nb)
    run = [c.source.rstrip("\n") + "\n" for c in nb.cells
           if c.cell_type == "code" and c.source.strip() and "skip-execution" not in c.metadata.get("tags", [])]
    session = real_build()
    page = session.pages[name]
    assert [b.code for b in page.blocks] == run
    assert [b.line for b in page.blocks] == [n for n, c in enumerate(nb.cells, 1) if c.cell_type == "code"
                                             and "skip-execution" not in c.metadata.get("tags", [])]
    executed = json.loads(session.render(name))
    assert [c["source"] for c in executed["cells"] if c["cell_type"] == "code"] == \
        [c.source for c in nb.cells if c.cell_type == "code"]
    assert any(c["outputs"] for c in executed["cells"] if c["cell_type"] == "code"), "no executed output"


def _guide_messages() -> list[str]:
    guide = (DOCS / "authoring.md").read_text()
    section = guide[guide.index("## Notebook pages"):guide.index("## Snippets, notebooks and downloads")]
    return [line for block in re.findall(r"```text\n(.*?)```", section, re.S) for line in block.splitlines()]


def test_the_guides_messages_are_the_parsers():
    """The guide shows what a bad tag and a broken file on the real notebook page produce, verbatim."""
    source = (DOCS / "train.ipynb").read_text()
    nb = json.loads(source)
    tagged = json.loads(source)
    raising = next(n for n, c in enumerate(nb["cells"]) if "raises-exception" in c["metadata"].get("tags", []))
    tagged["cells"][raising]["metadata"]["tags"] = ["raise-exception"]
    timed = json.loads(source)
    training = next(n for n, c in enumerate(nb["cells"]) if "exec:per_device=true" in c["metadata"].get("tags", []))
    timed["cells"][training]["metadata"]["tags"] = ["exec:timeout=0"]
    broken = source.replace('"cell_type": "code",', '"cell_type": "code"', 1)
    old = json.dumps({"nbformat": 3, "nbformat_minor": 0, "cells": []})
    produced = [str(parse_notebook(json.dumps(tagged), "train.ipynb").errors[0]),
                str(parse_notebook(json.dumps(timed), "train.ipynb").errors[0]),
                str(parse_notebook(broken, "train.ipynb").errors[0]),
                str(parse_notebook(old, "old.ipynb").errors[0])]
    assert _guide_messages() == produced
