"""Fences: the one scanner of fenced regions that the block parser and the quiz parser share.

Both read a page with the same rules (``` of any length, indentation stripped as far as the
opening fence's), so a quiz's code and the page's blocks are always the same fences.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from ..errors import MarkerError


@dataclasses.dataclass(frozen=True)
class Fence:
    """A fenced region: 0-based indexes of its opening and closing lines."""

    start: int
    end: int
    indent: str
    info: str
    code: str


def scan(lines: list[str], page: str = "") -> Iterator[Fence | int]:
    """Yield each line index outside fences, and each fence (``` of any length) as a whole."""
    i = 0
    while i < len(lines):
        stripped = lines[i].lstrip()
        if not stripped.startswith("```"):
            yield i
            i += 1
            continue
        ticks = len(stripped) - len(stripped.lstrip("`"))
        indent = lines[i][: len(lines[i]) - len(stripped)]
        body, j = [], i + 1
        while j < len(lines) and lines[j].lstrip()[:ticks] != "`" * ticks:
            cut = min(len(indent), len(lines[j]) - len(lines[j].lstrip()))
            body.append(lines[j][cut:])
            j += 1
        if j == len(lines):
            raise MarkerError(page, i + 1, f"fence opened at line {i + 1} is never closed")
        yield Fence(i, j, indent, lines[i].strip()[ticks:], "".join(body))
        i = j + 1


def fence_mask(lines: list[str]) -> list[bool]:
    """True for lines inside or delimiting a fence (quiz syntax shown as code is not a quiz).

    An unclosed fence masks nothing here: it is reported by :func:`parse_page`.
    """
    mask = [False] * len(lines)
    try:
        for item in scan(lines):
            if isinstance(item, Fence):
                mask[item.start : item.end + 1] = [True] * (item.end + 1 - item.start)
    except MarkerError:
        pass
    return mask
