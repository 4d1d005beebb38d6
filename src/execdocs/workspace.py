"""What the MkDocs hooks share: one Workspace per project, in a registry keyed by config file.

Why a registry keyed by the config file, not the config object or a hook-module global:
``mkdocs serve`` loads the config again and re-executes the hook modules on every
rebuild, so neither survives from one rebuild to the next, yet the warm zygote must
(a block edit would otherwise pay torch's import again).  The key says explicitly which
project the hooks act on, so two builds in one process (tests) never share a session.
A Workspace owns the zygote and the build lock; each build replaces its ``session``.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .build import prepare
from .run.execute import Zygote
from .store.lock import BuildLock
from .session import Session, Settings


def settings_from_env(docs_dir: str | Path, config_file: str | Path) -> Settings:
    """Paths beside mkdocs.yml; EXECDOCS_ACCEPT=1 re-records (EXECDOCS_ACCEPT_PAGES=a.md,b.md: only those)."""
    root = Path(config_file).resolve().parent
    pages = os.environ.get("EXECDOCS_ACCEPT_PAGES", "").replace(",", " ").split()
    return Settings(
        docs_dir=Path(docs_dir).resolve(),
        project_root=root,
        records_dir=Path(os.environ.get("EXECDOCS_RECORDS", root / "records")),
        cache_dir=Path(os.environ.get("EXECDOCS_CACHE", root / ".cache" / "execdocs")),
        accept=os.environ.get("EXECDOCS_ACCEPT", "") not in ("", "0"),
        accept_pages=frozenset(pages) if pages else None,
    )


class Workspace:
    """The engine's state for one project across builds (and ``mkdocs serve`` rebuilds)."""

    def __init__(self, config_file: str):
        self.config_file = config_file
        self.zygote = Zygote()
        self.session: Session | None = None
        self.lock: BuildLock | None = None
        self._rendered: dict[str, str] = {}  # page -> hash of its Markdown as last rendered

    def render(self, name: str) -> str:
        """A page's Markdown for MkDocs (figure links relative to the page's folder)."""
        return self.session.render(name, figure_prefix="../" * name.count("/"))

    def changed_pages(self) -> set[str]:
        """Pages whose rendered Markdown differs from the previous build's.

        ``mkdocs serve --dirty`` rebuilds only pages whose source changed; a page whose
        *outputs* changed (an edit in src/ or snippets/) must be rebuilt as well."""
        changed = set()
        for name in self.session.pages if self.session else ():
            if name.startswith("../"):
                continue  # snippets are published as notebooks, not rendered here
            digest = hashlib.sha256(self.render(name).encode()).hexdigest()
            if self._rendered.get(name) != digest:
                changed.add(name)
            self._rendered[name] = digest
        return changed

    def build(self, docs_dir: str, log) -> Session:
        settings = settings_from_env(docs_dir, self.config_file)
        self.lock = self.lock or BuildLock(settings.cache_dir)
        self.lock.acquire(log)
        self.session = prepare(settings, log, self.zygote)
        return self.session

    def finish(self) -> None:
        if self.lock is not None:
            self.lock.release()

    def close(self) -> None:
        self.finish()
        self.zygote.close()


_workspaces: dict[str, Workspace] = {}


def workspace(config_file: str) -> Workspace:
    key = str(Path(config_file).resolve())
    if key not in _workspaces:
        _workspaces[key] = Workspace(key)
    return _workspaces[key]


def close_all() -> None:
    """End of ``mkdocs serve``: stop every zygote (interpreter exit would too, via atexit)."""
    while _workspaces:
        _workspaces.popitem()[1].close()
