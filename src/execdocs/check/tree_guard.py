"""Writes by blocks into ``docs/`` or ``records/``: detected and reported, never published silently.

Why: a block runs with the author's permissions, and a file it drops into ``docs/`` used to be
published unprocessed (or a record changed behind the drift gate's back).  The engine takes a
listing (path, size, mtime) of both folders before the chains run and after; any difference is
a problem naming the files and the chains that ran while they changed.  In ``docs/`` only new
files count: an author may well save a page while a build runs.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..model import Chain
from ..problem import Problem

Listing = dict[str, tuple[int, int]]  # path -> (size, mtime_ns)


def listing(folders: list[Path]) -> Listing:
    found: Listing = {}
    for folder in folders:
        for root, _dirs, files in os.walk(folder):
            for name in files:
                path = os.path.join(root, name)
                try:
                    info = os.lstat(path)
                except OSError:
                    continue
                found[path] = (info.st_size, info.st_mtime_ns)
    return found


def changed(before: Listing, after: Listing, new_only: Path | None = None) -> list[str]:
    """Paths added, removed or modified between two listings; under ``new_only`` (docs/) only
    added ones: an author editing a page while a build runs (``make serve``) is not a block."""
    prefix = str(new_only) + os.sep if new_only is not None else None
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p)
                  and not (prefix and p.startswith(prefix) and p in before))


def write_problems(paths: list[str], root: Path, windows: dict[Chain, tuple[float, float]],
                   after: Listing) -> list[Problem]:
    """One problem per chain that ran while a file changed (by mtime), or per file when none did."""
    suspects: dict[Chain, list[str]] = {}
    for path in paths:
        mtime = after[path][1] / 1e9 if path in after else None
        chains = [c for c, (start, end) in windows.items()
                  if mtime is None or start - 1 <= mtime <= end + 1] or list(windows)
        for chain in chains:
            suspects.setdefault(chain, []).append(os.path.relpath(path, root))
    return [Problem(chain.page, chain.head.line, "block wrote into the source tree",
                    f"{chain.head.where}: while this chain ran, {', '.join(files)} changed; blocks must not "
                    "write into docs/ or records/ (a page there is published unprocessed, a record bypasses "
                    "the drift gate): write into $EXECDOCS_ARTIFACTS or the working directory, and restore "
                    "the files with git", code=chain.head.code)
            for chain, files in suspects.items()]
