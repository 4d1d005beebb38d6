"""Notebook pages (docs/*.ipynb): parsed into the Markdown pages' Page, run as one chain, rendered back.

The parse (tags, options, malformed files), the executed notebook mkdocs-jupyter renders (saved
outputs replaced, figures with alt text, problems, provenance), the stale-output note, and one
end-to-end build of a tiny site with MkDocs, mkdocs-jupyter and the hooks: a good notebook, a
malformed one beside it (non-strict: the rest builds), then a drift on a notebook cell.
"""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from enginekit import ROOT, build, write_site
from inprocess import mkdocs_build

from execdocs.model import BlockResult, ExceptionInfo, Figure
from execdocs.parse.notebook import MalformedNotebook, NotebookPage, parse_notebook
from execdocs.parse.sources import unreadable
from execdocs.problem import Problem
from execdocs.render.notebook_html import offline
from execdocs.render.notebook_page import executed_notebook
from execdocs.render.page import ENGINE_MARKER


def cell(kind: str, source: str, tags=(), outputs=None, **metadata) -> dict:
    meta = {"tags": list(tags), **metadata} if tags else dict(metadata)
    out = {"cell_type": kind, "metadata": meta, "source": textwrap.dedent(source).strip("\n")}
    if kind == "code":
        out.update(outputs=outputs or [], execution_count=None)
    return out


def notebook(*cells: dict) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": list(cells)})


def saved(text: str) -> list[dict]:
    return [{"output_type": "stream", "name": "stdout", "text": text}]


SAMPLE = notebook(
    cell("markdown", "# Sample\n\nThe answer is 42."),
    cell("code", "x = 6 * 7\nprint(x)", tags=["exec:rtol=1e-3"], outputs=saved("41\n")),
    cell("code", "1 / 0", tags=["raises-exception"]),
    cell("code", "download_the_internet()", tags=["skip-execution"]),
    cell("code", "print(x + 1)", execdocs={"timeout": 30, "per_device": True}),
)


def test_code_cells_are_one_chain_of_blocks_numbered_by_cell():
    page = parse_notebook(SAMPLE, "nb.ipynb")
    assert isinstance(page, NotebookPage) and not page.errors
    assert [(b.line, b.cont, b.marks) for b in page.blocks] == [
        (2, False, ()), (3, True, ("pytest.mark.xfail",)), (5, True, ())]
    assert len(page.chains) == 1 and page.url == "nb.html"
    assert page.blocks[0].options.rtol == 1e-3 and page.blocks[2].options.timeout == 30
    assert all(b.options.per_device for b in page.blocks)  # per_device marks the whole chain
    assert page.blocks[0].where == "nb.ipynb: cell 2"
    assert [c.block for c in page.cells] == [None, 0, 1, None, 2]  # skip-execution: shown, never run
    assert "The answer is 42." in page.markdown and "```python\nx = 6 * 7" in page.markdown


@pytest.mark.parametrize(("tags", "metadata", "message"), [
    (["raise-exception"], {},
     "nb.ipynb: cell 2: unknown cell tag 'raise-exception' (did you mean raises-exception?)"),
    (["exec:timeout=0"], {},
     "nb.ipynb: cell 2: bad value for exec option timeout: '0' (must be a finite number above 0)"),
    ([], {"execdocs": {"rtoll": 1}}, "nb.ipynb: cell 2: unknown exec option 'rtoll=1' (did you mean rtol?)"),
    ([], {"execdocs": 3}, "nb.ipynb: cell 2: cell metadata 'execdocs' must be an object"),
])
def test_bad_tags_and_options_name_the_cell(tags, metadata, message):
    page = parse_notebook(notebook(cell("markdown", "# T"), cell("code", "print(1)", tags=tags, **metadata)),
                          "nb.ipynb")
    assert not page.blocks and len(page.errors) == 1
    assert str(page.errors[0]).startswith(message)


def test_a_run_tag_on_a_markdown_cell_is_an_error():
    page = parse_notebook(notebook(cell("markdown", "# T", tags=["raises-exception"])), "nb.ipynb")
    assert str(page.errors[0]).startswith("nb.ipynb: cell 1: tag 'raises-exception' applies to code cells only")


@pytest.mark.parametrize(("text", "reason"), [
    ('{"cells": [', "nb.ipynb: not a notebook: the file is not valid JSON (Expecting value: line 1, column 12"),
    ('{"nbformat": 3, "worksheets": []}', "nb.ipynb: not a notebook: the JSON has no 'cells' list"),
    ('{"nbformat": 3, "cells": []}', "nb.ipynb: nbformat 3 is not supported"),
    ('{"nbformat": 4, "cells": [{"cell_type": "heading"}]}', "nb.ipynb: cell 1: not a notebook cell"),
])
def test_a_malformed_notebook_is_an_unreadable_page(text, reason):
    page = parse_notebook(text, "nb.ipynb")
    assert isinstance(page.errors[0], MalformedNotebook) and unreadable(page)
    assert str(page.errors[0]).startswith(reason)


def test_the_executed_notebook_shows_the_engines_outputs_never_the_saved_ones():
    page = parse_notebook(SAMPLE, "nb.ipynb")
    figure = Figure(png=b"png", alt='Bars "a" < b', width=600, height=300, text_px=12.0)
    results = {page.blocks[0].key: BlockResult(stdout="42\n", figures=(figure,)),
               page.blocks[1].key: BlockResult(exception=ExceptionInfo("ZeroDivisionError", "division by zero", "")),
               page.blocks[2].key: BlockResult(stdout="43\n")}
    problem = Problem("nb.ipynb", 5, "output drifted", "nb.ipynb: cell 5: stdout drifted")
    nb = executed_notebook(page, results, [problem], lambda f: "_exec/f.png", "<p class=\"exec-provenance\">p</p>",
                           header="<p>links</p>")
    cells = nb["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert code[0]["outputs"][0] == {"output_type": "stream", "name": "stdout", "text": "42\n"}  # not the saved 41
    img = code[0]["outputs"][1]["data"]["text/html"]
    assert 'alt="Bars &quot;a&quot; &lt; b"' in img and 'src="_exec/f.png"' in img and 'width="600"' in img
    assert code[1]["outputs"][0]["ename"] == "ZeroDivisionError"
    assert code[2]["outputs"] == [] and code[2]["metadata"]["tags"] == ["skip-execution"]
    sources = [c["source"] for c in cells]
    assert sources[1] == "<p>links</p>"  # under the title
    assert "output drifted at nb.ipynb: cell 5" in sources[sources.index("print(x + 1)") - 1]
    assert ENGINE_MARKER in sources[-1]


def test_a_stale_saved_output_is_noted_once_per_notebook(tmp_path):
    settings = write_site(tmp_path, {})
    (tmp_path / "docs" / "nb.ipynb").write_text(SAMPLE)
    logs: list[str] = []
    session = build(settings, logs=logs)
    notes = [line for line in logs if line.startswith("note:")]
    assert notes == [notes[0]] and "nb.ipynb: the output saved in cell(s) 2 differs" in notes[0]
    assert session.results[("nb.ipynb", 2)].stdout == "43\n"  # the chain went on after the raising cell


def test_offline_drops_only_scripts_from_other_hosts():
    html = ('<script src="https://cdnjs.cloudflare.com/mathjax.js"> </script><script>local()</script>'
            '<script src=""> </script><script src="assets/x.js"></script>')
    assert offline(html) == '<script>local()</script><script src="assets/x.js"></script>'


def _site(root: Path, pages: dict[str, str]) -> Path:
    docs = root / "docs"
    docs.mkdir(parents=True)
    for name, text in pages.items():
        (docs / name).write_text(text)
    hooks = "".join(f"  - {ROOT}/hooks/{name}.py\n" for name in ("execute", "figures", "render", "report", "notebooks"))
    (root / "mkdocs.yml").write_text(
        "site_name: nb\nuse_directory_urls: false\ntheme:\n  name: mkdocs\n"
        "plugins:\n  - mkdocs-jupyter:\n      include: ['*.ipynb']\n      execute: false\n"
        f"      cache: false\nhooks:\n{hooks}")
    return root / "mkdocs.yml"


def test_a_notebook_page_builds_beside_a_malformed_one_and_its_drift_names_the_cell(tmp_path):
    good = notebook(cell("markdown", "# Good\n\nProse."),
                    cell("code", "print('fresh', 6 * 7)", outputs=saved("stale\n")))
    config = _site(tmp_path, {"index.md": "# Home\n", "good.ipynb": good, "bad.ipynb": '{"cells": ['})
    env = {"EXECDOCS_CACHE": str(tmp_path / "cache")}
    first = mkdocs_build(config, tmp_path / "site", strict=False, **env)
    assert "bad.ipynb: not a notebook: the file is not valid JSON" in first.stderr
    html = (tmp_path / "site" / "good.html").read_text()
    assert "fresh 42" in html and "stale" not in html and ENGINE_MARKER in html
    assert (tmp_path / "site" / "index.html").exists() and not (tmp_path / "site" / "bad.html").exists()
    assert sorted(p.name for p in (tmp_path / "docs").iterdir()) == ["bad.ipynb", "good.ipynb", "index.md"]
    assert (tmp_path / ".cache" / "execdocs-notebooks" / "good.ipynb").exists()  # the build's folder
    (tmp_path / "docs" / "bad.ipynb").unlink()
    accepted = mkdocs_build(config, tmp_path / "site", strict=True, EXECDOCS_ACCEPT="1", **env)
    assert accepted.returncode == 0, accepted.stderr
    (tmp_path / "docs" / "good.ipynb").write_text(good.replace("6 * 7", "6 * 8"))
    drifted = mkdocs_build(config, tmp_path / "site", strict=True, **env)
    assert drifted.returncode == 1
    assert "output drifted at good.ipynb: cell 2" in drifted.stderr and "fresh 48" in drifted.stderr
