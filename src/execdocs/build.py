"""Collect a site's pages and snippets into a Session and execute them.

Kept apart from the hooks so the same build runs from tests and benchmarks without
MkDocs: ``prepare(settings)`` is "Markdown files in, executed session out".
"""
from __future__ import annotations

from pathlib import Path

from . import notebooks
from .session import Session, Settings
from .state import start

GENERATED_DIRS = ("notebooks",)  # written by the build; never parsed as sources


def page_files(docs_dir: Path) -> list[Path]:
    return sorted(p for p in docs_dir.rglob("*.md")
                  if p.relative_to(docs_dir).parts[0] not in GENERATED_DIRS)


def prepare(settings: Settings, log=print) -> Session:
    """Parse every page and snippet, run what the cache lacks, publish notebooks."""
    session = start(settings, log)
    for path in page_files(settings.docs_dir):
        session.add_page(path.relative_to(settings.docs_dir).as_posix(), path.read_text())
    snippets = sorted((settings.project_root / "snippets").glob("*.py"))
    for path in snippets:
        page = notebooks.snippet_page(path)
        session.add_page(page, path.read_text(), notebooks.snippet_blocks(path))
    session.run()
    for path in snippets:
        page = notebooks.snippet_page(path)
        results = {b.index: session.results[(page, b.index)] for b in session.pages[page]
                   if (page, b.index) in session.results}
        notebooks.publish(path, results, settings.docs_dir / "notebooks")
    log(session.summary())
    return session
