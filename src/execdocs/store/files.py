"""The engine's one way to write a file: atomically, and only when the content changed.

Readers (a concurrent build, ``mkdocs serve``'s watcher, git) never see half a file, and
an unchanged file keeps its timestamp, so the live preview does not rebuild in a loop.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, content: bytes) -> bool:
    """Write ``content`` to ``path`` via a temporary file and a rename; return True if it changed."""
    path = Path(path)
    if path.exists() and path.read_bytes() == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True
