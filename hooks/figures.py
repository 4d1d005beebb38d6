"""Publish the figures blocks drew, the artifacts they wrote and the timing table (on_files).

Under ``mkdocs serve --dirty`` MkDocs rebuilds only pages whose source changed; pages whose
outputs changed (project code or a snippet edited) are marked modified here too.
"""
from mkdocs.structure.files import File

from execdocs.workspace import workspace


def on_files(files, config, **kwargs):
    ws = workspace(config.config_file_path)
    if ws.build is None:
        return files
    for name, content in {**ws.build.figures, **ws.build.artifacts}.items():
        files.append(File.generated(config, name, content=content))
    files.append(File.generated(config, "execution-times.md", content=ws.build.timing_markdown()))
    changed = ws.changed_pages()
    for file in files.documentation_pages():
        if file.src_uri in changed:
            file.is_modified = lambda: True
    return files
