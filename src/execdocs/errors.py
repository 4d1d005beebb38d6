"""Typed, actionable errors: each names the page and line an author must look at.

Every error the engine reports derives from :class:`ExecDocsError`, which carries the
page and 1-based line; ``str()`` is the full message, starting with ``page:line``.
The checks turn them into :class:`~execdocs.model.Problem` values (structured data for
the report, the page and a drift review), so no raw engine traceback reaches an author.
"""
from __future__ import annotations


def where(page: str, line: int) -> str:
    """page:line as an author finds it (snippets are named from the project root).

    A notebook's blocks are numbered by cell (``parse.notebook``): ``page.ipynb: cell N``, or the
    notebook alone for what concerns the whole file (line 0)."""
    name = page.removeprefix("../")
    if name.endswith(".ipynb"):
        return f"{name}: cell {line}" if line > 0 else name
    return f"{name}:{max(line, 1)}"


class ExecDocsError(Exception):
    """Base class: something on ``page`` at ``line`` the author must fix or accept."""

    title = "error"
    code = ""  # the block's source, when the error belongs to a block
    diff = ""  # a unified text diff, for drift
    figure: object = None  # problem.FigureDrift evidence, for figure drift

    def __init__(self, page: str, line: int, message: str, detail: str = ""):
        self.page, self.line, self.message = page, line, message
        self.detail = detail
        text = f"{self.where}: {message}"
        super().__init__(text + ("\n" + _indent(detail.rstrip()) if detail else ""))

    @property
    def where(self) -> str:
        return where(self.page, self.line)


class MarkerError(ExecDocsError):
    """A marker the engine cannot honour (unknown, malformed, or with nothing to apply to)."""

    title = "marker error"


class QuizError(ExecDocsError):
    """A quiz that is malformed, or whose answer key disagrees with the real output."""

    title = "quiz error"


class BlockFailure(ExecDocsError):
    """A block raised, timed out, exited or crashed when it was not meant to."""

    title = "block failed"

    def __init__(self, page: str, line: int, code: str, reason: str, traceback: str = ""):
        self.code, self.reason, self.traceback = code, reason, traceback
        super().__init__(page, line, reason, code.rstrip() + ("\n" + traceback.rstrip() if traceback else ""))


class Drift(ExecDocsError):
    """Fresh output disagrees with the committed record or an expected-output fence."""

    title = "output drifted"

    def __init__(self, page: str, line: int, what: str, diff: str, figure=None):
        self.what, self.diff, self.figure = what, diff, figure  # figure: model.FigureDrift or None
        super().__init__(page, line, what, diff)


def _indent(text: str, prefix: str = "    | ") -> str:
    return "\n".join(prefix + line for line in text.splitlines())
