"""A cache or records folder that cannot be written (full disk, read-only mount) is a problem, not a crash.

Why: a raw ``OSError`` from deep inside the build aborted it and hid every other problem.
The build goes on (a result that could not be cached is still used) and the author gets one
line naming the folder, the reason and what to do.
"""
from __future__ import annotations

from pathlib import Path

from ..problem import Problem

ADVICE = {"cache not written": "free some space or move the cache folder (settings: cache_dir); "
                               "the results are used in this build but will run again next time",
          "record not written": "free some space (or make the folder writable) and run the same "
                                "`make accept` again; the record was left as it was"}


def write_problem(kind: str, folder: Path, err: OSError, page: str = "", line: int = 1) -> Problem:
    """``kind`` is "cache not written" or "record not written"; ``page`` the page it was for."""
    reason = err.strerror or str(err)
    where = f"{page.removeprefix('../')}: " if page else ""
    return Problem(page or str(folder), line, kind,
                   f"{where}could not write into {folder}: {reason} ({type(err).__name__}); {ADVICE[kind]}")
