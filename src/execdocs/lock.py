"""One build at a time per tree: a second build waits instead of racing the first."""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

_handle = None


def acquire(cache_dir: Path, log) -> None:
    """Block until no other build of this tree holds the lock (released on exit too)."""
    global _handle
    if _handle is not None:
        return
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    handle = open(Path(cache_dir) / "build.lock", "w")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        log("another build of this tree is running; waiting for it to finish")
        fcntl.flock(handle, fcntl.LOCK_EX)
    handle.write(str(os.getpid()))
    handle.flush()
    _handle = handle


def release() -> None:
    global _handle
    if _handle is not None:
        fcntl.flock(_handle, fcntl.LOCK_UN)
        _handle.close()
        _handle = None
