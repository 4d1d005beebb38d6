"""Quiz keys: check every quiz's keyed answer against the real results of its code.

A key written by hand drifts from what the code really prints; the build ran the quiz's
blocks with the page, so this compares the key with those results (``Block.key``).
"""
from __future__ import annotations

from collections.abc import Mapping

from ..errors import QuizError
from ..model import Block, BlockKey, BlockResult, Quiz

Results = Mapping[BlockKey, BlockResult]


def _result(quiz: Quiz, fence: Block, results: Results) -> BlockResult | QuizError:
    """The block's result, or the error explaining why there is nothing to check."""
    result = results.get(fence.key)
    if result is None:
        return quiz.error(fence.line, f"no result for the python block at line {fence.line}")
    if result.failure:
        return quiz.error(fence.line, f"the python block at line {fence.line} failed: {result.failure}")
    return result


def _raised(result: BlockResult) -> str:
    exc = result.exception
    if exc is None:
        return "nothing"
    text = f"{exc.type}: {exc.message}" if exc.message else exc.type
    return text if len(text) <= 200 else text[:199] + "…"


def last_output_line(stdout: str) -> str:
    """The last non-empty stdout line: what an 'output' quiz asks the reader to predict."""
    lines = [ln.strip() for ln in stdout.splitlines() if ln.strip()]
    return lines[-1] if lines else ""


def _verify_output(quiz: Quiz, result: BlockResult) -> list[QuizError]:
    if result.exception:
        return [quiz.error(quiz.checked_block.line, f"its python block raised {_raised(result)}, so it has no output")]
    actual, key = last_output_line(result.stdout), quiz.key
    matching = [o.letter for o in quiz.options if o.plain == actual]
    if key.plain != actual:
        hint = f"option {matching[0]} matches" if matching else "no option matches"
        return [quiz.error(key.line, f'keyed {key.name} does not match the real output "{actual}" ({hint})')]
    return [quiz.error(o.line, f'{o.name} also equals the real output, so two answers are right')
            for o in quiz.options if o.plain == actual and not o.keyed]


def _verify_raises(quiz: Quiz, result: BlockResult) -> list[QuizError]:
    key = quiz.key
    if result.exception is None:
        return [quiz.error(key.line, f'keyed {key.name} expects "{key.expect}" but the python block at line '
                                     f"{quiz.checked_block.line} ran without raising")]
    if (key.expect or "") not in f"{result.exception.type}: {result.exception.message}":
        return [quiz.error(key.line,
                           f'keyed {key.name} expects "{key.expect}" but the block raised "{_raised(result)}"')]
    return []


def _verify_runs(quiz: Quiz, results: Results) -> list[QuizError]:
    errors: list[QuizError] = []
    for o in quiz.options:
        result = _result(quiz, o.code, results)
        if isinstance(result, QuizError):
            errors.append(result)
        elif o.keyed and result.exception:
            errors.append(quiz.error(o.code.line, f"keyed {o.name} should run cleanly but raised {_raised(result)}"))
        elif not o.keyed and result.exception is None:
            errors.append(quiz.error(o.code.line, f"{o.name} is keyed wrong but its block ran without an exception"))
    return errors


def verify(quiz: Quiz, results: Results) -> list[QuizError]:
    """Check the quiz's key against real results (keyed like every result: ``Block.key``).

    An empty list means the key is right; each error names page, line and question title.
    """
    if quiz.check == "runs":
        return _verify_runs(quiz, results)
    if quiz.check not in ("output", "raises"):
        return []
    result = _result(quiz, quiz.checked_block, results)
    if isinstance(result, QuizError):
        return [result]
    return (_verify_output if quiz.check == "output" else _verify_raises)(quiz, result)
