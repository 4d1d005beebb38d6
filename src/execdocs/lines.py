"""One line model for every stage: Markdown's, where only LF (after CR/CRLF are normalised) ends a line.

Why not ``str.splitlines``: it also breaks at U+2028, U+2029, U+0085, form feed, vertical tab
and the file/group/record separators, which Markdown (and MkDocs, and git) treat as ordinary
characters.  A parser that counted those as lines and a renderer that did not put a block's
output inside the next block and shifted every reported line number.  Every stage that
counts lines (parse, quizzes, render, tracebacks, records) goes through these functions.
"""
from __future__ import annotations


def normalize(text: str) -> str:
    """CRLF and lone CR become LF, as Python-Markdown and MkDocs read a page."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split(text: str) -> list[str]:
    """The lines of (normalised) text, without their LF; ``"a\\n"`` gives ``["a", ""]``."""
    return text.split("\n")


def split_keepends(text: str) -> list[str]:
    """The lines of (normalised) text, each with its LF; no empty line after a final LF."""
    parts = text.split("\n")
    kept = [part + "\n" for part in parts[:-1]]
    return kept + [parts[-1]] if parts[-1] else kept


def output_lines(text: str) -> list[str]:
    """Printed output as a record stores it: one entry per LF-terminated line, no trailing empty one."""
    parts = text.split("\n")
    return parts[:-1] if parts and parts[-1] == "" else parts
