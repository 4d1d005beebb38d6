"""Collect a site's pages and snippets into a Session and execute them.

Kept apart from the hooks so the same build runs from tests and benchmarks without
MkDocs: ``prepare(settings)`` is "Markdown files in, executed session out".
"""
from __future__ import annotations

from pathlib import Path

from .render import notebooks
from .run.execute import Zygote
from .session import Session, Settings

GENERATED_DIRS = ("notebooks",)  # written by the build; never parsed as sources


def page_files(docs_dir: Path) -> list[Path]:
    return sorted(p for p in docs_dir.rglob("*.md")
                  if p.relative_to(docs_dir).parts[0] not in GENERATED_DIRS)


def prepare(settings: Settings, log=print, zygote: Zygote | None = None) -> Session:
    """Parse every page and snippet once, run what the cache lacks, publish notebooks.

    ``zygote``: the warm fork server to use (``mkdocs serve`` keeps one across rebuilds);
    without one, the process-wide shared zygote is used.
    """
    session = Session(settings, log, zygote)
    for path in page_files(settings.docs_dir):
        session.add_page(path.relative_to(settings.docs_dir).as_posix(), path.read_text())
    snippets = sorted((settings.project_root / "snippets").glob("*.py"))
    for path in snippets:
        session.add_page(notebooks.snippet_page(path), path.read_text(), notebooks.snippet_blocks(path))
    session.run()
    for path in snippets:
        page = session.pages[notebooks.snippet_page(path)]
        results = {b.index: session.results[b.key] for b in page.blocks if b.key in session.results}
        notebooks.publish(path, results, settings.docs_dir / "notebooks")
    log(session.summary())
    return session
