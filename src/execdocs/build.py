"""One build: plan → execute → check (pure) → accept (the only step that writes records).

The MkDocs hooks, ``make accept`` and a CI shard all run this same object; they differ
only in which steps they call and with which chains.  Pages are parsed once and executed
up front (chains of all pages share one worker pool, longest recorded first); rendering a
page afterwards is pure string work.  Every problem is collected, not only the first, and
each names page:line.
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path

from .check.checks import check_page
from .model import Block, BlockKey, BlockResult, Chain, Figure, Page
from .parse.page import parse
from .problem import Problem
from .render import notebooks
from .render.page import provenance_markdown, render_page, timing_table
from .run.execute import Zygote, run_chains
from .scale.shard import Work, estimate, priority
from .settings import Settings
from .store.cache import ProjectSources, ResultCache, chain_key, package_versions
from .store.durations import load_durations, save_durations
from .store.record import PageRecord, record_name

GENERATED_DIRS = ("notebooks",)  # written by the build; never parsed as sources
Log = Callable[[str], None]


def page_files(docs_dir: Path) -> list[Path]:
    """The Markdown sources of a site (generated folders left out)."""
    return sorted(p for p in docs_dir.rglob("*.md")
                  if p.relative_to(docs_dir).parts[0] not in GENERATED_DIRS)


def longest_first(chains: list[Chain], durations: dict[str, float]) -> list[Chain]:
    """Chains in the shard planner's order: longest recorded duration first.

    With two workers, a long chain started last finishes long after the others (the build
    waits for it); started first, the short ones fill the other worker meanwhile.  A chain
    never timed counts as the median of the known ones."""
    known = sorted(durations.values())
    fallback = known[len(known) // 2] if known else None
    return sorted(chains, key=lambda c: priority(Work(c.id, estimate(c.id, durations, fallback))))


class Build:
    """The engine's state for one build: pages, results, problems, figures, timings."""

    def __init__(self, settings: Settings, log: Log = print, zygote: Zygote | None = None):
        self.settings = settings
        self.log = log
        self.zygote = zygote
        self.device = settings.device
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

    # -- plan ----------------------------------------------------------------------------
    def plan(self) -> None:
        """Parse every page and snippet of the site once."""
        docs = self.settings.docs_dir
        for path in page_files(docs):
            self.add_page(path.relative_to(docs).as_posix(), path.read_text())
        for path in self.snippet_files():
            self.add_page(notebooks.snippet_page(path), path.read_text(), notebooks.snippet_blocks(path))

    def snippet_files(self) -> list[Path]:
        return sorted(self.settings.snippets_dir.glob("*.py"))

    def add_page(self, name: str, markdown: str, blocks: list[Block] | None = None) -> Page:
        self.pages[name] = page = parse(markdown, name, blocks)
        return page

    def chains(self) -> list[Chain]:
        return [chain for page in self.pages.values() for chain in page.chains]

    def key(self, chain: Chain) -> str:
        return chain_key(chain, self.sources, self.device, self.settings.threads)

    # -- execute -------------------------------------------------------------------------
    def execute(self, select: Callable[[Chain], bool] | None = None) -> None:
        """Reuse cached results and run the other (selected) chains."""
        todo: dict[Chain, str] = {}
        for chain in self.chains():
            if chain.skip:
                self.stats["skipped"] += len(chain.blocks)
                continue
            if select is not None and not select(chain):
                continue
            key = self.key(chain)
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
        if not first:
            return
        self.log(f"executing {len(first)} chain(s) of {sum(len(c.blocks) for c in first.values())} block(s) "
                 f"({self.stats['cached']} block(s) reused from the cache)")
        started, done = time.perf_counter(), [0]

        def on_done(chain: Chain, results: list[BlockResult]) -> None:
            done[0] += 1
            seconds = sum(r.duration for r in results)
            self.log(f"[{done[0]}/{len(first)}] {chain.head.where} ({len(chain.blocks)} block(s), {seconds:.2f} s)")

        ordered = longest_first(list(first.values()), load_durations(self.settings.records_dir))
        outcomes = run_chains(ordered, str(self.settings.docs_dir), self.settings.jobs, on_done,
                              zygote=self.zygote, threads=self.settings.threads)
        by_key = {todo[chain]: results for chain, results in outcomes.items()}
        for key, results in by_key.items():
            if len(results) == len(first[key].blocks) and all(r.ok for r in results):
                self.cache.put(key, results)
        for chain, key in todo.items():
            self._store(chain, by_key[key], cached=first[key] is not chain)
        self.log(f"executed {len(first)} chain(s) in {time.perf_counter() - started:.1f} s")

    def _store(self, chain: Chain, results: list[BlockResult], cached: bool, shard: str | None = None) -> None:
        for block, result in zip(chain.blocks, results, strict=False):  # a failure ends a chain early
            self.results[block.key] = result
            self.stats["cached" if cached else "ran"] += 1
            if result.device not in ("?", self.device):
                self.log(f"warning: expected device {self.device}, worker ran on {result.device}")
            for figure in result.figures:
                self.figures[figure_name(figure)] = figure.png
            for artifact in result.artifacts:
                self.artifacts[artifact_path(self.pages[block.page], artifact.name)] = artifact.data
            ok = result.ok and (result.exception is None) == (not block.expects_exception)
            self.timings.append({"where": block.where, "seconds": result.duration,
                                 "cached": cached, "status": "ok" if ok else "error", "shard": shard})

    # -- check (pure) and accept (writes records) ----------------------------------------
    def check(self) -> None:
        """Every page's problems; a page being accepted is checked without its record."""
        settings = self.settings
        unknown = sorted((settings.accept_pages or set()) - set(self.pages)) if settings.accept else []
        self.problems.extend(Problem(name, 1, "accept error", f"{name}: no such page or snippet to accept "
                                     "(PAGES takes docs/<page>.md or snippets/<name>.py)") for name in unknown)
        for page in self.pages.values():
            record = PageRecord(settings.records_dir, page.name)
            compared = None if settings.accepting(page.name) else record
            self.problems.extend(check_page(page, self.results, compared, self.device))
            self.recorded[page.name] = record.recorded

    def accept(self) -> None:
        """Rewrite the accepted pages' records (never a page with a problem) and the durations."""
        if not self.settings.accept:
            return
        broken = {p.page for p in self.problems}
        for page in self.pages.values():
            if not self.settings.accepting(page.name):
                continue
            if page.name in broken:  # a failed block or a broken claim is never recorded
                count = sum(p.page == page.name for p in self.problems)
                self.log(f"not recorded: {page.name} ({count} problem(s))")
                continue
            record = PageRecord(self.settings.records_dir, page.name)
            fresh = {b.index: self.results[b.key] for b in page.blocks if b.key in self.results}
            if record.update(list(page.blocks), fresh, self.device) or not record.path.exists():
                record.save(self.versions)
                self.log(f"recorded {record.path}")
            self.recorded[page.name] = record.recorded
        clean = [p for p in self.pages.values() if p.name not in broken]  # what the next CI shards plan from
        save_durations(self.settings.records_dir, clean, self.results, self.settings.accept_pages)

    def run(self, select: Callable[[Chain], bool] | None = None) -> Build:
        """Plan, execute, check, accept, then publish the snippets' notebooks."""
        if not self.pages:
            self.plan()
        self.execute(select)
        self.check()
        self.accept()
        self.publish_notebooks()
        self.log(self.summary())
        return self

    def publish_notebooks(self) -> None:
        for path in self.snippet_files():
            page = self.pages[notebooks.snippet_page(path)]
            results = {b.index: self.results[b.key] for b in page.blocks if b.key in self.results}
            notebooks.publish(path, results, self.settings.docs_dir / "notebooks")

    # -- render --------------------------------------------------------------------------
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


def prepare(settings: Settings, log: Log = print, zygote: Zygote | None = None) -> Build:
    """Markdown files in, executed and checked build out (records written when accepting).

    ``zygote``: the warm fork server to use (``mkdocs serve`` keeps one across rebuilds);
    without one, the process-wide shared zygote is used."""
    return Build(settings, log, zygote).run()


def figure_name(figure: Figure) -> str:
    return f"_exec/{hashlib.sha256(figure.png).hexdigest()[:20]}.png"


def artifact_path(page: Page, name: str) -> str:
    """Where an artifact is published: artifacts/<page without .md>/<name> (snippets: record name)."""
    stem = record_name(page.name) if page.kind == "snippet" else page.name.rsplit(".", 1)[0]
    return f"artifacts/{stem}/{name}"
