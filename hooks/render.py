"""Insert outputs, quiz widgets, problems and provenance into a page (on_page_markdown).

The page is rendered from the engine's own parse of it (the text it executed), not
from a second reading; MkDocs' front matter is stripped from the result the way MkDocs
strips it from the source.
"""
from mkdocs.utils.meta import get_data

from execdocs.workspace import workspace


def on_page_markdown(markdown, page, config, files, **kwargs):
    session = workspace(config.config_file_path).session
    if session is None or page.file.src_uri not in session.pages:
        return markdown
    prefix = "../" * page.file.src_uri.count("/")
    body, _meta = get_data(session.render(page.file.src_uri, figure_prefix=prefix))
    return body
