"""Problems: everything wrong with a build, as data that every consumer renders as given.

The terminal message, the admonition on the page and the drift report all read the same
:class:`Problem`: page and line, the block's source, the text diff, figure evidence and the
block's tolerances, so no consumer recovers anything from the message text.  Kept out of
``model`` (whose source is part of every cache key): changing a problem re-runs nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

from .errors import ExecDocsError
from .errors import where as _where
from .model import Block, Options, Page


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
    rtol: float = Options.rtol  # the block's tolerances: the report marks numbers beyond them
    atol: float = Options.atol
    url: str = ""  # the published page (Page.url), for links; "" when it has none

    @classmethod
    def of(cls, err: ExecDocsError, block: Block | None = None, page: Page | None = None) -> Problem:
        """An error as data, with what its block and page know (source, tolerances, URL)."""
        options = block.options if block is not None else Options()
        return cls(page=err.page, line=err.line, kind=err.title, detail=str(err),
                   code=err.code or (block.code if block is not None else ""), diff=err.diff,
                   figure=err.figure if isinstance(err.figure, FigureDrift) else None,
                   rtol=options.rtol, atol=options.atol, url=page.url if page is not None else "")

    @property
    def where(self) -> str:
        return _where(self.page, self.line)

    @property
    def title(self) -> str:
        return f"{self.kind} at {self.where}"
