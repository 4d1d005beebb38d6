"""The engine's one way to write a file: atomically, and only when the content changed.

Readers (a concurrent build, ``mkdocs serve``'s watcher, git) never see half a file, and
an unchanged file keeps its timestamp, so the live preview does not rebuild in a loop.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

TMP_PREFIX = ".tmp-"  # in .gitignore; left only by a killed writer, removed by remove_leftovers


def _umask() -> int:
    """The process umask, read without changing it (os.umask would race other threads)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    return 0o022


def remove_leftovers(folder: Path) -> None:
    """Temporary files a killed writer left in ``folder`` (the build lock excludes a live one)."""
    for path in Path(folder).glob(TMP_PREFIX + "*") if Path(folder).is_dir() else []:
        path.unlink(missing_ok=True)


def write_atomic(path: Path, content: bytes) -> bool:
    """Write ``content`` to ``path`` via a temporary file and a rename; return True if it changed."""
    path = Path(path)
    if path.exists() and path.read_bytes() == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TMP_PREFIX)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp's 0600 would make records unreadable to others
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True
