"""One build at a time per tree: a second build waits instead of racing the first."""
from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import TextIO


class BuildLock:
    """An exclusive ``flock`` on ``<cache_dir>/build.lock`` (the OS drops it if we die)."""

    def __init__(self, cache_dir: Path):
        self.path = Path(cache_dir) / "build.lock"
        self._handle: TextIO | None = None

    def acquire(self, log) -> None:
        """Block until no other build of this tree holds the lock; re-acquiring is a no-op."""
        if self._handle is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log("another build of this tree is running; waiting for it to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
