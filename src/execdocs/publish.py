"""What a build adds to the site besides the pages: downloads, the cnnlab wheel, snippet pages.

Everything here is written into the built site by the hooks (``hooks/downloads.py``), never
into ``docs/``: the source tree holds only what authors wrote.
"""
from __future__ import annotations

from pathlib import Path

from .build import Build
from .model import Page
from .parse.notebook import NotebookPage
from .render import downloads, notebooks
from .render.notebooks import site_page
from .store.files import write_atomic
from .store.wheel import build_wheel


def page_parts(page: Page) -> tuple[str, list[downloads.Part]]:
    """(title, parts) of a Markdown page or a snippet."""
    if page.kind == "snippet":
        return notebooks.snippet_title(page.markdown, Path(page.name).stem), notebooks.snippet_parts(page)
    if isinstance(page, NotebookPage):
        return downloads.page_title(notebook_parts(page), Path(page.name).stem)
    return downloads.page_title(downloads.page_parts(page), Path(page.name).stem)


def site_files(session: Build, site_url: str) -> dict[str, bytes]:
    """The wheel, and each learner page's notebook and script, keyed by their path in the site.

    From then on the session's pages link their downloads (``Session.wheel``): a build that
    publishes none (a tiny test site without this hook) renders no links to missing files."""
    wheel = build_wheel(session.settings.project_root, session.settings.cache_dir)
    session.wheel = wheel.name
    site = downloads.Site(url=_with_slash(site_url), wheel=wheel.name)
    files = {wheel.site_path: wheel.data}
    for name, page in session.pages.items():
        if not downloads.wants_downloads(page):
            continue
        title, parts = page_parts(page)
        nb = downloads.notebook(page, parts, session.results, site, site_page(name), title)
        stem = downloads.download_stem(site_page(name))
        files[f"{stem}.ipynb"] = downloads.notebook_bytes(nb)
        files[f"{stem}.py"] = downloads.script(nb).encode()
    return files


def notebook_parts(page: NotebookPage) -> list[downloads.Part]:
    """A notebook page's cells as download parts: prose, its blocks, and a skipped cell as a listing."""
    parts: list[downloads.Part] = []
    for cell in page.cells:
        if cell.block is not None:
            parts.append(page.blocks[cell.block])
        elif cell.kind == "markdown":
            parts.append(downloads.Prose(cell.source))
        elif cell.kind == "code" and cell.source.strip():
            listing = f"```python\n{cell.source.rstrip()}\n```"
            parts.append(downloads.Prose(f"Not run by the site (`skip-execution`):\n\n{listing}"))
    return parts


def notebook_pages(session: Build, folder: Path) -> dict[str, Path]:
    """Write each notebook page's executed notebook into ``folder`` (the build's, never docs/).

    mkdocs-jupyter renders these files instead of the author's (``hooks/notebooks.py``); a
    malformed notebook has none, and is reported instead of rendered."""
    written = {}
    for name, page in session.pages.items():
        if isinstance(page, NotebookPage) and page.cells:
            path = Path(folder) / name
            write_atomic(path, session.render(name, figure_prefix="../" * name.count("/")).encode())
            written[name] = path
    return written


def snippet_pages(session: Build) -> dict[str, str]:
    """Each snippet rendered as a site page (``notebooks/<stem>.md``), like any Markdown page."""
    return {site_page(name): session.render(name, figure_prefix="../")
            for name, page in session.pages.items() if page.kind == "snippet"}


def _with_slash(url: str) -> str:
    return url if not url or url.endswith("/") else url + "/"
