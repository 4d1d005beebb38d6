"""Typed, actionable errors: each names the page and line an author must look at."""
from __future__ import annotations


class ExecDocsError(Exception):
    """Base class; ``str()`` is the full message shown to the author."""


class MarkerError(ExecDocsError):
    """A marker the engine cannot honour (unknown, malformed, or with nothing to apply to)."""

    def __init__(self, where: str | None, message: str):
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}" if where else message)


class BlockFailure(ExecDocsError):
    """A block raised, timed out, exited or crashed when it was not meant to."""

    def __init__(self, where: str, code: str, reason: str, traceback: str = ""):
        self.where = where
        self.code = code
        self.reason = reason
        self.traceback = traceback
        super().__init__(self.describe())

    def describe(self) -> str:
        parts = [f"{self.where}: {self.reason}", _indent(self.code.rstrip())]
        if self.traceback:
            parts.append(_indent(self.traceback.rstrip()))
        return "\n".join(parts)


class Drift(ExecDocsError):
    """Fresh output disagrees with the committed record or an expected-output fence."""

    def __init__(self, where: str, what: str, diff: str):
        self.where = where
        self.what = what
        self.diff = diff
        super().__init__(f"{where}: {what}\n{_indent(diff.rstrip())}")


def _indent(text: str, prefix: str = "    | ") -> str:
    return "\n".join(prefix + line for line in text.splitlines())
