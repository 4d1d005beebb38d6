"""One build: parse every page once, run what the cache lacks in parallel, check, render.

Pages are executed up front (before MkDocs renders any of them) so chains of all
pages share one worker pool; rendering a page afterwards is pure string work.  Every
problem of the build is collected, not only the first, and each names page:line.
The steps are separate so a caller can limit them: :meth:`Session.execute` takes a
chain filter (a shard), and ``Settings.accept_pages`` limits which records are rewritten.
"""
from __future__ import annotations

import dataclasses
import hashlib
import time
from pathlib import Path
from typing import Callable

from .store.cache import ProjectSources, ResultCache, chain_key, guess_device_kind, package_versions
from .check.checks import check_page
from .store.durations import save_durations
from .run.execute import Zygote, run_chains
from .model import Block, BlockKey, BlockResult, Chain, Page, Problem
from .parse.page import parse
from .store.record import PageRecord, record_name
from .render.page import provenance_markdown, render_page, timing_table


@dataclasses.dataclass
class Settings:
    docs_dir: Path
    project_root: Path
    records_dir: Path
    cache_dir: Path
    accept: bool = False
    jobs: int | None = None
    accept_pages: frozenset[str] | None = None  # with accept: only these pages' records (None: all)

    def accepting(self, page: str) -> bool:
        return self.accept and (self.accept_pages is None or page in self.accept_pages)


class Session:
    def __init__(self, settings: Settings, log: Callable[[str], None] = print, zygote: Zygote | None = None):
        self.settings = settings
        self.log = log
        self.zygote = zygote
        self.device = guess_device_kind()
        self.versions = package_versions()
        self.cache = ResultCache(settings.cache_dir / "results")
        self.sources = ProjectSources([settings.project_root / "src", settings.project_root])
        self.pages: dict[str, Page] = {}
        self.results: dict[BlockKey, BlockResult] = {}
        self.problems: list[Problem] = []
        self.figures: dict[str, bytes] = {}
        self.artifacts: dict[str, bytes] = {}  # site path (artifacts/<page>/<name>) -> content
        self.timings: list[dict] = []
        self.recorded: dict[str, str | None] = {}  # page -> date of its record
        self.stats = {"ran": 0, "cached": 0, "skipped": 0}

    @property
    def markdown(self) -> dict[str, str]:
        return {name: page.markdown for name, page in self.pages.items()}

    def add_page(self, name: str, markdown: str, blocks: list[Block] | None = None) -> Page:
        self.pages[name] = page = parse(markdown, name, blocks)
        return page

    def run(self, select: Callable[[Chain], bool] | None = None) -> None:
        self.execute(select)
        self.check()

    # -- execute -----------------------------------------------------------------------
    def execute(self, select: Callable[[Chain], bool] | None = None) -> None:
        """Reuse cached results and run the other (selected) chains."""
        todo: dict[Chain, str] = {}
        for page in self.pages.values():
            for chain in page.chains:
                if chain.skip:
                    self.stats["skipped"] += len(chain.blocks)
                    continue
                if select is not None and not select(chain):
                    continue
                key = chain_key(chain, self.sources, self.device)
                cached = self.cache.get(key)
                if cached is not None and len(cached) == len(chain.blocks):
                    self._store(chain, cached, cached=True, shard=self.cache.origin(key))
                else:
                    todo[chain] = key
        self._execute(todo)

    def _execute(self, todo: dict[Chain, str]) -> None:
        first: dict[str, Chain] = {}  # identical chains (same key) run once per build
        for chain, key in todo.items():
            first.setdefault(key, chain)
        total, done = len(first), [0]
        if total:
            self.log(f"executing {total} chain(s) of {sum(len(c.blocks) for c in first.values())} block(s) "
                     f"({self.stats['cached']} block(s) reused from the cache)")
        started = time.perf_counter()

        def on_done(chain: Chain, results: list[BlockResult]) -> None:
            done[0] += 1
            seconds = sum(r.duration for r in results)
            self.log(f"[{done[0]}/{total}] {chain.head.where} ({len(chain.blocks)} block(s), {seconds:.2f} s)")

        ordered = sorted(first.values(), key=lambda c: -len(c.blocks))
        outcomes = run_chains(ordered, str(self.settings.docs_dir), self.settings.jobs, on_done,
                              zygote=self.zygote)
        by_key = {todo[chain]: results for chain, results in outcomes.items()}
        for key, results in by_key.items():
            if len(results) == len(first[key].blocks) and all(r.ok for r in results):
                self.cache.put(key, results)
        for chain, key in todo.items():
            self._store(chain, by_key[key], cached=first[key] is not chain)
        if total:
            self.log(f"executed {total} chain(s) in {time.perf_counter() - started:.1f} s")

    def _store(self, chain: Chain, results: list[BlockResult], cached: bool, shard: str | None = None) -> None:
        for block, result in zip(chain.blocks, results):
            self.results[block.key] = result
            self.stats["cached" if cached else "ran"] += 1
            if result.device not in ("?", self.device):
                self.log(f"warning: expected device {self.device}, worker ran on {result.device}")
            for figure in result.figures:
                self.figures[figure_name(figure)] = figure.png
            for artifact in result.artifacts:
                self.artifacts[artifact_path(block.page, artifact.name)] = artifact.data
            ok = result.ok and (result.exception is None) == (not block.expects_exception)
            self.timings.append({"where": block.where, "seconds": result.duration,
                                 "cached": cached, "status": "ok" if ok else "error", "shard": shard})

    # -- check and record --------------------------------------------------------------
    def check(self) -> None:
        """Collect every page's problems; with accept, rewrite the accepted pages' records."""
        for name in sorted((self.settings.accept_pages or set()) - set(self.pages)) if self.settings.accept else []:
            self.problems.append(Problem(name, 1, "accept error", f"{name}: no such page or snippet to accept "
                                         "(PAGES takes docs/<page>.md or snippets/<name>.py)"))
        for page in self.pages.values():
            record = PageRecord(self.settings.records_dir, page.name)
            accepting = self.settings.accepting(page.name)
            problems = check_page(page, self.results, None if accepting else record, self.device)
            self.problems.extend(problems)
            if accepting and problems:  # a failed block or a broken claim is never recorded
                self.log(f"not recorded: {page.name} ({len(problems)} problem(s))")
            elif accepting:
                fresh = {b.index: self.results[b.key] for b in page.blocks if b.key in self.results}
                if record.update(list(page.blocks), fresh, self.device) or not record.path.exists():
                    record.save(self.versions)
                    self.log(f"recorded {record.path}")
            self.recorded[page.name] = record.recorded
        if self.settings.accept:  # what the next CI shards are planned from
            clean = [p for p in self.pages.values() if not any(x.page == p.name for x in self.problems)]
            save_durations(self.settings.records_dir, clean, self.results, self.settings.accept_pages)

    # -- render ------------------------------------------------------------------------
    def render(self, name: str, figure_prefix: str = "") -> str:
        """The page's Markdown with outputs, quiz widgets, problems and provenance."""
        provenance = provenance_markdown(self.device, self.versions, self.recorded.get(name))
        return render_page(self.pages[name], self.results, self.problems,
                           lambda f: figure_prefix + figure_name(f), provenance)

    def summary(self) -> str:
        s = self.stats
        return (f"{s['ran']} block(s) executed, {s['cached']} from cache, {s['skipped']} skipped, "
                f"{len(self.problems)} problem(s)")

    def timing_markdown(self) -> str:
        return timing_table(self.timings)


def figure_name(figure) -> str:
    return f"_exec/{hashlib.sha256(figure.png).hexdigest()[:20]}.png"


def artifact_path(page: str, name: str) -> str:
    """Where an artifact is published: artifacts/<page without .md>/<name> (snippets: record name)."""
    stem = record_name(page) if page.startswith("../") else page.rsplit(".", 1)[0]
    return f"artifacts/{stem}/{name}"
