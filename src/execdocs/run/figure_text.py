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


@contextlib.contextmanager
def recording_text() -> Iterator[list[str]]:
    """Collect the text of every matplotlib ``Text`` drawn inside the block (e.g. a ``savefig``)."""
    from matplotlib.text import Text

    seen: dict[int, str] = {}
    original = Text.draw

    def draw(self, renderer, *args, **kwargs):
        if self.get_visible() and self.get_text().strip() and id(self) not in seen:
            seen[id(self)] = self.get_text()
        return original(self, renderer, *args, **kwargs)

    found: list[str] = []
    Text.draw = draw  # type: ignore[method-assign]
    try:
        yield found
    finally:
        Text.draw = original  # type: ignore[method-assign]
        found.extend(seen.values())
