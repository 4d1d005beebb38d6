"""The guard: every page the engine executed carries its marker in the built HTML.

A site generator that ignores ``hooks:`` (MkDocs 2, Zensical) silently publishes the
pages' source, code without outputs, and exits 0.  ``render.page`` ends every page that
has python blocks with the provenance paragraph (``ENGINE_MARKER``); this finds the built
pages that lack it, so the MkDocs build (``hooks/report.py``), ``python -m execdocs
guard`` and a test fail instead.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..model import Page
from ..problem import Problem
from .page import ENGINE_MARKER


def unexecuted(pages: Iterable[Page], site_dir: Path) -> list[Problem]:
    """A problem for each built page with python blocks whose HTML lacks the engine's marker.

    A page with errors of its own is left out: its error is already reported, and a broken page
    (an unclosed quiz ``<div``) can swallow the marker, which made this a second, false error."""
    problems = []
    for page in pages:
        built = Path(site_dir) / page.url
        if page.kind != "page" or not page.blocks or page.errors or not built.is_file():
            continue
        if ENGINE_MARKER not in built.read_text(errors="replace"):
            problems.append(Problem(page.name, 1, "not executed", (
                f"{page.label}: the built page {built} has python blocks but no outputs from the engine "
                f"(no {ENGINE_MARKER}): the site generator did not run execdocs.  Build with MkDocs "
                "and hooks/ (mkdocs.yml `hooks:`), or build the folder `python -m execdocs render --out DIR` "
                "writes"), url=page.url))
    return problems
