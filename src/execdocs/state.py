"""The current build's Session, shared by the thin hook files (one event each)."""
from __future__ import annotations

import os
from pathlib import Path

from .session import Session, Settings

_current: Session | None = None


def settings_from_env(docs_dir: str | Path, config_file: str | Path) -> Settings:
    """Paths beside mkdocs.yml; EXECDOCS_ACCEPT=1 re-records instead of comparing."""
    root = Path(config_file).resolve().parent
    return Settings(
        docs_dir=Path(docs_dir).resolve(),
        project_root=root,
        records_dir=Path(os.environ.get("EXECDOCS_RECORDS", root / "records")),
        cache_dir=Path(os.environ.get("EXECDOCS_CACHE", root / ".cache" / "execdocs")),
        accept=os.environ.get("EXECDOCS_ACCEPT", "") not in ("", "0"),
    )


def start(settings: Settings, log) -> Session:
    global _current
    _current = Session(settings, log)
    return _current


def current() -> Session | None:
    return _current


def stop() -> None:
    """Forget the current session (execution switched off for this build)."""
    global _current
    _current = None
