"""Saving one matplotlib figure for the page: a 2x bitmap, its smallest text, and its alt text.

Why 2x: a figure is shown at the size it has at 100 dpi (the scale page code is written
for: a 7 in figure fills the ~700 px column), but the PNG is saved at 200 dpi so it stays
sharp on 2x screens and when a reader zooms.  Why record the smallest text: the build
refuses a figure whose text a reader cannot read (``check_figures``), and the page shows
it to the browser tests, which measure the size at which it is really displayed.
"""
from __future__ import annotations

import io
from collections.abc import Callable

from ..model import Figure
from .figure_text import recording_text

DISPLAY_DPI = 100  # CSS px per inch at which a figure is shown (its width attribute)
SAVE_DPI = 2 * DISPLAY_DPI  # bitmap px per inch: every figure is a 2x bitmap
POINTS_PER_INCH = 72
MAX_INCHES = 16.0  # a side: pages show figures in a ~7 in column; 16 in is already 3200 bitmap px


class FigureTooLarge(Exception):
    """Open figures over :data:`MAX_INCHES`: never rendered (a 100 in figure needs gigabytes)."""


def oversize(fig, number: int) -> str | None:
    """Why figure ``number`` is too large to publish, checked before anything is drawn."""
    width, height = (float(v) for v in fig.get_size_inches())
    if max(width, height) <= MAX_INCHES:
        return None
    return (f"figure {number} is {width:g} x {height:g} in ({width * DISPLAY_DPI:,.0f} x "
            f"{height * DISPLAY_DPI:,.0f} px on the page, twice that in its bitmap), over the limit of "
            f"{MAX_INCHES:g} in a side: it was not drawn. Pages show figures in a ~7 in column: use "
            "figsize=(7, h) with both sides at most 16 (more rows of panels, or several figures)")


def save_figure(fig, alt_text: Callable[[object], str]) -> Figure:
    """The figure as a 2x PNG, with its display size, smallest text in CSS px and alt text.

    ``alt_text(fig)`` is called after the save: tick labels exist only once a figure is drawn.
    """
    buffer = io.BytesIO()
    with recording_text() as drawn:
        fig.savefig(buffer, format="png", dpi=SAVE_DPI, bbox_inches="tight", metadata={"Software": None})
    png = buffer.getvalue()
    width, height = png_size(png)
    smallest = min(drawn.sizes) * DISPLAY_DPI / POINTS_PER_INCH if drawn.sizes else None
    return Figure(png=png, alt=alt_text(fig), width=width * DISPLAY_DPI // SAVE_DPI,  # floor: >= 2x
                  height=height * DISPLAY_DPI // SAVE_DPI,
                  text_px=None if smallest is None else round(smallest, 2), text=tuple(drawn.texts))


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG header (the IHDR chunk is always first)."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
