"""Insert outputs, quiz widgets, problems and provenance into a page (on_page_markdown), and
seal quiz answers in its HTML (on_page_content).

The page is rendered from the engine's own parse of it (the text it executed), not
from a second reading; MkDocs' front matter is stripped from the result the way MkDocs
strips it from the source. Sealing runs on the HTML because a solution's Markdown only
becomes HTML here; the search plugin indexes the sealed page (on_page_context runs later).
"""
from mkdocs.utils.meta import get_data

from execdocs.parse.notebook import is_notebook
from execdocs.render.quiz_seal import seal_quizzes
from execdocs.workspace import workspace


def on_page_markdown(markdown, page, config, files, **kwargs):
    ws = workspace(config.config_file_path)
    if ws.build is None or page.file.src_uri not in ws.build.pages or is_notebook(page.file.src_uri):
        return markdown  # a notebook page is rendered by mkdocs-jupyter from its executed notebook
    body, _meta = get_data(ws.render(page.file.src_uri))
    return body


def on_page_content(html, page, config, files, **kwargs):
    return seal_quizzes(html) if 'class="quiz"' in html else html
