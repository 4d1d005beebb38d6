"""Publish the downloads (each page's .ipynb and .py, the cnnlab wheel) and the snippets' pages (on_files).

Generated into the built site only, like the figures; ``site_url`` (mkdocs.yml) is where the
notebooks install the wheel from. The engine builds the files: ``execdocs.publish``.
"""
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

from execdocs import publish
from execdocs.workspace import workspace


@event_priority(60)  # before hooks/notebooks.py (50): notebook pages link the downloads published here
def on_files(files, config, **kwargs):
    ws = workspace(config.config_file_path)
    if ws.build is None:
        return files
    for name, content in publish.site_files(ws.build, config.site_url or "").items():
        files.append(File.generated(config, name, content=content))
    for name, markdown in publish.snippet_pages(ws.build).items():
        files.append(File.generated(config, name, content=markdown))
    return files
