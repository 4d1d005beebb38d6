"""Small typed values passed between the pipeline stages.

Every stage (parse → execute → capture → cache → compare → render) speaks in
these types only, so each stage can be tested without the others and without
MkDocs.  They are plain frozen dataclasses so they pickle across the worker
process boundary and hash into cache keys.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from .errors import ExecDocsError, QuizError
from .errors import where as _where

BlockKey = tuple[str, int]  # (page, index): the one key results are stored and looked up by


@dataclass(frozen=True)
class Options:
    """Per-block settings from an ``<!--exec: key=value ...-->`` marker."""

    rtol: float = 1e-4  # relative tolerance for numbers in text output
    atol: float = 1e-6  # absolute floor so values near zero compare sanely
    image_tol: float = 2.0  # matplotlib compare_images RMS tolerance (0-255 scale)
    timeout: float = 120.0  # seconds before the block is killed
    per_device: bool = False  # record one entry per device kind (e.g. training curves)
    output: str = "text"  # "markdown": stdout is inserted as Markdown (tables), not escaped
    warnings: str = "fail"  # "expected": the block means to publish the warnings it prints
    memory: float = 4096.0  # MiB the chain may hold of its own while this block runs (run.memory)

    def __post_init__(self) -> None:
        """Numbers are floats however they were written (300 == 300.0), so equal settings hash
        to one cache key and identical chains on a page and in a snippet run once."""
        for name in ("rtol", "atol", "image_tol", "timeout", "memory"):
            object.__setattr__(self, name, float(getattr(self, name)))


@dataclass(frozen=True)
class Block:
    """One fenced ```python block of a page, with the markers that precede it."""

    page: str  # docs-relative path, e.g. "experiment.md"
    index: int  # ordinal among the page's executable blocks (0-based)
    line: int  # 1-based line of the opening fence
    end_line: int  # 1-based line of the closing fence
    code: str
    indent: str = ""  # leading whitespace of the fence (admonitions, lists)
    marks: tuple[str, ...] = ()  # e.g. ("pytest.mark.xfail",)
    cont: bool = False  # continues the previous python block's namespace
    expected_output: str | None = None  # text of a following expected-output fence
    expected_ignore_ws: bool = False
    expected_line: int | None = None  # 1-based line of the expected-output fence
    options: Options = field(default_factory=Options)
    skip: bool = False  # a skip mark, or a skipif whose condition held when the page was parsed
    anchor_line: int = 0  # outputs go after this line: the closing fence, or the expected-output fence's

    @property
    def key(self) -> BlockKey:
        return (self.page, self.index)

    @property
    def where(self) -> str:
        """page:line as an author finds it (snippets are named from the project root)."""
        return _where(self.page, self.line)

    @property
    def expects_exception(self) -> bool:
        return any(m.startswith("pytest.mark.xfail") for m in self.marks)


def chain_id(codes: Iterable[str]) -> str:
    """A chain's id: its code, hashed (stable across prose edits and moved lines)."""
    digest = hashlib.sha256("\0".join(codes).encode())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Chain:
    """Blocks that share one namespace: a head block plus its ``cont`` blocks."""

    blocks: tuple[Block, ...]

    @property
    def head(self) -> Block:
        return self.blocks[0]

    @property
    def page(self) -> str:
        return self.head.page

    @property
    def skip(self) -> bool:
        return self.head.skip

    @property
    def id(self) -> str:
        """The chain's code, hashed: stable across prose edits and moved lines (durations, shards)."""
        return chain_id(b.code for b in self.blocks)


@dataclass(frozen=True)
class Option:
    """One answer choice; ``fence`` is its own code block for ``runs`` questions."""

    letter: str
    text: str  # Markdown as written, without the checkbox and expect comment
    line: int
    keyed: bool
    expect: str | None = None
    fence: Block | None = None  # the page's block indented under this option

    @property
    def plain(self) -> str:
        """The text as the reader means it: code-span backticks are not part of an output."""
        return self.text.replace("`", "").strip()

    @property
    def code(self) -> Block:
        """The option's own block (runs questions are parsed with one per option)."""
        if self.fence is None:
            raise QuizError("", self.line, f"option {self.letter} has no python block")
        return self.fence

    @property
    def name(self) -> str:
        """How messages refer to the option: letter plus text, e.g. ``option B "torch.Size(...)"``."""
        return f'option {self.letter} "{self.plain}"'


@dataclass(frozen=True)
class Quiz:
    """A parsed question; line numbers refer to the author's original Markdown."""

    page: str
    line: int  # the opening <div> line
    end_line: int  # the closing </div> line
    quiz_id: str
    title: str
    check: str
    options: tuple[Option, ...]
    blocks: tuple[Block, ...] = ()  # the page's blocks that form the question (not the options')
    indent: str = ""
    attempts: int = 2
    group: str | None = None
    timer: int | None = None
    category: str = ""
    difficulty: str = ""
    attrs: tuple[tuple[str, str], ...] = ()  # all attributes of the opening tag, in order
    options_end: int = 0  # first line after the options (and their nested blocks)
    options_end_text: str = ""  # that line's original text, re-emitted after the widget

    @property
    def key(self) -> Option:
        return next(o for o in self.options if o.keyed)

    @property
    def block(self) -> Block | None:
        """The block whose result is checked: the last one before the options."""
        return self.blocks[-1] if self.blocks else None

    @property
    def checked_block(self) -> Block:
        """:attr:`block` where one is required (output and raises questions are parsed with one)."""
        if self.block is None:
            raise self.error(self.line, "this question has no python block before its options")
        return self.block

    def error(self, line: int, message: str) -> QuizError:
        return QuizError(self.page, line, f'quiz "{self.title}": {message}')


@dataclass(frozen=True)
class BadgeMarker:
    """A ``<!--quiz-badge: group "Title"-->`` line: where the group's badge appears."""

    page: str
    line: int
    group: str
    title: str | None = None


SNIPPETS = "../snippets/"  # a snippet's page name: its path from the docs folder


def group_chains(blocks: Iterable[Block]) -> tuple[Chain, ...]:
    """Blocks grouped into namespaces: each ``cont`` block joins the chain before it."""
    groups: list[list[Block]] = []
    for block in blocks:
        if block.cont and groups:
            groups[-1].append(block)
        else:
            groups.append([block])
    return tuple(Chain(tuple(g)) for g in groups)


@dataclass(frozen=True)
class Page:
    """One page as parsed once: its identity, text, blocks, quizzes and badges, and what was malformed.

    Every later stage (execute, check, render, the MkDocs hooks) reads this value; nothing
    re-reads or re-parses the page.  ``errors`` holds the marker and quiz errors found
    while parsing (a page with a marker error has no blocks; one with a quiz error no quizzes).
    The identity (``kind``, ``url``) is derived from ``name`` here and nowhere else.
    """

    name: str  # docs-relative path ("experiment.md"), or "../snippets/x.py" for a snippet
    markdown: str
    blocks: tuple[Block, ...] = ()
    quizzes: tuple[Quiz, ...] = ()  # questions whose code blocks are this page's blocks
    badges: tuple[BadgeMarker, ...] = ()
    errors: tuple[ExecDocsError, ...] = ()
    kind: str = field(init=False)  # "page" (docs/*.md) or "snippet" (snippets/*.py)
    url: str = field(init=False)  # where it is published, relative to the site root

    def __post_init__(self) -> None:
        kind, url = page_identity(self.name)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "url", url)

    @property
    def label(self) -> str:
        """How authors name the file: ``experiment.md``, ``snippets/x.py``."""
        return self.name.removeprefix("../")

    @property
    def chains(self) -> tuple[Chain, ...]:
        return group_chains(self.blocks)


def page_identity(name: str) -> tuple[str, str]:
    """(kind, published URL) of a page name: a snippet is published as its notebook."""
    if name.startswith(SNIPPETS):
        return "snippet", f"notebooks/{name.removeprefix(SNIPPETS).rsplit('.', 1)[0]}.html"
    return "page", name.rsplit(".", 1)[0] + ".html"


@dataclass(frozen=True)
class Figure:
    """A matplotlib figure a block left open, saved as PNG bytes."""

    png: bytes  # a 2x bitmap (figure_save.SAVE_DPI)
    alt: str
    width: int  # CSS px it is shown at (its size at figure_save.DISPLAY_DPI)
    height: int
    text: tuple[str, ...] = ()  # every text the figure draws (execdocs.figure_text), compared like output
    text_px: float | None = None  # its smallest text, in CSS px when shown at ``width``; None: no text


@dataclass(frozen=True)
class Artifact:
    """A file a block wrote into ``$EXECDOCS_ARTIFACTS``, published at artifacts/<page>/<name>."""

    name: str  # flat file name, [A-Za-z0-9._-]+
    data: bytes


@dataclass(frozen=True)
class ExceptionInfo:
    type: str  # e.g. "RuntimeError"
    message: str
    traceback: str  # formatted, with frames inside the block named by page:line


@dataclass(frozen=True)
class BlockResult:
    """What running one block produced. Rendering and comparison read only this."""

    stdout: str = ""
    stderr: str = ""  # includes warnings
    figures: tuple[Figure, ...] = ()
    artifacts: tuple[Artifact, ...] = ()  # files written (new or changed) by this block
    exception: ExceptionInfo | None = None
    duration: float = 0.0
    device: str = "cpu"
    truncated: bool = False  # output was cut to the size limit
    failure: str | None = None  # engine-level failure: timeout, crashed worker, sys.exit

    @property
    def ok(self) -> bool:
        return self.failure is None


@dataclass(frozen=True)
class Edit:
    """Replace ``remove`` lines starting at 1-based ``line`` with ``text``.

    Stages that change a page (outputs under blocks, quiz widgets) describe their
    changes as edits against the *original* Markdown, so line numbers stay valid
    and errors always point at the author's file.
    """

    line: int
    remove: int
    text: str


def apply_edits(markdown: str, edits: list[Edit]) -> str:
    """Apply edits bottom-up so earlier line numbers are unaffected."""
    lines = markdown.split("\n")
    for edit in sorted(edits, key=lambda e: (e.line, e.remove), reverse=True):
        start = edit.line - 1
        lines[start : start + edit.remove] = edit.text.split("\n") if edit.text != "" else []
    return "\n".join(lines)
