"""Quiz questions on pages: find them, and check every answer key against real runs.

Authors write a quiz as a ``<div class="quiz" ... markdown>`` region whose options are
task-list lines (``- [x]`` marks the key).  Keys written by hand drift from what the
code really prints, so the build runs the quiz's code and :func:`verify` fails it when
the keyed option disagrees with reality.  Everything here is pure Python (no MkDocs),
so the parser and the checks are unit-testable; the HTML lives in ``quiz_html``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from typing import Mapping

from ..errors import QuizError
from ..model import Block, BlockKey, BlockResult, Edit
from .page import fence_mask
from ..render.quiz_html import BadgeMarker, badge_html, find_badges, find_close, item_end, key_hash, render_badge_edit, render_edits

__all__ = [
    "BadgeMarker", "Option", "Quiz", "QuizError", "badge_html", "find_badges",
    "find_quizzes", "key_hash", "page_edits", "render_edits", "verify",
]

CHECKS = ("none", "output", "raises", "runs")
LETTERS = "ABCDEFGH"  # more options than this is a page-design problem, not a quiz

OPEN_RE = re.compile(
    r'^(?P<indent> {0,3})<div\s+(?P<attrs>[^>]*class="(?:[^"]*\s)?quiz(?:\s[^"]*)?"[^>]*)>\s*$')
ATTR_RE = re.compile(r'([\w:.-]+)(?:\s*=\s*"([^"]*)")?')
OPTION_RE = re.compile(
    r"^- \[(?P<mark>[ xX])\]\s+(?P<text>.*?)\s*(?:<!--\s*expect:\s*(?P<expect>.*?)\s*-->)?\s*$")
HEADING_RE = re.compile(r"^\s*#{1,6}\s+(?P<title>.+?)\s*#*\s*$")


@dataclass(frozen=True)
class Option:
    """One answer choice; ``fence`` is its own code block for ``runs`` questions."""

    letter: str
    text: str  # Markdown as written, without the checkbox and expect comment
    line: int
    keyed: bool
    expect: str | None = None
    fence: Block | None = None  # the page's block indented under this option

    @property
    def plain(self) -> str:
        """The text as the reader means it: code-span backticks are not part of an output."""
        return self.text.replace("`", "").strip()

    @property
    def name(self) -> str:
        """How messages refer to the option: letter plus text, e.g. ``option B "torch.Size(...)"``."""
        return f'option {self.letter} "{self.plain}"'


@dataclass(frozen=True)
class Quiz:
    """A parsed question; line numbers refer to the author's original Markdown."""

    page: str
    line: int  # the opening <div> line
    end_line: int  # the closing </div> line
    quiz_id: str
    title: str
    check: str
    options: tuple[Option, ...]
    blocks: tuple[Block, ...] = ()  # the page's blocks that form the question (not the options')
    indent: str = ""
    attempts: int = 2
    group: str | None = None
    timer: int | None = None
    category: str = ""
    difficulty: str = ""
    attrs: tuple[tuple[str, str], ...] = ()  # all attributes of the opening tag, in order
    options_end: int = 0  # first line after the options (and their nested blocks)
    options_end_text: str = ""  # that line's original text, re-emitted after the widget

    @property
    def key(self) -> Option:
        return next(o for o in self.options if o.keyed)

    @property
    def block(self) -> Block | None:
        """The block whose result is checked: the last one before the options."""
        return self.blocks[-1] if self.blocks else None

    def error(self, line: int, message: str) -> QuizError:
        return QuizError(self.page, line, f'quiz "{self.title}": {message}')


def _options(lines, mask, start, end, base, found: list[Block]) -> tuple[Option, ...]:
    """Task-list lines at the quiz's base indentation, each with the python block under it."""
    items = [(i, m) for i in range(start, end) if not mask[i] and lines[i].startswith(base)
             and (m := OPTION_RE.match(lines[i][len(base):]))]
    options = []
    for n, (i, m) in enumerate(items):
        stop = items[n + 1][0] if n + 1 < len(items) else item_end(lines, i, end, base)
        fence = next((b for b in found if i < b.line - 1 < stop and len(b.indent) > len(base)), None)
        letter = LETTERS[n] if n < len(LETTERS) else "?"
        options.append(Option(letter, m["text"], i + 1, m["mark"] != " ", m["expect"], fence))
    return tuple(options)


def _attrs(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((k, v if v is not None else "") for k, v in ATTR_RE.findall(text))


def _int_attr(attrs: dict, name: str, default, page: str, line: int):
    """Numeric attributes fail loudly: a typo like data-attempts="two" would silently mean 2."""
    if name not in attrs:
        return default
    value = attrs[name]
    if not value.isdigit() or int(value) < 1:
        raise QuizError(page, line, f'{name}="{value}" must be a positive whole number')
    return int(value)


def _parse_quiz(lines: list[str], mask: list[bool], start: int, end: int, page: str,
                page_blocks: list[Block]) -> Quiz:
    """Build one Quiz from lines[start..end] (the <div> line through its </div> line)."""
    m = OPEN_RE.match(lines[start])
    attrs, base, line = _attrs(m["attrs"]), m["indent"], start + 1
    a = dict(attrs)
    quiz_id = a.get("data-quiz-id", "").strip()
    if not quiz_id:
        raise QuizError(page, line, 'quiz has no data-quiz-id="..." attribute')
    title = next((h["title"] for h in map(HEADING_RE.match, lines[start + 1 : end]) if h), quiz_id)
    found = [b for b in page_blocks if start < b.line - 1 < end]
    options = _options(lines, mask, start + 1, end, base, found)
    first = options[0].line - 1 if options else end
    blocks = tuple(b for b in found if b.indent == base and b.line - 1 < first)
    after = item_end(lines, options[-1].line - 1, end, base) if options else end
    check = a.get("data-check", "").strip()
    if not check:
        check = "none" if not blocks and not any(o.fence for o in options) else ""
    quiz = Quiz(page, line, end + 1, quiz_id, title, check, options, blocks, base,
                _int_attr(a, "data-attempts", 2, page, line), a.get("data-group") or None,
                _int_attr(a, "data-timer", None, page, line), a.get("data-category", ""),
                a.get("data-difficulty", ""), attrs, after + 1, lines[after])
    _validate(quiz)
    return quiz


def _validate(quiz: Quiz) -> None:
    """Reject quizzes the build could not check or the reader could not answer."""
    keyed = [o.letter for o in quiz.options if o.keyed]
    problems = [
        (quiz.check not in CHECKS, f'data-check="{quiz.check}" is unknown; use one of {", ".join(CHECKS)}'
         if quiz.check else "has python code but no data-check; add one of output, raises, runs"),
        (not quiz.options, "has no options (task-list lines '- [x] ...' / '- [ ] ...')"),
        (len(quiz.options) > len(LETTERS), f"has {len(quiz.options)} options; at most {len(LETTERS)} are allowed"),
        (len(keyed) != 1, f"needs exactly one keyed option '- [x]', found {len(keyed)} ({', '.join(keyed)})"),
        (quiz.check in ("output", "raises") and quiz.block is None,
         f'data-check="{quiz.check}" needs a ```python block before the options'),
    ]
    for bad, message in problems:
        if bad:
            raise quiz.error(quiz.line, message)
    for option in quiz.options:
        _validate_option(quiz, option)


def _validate_option(quiz: Quiz, o: Option) -> None:
    """Per-option rules of the 'raises' (expect comments) and 'runs' (own blocks) checks."""
    if o.expect is not None and (quiz.check != "raises" or not o.keyed):
        raise quiz.error(o.line, f"option {o.letter}: only the keyed option of a raises quiz takes <!--expect:-->")
    if quiz.check == "raises" and o.keyed and not o.expect:
        raise quiz.error(o.line, f"keyed option {o.letter} needs <!--expect: Type: message--> at its end")
    if quiz.check == "raises" and not quiz.block.expects_exception:
        raise quiz.error(quiz.block.line, 'data-check="raises" needs its block marked <!--pytest.mark.xfail-->')
    if quiz.check != "runs":
        return
    if o.fence is None:
        raise quiz.error(o.line, f"option {o.letter} has no ```python block indented under it")
    if o.keyed == o.fence.expects_exception:
        need = "must not be marked xfail" if o.keyed else "must be marked <!--pytest.mark.xfail-->"
        raise quiz.error(o.fence.line, f"{'keyed' if o.keyed else 'wrong'} option {o.letter}'s block {need}")


def find_quizzes(markdown: str, page: str, blocks: list[Block] | None = None) -> list[Quiz]:
    """Every quiz on a page, in order; raises QuizError for the first malformed one.

    ``blocks`` are the page's parsed blocks (parsed here when not given): a quiz's code is
    made of the page's own blocks, so its results are the ones the build ran.
    """
    if blocks is None:
        from .page import parse_page

        blocks = parse_page(markdown, page)
    lines = markdown.split("\n")
    mask, quizzes, seen, i = fence_mask(lines), [], {}, 0
    while i < len(lines):
        if mask[i] or not OPEN_RE.match(lines[i]):
            i += 1
            continue
        end = find_close(lines, mask, i)
        if end < 0:
            raise QuizError(page, i + 1, "quiz <div> has no closing </div>")
        quiz = _parse_quiz(lines, mask, i, end, page, blocks)
        if quiz.quiz_id in seen:
            first = seen[quiz.quiz_id]
            raise QuizError(page, quiz.line, f'duplicate data-quiz-id "{quiz.quiz_id}" (first used at line {first})')
        seen[quiz.quiz_id] = quiz.line
        quizzes.append(quiz)
        i = end + 1
    return quizzes


def page_edits(markdown: str, page: str) -> list[Edit]:
    """All quiz and badge edits for a page (what the build applies after verifying)."""
    edits = [e for quiz in find_quizzes(markdown, page) for e in render_edits(quiz)]
    return edits + [render_badge_edit(b) for b in find_badges(markdown, page)]


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
    text = f"{exc.type}: {exc.message}" if exc.message else exc.type
    return text if len(text) <= 200 else text[:199] + "…"


def last_output_line(stdout: str) -> str:
    """The last non-empty stdout line: what an 'output' quiz asks the reader to predict."""
    lines = [ln.strip() for ln in stdout.splitlines() if ln.strip()]
    return lines[-1] if lines else ""


def _verify_output(quiz: Quiz, result: BlockResult) -> list[QuizError]:
    if result.exception:
        return [quiz.error(quiz.block.line, f"its python block raised {_raised(result)}, so it has no output")]
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
                                     f"{quiz.block.line} ran without raising")]
    if key.expect not in f"{result.exception.type}: {result.exception.message}":
        return [quiz.error(key.line, f'keyed {key.name} expects "{key.expect}" but the block raised "{_raised(result)}"')]
    return []


def _verify_runs(quiz: Quiz, results: Results) -> list[QuizError]:
    errors = []
    for o in quiz.options:
        result = _result(quiz, o.fence, results)
        if isinstance(result, QuizError):
            errors.append(result)
        elif o.keyed and result.exception:
            errors.append(quiz.error(o.fence.line, f"keyed {o.name} should run cleanly but raised {_raised(result)}"))
        elif not o.keyed and result.exception is None:
            errors.append(quiz.error(o.fence.line, f"{o.name} is keyed wrong but its block ran without an exception"))
    return errors


def verify(quiz: Quiz, results: Results) -> list[QuizError]:
    """Check the quiz's key against real results (keyed like every result: ``Block.key``).

    An empty list means the key is right; each error names page, line and question title.
    """
    if quiz.check == "runs":
        return _verify_runs(quiz, results)
    if quiz.check not in ("output", "raises"):
        return []
    result = _result(quiz, quiz.block, results)
    if isinstance(result, QuizError):
        return [result]
    return (_verify_output if quiz.check == "output" else _verify_raises)(quiz, result)
