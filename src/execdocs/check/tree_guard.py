"""Writes by blocks into the project: detected and reported, never published silently.

Why: a block runs with the author's permissions, and a file it drops into ``docs/`` used to be
published unprocessed (or a record changed behind the drift gate's back).  The engine takes a
listing (path, size, mtime) of ``docs/`` and ``records/`` before the chains run and after; any
difference is a problem naming the files and the chains that ran while they changed.  In
``docs/`` only new files count: an author may well save a page while a build runs.  Where
Landlock cannot confine chains (``run.landlock``), the listing covers the whole project
(``project_folders``: hooks/, src/, mkdocs.yml, .git/ ...), and a symlinked page counts by its
target; ``$HOME`` is too large to list, which the build's warning says.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..model import Chain
from ..problem import Problem

Listing = dict[str, tuple[int, int, bool]]  # path -> (size, mtime_ns, whether it is a link)


# generated or installed folders: large, and written by the build itself (never by a block's rights)
NOT_WATCHED = {"site", "node_modules", ".cache", "execdocs-cache", "drift-report", "test-artifacts",
               "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", "objects", ".hypothesis"}


def _stat(path: str) -> os.stat_result | None:
    """A link by its target (appending to a symlinked page changes the target), else itself."""
    for look in (os.stat, os.lstat):
        try:
            return look(path)
        except OSError:
            continue
    return None


def listing(folders: list[Path], skip: frozenset[str] = frozenset()) -> Listing:
    found: Listing = {}
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            dirs[:] = [d for d in dirs if d not in skip and not d.startswith(".venv")]
            for name in files:
                path = os.path.join(root, name)
                if (info := _stat(path)) is not None:
                    found[path] = (info.st_size, info.st_mtime_ns, os.path.islink(path))
    return found


def project_folders(root: Path, cache_dir: Path) -> tuple[list[Path], frozenset[str]]:
    """What to list when chains cannot be confined: the project, without what the build writes."""
    return [Path(root)], frozenset(NOT_WATCHED | {Path(cache_dir).name})


def changed(before: Listing, after: Listing, new_only: Path | None = None) -> list[str]:
    """Paths added, removed or modified between two listings; under ``new_only`` (docs/) only
    added ones and links: an author editing a page while a build runs (``make serve``) is not a
    block, but a block appending through a symlinked page changes a file the author did not open."""
    prefix = str(new_only) + os.sep if new_only is not None else None
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p)
                  and not (prefix and p.startswith(prefix) and p in before and not before[p][2]))


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
                    "write into the project (a page in docs/ is published unprocessed, a record bypasses the "
                    "drift gate, a file in hooks/ or .git/ runs later): write into $EXECDOCS_ARTIFACTS or the "
                    "working directory, and restore the files with git", code=chain.head.code)
            for chain, files in suspects.items()]
