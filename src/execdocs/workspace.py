"""What the MkDocs hooks share: one Workspace per project, in a registry keyed by config file.

Why a registry keyed by the config file, not the config object or a hook-module global:
``mkdocs serve`` loads the config again and re-executes the hook modules on every
rebuild, so neither survives from one rebuild to the next, yet the warm zygote must
(a block edit would otherwise pay torch's import again).  The key says explicitly which
project the hooks act on, so two builds in one process (tests) never share a build.
A Workspace owns the zygote and the build lock; each build replaces its ``build``.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from .build import Build
from .run.execute import Zygote
from .settings import Settings, read_settings
from .store.lock import BuildLock


class Workspace:
    """The engine's state for one project across builds (and ``mkdocs serve`` rebuilds)."""

    def __init__(self, config_file: str):
        self.config_file = config_file
        self.zygote = Zygote()
        self.build: Build | None = None  # the last build; None when execution is disabled
        self.settings: Settings | None = None
        self.lock: BuildLock | None = None
        self._rendered: dict[str, str] = {}  # page -> hash of its Markdown as last rendered

    def render(self, name: str) -> str:
        """A page's Markdown for MkDocs (figure links relative to the page's folder)."""
        assert self.build is not None, "render() before a build"
        return self.build.render(name, figure_prefix="../" * name.count("/"))

    def changed_pages(self) -> set[str]:
        """Pages whose rendered Markdown differs from the previous build's.

        ``mkdocs serve --dirty`` rebuilds only pages whose source changed; a page whose
        *outputs* changed (an edit in src/ or snippets/) must be rebuilt as well."""
        changed = set()
        pages = self.build.pages.values() if self.build else ()
        for name in [p.name for p in pages if p.kind == "page"]:  # snippets: published as notebooks
            digest = hashlib.sha256(self.render(name).encode()).hexdigest()
            if self._rendered.get(name) != digest:
                changed.add(name)
            self._rendered[name] = digest
        return changed

    def run(self, docs_dir: str, site_dir: str, log) -> Build | None:
        """Settings read once for this build; then the build, unless execution is disabled."""
        self.settings = settings = read_settings(self.config_file, docs_dir, site_dir=site_dir)
        if settings.disabled:
            self.build = None
            return None
        self.lock = self.lock or BuildLock(settings.cache_dir)
        self.lock.acquire(log)
        self.build = Build(settings, log, self.zygote).run()
        return self.build

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
