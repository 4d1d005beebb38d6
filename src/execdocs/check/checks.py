"""Checks: every way a page can disagree with reality, each returning problems as data.

A block that failed or did not raise as marked, an expected-output fence that differs
from what the chain printed, a drift from the committed record, a quiz whose key is
wrong, a page or block that could not run, a sentence whose inline value no block printed.
Each check is a pure function of the parsed :class:`Page`, the results and (for drift) the
:class:`PageRecord`; the build only collects their problems, so a report, an accept step or a shard can reuse them.
"""
from __future__ import annotations

from collections.abc import Mapping

from ..errors import BlockFailure, Drift, ExecDocsError
from ..messages import without_final_exception
from ..model import Block, BlockKey, BlockResult, Page
from ..problem import Problem
from ..store.record import PageRecord
from .compare import ignore_whitespace, text_diff, text_matches
from .output_checks import output_errors
from .quiz_keys import verify
from .values import value_errors

Results = Mapping[BlockKey, BlockResult]


def block_errors(block: Block, result: BlockResult) -> list[ExecDocsError]:
    """The block failed, raised when it should not have, or did not raise when marked xfail."""
    if result.failure:
        return [BlockFailure(block.page, block.line, block.code, result.failure)]
    if result.exception is not None and not block.expects_exception:
        exc = result.exception
        return [BlockFailure(block.page, block.line, block.code, f"unexpected {exc.type}: {exc.message}",
                             without_final_exception(exc.traceback, exc.type, exc.message))]
    if result.exception is None and block.expects_exception:
        return [BlockFailure(block.page, block.line, block.code,
                             "marked <!--pytest.mark.xfail--> (meant to raise) but raised nothing")]
    return []


def chain_stdout(page: Page, head: Block, results: Results) -> str:
    """What the whole chain printed (pytest-codeblocks compares the chain, not one block)."""
    blocks = next((c.blocks for c in page.chains if c.head == head), (head,))
    found = (results.get(b.key) for b in blocks)
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
    return [Drift(block.page, block.expected_line or block.line,
                  "the expected-output fence disagrees with the real output",
                  text_diff(block.expected_output, printed, "page says", "code prints"))]


def not_run(page: Page, block: Block) -> Problem:
    return Problem(block.page, block.line, "not run",
                   f"{block.where}: not run because an earlier block in its cont chain failed", code=block.code,
                   url=page.url)


def unrecorded(page: Page, record: PageRecord) -> Problem:
    return Problem(page.name, 1, f"no record for {page.name}",
                   f"{page.name} has executed blocks but no record file {record.path}; run `make accept` "
                   "to record its outputs, then review and commit records/", url=page.url)


def quiz_problems(page: Page, results: Results) -> list[Problem]:
    return [Problem.of(err, None, page) for quiz in page.quizzes for err in verify(quiz, results)]


def check_page(page: Page, results: Results, record: PageRecord | None, device: str) -> list[Problem]:
    """Every problem of one page.  ``record=None``: outputs are being accepted, not compared."""
    problems = [Problem.of(err, None, page) for err in page.errors]
    missing = record is not None and not record.path.exists() and bool(page.blocks)
    if record is not None and missing:
        problems.append(unrecorded(page, record))
    for block in page.blocks:
        result = results.get(block.key)
        if result is None:
            if not block.skip:
                problems.append(not_run(page, block))
            continue
        errors: list[ExecDocsError] = [*block_errors(block, result), *expected_output_errors(page, block, results)]
        errors = errors or output_errors(block, result)
        if not errors and record is not None and not missing:
            errors = list(record.compare(block, result, device))
        problems.extend(Problem.of(err, block, page) for err in errors)
    values = [Problem.of(err, None, page) for err in value_errors(page, results)]
    return problems + quiz_problems(page, results) + values
