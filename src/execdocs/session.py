"""One build: parse every page, run what the cache lacks in parallel, compare, render.

Pages are executed up front (before MkDocs renders any of them) so chains of all
pages share one worker pool; rendering a page afterwards is pure string work.  Every
problem of the build is collected, not only the first, and each names page:line.
"""
from __future__ import annotations

import dataclasses
import itertools
import os
import platform
import sys
import time
from pathlib import Path
from typing import Callable

from . import quiz as quizzes
from .cache import ProjectSources, ResultCache, chain_key, guess_device_kind, package_versions
from .compare import ignore_whitespace, text_diff, text_matches
from .errors import BlockFailure, Drift, ExecDocsError, MarkerError
from .execute import run_chains
from .model import Block, BlockResult, Chain, Edit, apply_edits
from .parse import chains as group_chains, parse_page
from .record import PageRecord, record_name
from .render import (collapsed, indent_block, insertion_edit, problem_markdown, provenance_markdown,
                     result_markdown, timing_table)


@dataclasses.dataclass
class Problem:
    where: str
    title: str
    detail: str
    page: str
    line: int


@dataclasses.dataclass
class Settings:
    docs_dir: Path
    project_root: Path
    records_dir: Path
    cache_dir: Path
    strict: bool = True
    accept: bool = False
    jobs: int | None = None


class Session:
    def __init__(self, settings: Settings, log: Callable[[str], None] = print):
        self.settings = settings
        self.log = log
        self.device = guess_device_kind()
        self.versions = package_versions()
        self.cache = ResultCache(settings.cache_dir / "results")
        self.sources = ProjectSources([settings.project_root / "src", settings.project_root])
        self.pages: dict[str, list[Block]] = {}
        self.markdown: dict[str, str] = {}
        self.results: dict[tuple[str, int], BlockResult] = {}
        self.problems: list[Problem] = []
        self.figures: dict[str, bytes] = {}
        self.artifacts: dict[str, bytes] = {}  # site path (artifacts/<page>/<name>) -> content
        self.timings: list[dict] = []
        self.recorded: dict[str, str | None] = {}  # page -> date of its record
        self.stats = {"ran": 0, "cached": 0, "skipped": 0}

    # -- collect -----------------------------------------------------------------------
    def add_page(self, page: str, markdown: str, blocks: list[Block] | None = None) -> None:
        self.markdown[page] = markdown
        try:
            self.pages[page] = parse_page(markdown, page) if blocks is None else blocks
        except MarkerError as err:
            self.pages[page] = []
            line = int(err.where.rsplit(":", 1)[1]) if err.where and ":" in err.where else 1
            self._problem(err.where or page, "marker error", err.message, page, line)

    def _problem(self, where, title, detail, page, line) -> None:
        """Every problem names page:line in its title, wherever it is shown."""
        if where and where not in title:
            title = f"{title} at {where}"
        self.problems.append(Problem(where, title, detail, page, line))

    # -- execute -----------------------------------------------------------------------
    def run(self) -> None:
        todo: dict[Chain, str] = {}
        for page, blocks in self.pages.items():
            for chain in group_chains(blocks):
                if self._skipped(chain):
                    self.stats["skipped"] += len(chain.blocks)
                    continue
                key = chain_key(chain, self.sources, self.device)
                cached = self.cache.get(key)
                if cached is not None and len(cached) == len(chain.blocks):
                    self._store(chain, cached, cached=True)
                else:
                    todo[chain] = key
        self._execute(todo)
        for page in self.pages:
            self._check_page(page)

    def _skipped(self, chain: Chain) -> bool:
        for mark in chain.head.marks:
            if mark == "pytest.mark.skip":
                return True
            if mark.startswith("pytest.mark.skipif("):
                condition = mark[len("pytest.mark.skipif("):].rsplit(")", 1)[0].split(", reason")[0]
                if eval(condition, {"sys": sys, "os": os, "platform": platform}):  # noqa: S307 - author's marker
                    return True
        return False

    def _execute(self, todo: dict[Chain, str]) -> None:
        total, done = len(set(todo.values())), [0]
        if total:
            self.log(f"executing {total} chain(s) of {sum(len(c.blocks) for c in todo)} block(s) "
                     f"({self.stats['cached']} block(s) reused from the cache)")
        started = time.perf_counter()

        def on_done(chain: Chain, results: list[BlockResult]) -> None:
            done[0] += 1
            seconds = sum(r.duration for r in results)
            self.log(f"[{done[0]}/{total}] {chain.head.where} ({len(chain.blocks)} block(s), {seconds:.2f} s)")

        first: dict[str, Chain] = {}  # identical chains (same key) run once per build
        for chain, key in todo.items():
            first.setdefault(key, chain)
        ordered = sorted(first.values(), key=lambda c: -len(c.blocks))
        outcomes = run_chains(ordered, str(self.settings.docs_dir), self.settings.jobs, on_done)
        by_key = {todo[chain]: results for chain, results in outcomes.items()}
        for key, results in by_key.items():
            if len(results) == len(first[key].blocks) and all(r.ok for r in results):
                self.cache.put(key, results)
        for chain, key in todo.items():
            self._store(chain, by_key[key], cached=first[key] is not chain)
        if total:
            self.log(f"executed {total} chain(s) in {time.perf_counter() - started:.1f} s")

    def _store(self, chain: Chain, results: list[BlockResult], cached: bool) -> None:
        for block, result in zip(chain.blocks, results):
            self.results[(block.page, block.index)] = result
            self.stats["cached" if cached else "ran"] += 1
            for figure in result.figures:
                self.figures[figure_name(figure)] = figure.png
            for artifact in result.artifacts:
                self.artifacts[artifact_path(block.page, artifact.name)] = artifact.data
            status = "ok" if result.ok and (result.exception is None) == (not block.expects_exception) else "error"
            self.timings.append({"where": block.where, "seconds": result.duration,
                                 "cached": cached, "status": status})

    # -- compare -----------------------------------------------------------------------
    def _check_page(self, page: str) -> None:
        record = PageRecord(self.settings.records_dir, page)
        unrecorded = not self.settings.accept and not record.path.exists() and bool(self.pages[page])
        if unrecorded:
            self._problem(page, f"no record for {page}",
                          f"{page} has executed blocks but no record file {record.path}; run `make accept` "
                          "to record its outputs, then review and commit records/", page, 1)
        fresh: dict[int, BlockResult] = {}
        for block in self.pages[page]:
            result = self.results.get((page, block.index))
            if result is None:
                if not self._skipped_block(block):
                    self._problem(block.where, "not run", f"{block.where}: not run because an earlier "
                                  "block in its cont chain failed",
                                  page, block.line)
                continue
            fresh[block.index] = result
            errors = self._block_errors(block, result)
            for err in errors:
                self._add_error(err, page, block.line)
            if not self.settings.accept and not unrecorded and not errors:
                for drift in record.compare(block, result, self._record_device(result)):
                    self._add_error(drift, page, block.line)
        self._check_quizzes(page, fresh)
        if self.settings.accept:
            if record.update(self.pages[page], fresh, self.device) or not record.path.exists():
                record.save(self.versions)
                self.log(f"recorded {record.path}")
        self.recorded[page] = record.recorded

    def _skipped_block(self, block: Block) -> bool:
        return any(m.startswith("pytest.mark.skip") for m in block.marks)

    def _record_device(self, result: BlockResult) -> str:
        if result.device not in ("?", self.device):
            self.log(f"warning: expected device {self.device}, worker ran on {result.device}")
        return self.device

    def _block_errors(self, block: Block, result: BlockResult) -> list[ExecDocsError]:
        errors: list[ExecDocsError] = []
        if result.failure:
            errors.append(BlockFailure(block.where, block.code, result.failure))
        elif result.exception is not None and not block.expects_exception:
            errors.append(BlockFailure(block.where, block.code,
                                       f"unexpected {result.exception.type}: {result.exception.message}",
                                       result.exception.traceback))
        elif result.exception is None and block.expects_exception:
            errors.append(BlockFailure(block.where, block.code,
                                       "marked <!--pytest.mark.xfail--> (meant to raise) but raised nothing"))
        if block.expected_output is not None:
            errors.extend(self._expected_output_errors(block))
        return errors

    def _expected_output_errors(self, block: Block) -> list[Drift]:
        chain_stdout = self._chain_stdout(block)
        expected, actual = block.expected_output, chain_stdout
        if block.expected_ignore_ws:
            expected, actual = ignore_whitespace(expected), ignore_whitespace(actual)
        if text_matches(expected, actual, block.options.rtol, block.options.atol):
            return []
        where = f"{block.page}:{block.expected_line}"
        return [Drift(where, "the expected-output fence disagrees with the real output",
                      text_diff(block.expected_output, chain_stdout, "page says", "code prints"))]

    def _chain_stdout(self, head: Block) -> str:
        """What the whole chain printed (pytest-codeblocks compares the chain, not one block)."""
        following = itertools.takewhile(lambda b: b.cont, self.pages[head.page][head.index + 1:])
        results = (self.results.get((b.page, b.index)) for b in [head, *following])
        return "".join(r.stdout for r in results if r is not None)

    def _check_quizzes(self, page: str, fresh: dict[int, BlockResult]) -> None:
        by_line = {b.line: fresh[b.index] for b in self.pages[page] if b.index in fresh}
        try:
            found = quizzes.find_quizzes(self.markdown[page], page)
        except quizzes.QuizError as err:
            self._add_error(err, page, getattr(err, "line", 1))
            return
        for quiz in found:
            for err in quizzes.verify(quiz, by_line):
                self._add_error(err, page, getattr(err, "line", 1))

    def _add_error(self, err: Exception, page: str, line: int) -> None:
        where = getattr(err, "where", None) or f"{page}:{line}"
        title = {Drift: "output drifted", BlockFailure: "block failed"}.get(type(err), "error")
        self._problem(where, f"{title} at {where}", str(err), page, line)

    # -- render ------------------------------------------------------------------------
    def render(self, page: str, markdown: str, figure_prefix: str = "") -> str:
        """The page's Markdown with outputs, quiz widgets, problems and provenance."""
        edits: list[Edit] = []
        try:
            found = quizzes.find_quizzes(markdown, page)
            edits.extend(quizzes.render_badge_edit(b) for b in quizzes.find_badges(markdown, page))
        except quizzes.QuizError:
            found = []  # already reported by _check_quizzes
        edits.extend(e for quiz in found for e in quizzes.render_edits(quiz))
        hidden = {fence.line for quiz in found if quiz.check in ("output", "raises") for fence in quiz.blocks}
        for block in self.pages.get(page, []):
            result = self.results.get((page, block.index))
            text = result_markdown(block, result, lambda f: figure_prefix + figure_name(f)) if result else ""
            if text and block.line in hidden:
                text = collapsed(text, "Run it: the real output (spoiler)")
            if edit := insertion_edit(block, text):
                edits.append(edit)
        lines = markdown.split("\n")
        for problem in (p for p in self.problems if p.page == page):
            target = lines[problem.line - 1] if 0 < problem.line <= len(lines) else ""
            indent = target[: len(target) - len(target.lstrip())]  # stay inside admonitions and lists
            text = indent_block(problem_markdown(problem.title, problem.detail), indent)
            edits.append(Edit(line=problem.line, remove=0, text=text + "\n"))
        body = apply_edits(markdown, edits)
        if self.pages.get(page):
            body += provenance_markdown(self.device, self.versions, self.recorded.get(page))
        return body

    def summary(self) -> str:
        s = self.stats
        return (f"{s['ran']} block(s) executed, {s['cached']} from cache, {s['skipped']} skipped, "
                f"{len(self.problems)} problem(s)")

    def timing_markdown(self) -> str:
        return timing_table(self.timings)


def figure_name(figure) -> str:
    import hashlib

    return f"_exec/{hashlib.sha256(figure.png).hexdigest()[:20]}.png"


def artifact_path(page: str, name: str) -> str:
    """Where an artifact is published: artifacts/<page without .md>/<name> (snippets: record name)."""
    stem = record_name(page) if page.startswith("../") else page.rsplit(".", 1)[0]
    return f"artifacts/{stem}/{name}"
