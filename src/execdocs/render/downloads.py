"""Every learner page as a notebook (.ipynb) and a script (.py) a reader can run anywhere.

Built from what the page executed (pure: page, results, site settings in; file contents
out): prose as Markdown cells, each block as a code cell with the outputs the build
recorded, chains in page order.  The pages import ``cnnlab``, which a reader does not
have, so the first code cell installs the wheel the site publishes (``store/wheel.py``), from
``site_url`` when the site has one, else from a file the reader downloads next to the
notebook.  All cells share one namespace (a notebook has one), so each chain's first cell
starts with ``fresh_start()``: the seeds and thread count the engine gives every chain,
without which the printed numbers would not be the page's.
"""
from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..model import Block, BlockKey, BlockResult, Page
from ..parse.values import page_values, substitute
from .notebook_prose import FRONT_MATTER, ProseConverter, site_link_mapper
from .sanitize import safe_markdown

FOLDER = "downloads"
OPT_OUT = re.compile(r"^notebook:\s*false\b", re.M)  # front matter that keeps a page off the downloads
EXPLORER = re.compile(r"cnnlab\.explorer|from cnnlab import [^\n]*\bexplorer\b")
RESET = "fresh_start()  # seeds and threads as the site's build sets them"


@dataclass(frozen=True)
class Prose:
    text: str


Part = Prose | Block


@dataclass(frozen=True)
class Site:
    """What a download needs to know about the site it came from."""

    url: str  # site_url with a trailing "/", or "" (then links stay relative and the wheel is local)
    wheel: str  # the wheel's file name, cnnlab-<version>-py3-none-any.whl


def wants_downloads(page: Page) -> bool:
    """A page with executed blocks, unless its front matter says ``notebook: false``."""
    front = FRONT_MATTER.match(page.markdown)
    return bool(page.blocks) and not (front and OPT_OUT.search(front.group(0)))


def download_stem(site_page: str) -> str:
    """downloads/<page path without suffix>: ``pipeline.md`` -> ``downloads/pipeline``."""
    return f"{FOLDER}/{site_page.rsplit('.', 1)[0]}"


def _link_targets(site_page: str) -> tuple[str, str, str]:
    """(download stem, the way up from the page to the site root, the file name) of a page."""
    stem = download_stem(site_page)
    return stem, "../" * site_page.count("/"), stem.rsplit("/", 1)[-1]


def links_markdown(site_page: str, wheel: str) -> str:
    """The page's download links (relative to the page), a paragraph under its title."""
    stem, up, name = _link_targets(site_page)
    return (f'[Download notebook (.ipynb)]({up}{stem}.ipynb){{ download="{name}.ipynb" }} · '
            f'[script (.py)]({up}{stem}.py){{ download="{name}.py" }} · '
            f'[cnnlab wheel]({up}{FOLDER}/{wheel}){{ download="{wheel}" }}: they run with torch, torchvision '
            f"and matplotlib, and their first cell installs `cnnlab`, this site's teaching package.\n"
            "{ .exec-downloads }")


def links_html(site_page: str, wheel: str) -> str:
    """The same links as HTML, for a notebook page (nbconvert's Markdown has no attribute lists)."""
    stem, up, name = _link_targets(site_page)
    return (f'<p class="exec-downloads"><a href="{up}{stem}.ipynb" download="{name}.ipynb">Download notebook '
            f'(.ipynb)</a> · <a href="{up}{stem}.py" download="{name}.py">script (.py)</a> · '
            f'<a href="{up}{FOLDER}/{wheel}" download="{wheel}">cnnlab wheel</a>: they run with torch, '
            "torchvision and matplotlib, and their first cell installs <code>cnnlab</code>, this site's "
            "teaching package.</p>")


def page_parts(page: Page) -> list[Part]:
    """A Markdown page cut into prose and blocks (a block's expected-output fence goes with it)."""
    lines = page.markdown.split("\n")
    for option in (o for quiz in page.quizzes for o in quiz.options):  # lettered, as the quiz widget shows them
        line = lines[option.line - 1]
        indent = line[: len(line) - len(line.lstrip())]
        lines[option.line - 1] = f"{indent}- **{option.letter}.** {option.text}"
    parts: list[Part] = []
    start = 0
    for block in sorted(page.blocks, key=lambda b: b.line):
        parts.append(Prose("\n".join(lines[start : block.line - 1])))
        parts.append(block)
        start = max(block.end_line, block.anchor_line)
    parts.append(Prose("\n".join(lines[start:])))
    return parts


def hidden_blocks(page: Page) -> set[BlockKey]:
    """Blocks whose output answers a quiz: the notebook leaves them for the reader to run."""
    return {b.key for quiz in page.quizzes if quiz.check != "none" for b in page.blocks
            if quiz.line < b.line < quiz.end_line}


def setup_code(page: Page, site: Site) -> str:
    extra = "[explorer]" if any(EXPLORER.search(b.code) for b in page.blocks) else ""
    if site.url:
        where = (f'CNNLAB_WHEEL = "{site.url}{FOLDER}/{site.wheel}"\n'
                 f'requirement = f"cnnlab{extra} @ {{CNNLAB_WHEEL}}"\n')
    else:
        where = (f"# This site was built without a site_url: download {site.wheel} from its {FOLDER}/\n"
                 f"# folder into the folder this notebook runs in.\n"
                 f'CNNLAB_WHEEL = "{site.wheel}"\n'
                 f"if importlib.util.find_spec(\"cnnlab\") is None and not os.path.exists(CNNLAB_WHEEL):\n"
                 f'    raise FileNotFoundError(f"download {{CNNLAB_WHEEL}} from the site\'s {FOLDER}/ folder "\n'
                 f'                            f"into {{os.getcwd()}}")\n'
                 f'requirement = f"cnnlab{extra} @ {{pathlib.Path(CNNLAB_WHEEL).resolve().as_uri()}}"\n')
    return ("# Setup: install cnnlab, the site's small teaching package, unless it is installed.\n"
            "import importlib.util, os, pathlib, subprocess, sys\n\n" + where +
            "if importlib.util.find_spec(\"cnnlab\") is None:\n"
            "    subprocess.check_call([sys.executable, \"-m\", \"pip\", \"install\", \"--quiet\", requirement])\n"
            "    importlib.invalidate_caches()  # so this running kernel sees the new package\n\n\n"
            "def fresh_start(seed=0):\n"
            '    """Seed every generator and use one thread: what the site does before each group of cells."""\n'
            "    import random\n    import numpy\n    import torch\n\n"
            "    random.seed(seed)\n    numpy.random.seed(seed)\n    torch.manual_seed(seed)\n"
            "    torch.set_num_threads(1)\n")


def intro_markdown(title: str, site_page: str, site: Site) -> str:
    page_url = site_link_mapper(site.url)(site_page) if site.url else site_page.rsplit(".", 1)[0] + ".html"
    source = "from the site" if site.url else f"from `{site.wheel}`, which you download beside this notebook"
    return (f"# {title}\n\nThis notebook is the page [{title}]({page_url}) of *Why CNNs see*, with the "
            "outputs the site recorded. It runs with torch, torchvision and matplotlib installed: the "
            f"first code cell installs `cnnlab`, the site's teaching package, {source}.")


def page_title(parts: list[Part], fallback: str) -> tuple[str, list[Part]]:
    """The page's H1 and its parts without that line (the intro cell carries the title)."""
    for k, part in enumerate(parts):
        if isinstance(part, Prose) and (m := re.search(r"^# (.+)$", part.text, re.M)):
            rest = part.text[: m.start()] + part.text[m.end():]
            return m.group(1).strip(), [*parts[:k], Prose(rest), *parts[k + 1:]]
    return fallback, parts


def cell_code(block: Block) -> str:
    code = block.code.rstrip("\n")
    return f"{RESET}\n{code}" if not block.cont else code


def outputs(block: Block, result: BlockResult | None) -> list[dict]:
    """The recorded outputs of a block as nbformat outputs (text, tables, figures, an intended error)."""
    if result is None:
        return []
    out = []
    if result.stdout and block.options.output == "markdown":
        out.append({"output_type": "display_data", "metadata": {},
                    "data": {"text/markdown": safe_markdown(result.stdout), "text/plain": result.stdout}})
    elif result.stdout:
        out.append({"output_type": "stream", "name": "stdout", "text": result.stdout})
    if result.stderr:
        out.append({"output_type": "stream", "name": "stderr", "text": result.stderr})
    for figure in result.figures:
        out.append({"output_type": "display_data", "metadata": {"image/png": {"width": figure.width}},
                    "data": {"image/png": base64.b64encode(figure.png).decode(), "text/plain": figure.alt}})
    if result.exception is not None:
        error = result.exception
        out.append({"output_type": "error", "ename": error.type, "evalue": error.message,
                    "traceback": [f"{error.type}: {error.message}"]})
    return out


def notebook(page: Page, parts: list[Part], results: Mapping[BlockKey, BlockResult], site: Site,
             site_page: str, title: str) -> dict:
    """nbformat 4.5: an intro, the setup cell, then the page's prose and blocks with their outputs."""
    convert = ProseConverter(site_link_mapper(site.url or "../" * (download_stem(site_page).count("/")),
                                              site_page.rpartition("/")[0]))
    hidden = hidden_blocks(page)
    values = page_values(page, results)[0]
    cells = [_markdown(intro_markdown(title, site_page, site)), _code(setup_code(page, site), [], {})]
    for part in parts:
        if isinstance(part, Prose):
            if text := convert.convert(substitute(part.text, values)):
                cells.append(_markdown(text))
            continue
        result = None if part.key in hidden else results.get(part.key)
        tags = {"tags": ["raises-exception"]} if part.expects_exception else {}
        cells.append(_code(cell_code(part), outputs(part, result), tags))
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number}"
    return {"nbformat": 4, "nbformat_minor": 5, "cells": cells,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                         "language_info": {"name": "python"}}}


def _markdown(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def _code(source: str, outs: list[dict], metadata: dict) -> dict:
    return {"cell_type": "code", "metadata": metadata, "execution_count": None, "source": source, "outputs": outs}


def notebook_bytes(nb: dict) -> bytes:
    return (json.dumps(nb, indent=1, ensure_ascii=False) + "\n").encode()


def script(nb: dict) -> str:
    """The notebook as a jupytext percent-format script: ``python page.py`` runs it top to bottom.

    A cell meant to raise (the page shows the error) prints its error instead of stopping the
    script; figures are shown at the end when it runs outside Jupyter."""
    chunks = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            body = "\n".join(f"# {line}".rstrip() for line in cell["source"].split("\n"))
            chunks.append(f"# %% [markdown]\n{body}")
        elif "raises-exception" in cell["metadata"].get("tags", []):
            body = "\n".join(f"    {line}".rstrip() for line in cell["source"].split("\n"))
            chunks.append(f"# %%\ntry:  # this cell is meant to raise: the page explains the error\n{body}\n"
                          'except Exception as error:\n    print(f"{type(error).__name__}: {error}")')
        else:
            chunks.append(f"# %%\n{cell['source']}")
    if any(o.get("data", {}).get("image/png") for c in nb["cells"] for o in c.get("outputs", [])):
        chunks.append("# %%\nimport matplotlib.pyplot as plt\n\nplt.show()  # as a script: the figures the cells drew")
    return "\n\n".join(chunks) + "\n"
