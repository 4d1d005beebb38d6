"""Checks on what a reader is shown: figure text they can read, no warning left in by accident.

A figure whose smallest text is under ``MIN_TEXT_PX`` CSS px where the page is read at
1280 px, or a warning a block published without declaring it (``<!--exec:
warnings=expected-->``), is a problem at the block's ``page:line`` like a failed block:
the strict build refuses it and ``make accept`` does not record it.
"""
from __future__ import annotations

import re

from ..errors import ExecDocsError
from ..model import Block, BlockResult

MIN_TEXT_PX = 10.0  # the smallest text a figure may show at a 1280 px window (issue 17)
# Material's text column at a 1280 px window (tests/browser/test_figures.py measures it): wider figures
# are scaled down to it.
COLUMN_PX = 688
WARNING_LINE = re.compile(r"^([A-Za-z_][\w.]*Warning): (.*)$", re.MULTILINE)  # as capture formats warnings


class UnreadableFigure(ExecDocsError):
    """A figure's smallest text would be shown under MIN_TEXT_PX CSS px."""

    title = "figure text too small"


class UndeclaredWarning(ExecDocsError):
    """A block published a warning that it did not declare as intended."""

    title = "warning published"


def shown_text_px(width: int, text_px: float) -> float:
    """The smallest text's CSS size at 1280 px: figures wider than the column are scaled down."""
    return text_px * min(1.0, COLUMN_PX / width)


def figure_errors(block: Block, result: BlockResult) -> list[ExecDocsError]:
    """Every figure of the block whose smallest text is too small to read."""
    errors: list[ExecDocsError] = []
    for n, fig in enumerate(result.figures, start=1):
        if fig.text_px is None:
            continue
        shown = shown_text_px(fig.width, fig.text_px)
        if shown < MIN_TEXT_PX:
            points = fig.text_px * 72 / 100
            errors.append(UnreadableFigure(
                block.page, block.line,
                f"figure {n} of this block shows text at {shown:.1f} CSS px at a 1280 px window (under "
                f"{MIN_TEXT_PX:g}): its smallest font is {points:.1f} pt in a figure {fig.width} px wide. Use "
                "fontsize >= 8 in a figure <= 7 in wide (fewer panels per row, or a taller figure)."))
    return errors


def warning_errors(block: Block, result: BlockResult) -> list[ExecDocsError]:
    """Warnings the block printed (published under it and in its notebook) without declaring them."""
    found = WARNING_LINE.findall(result.stderr)
    if not found or block.options.warnings == "expected":
        return []
    listed = "\n".join(f"{category}: {message[:160]}" for category, message in found)
    return [UndeclaredWarning(
        block.page, block.line,
        f"the block published {len(found)} warning(s). Fix their cause; if a warning is the point of the "
        "block, mark it <!--exec: warnings=expected--> before the fence.", listed)]


def output_errors(block: Block, result: BlockResult) -> list[ExecDocsError]:
    """What the reader would see wrong under this block."""
    return figure_errors(block, result) + warning_errors(block, result)
