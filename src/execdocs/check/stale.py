"""Records that no longer describe the site: entries past a page's last block, records of deleted pages.

Why: both used to be kept silently, so ``records/`` slowly filled with outputs of code that no
longer exists and a reviewer could not tell which entries a build still checks.  A strict build
reports them; a full ``make accept`` (no ``PAGES``) removes the records of deleted pages.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from ..model import Page
from ..problem import Problem
from ..store.durations import DURATIONS
from ..store.record import PageRecord, accept_path, record_name


def stale_entries(page: Page, record: PageRecord) -> Problem | None:
    """The record holds entries for blocks the page no longer has."""
    if record.error or not record.path.exists():
        return None
    recorded, blocks = len(record.data["blocks"]), len(page.blocks)
    if recorded <= blocks:
        return None
    return Problem(page.name, 1, "stale record",
                   f"{page.name.removeprefix('../')}:1: {record.path} holds {recorded} block entries but the page "
                   f"has {blocks} executable block(s); drop the stale entries with "
                   f"`make accept PAGES=\"{accept_path(page.name)}\"` and commit records/")


def orphan_records(records_dir: Path, pages: dict[str, Page]) -> list[Path]:
    """Record files whose page or snippet no longer exists."""
    wanted = {record_name(name) for name in pages}
    folder = Path(records_dir)
    found = sorted(folder.glob("*.json")) if folder.is_dir() else []
    return [path for path in found if path.name != DURATIONS and path.stem not in wanted]


def orphan_problem(path: Path) -> Problem:
    figures = path.parent / "figures" / path.stem
    also = f" {figures}" if figures.is_dir() else ""
    return Problem(path.name, 1, "stale record",
                   f"{path}: a record of a page or snippet that no longer exists; remove it with "
                   f"`git rm -r {path}{also}` (a full `make accept` removes it too)")


def remove_orphan(path: Path) -> None:
    """What a full ``make accept`` does with a record of a deleted page: delete it and its figures."""
    path.unlink(missing_ok=True)
    shutil.rmtree(path.parent / "figures" / path.stem, ignore_errors=True)
