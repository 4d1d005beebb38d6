"""Quiz questions on pages: find them and their badge markers in a page's Markdown.

Authors write a quiz as a ``<div class="quiz" ... markdown>`` region whose options are
task-list lines (``- [x]`` marks the key).  Keys written by hand drift from what the
code really prints, so the build runs the quiz's code and ``check.quiz_keys`` fails it
when the keyed option disagrees with reality.  This module only parses (quizzes and
``<!--quiz-badge-->`` markers); the HTML lives in ``render.quiz_html``.
"""
from __future__ import annotations

import re

from ..errors import QuizError
from ..model import BadgeMarker, Block, Option, Quiz
from .fences import fence_mask

CHECKS = ("none", "output", "raises", "runs")
LETTERS = "ABCDEFGH"  # more options than this is a page-design problem, not a quiz

OPEN_RE = re.compile(
    r'^(?P<indent> {0,3})<div\s+(?P<attrs>[^>]*class="(?:[^"]*\s)?quiz(?:\s[^"]*)?"[^>]*)>\s*$')
ATTR_RE = re.compile(r'([\w:.-]+)(?:\s*=\s*"([^"]*)")?')
OPTION_RE = re.compile(
    r"^- \[(?P<mark>[ xX])\]\s+(?P<text>.*?)\s*(?:<!--\s*expect:\s*(?P<expect>.*?)\s*-->)?\s*$")
BADGE_RE = re.compile(r'^\s*<!--\s*quiz-badge:\s*(?P<group>[\w-]+)(?:\s+"(?P<title>[^"]*)")?\s*-->\s*$')
HEADING_RE = re.compile(r"^\s*#{1,6}\s+(?P<title>.+?)\s*#*\s*$")


def find_close(lines: list[str], mask: list[bool], start: int) -> int:
    """Index of the ``</div>`` closing the div at ``start`` (nested divs counted), or -1."""
    depth = 0
    for i in range(start, len(lines)):
        if not mask[i]:
            depth += len(re.findall(r"<div\b", lines[i])) - len(re.findall(r"</div\s*>", lines[i]))
            if depth <= 0:
                return i
    return -1


def item_end(lines: list[str], index: int, end: int, base: str) -> int:
    """First line after a list item's nested content (a non-blank line at base indentation)."""
    for i in range(index + 1, end):
        if lines[i].strip() and len(lines[i]) - len(lines[i].lstrip()) <= len(base):
            return i
    return end


def find_badges(markdown: str, page: str) -> list[BadgeMarker]:
    """Every ``<!--quiz-badge: group "Title"-->`` marker line outside code fences."""
    lines = markdown.split("\n")
    mask = fence_mask(lines)
    return [BadgeMarker(page, i + 1, m["group"], m["title"])
            for i, m in enumerate(map(BADGE_RE.match, lines)) if m and not mask[i]]


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
    if m is None:
        raise QuizError(page, start + 1, "not a quiz <div>")
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
    if quiz.check == "raises" and not quiz.checked_block.expects_exception:
        raise quiz.error(quiz.checked_block.line, 'data-check="raises" needs its block marked <!--pytest.mark.xfail-->')
    if quiz.check != "runs":
        return
    if o.fence is None:
        raise quiz.error(o.line, f"option {o.letter} has no ```python block indented under it")
    if o.keyed == o.fence.expects_exception:
        need = "must not be marked xfail" if o.keyed else "must be marked <!--pytest.mark.xfail-->"
        raise quiz.error(o.fence.line, f"{'keyed' if o.keyed else 'wrong'} option {o.letter}'s block {need}")


def find_quizzes(markdown: str, page: str, blocks: list[Block]) -> list[Quiz]:
    """Every quiz on a page, in order; raises QuizError for the first malformed one.

    ``blocks`` are the page's parsed blocks: a quiz's code is made of the page's own blocks,
    so its results are the ones the build ran.
    """
    lines = markdown.split("\n")
    mask, quizzes, i = fence_mask(lines), [], 0
    seen: dict[str, int] = {}
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


