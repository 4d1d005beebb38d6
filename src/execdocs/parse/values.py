"""Inline values: a number a sentence states, computed by the page's code (MyST-NB's glue).

Why: a number typed into prose goes stale the moment the outputs change, and outputs change
between machines (``check.noise``).  A block prints ``glue: <name> = <text>`` (``cnnlab.glue``
does it), so the value is part of the block's stdout: recorded, banded and drift-checked like
any output.  The prose writes ``{glue}`<name>``` and the render stage puts the text there.

This module reads both sides: the references in a page's prose (outside fences) and the values
a block printed.  It reads the model's values and the fence scanner, nothing else.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..model import BlockKey, BlockResult, Page
from .fences import fence_mask

NAME = r"[A-Za-z_][\w-]*"
REFERENCE = re.compile(r"\{glue\}`(" + NAME + r")`")
VALUE_LINE = re.compile(r"^glue: (" + NAME + r") = (.*)$", re.MULTILINE)
WHOLE_VALUE_LINE = re.compile(r"^glue: " + NAME + r" = .*(?:\n|\Z)", re.MULTILINE)


@dataclass(frozen=True)
class Reference:
    """``{glue}`name``` in the prose, at a 1-based line."""

    name: str
    line: int


def references(markdown: str) -> list[Reference]:
    """Every reference in the prose, in page order (fenced code shows the syntax, never uses it)."""
    lines = markdown.split("\n")
    mask = fence_mask(lines)
    return [Reference(m.group(1), number) for number, (line, fenced) in enumerate(zip(lines, mask, strict=True), 1)
            if not fenced for m in REFERENCE.finditer(line)]


def printed_values(stdout: str) -> list[tuple[str, str]]:
    """(name, text) of each value line a block printed, in order."""
    return [(m.group(1), m.group(2).rstrip()) for m in VALUE_LINE.finditer(stdout)]


def without_values(stdout: str) -> str:
    """What the block printed for the reader: its output without the value lines."""
    return WHOLE_VALUE_LINE.sub("", stdout) if "glue: " in stdout else stdout


@dataclass(frozen=True)
class Clash:
    """One name printed twice with different text: which text would the sentence show?"""

    name: str
    line: int  # the block that printed it again
    first: str
    second: str


def collect(outputs: list[tuple[int, str]]) -> tuple[dict[str, str], list[Clash]]:
    """The page's values from (block line, stdout) in page order, and the names printed twice
    with different text (printing the same text again is fine)."""
    values: dict[str, str] = {}
    clashes = []
    for line, stdout in outputs:
        for name, text in printed_values(stdout):
            if name in values and values[name] != text:
                clashes.append(Clash(name, line, values[name], text))
            values.setdefault(name, text)
    return values, clashes


def substitute(markdown: str, values: dict[str, str]) -> str:
    """The prose with each known reference replaced by its text; lines and fences unchanged.

    An unknown reference is left as written (``check.values`` reports it at its line)."""
    lines = markdown.split("\n")
    mask = fence_mask(lines)
    def swap(match: re.Match) -> str:
        return values.get(match.group(1), match.group(0))

    return "\n".join(line if fenced else REFERENCE.sub(swap, line) for line, fenced in zip(lines, mask, strict=True))


def page_values(page: Page, results: Mapping[BlockKey, BlockResult]) -> tuple[dict[str, str], list[Clash]]:
    """(name -> text, clashes) of everything the page's blocks printed as values."""
    outputs = [(b.line, r.stdout) for b in sorted(page.blocks, key=lambda b: b.line)
               if (r := results.get(b.key)) is not None]
    return collect(outputs)
