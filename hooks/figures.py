"""Publish the figures blocks drew, the artifacts they wrote and the timing table (on_files)."""
from mkdocs.structure.files import File

from execdocs.workspace import workspace


def on_files(files, config, **kwargs):
    session = workspace(config.config_file_path).session
    if session is None:
        return files
    for name, content in {**session.figures, **session.artifacts}.items():
        files.append(File.generated(config, name, content=content))
    files.append(File.generated(config, "execution-times.md", content=session.timing_markdown()))
    return files
