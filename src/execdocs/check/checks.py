"""Checks: every way a page can disagree with reality, each returning problems as data.

A block that failed or did not raise as marked, an expected-output fence that differs
from what the chain printed, a drift from the committed record, a quiz whose key is
wrong, a page or block that could not run.  Each check is a pure function of the parsed
:class:`Page`, the results and (for drift) the :class:`PageRecord`; the session only
collects their problems, so a report, an accept step or a shard can reuse them.
"""
from __future__ import annotations

import itertools
from typing import Mapping

from ..parse import quiz as quizzes
from .compare import ignore_whitespace, text_diff, text_matches
from ..errors import BlockFailure, Drift, ExecDocsError
from ..model import Block, BlockKey, BlockResult, Page, Problem
from ..store.record import PageRecord

Results = Mapping[BlockKey, BlockResult]


def problem(err: ExecDocsError, code: str = "") -> Problem:
    """An error as structured data (the block's source, a text diff, figure evidence)."""
    return Problem(page=err.page, line=err.line, kind=err.title, detail=str(err),
                   code=getattr(err, "code", code), diff=getattr(err, "diff", ""),
                   figure=getattr(err, "figure", None))


def block_errors(block: Block, result: BlockResult) -> list[ExecDocsError]:
    """The block failed, raised when it should not have, or did not raise when marked xfail."""
    if result.failure:
        return [BlockFailure(block.page, block.line, block.code, result.failure)]
    if result.exception is not None and not block.expects_exception:
        return [BlockFailure(block.page, block.line, block.code,
                             f"unexpected {result.exception.type}: {result.exception.message}",
                             result.exception.traceback)]
    if result.exception is None and block.expects_exception:
        return [BlockFailure(block.page, block.line, block.code,
                             "marked <!--pytest.mark.xfail--> (meant to raise) but raised nothing")]
    return []


def chain_stdout(page: Page, head: Block, results: Results) -> str:
    """What the whole chain printed (pytest-codeblocks compares the chain, not one block)."""
    following = itertools.takewhile(lambda b: b.cont, page.blocks[head.index + 1:])
    found = (results.get(b.key) for b in [head, *following])
    return "".join(r.stdout for r in found if r is not None)


def expected_output_errors(page: Page, block: Block, results: Results) -> list[Drift]:
    """The expected-output fence must equal what the chain printed (numbers within rtol)."""
    if block.expected_output is None:
        return []
    printed = chain_stdout(page, block, results)
    expected, actual = block.expected_output, printed
    if block.expected_ignore_ws:
        expected, actual = ignore_whitespace(expected), ignore_whitespace(actual)
    if text_matches(expected, actual, block.options.rtol, block.options.atol):
        return []
    return [Drift(block.page, block.expected_line, "the expected-output fence disagrees with the real output",
                  text_diff(block.expected_output, printed, "page says", "code prints"))]


def not_run(block: Block) -> Problem:
    return Problem(block.page, block.line, "not run",
                   f"{block.where}: not run because an earlier block in its cont chain failed", code=block.code)


def unrecorded(page: Page, record: PageRecord) -> Problem:
    return Problem(page.name, 1, f"no record for {page.name}",
                   f"{page.name} has executed blocks but no record file {record.path}; run `make accept` "
                   "to record its outputs, then review and commit records/")


def quiz_problems(page: Page, results: Results) -> list[Problem]:
    return [problem(err) for quiz in page.quizzes for err in quizzes.verify(quiz, results)]


def check_page(page: Page, results: Results, record: PageRecord | None, device: str) -> list[Problem]:
    """Every problem of one page.  ``record=None``: outputs are being accepted, not compared."""
    problems = [problem(err) for err in page.errors]
    missing = record is not None and not record.path.exists() and bool(page.blocks)
    if missing:
        problems.append(unrecorded(page, record))
    for block in page.blocks:
        result = results.get(block.key)
        if result is None:
            if not block.skip:
                problems.append(not_run(block))
            continue
        errors = block_errors(block, result) + expected_output_errors(page, block, results)
        if not errors and record is not None and not missing:
            errors = record.compare(block, result, device)
        problems.extend(problem(err, block.code) for err in errors)
    return problems + quiz_problems(page, results)
