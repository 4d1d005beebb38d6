"""Capture: what a block printed, warned and drew, turned into plain values.

Capturers run inside the worker process.  Figure scrapers are a registry (a list of
callables) like sphinx-gallery's ``image_scrapers``, so another plotting library can be
added without touching the executor.
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import warnings
from typing import Callable

from .model import Artifact, Figure

MAX_OUTPUT_CHARS = 50_000  # per stream per block; the page and the record stay small
FIGURE_DPI = 100
ARTIFACT_NAME = re.compile(r"[A-Za-z0-9._-]+")
MAX_ARTIFACT_BYTES = 16 * 1024 * 1024  # per chain: artifacts are published with the site


class LimitedWriter(io.TextIOBase):
    """A text stream that keeps the first ``limit`` characters and counts the rest."""

    def __init__(self, limit: int = MAX_OUTPUT_CHARS):
        self.limit = limit
        self.parts: list[str] = []
        self.kept = 0
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        room = self.limit - self.kept
        if room > 0:
            piece = text[:room]
            self.parts.append(piece)
            self.kept += len(piece)
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def getvalue(self) -> str:
        value = "".join(self.parts)
        if self.dropped:
            value += f"\n... [output truncated: {self.dropped:,} more characters not shown]\n"
        return value


@contextlib.contextmanager
def captured_streams():
    """Redirect stdout/stderr and route warnings to stderr as ``Category: message``.

    Warnings are formatted without file paths so the record is the same on every machine.
    """
    out, err = LimitedWriter(), LimitedWriter()

    def show(message, category, filename, lineno, file=None, line=None):
        err.write(f"{category.__name__}: {message}\n")

    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
            warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.showwarning = show
        yield out, err


def _alt_text(fig) -> str:
    """Describe a figure from its titles and axis labels (readers of screen readers too)."""
    parts = []
    if fig._suptitle is not None and fig._suptitle.get_text():
        parts.append(fig._suptitle.get_text())
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    if titles:
        shown = ", ".join(titles[:6]) + (f" and {len(titles) - 6} more" if len(titles) > 6 else "")
        parts.append(f"panels: {shown}")
    labels = [f"{ax.get_xlabel()} vs {ax.get_ylabel()}" for ax in fig.axes
              if ax.get_xlabel() and ax.get_ylabel()]
    if labels:
        parts.append("axes: " + "; ".join(dict.fromkeys(labels)))
    return ". ".join(parts) or "Figure produced by the code block above"


def scrape_matplotlib() -> list[Figure]:
    """Save and close every open matplotlib figure, in creation order."""
    if "matplotlib.pyplot" not in sys.modules:
        return []
    import matplotlib.pyplot as plt

    figures = []
    for num in plt.get_fignums():
        fig = plt.figure(num)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=FIGURE_DPI, bbox_inches="tight",
                    metadata={"Software": None})
        png = buffer.getvalue()
        width, height = png_size(png)
        figures.append(Figure(png=png, alt=_alt_text(fig), width=width, height=height))
    plt.close("all")
    return figures


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG header (the IHDR chunk is always first)."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


FIGURE_SCRAPERS: list[Callable[[], list[Figure]]] = [scrape_matplotlib]


def scrape_figures() -> tuple[Figure, ...]:
    figures: list[Figure] = []
    for scraper in FIGURE_SCRAPERS:
        figures.extend(scraper())
    return tuple(figures)


class ArtifactDir:
    """A chain's ``$EXECDOCS_ARTIFACTS``: after each block, the files it added or changed.

    Files stay in place for the rest of the chain (a later block may load the model an
    earlier one exported); each block's result holds only what changed during that block.
    """

    def __init__(self, path: str, limit: int = MAX_ARTIFACT_BYTES):
        self.path = path
        self.limit = limit
        self.seen: dict[str, bytes] = {}

    def collect(self) -> tuple[tuple[Artifact, ...], str | None]:
        """(new or changed artifacts, a failure message or None)."""
        names = sorted(os.listdir(self.path))
        bad = [n for n in names if not ARTIFACT_NAME.fullmatch(n)
               or not os.path.isfile(os.path.join(self.path, n))]
        if bad:
            return (), (f"$EXECDOCS_ARTIFACTS may only hold plain files named [A-Za-z0-9._-]+; "
                        f"found {', '.join(map(repr, bad))}")
        total = sum(os.path.getsize(os.path.join(self.path, n)) for n in names)
        if total > self.limit:
            return (), (f"the chain's artifacts are {total:,} bytes, over the limit of {self.limit:,} "
                        "bytes (they are published with the site; write smaller files)")
        fresh = []
        for name in names:
            with open(os.path.join(self.path, name), "rb") as handle:
                data = handle.read()
            if self.seen.get(name) != data:
                self.seen[name] = data
                fresh.append(Artifact(name, data))
        return tuple(fresh), None
