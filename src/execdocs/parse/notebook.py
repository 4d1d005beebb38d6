"""Parse: a Jupyter notebook in ``docs/`` into the same :class:`~execdocs.model.Page` a Markdown page becomes.

Why the same value: run, store and check then need no notebook case at all.  Each code cell is
a :class:`~execdocs.model.Block` whose ``line`` is the cell's number (1-based, counting every
cell, as a reader counts them in Jupyter), so every message says ``page.ipynb: cell N``
(``errors.where``); the cells form one chain (a notebook has one kernel).  The page's
``markdown`` is the notebook as Markdown (prose, and code as ```python fences), which is what
the claims read their sentences from; the cells themselves, with their tags, are kept in
:class:`NotebookPage` for the renderer.

Markers are the ecosystem's cell tags, read as nbval, MyST-NB and Jupyter Book read them:
``raises-exception`` (the cell must raise), ``skip-execution`` (not run), ``remove-input``,
``remove-output``, ``remove-cell`` (rendering only, done by mkdocs-jupyter); engine options
are ``exec:key=value`` tags or an ``"execdocs": {...}`` object in the cell's metadata.  What the
author left saved in the notebook is never shown: only its text is kept, to report a stale
notebook.
"""
from __future__ import annotations

import dataclasses
import json

from ..errors import ExecDocsError, MarkerError
from ..model import Block, Options, Page
from .markers import read_options, suggest
from .page import _per_device_chains as per_device_chains
from .sources import UnreadablePage

SUFFIX = ".ipynb"
RUN_TAGS = {"raises-exception": "pytest.mark.xfail", "skip-execution": "pytest.mark.skip"}
SHOW_TAGS = ("remove-input", "remove-output", "remove-cell")  # mkdocs-jupyter's remove_tag_config
OPTION_TAG = "exec:"  # exec:rtol=1e-3, one option per tag (tags hold no spaces)
METADATA_KEY = "execdocs"
KNOWN_TAGS = (*RUN_TAGS, *SHOW_TAGS, OPTION_TAG + "<option>=<value>")


class MalformedNotebook(UnreadablePage):
    """A notebook that is not JSON, not nbformat 4, or not shaped like a notebook: the page is left out."""

    title = "unreadable notebook"


@dataclasses.dataclass(frozen=True)
class Cell:
    """One cell as the author wrote it; ``block`` is the index of its Block (code cells)."""

    number: int  # 1-based position among all cells: what messages call "cell N"
    kind: str  # "code", "markdown" or "raw"
    source: str
    tags: tuple[str, ...] = ()
    options: Options = dataclasses.field(default_factory=Options)
    block: int | None = None
    saved: str | None = None  # the stdout the author left saved (None: no output saved)


@dataclasses.dataclass(frozen=True)
class NotebookPage(Page):
    """A Page whose source is a notebook: the cells, for rendering it back as a notebook."""

    cells: tuple[Cell, ...] = ()


def is_notebook(name: str) -> bool:
    return name.endswith(SUFFIX)


def parse_notebook(text: str, name: str) -> Page:
    """The notebook's one Page: blocks and cells, or (malformed) a Page holding only the error."""
    try:
        raw = _load(text, name)
    except MalformedNotebook as err:
        return Page(name, "", errors=(err,))
    try:
        cells = [_cell(number, cell, name) for number, cell in enumerate(raw, 1)]
    except MarkerError as err:  # a bad tag: no cell runs until it is fixed (like a Markdown marker error)
        shown = tuple(Cell(n, c["cell_type"], _text(c.get("source"))) for n, c in enumerate(raw, 1))
        return NotebookPage(name, as_markdown(shown), errors=(err,), cells=shown)
    numbered: list[Cell] = []
    blocks: list[Block] = []
    for cell in cells:
        if cell.kind == "code" and cell.source.strip() and "skip-execution" not in cell.tags:
            cell = dataclasses.replace(cell, block=len(blocks))
            blocks.append(_block(cell, name, len(blocks)))
        numbered.append(cell)
    return NotebookPage(name, as_markdown(numbered), tuple(per_device_chains(blocks)), cells=tuple(numbered))


def _block(cell: Cell, name: str, index: int) -> Block:
    """A code cell as a block of the notebook's one chain (``line``: the cell's number)."""
    marks = tuple(RUN_TAGS[t] for t in cell.tags if t in RUN_TAGS)
    return Block(page=name, index=index, line=cell.number, end_line=cell.number, code=cell.source.rstrip("\n") + "\n",
                 marks=marks, cont=index > 0, options=cell.options, anchor_line=cell.number)


def _load(text: str, name: str) -> list[dict]:
    """The notebook's cell list; anything that is not a readable nbformat 4 notebook is an error."""
    fix = "save it again from Jupyter (File > Save Notebook), or restore it with git"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise MalformedNotebook(name, 0, f"not a notebook: the file is not valid JSON ({err.msg}: line "
                                f"{err.lineno}, column {err.colno} of the file); {fix}") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise MalformedNotebook(name, 0, f"not a notebook: the JSON has no 'cells' list; {fix}")
    version = data.get("nbformat")
    if version != 4:
        raise MalformedNotebook(name, 0, f"nbformat {version!r} is not supported: the engine reads nbformat 4 "
                                "notebooks (convert it: `jupyter nbconvert --to notebook --nbformat 4 FILE`)")
    for number, cell in enumerate(data["cells"], 1):
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
            raise MalformedNotebook(name, number, f"not a notebook cell (its cell_type must be code, markdown "
                                    f"or raw); {fix}")
    return data["cells"]


def _text(value) -> str:
    """nbformat stores multi-line strings as a string or a list of lines."""
    return "".join(value) if isinstance(value, list) else str(value or "")


def _cell(number: int, cell: dict, name: str) -> Cell:
    """One cell, its tags and options checked (MarkerError at ``page.ipynb: cell N``)."""
    metadata: dict = cell["metadata"] if isinstance(cell.get("metadata"), dict) else {}
    tags = metadata.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise MarkerError(name, number, "the cell's metadata 'tags' must be a list of strings")
    for tag in tags:
        _check_tag(tag, cell["cell_type"], name, number)
    saved = None
    if cell["cell_type"] == "code" and cell.get("outputs"):
        saved = "".join(_text(o.get("text")) for o in cell["outputs"]
                        if isinstance(o, dict) and o.get("output_type") == "stream" and o.get("name") == "stdout")
    options = _options(tags, metadata.get(METADATA_KEY), name, number)
    if options != Options() and cell["cell_type"] != "code":
        raise MarkerError(name, number, f"engine options apply to code cells only (this is a {cell['cell_type']} cell)")
    return Cell(number, cell["cell_type"], _text(cell.get("source")), tuple(tags), options, saved=saved)


def _check_tag(tag: str, kind: str, name: str, number: int) -> None:
    if tag in RUN_TAGS or tag.startswith(OPTION_TAG):
        if kind != "code":
            raise MarkerError(name, number, f"tag {tag!r} applies to code cells only (this is a {kind} cell)")
        return
    if tag not in SHOW_TAGS:
        raise MarkerError(name, number, f"unknown cell tag {tag!r}{suggest(tag, (*RUN_TAGS, *SHOW_TAGS))}; "
                          f"known tags: {', '.join(KNOWN_TAGS)}")


def _options(tags: list[str], extra, name: str, number: int) -> Options:
    """``exec:key=value`` tags, then the cell's ``execdocs`` metadata, both read like an exec marker."""
    values = {}
    for tag in tags:
        if tag.startswith(OPTION_TAG):
            values.update(read_options(tag.removeprefix(OPTION_TAG), name, number))
    if extra is not None and not isinstance(extra, dict):
        raise MarkerError(name, number, f"cell metadata {METADATA_KEY!r} must be an object of engine options, "
                          'e.g. {"timeout": 300}')
    pairs = " ".join(f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in (extra or {}).items())
    values.update(read_options(pairs, name, number))
    return Options(**values) if values else Options()


def as_markdown(cells) -> str:
    """The notebook as Markdown: prose as written, code cells as ```python fences (what claims read)."""
    parts = [c.source if c.kind == "markdown" else f"```python\n{c.source.rstrip()}\n```"
             for c in cells if c.kind != "raw"]
    return "\n\n".join(parts) + "\n"


def notebook_error(page: Page) -> ExecDocsError | None:
    return next((e for e in page.errors if isinstance(e, MalformedNotebook)), None)
