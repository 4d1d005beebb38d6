"""The text a figure shows (titles, labels, tick labels, legends, annotations), read while it is saved.

Why: pixels alone miss what matters most to a reader.  A title changed from "91.2%" to "81.2%"
moves so few pixels (RMS 1.95) that it passes an image tolerance of 2.  The record keeps each
figure's text and the drift gate compares it like printed output (numbers within ``rtol``).
Recorded while matplotlib draws, so only text that is actually drawn counts (not tick labels
outside the view, not invisible artists), in drawing order, each artist once.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass
class DrawnText:
    """What one ``savefig`` drew: each text artist's string once (in drawing order) and every font size (pt)."""

    texts: list[str] = field(default_factory=list)
    sizes: list[float] = field(default_factory=list)


@contextlib.contextmanager
def recording_text() -> Iterator[DrawnText]:
    """Record every visible, non-empty matplotlib ``Text`` drawn inside the block (e.g. a ``savefig``).

    One recorder serves both gates: the texts are compared like printed output, and the smallest
    size is checked for legibility (``figure_save``).  Reading at draw time counts exactly what is
    on the bitmap: hidden axes, axes turned off and text outside the figure are never drawn.
    """
    from matplotlib.text import Text

    seen: dict[int, str] = {}
    drawn = DrawnText()
    original = Text.draw

    def draw(self, renderer, *args, **kwargs):
        if self.get_visible() and self.get_text().strip():
            seen.setdefault(id(self), self.get_text())
            drawn.sizes.append(float(self.get_fontsize()))
        return original(self, renderer, *args, **kwargs)

    Text.draw = draw  # type: ignore[method-assign]
    try:
        yield drawn
    finally:
        Text.draw = original  # type: ignore[method-assign]
        drawn.texts.extend(seen.values())
