"""Export: a built site's executed Markdown as plain files, for any generator that reads Markdown.

``python -m execdocs render --out DIR`` writes what the hooks hand MkDocs: every page's
Markdown with its outputs, quiz widgets and provenance, the figures and artifacts blocks
produced, the timing page, and every other file of the docs folder (assets, images, the
snippets' notebooks).  A generator without the hooks (MkDocs 2, Zensical, ...) then builds
the same pages from ``DIR``; the guard (``render.site_guard``) checks that it did.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from .build import Build
from .store.files import write_atomic

TIMING_PAGE = "execution-times.md"


def export(build: Build, out: Path) -> list[Path]:
    """Write the executed site into ``out`` (created; files already there are replaced)."""
    out = Path(out)
    docs = build.settings.docs_dir
    shutil.copytree(docs, out, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.md"))
    written = []
    for page in build.pages.values():
        if page.kind == "page":
            prefix = "../" * page.name.count("/")
            written.append(_write(out / page.name, build.render(page.name, figure_prefix=prefix).encode()))
    for name, content in {**build.figures, **build.artifacts}.items():
        written.append(_write(out / name, content))
    written.append(_write(out / TIMING_PAGE, build.timing_markdown().encode()))
    return written


def _write(path: Path, content: bytes) -> Path:
    write_atomic(path, content)
    return path
