"""Small typed values passed between the pipeline stages.

Every stage (parse → execute → capture → cache → compare → render) speaks in
these types only, so each stage can be tested without the others and without
MkDocs.  They are plain frozen dataclasses so they pickle across the worker
process boundary and hash into cache keys.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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

    def __post_init__(self) -> None:
        """Numbers are floats however they were written (300 == 300.0), so equal settings hash
        to one cache key and identical chains on a page and in a snippet run once."""
        for name in ("rtol", "atol", "image_tol", "timeout"):
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


@dataclass(frozen=True)
class Page:
    """One page as parsed once: its text, blocks, quizzes and badges, and what was malformed.

    Every later stage (execute, check, render, the MkDocs hooks) reads this value; nothing
    re-reads or re-parses the page.  ``errors`` holds the marker and quiz errors found
    while parsing (a page with a marker error has no blocks; one with a quiz error no quizzes).
    """

    name: str  # docs-relative path ("experiment.md"), or "../snippets/x.py" for a snippet
    markdown: str
    blocks: tuple[Block, ...] = ()
    quizzes: tuple[Any, ...] = ()  # quiz.Quiz values whose code blocks are this page's blocks
    badges: tuple[Any, ...] = ()  # quiz_html.BadgeMarker values
    errors: tuple[Exception, ...] = ()  # errors.ExecDocsError values

    @property
    def chains(self) -> tuple[Chain, ...]:
        groups: list[list[Block]] = []
        for block in self.blocks:
            if block.cont and groups:
                groups[-1].append(block)
            else:
                groups.append([block])
        return tuple(Chain(tuple(g)) for g in groups)


@dataclass(frozen=True)
class Figure:
    """A matplotlib figure a block left open, saved as PNG bytes."""

    png: bytes  # a 2x bitmap (figure_save.SAVE_DPI)
    alt: str
    width: int  # CSS px it is shown at (its size at figure_save.DISPLAY_DPI)
    height: int
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
class FigureDrift:
    """A figure that changed beyond its tolerance: everything a reviewer needs to judge it."""

    index: int  # 0-based figure number within the block
    recorded_png: bytes  # the committed baseline (a thumbnail)
    fresh_png: bytes  # the fresh figure, thumbnailed like the baseline
    diff_png: bytes | None  # matplotlib's difference image; None when the sizes differ
    rms: float | None
    tolerance: float


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the build, as data: shown on the page, logged, and reviewable."""

    page: str
    line: int
    kind: str  # "block failed", "output drifted", "marker error", "quiz error", "not run", ...
    detail: str  # the full message, starting with page:line
    code: str = ""  # the block's source, when the problem belongs to a block
    diff: str = ""  # unified text diff for text drift
    figure: FigureDrift | None = None

    @property
    def where(self) -> str:
        return _where(self.page, self.line)

    @property
    def title(self) -> str:
        return f"{self.kind} at {self.where}"


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
