"""Insert outputs, quiz widgets, problems and provenance into a page (on_page_markdown)."""
from execdocs.state import current


def on_page_markdown(markdown, page, config, files, **kwargs):
    session = current()
    if session is None or page.file.src_uri not in session.pages:
        return markdown
    prefix = "../" * page.file.src_uri.count("/")
    return session.render(page.file.src_uri, markdown, figure_prefix=prefix)
