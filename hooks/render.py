"""Insert outputs, quiz widgets, problems and provenance into a page (on_page_markdown).

The page is rendered from the engine's own parse of it (the text it executed), not
from a second reading; MkDocs' front matter is stripped from the result the way MkDocs
strips it from the source.
"""
from mkdocs.utils.meta import get_data

from execdocs.parse.notebook import is_notebook
from execdocs.workspace import workspace


def on_page_markdown(markdown, page, config, files, **kwargs):
    ws = workspace(config.config_file_path)
    if ws.build is None or page.file.src_uri not in ws.build.pages or is_notebook(page.file.src_uri):
        return markdown  # a notebook page is rendered by mkdocs-jupyter from its executed notebook
    body, _meta = get_data(ws.render(page.file.src_uri))
    return body
