"""What a build adds to the site besides the pages: downloads, the cnnlab wheel, snippet pages.

Everything here is written into the built site by the hooks (``hooks/downloads.py``), never
into ``docs/``: the source tree holds only what authors wrote.
"""
from __future__ import annotations

from pathlib import Path

from .build import Build
from .model import Page
from .render import downloads, notebooks
from .render.notebooks import site_page
from .store.wheel import build_wheel


def page_parts(page: Page) -> tuple[str, list[downloads.Part]]:
    """(title, parts) of a Markdown page or a snippet."""
    if page.kind == "snippet":
        return notebooks.snippet_title(page.markdown, Path(page.name).stem), notebooks.snippet_parts(page)
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


def snippet_pages(session: Build) -> dict[str, str]:
    """Each snippet rendered as a site page (``notebooks/<stem>.md``), like any Markdown page."""
    return {site_page(name): session.render(name, figure_prefix="../")
            for name, page in session.pages.items() if page.kind == "snippet"}


def _with_slash(url: str) -> str:
    return url if not url or url.endswith("/") else url + "/"
