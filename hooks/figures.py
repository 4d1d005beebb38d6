"""Publish the figures blocks drew, the artifacts they wrote and the timing table (on_files)."""
from mkdocs.structure.files import File

from execdocs.state import current


def on_files(files, config, **kwargs):
    session = current()
    if session is None:
        return files
    for name, png in session.figures.items():
        files.append(File.generated(config, name, content=png))
    for name, data in session.artifacts.items():
        files.append(File.generated(config, name, content=data))
    files.append(File.generated(config, "execution-times.md", content=session.timing_markdown()))
    return files
