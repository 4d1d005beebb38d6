"""One build: plan → execute → check (pure) → accept (the only step that writes records).

The MkDocs hooks, ``make accept`` and a CI shard all run this same object; they differ
only in which steps they call and with which chains.  Pages are parsed once and executed
up front (chains of all pages share one worker pool, longest recorded first); rendering a
page afterwards is pure string work.  Every problem is collected, not only the first, and
each names page:line.
"""
from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from pathlib import Path

from .check import claims, skipif, tree_guard
from .check.checks import check_page
from .check.saved_outputs import stale_saved_outputs
from .check.stale import orphan_problem, orphan_records, remove_orphan, stale_entries
from .check.variants import claimed, fragile_problems, unrepeatable_problems
from .model import Block, BlockKey, BlockResult, Chain, Figure, Page
from .parse.notebook import SUFFIX as NOTEBOOK
from .parse.notebook import NotebookPage, parse_notebook
from .parse.page import parse
from .parse.sources import read_source
from .problem import Problem
from .render import downloads, notebooks
from .render.notebook_page import executed_notebook, notebook_text
from .render.page import FigureUrl, provenance_markdown, render_page, timing_table
from .run import landlock
from .run.execute import Zygote, run_chains
from .run.variants import PLATFORM_CODE, variant_env
from .scale.shard import Work, estimate, priority
from .settings import Settings
from .store.cache import ProjectSources, ResultCache, chain_key, package_versions
from .store.durations import load_durations, save_durations
from .store.record import PageRecord, cpu_name, record_name
from .store.writes import write_problem

GENERATED_DIRS = ("notebooks",)  # written by the build; never parsed as sources
Log = Callable[[str], None]


def page_files(docs_dir: Path) -> list[Path]:
    """The pages of a site: Markdown and notebooks (generated folders left out)."""
    return sorted(p for pattern in ("*.md", "*" + NOTEBOOK) for p in docs_dir.rglob(pattern)
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
        self.zygote = Zygote(variant_env(settings.variant)) if settings.variant != "host" else zygote
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
        self.stats = {"ran": 0, "cached": 0, "shared": 0, "skipped": 0}  # shared: same chain ran in this build
        self.variant_results: dict[str, dict[BlockKey, BlockResult]] = {}  # accept: the other variants
        self.repeat_results: dict[BlockKey, BlockResult] = {}  # accept: claim chains run a second time
        self.made_on: dict | None = None  # accept: where the records are made (platform of each variant)
        self.wheel: str | None = None  # set when downloads are published (publish.site_files): pages link them
        self.notes: list[str] = []  # worth telling the author, never a failure (a notebook's stale saved outputs)

    # -- plan ----------------------------------------------------------------------------
    def plan(self) -> None:
        """Parse every page and snippet of the site once."""
        docs = self.settings.docs_dir
        for path in page_files(docs):
            self.add_source(path.relative_to(docs).as_posix(), path)
        for path in self.snippet_files():
            self.add_source(notebooks.snippet_page(path), path, snippet=True)

    def add_source(self, name: str, path: Path, snippet: bool = False) -> None:
        """Parse one file; one that is not UTF-8 becomes a page holding only that error."""
        text, error = read_source(path, name)
        if error is not None:
            self.pages[name] = Page(name, text, errors=(error,))
        elif name.endswith(NOTEBOOK):
            self.pages[name] = parse_notebook(text, name)
        else:
            self.add_page(name, text, notebooks.snippet_blocks(path) if snippet else None)

    def snippet_files(self) -> list[Path]:
        return sorted(self.settings.snippets_dir.glob("*.py"))

    def add_page(self, name: str, markdown: str, blocks: list[Block] | None = None) -> Page:
        self.pages[name] = page = parse(markdown, name, blocks)
        return page

    def chains(self) -> list[Chain]:
        return [chain for page in self.pages.values() for chain in page.chains]

    def key(self, chain: Chain) -> str:
        variant = "" if self.settings.variant == "host" else f"+{self.settings.variant}"
        return chain_key(chain, self.sources, self.device + variant, self.settings.threads)

    # -- execute -------------------------------------------------------------------------
    def execute(self, select: Callable[[Chain], bool] | None = None) -> None:
        """Reuse cached results and run the other (selected) chains."""
        docs = str(self.settings.docs_dir)
        self.problems += skipif.resolve(self.pages, lambda probes: run_chains(
            probes, docs, self.settings.jobs, zygote=self.zygote, threads=self.settings.threads))
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
        guarded = [self.settings.docs_dir, self.settings.records_dir]
        watched, skip = self._watched(guarded)
        confined = watched is guarded  # chains may write only in their run dirs
        before, windows = tree_guard.listing(watched, skip), {}

        def on_done(chain: Chain, results: list[BlockResult]) -> None:
            done[0] += 1
            seconds = sum(r.duration for r in results)
            windows[chain] = (time.time() - seconds, time.time())
            self.log(f"[{done[0]}/{len(first)}] {chain.head.where} ({len(chain.blocks)} block(s), {seconds:.2f} s)")

        ordered = longest_first(list(first.values()), load_durations(self.settings.records_dir))
        outcomes = run_chains(ordered, str(self.settings.docs_dir), self.settings.jobs, on_done,
                              zygote=self.zygote, threads=self.settings.threads,
                              guarded=tuple(str(folder) for folder in guarded) if confined else ())
        by_key = {todo[chain]: results for chain, results in outcomes.items()}
        after = tree_guard.listing(watched, skip)
        if written := tree_guard.changed(before, after, new_only=self.settings.docs_dir):
            self.problems += tree_guard.write_problems(written, self.settings.project_root, windows, after)
        unwritten = None
        for key, results in by_key.items():
            if len(results) == len(first[key].blocks) and all(r.ok for r in results):
                try:
                    self.cache.put(key, results)
                except OSError as err:  # one problem per build: every later write fails alike
                    unwritten = unwritten or write_problem("cache not written", self.cache.directory, err)
        if unwritten is not None:
            self.problems.append(unwritten)
        for chain, key in todo.items():
            self._store(chain, by_key[key], cached=False, shared=first[key] is not chain)
        self.log(f"executed {len(first)} chain(s) in {time.perf_counter() - started:.1f} s")

    def _watched(self, guarded: list[Path]) -> tuple[list[Path], frozenset[str]]:
        """What the tree guard lists around a run: docs/ and records/ where Landlock confines
        chains to their run dirs, else the whole project (and the build says what is unguarded)."""
        if landlock.available():
            return guarded, frozenset()
        self.log("warning: this kernel has no Landlock, so blocks are not confined to their folders: "
                 "writes into the project are reported after the run, writes into $HOME and elsewhere "
                 "are not detected (Linux 5.13 or later confines them)")
        return tree_guard.project_folders(self.settings.project_root, self.settings.cache_dir)

    def _store(self, chain: Chain, results: list[BlockResult], cached: bool, shard: str | None = None,
               shared: bool = False) -> None:
        """``shared``: an identical chain ran in this build (not a cache hit, not a run of its own)."""
        for block, result in zip(chain.blocks, results, strict=False):  # a failure ends a chain early
            self.results[block.key] = result
            self.stats["shared" if shared else "cached" if cached else "ran"] += 1
            if result.device not in ("?", self.device):
                self.log(f"warning: expected device {self.device}, worker ran on {result.device}")
            for figure in result.figures:
                self.figures[figure_name(figure)] = figure.png
            for artifact in result.artifacts:
                self.artifacts[artifact_path(self.pages[block.page], artifact.name)] = artifact.data
            ok = result.ok and (result.exception is None) == (not block.expects_exception)
            self.timings.append({"where": block.where, "seconds": result.duration,
                                 "cached": cached or shared, "status": "ok" if ok else "error", "shard": shard})

    def execute_variants(self) -> None:
        """Under accept: run the accepted pages' chains again under each other numeric variant
        (its own zygote, no cache), so the record can say how far each number moves."""
        others = [v for v in self.settings.accept_variants if v != "host"] if self.settings.accept else []
        chains = [c for c in self.chains() if not c.skip and self.settings.accepting(c.page)]
        if not others or not chains:
            return
        platforms = {"host": self._probe(self.zygote)}
        for name in others:
            started = time.perf_counter()
            with Zygote(variant_env(name)) as zygote:
                platforms[name] = self._probe(zygote)
                outcomes = run_chains(chains, str(self.settings.docs_dir), self.settings.jobs, zygote=zygote,
                                      threads=self.settings.threads,
                                      guarded=(str(self.settings.docs_dir), str(self.settings.records_dir)))
            self.variant_results[name] = {b.key: r for chain, results in outcomes.items()
                                          for b, r in zip(chain.blocks, results, strict=False)}
            self.log(f"variant {name}: {len(chains)} chain(s) in {time.perf_counter() - started:.1f} s")
        self.made_on = self._platform(platforms)

    def execute_repeat(self) -> None:
        """Under accept: run every accepted chain that printed a claim once more, fresh, in the host
        zygote; ``check.variants.unrepeatable_problems`` refuses a claim whose run changed."""
        if not self.settings.accept:
            return
        chains = [c for c in self.chains() if not c.skip and self.settings.accepting(c.page)
                  and claimed([self.results[b.key] for b in c.blocks if b.key in self.results])]
        outcomes = run_chains(chains, str(self.settings.docs_dir), self.settings.jobs, zygote=self.zygote,
                              threads=self.settings.threads,
                              guarded=(str(self.settings.docs_dir), str(self.settings.records_dir)))
        self.repeat_results = {b.key: r for chain, results in outcomes.items()
                               for b, r in zip(chain.blocks, results, strict=False)}

    def _probe(self, zygote: Zygote | None) -> dict:
        """The kernel path a zygote's torch chose (capability, BLAS), run as a tiny chain."""
        probe = Chain((Block("(platform)", 0, 1, 1, PLATFORM_CODE),))
        result = run_chains([probe], str(self.settings.docs_dir), 1, zygote=zygote)[probe][0]
        try:
            return json.loads(result.stdout)
        except ValueError:
            return {"error": (result.failure or result.stderr or "no output")[:200]}

    def _platform(self, platforms: dict[str, dict]) -> dict:
        variants = {name: {"env": variant_env(name), **{k: p.get(k) for k in ("capability", "blas") if k in p}}
                    for name, p in platforms.items()} or {"host": {"env": {}}}
        return {"cpu": cpu_name(), "device": self.device, "threads": self.settings.threads,
                "torch": self.versions.get("torch"), "variants": variants}

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
            problems = check_page(page, self.results, compared, self.device)
            if compared is None and self.variant_results:
                envs = {name: variant_env(name) for name in self.variant_results}
                problems += fragile_problems(page, self.results, self.variant_results, envs)
            if compared is None and self.repeat_results:
                problems += unrepeatable_problems(page, self.results, self.repeat_results)
            if compared is not None and not problems and (stale := stale_entries(page, record)):
                problems.append(stale)
            if compared is not None and record.path.exists():
                problems += [Problem.of(d, b, page) for b in page.blocks
                             for d in claims.sentence_drifts(page, b, record, self.device)]
            self.problems.extend(problems)
            self.recorded[page.name] = record.recorded
            if isinstance(page, NotebookPage) and (note := stale_saved_outputs(page, self.results)):
                self.notes.append(note)
        if not (settings.accept and settings.accept_pages is None):  # a full accept removes them
            self.problems.extend(orphan_problem(path) for path in orphan_records(settings.records_dir, self.pages))

    def accept(self) -> None:
        """Rewrite the accepted pages' records (never a page with a problem) and the durations."""
        if not self.settings.accept:
            return
        broken = {p.page for p in self.problems}
        self.made_on = self.made_on or self._platform({})
        for page in self.pages.values():
            if not self.settings.accepting(page.name):
                continue
            if page.name in broken:  # a failed block or a broken claim is never recorded
                count = sum(p.page == page.name for p in self.problems)
                self.log(f"not recorded: {page.name} ({count} problem(s))")
                continue
            self._record(page)
        if self.settings.accept_pages is None:
            for path in orphan_records(self.settings.records_dir, self.pages):
                remove_orphan(path)
                self.log(f"removed {path} (its page no longer exists)")
        if self.settings.accept_pages is not None and broken & self.settings.accept_pages:
            return  # a refused `make accept PAGES=...` leaves durations.json alone: fix, run it again
        clean = [p for p in self.pages.values() if p.name not in broken]  # what the next CI shards plan from
        try:
            save_durations(self.settings.records_dir, clean, self.results, self.settings.accept_pages)
        except OSError as err:
            self.problems.append(write_problem("record not written", self.settings.records_dir, err))

    def _record(self, page: Page) -> None:
        """Rewrite one page's record; a full disk is a problem naming the folder, not a crash."""
        record = PageRecord(self.settings.records_dir, page.name)
        fresh = {b.index: self.results[b.key] for b in page.blocks if b.key in self.results}
        record.remove_leftovers()
        try:
            variants = {name: {b.index: r[b.key] for b in page.blocks if b.key in r}
                        for name, r in self.variant_results.items()}
            changed = record.update(list(page.blocks), fresh, self.device, variants)
            if claims.tie(record, page, fresh, self.device) or changed or not record.path.exists():
                record.save(self.versions, self.made_on)
                self.log(f"recorded {record.path}")
        except OSError as err:
            self.problems.append(write_problem("record not written", self.settings.records_dir, err, page.name))
        self.recorded[page.name] = record.recorded

    def run(self, select: Callable[[Chain], bool] | None = None) -> Build:
        """Plan, execute, check and accept (the downloads are published by ``publish.site_files``)."""
        if not self.pages:
            self.plan()
        self.execute(select)
        self.execute_variants()
        self.execute_repeat()
        self.check()
        self.accept()
        for note in self.notes:
            self.log(note)
        self.log(self.summary())
        return self

    # -- render --------------------------------------------------------------------------
    def render(self, name: str, figure_prefix: str = "") -> str:
        """The page's Markdown with outputs, quiz widgets, problems and provenance."""
        provenance = provenance_markdown(self.device, self.versions, self.recorded.get(name))
        page = self.pages[name]
        url: FigureUrl = lambda f: figure_prefix + figure_name(f)  # noqa: E731
        links = (downloads.links_markdown(notebooks.site_page(name), self.wheel)
                 if self.wheel and downloads.wants_downloads(page) else "")
        if page.kind == "snippet":
            return notebooks.render_snippet(page, self.results, self.problems, url, provenance, links)
        if isinstance(page, NotebookPage):  # what mkdocs-jupyter renders: the executed notebook
            links = downloads.links_html(name, self.wheel) if links and self.wheel else ""
            return notebook_text(executed_notebook(page, self.results, self.problems, url, provenance, links))
        return render_page(page, self.results, self.problems, url, provenance, links)

    def summary(self) -> str:
        s = self.stats
        shared = f"{s['shared']} identical to a block run in this build, " if s["shared"] else ""
        return (f"{s['ran']} block(s) executed, {s['cached']} from cache, {shared}{s['skipped']} skipped, "
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
