"""Notebook pages: mkdocs-jupyter renders the engine's executed notebook, not the author's (on_files).

The engine writes each ``docs/*.ipynb`` page, with the outputs it ran and checked, into the
build's own folder (``execdocs.publish.notebook_pages``); here the page's file is pointed at
that copy before mkdocs-jupyter (``execute: false``) wraps it, so the author's saved outputs
are never published.  Its HTML is then kept offline (``execdocs.render.notebook_html``).
"""
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

from execdocs import publish
from execdocs.parse.notebook import is_notebook
from execdocs.render.notebook_html import offline
from execdocs.workspace import workspace


@event_priority(50)  # before mkdocs-jupyter's on_files (priority 0), which decides what it renders
def on_files(files, config, **kwargs):
    ws = workspace(config.config_file_path)
    if ws.build is None or ws.settings is None:
        return files
    for name in publish.notebook_pages(ws.build, ws.settings.rendered_dir):
        if (source := files.get_file_from_path(name)) is not None:
            files.remove(source)
        # a File rooted in that folder, not File.generated: mkdocs-jupyter's wrapper derives the
        # path it renders from src_dir, which a generated file lacks
        files.append(File(name, src_dir=str(ws.settings.rendered_dir), dest_dir=config.site_dir,
                          use_directory_urls=config.use_directory_urls))
    return files


def on_page_content(html, page, config, files, **kwargs):
    return offline(html) if is_notebook(page.file.src_uri) else html
