"""Parse: a page's Markdown into one :class:`~execdocs.model.Page` (blocks, quizzes, badges).

The marker grammar is pytest-codeblocks' own (HTML comments on their own line), read
with the same rules it uses, so ``make test`` (pytest --codeblocks) and the build never
disagree about what a block is: a marker applies to the *next* fence whatever its
language, ``cont`` glues a fence to the previous block, ``expected-output`` turns the
next fence into the previous block's expected stdout.  ``tests/test_parse.py`` checks
this against pytest-codeblocks' parser on every page of the site.  The one fence scanner
(:mod:`.fences`) is also what the quiz parser uses, so the two never disagree either.
"""
from __future__ import annotations

import dataclasses
import re

from .. import lines as line_model
from ..errors import ExecDocsError, MarkerError, QuizError
from ..model import BadgeMarker, Block, Chain, Options, Page, Quiz, group_chains
from . import markers
from .fences import Fence, scan
from .quiz import find_badges, find_quizzes
from .unrun import QUOTED_FENCE, TILDE_FENCE, front_matter_error, unrun_fences

EXECUTABLE = "python"


@dataclasses.dataclass
class _Pending:
    """Markers seen since the last fence; they belong to the next fence."""

    marks: list[markers.Mark] = dataclasses.field(default_factory=list)
    cont: bool = False
    expected: bool = False
    expected_ignore_ws: bool = False
    options: dict = dataclasses.field(default_factory=dict)


def _read_marker(stripped: str, pending: _Pending, page: str, line: int) -> None:
    """Record a marker line into ``pending`` (non-marker lines are ignored)."""
    if m := markers.CODEBLOCKS_MARKER.match(stripped):
        keyword = m.group(1).strip("- ")
        if keyword in ("expected-output", "expected-output-ignore-whitespace"):
            pending.expected = True
            pending.expected_ignore_ws = keyword.endswith("whitespace")
        elif keyword == "cont":
            pending.cont = True
        elif keyword != "skipfile":  # skipfile is honoured on line 1 only
            raise MarkerError(page, line, f"unknown marker <!--pytest-codeblocks:{keyword}-->"
                              f"{markers.suggest_marker(keyword)}; {markers.VALID_MARKERS}")
    elif m := markers.PYTEST_MARK.match(stripped):
        pending.marks.append(markers.read_mark(m.group(1), page, line))
    elif m := markers.EXEC_MARKER.match(stripped):
        pending.options.update(markers.read_options(m.group(1), page, line))
    elif stripped.startswith("<!--") and ("pytest" in stripped[:20] or "exec" in stripped[:12]):
        raise MarkerError(page, line, f"malformed marker {stripped!r}; {markers.VALID_MARKERS}")


def parse_page(markdown: str, page: str) -> list[Block]:
    """All executable blocks of a page, in order, with markers resolved (raises MarkerError)."""
    lines = line_model.split_keepends(line_model.normalize(markdown))
    if lines and lines[0].strip() == "<!--pytest-codeblocks:skipfile-->":
        return []
    blocks: list[Block] = []
    last_info = None  # pytest-codeblocks attaches markers to any fence, not only python
    pending = _Pending()
    for item in scan(lines, page):
        if isinstance(item, int):
            if stripped := lines[item].strip():
                _read_marker(stripped, pending, page, item + 1)
            continue
        last_info = _attach(blocks, pending, item, page, last_info)
        pending = _Pending()
    if pending.expected or pending.cont:
        raise MarkerError(page, len(lines), "marker at end of page has no fence after it")
    return _per_device_chains(blocks)


def _attach(blocks: list[Block], pending: _Pending, fence: Fence, page: str, last_info: str | None) -> str:
    """Apply pending markers to ``fence``; return the info string of the last fence seen."""
    line = fence.start + 1
    if pending.expected or pending.cont:
        if last_info is None:
            raise MarkerError(page, line, "marker refers to a previous code block, but there is none")
        if last_info != EXECUTABLE:
            raise MarkerError(page, line, "cont/expected-output must follow a ```python block "
                              f"(the previous fence is ```{last_info})")
        if pending.expected:
            _attach_expected(blocks, pending, fence, page)
            return last_info
    if fence.info != EXECUTABLE:
        if pending.cont:
            raise MarkerError(page, line, f"cont marker precedes a ```{fence.info} fence, not ```python")
        if pending.marks:
            texts = [m.text for m in pending.marks]
            raise MarkerError(page, line, f"markers {texts} precede a ```{fence.info} fence, not ```python")
        return fence.info
    options = Options(**pending.options) if pending.options else Options()
    blocks.append(Block(page=page, index=len(blocks), line=line, end_line=fence.end + 1, code=fence.code,
                        indent=fence.indent, marks=tuple(m.text for m in pending.marks), cont=pending.cont,
                        options=options, skip=any(m.skips for m in pending.marks), anchor_line=fence.end + 1))
    return EXECUTABLE


def _attach_expected(blocks: list[Block], pending: _Pending, fence: Fence, page: str) -> None:
    """pytest-codeblocks gives expected output to the chain's head; outputs go below the fence."""
    line = fence.start + 1
    if fence.info == EXECUTABLE:
        raise MarkerError(page, line, "an expected-output marker is followed by a ```python fence; "
                          "the expected output must be a ```text fence")
    if blocks[-1].expected_output is not None:
        raise MarkerError(page, line, "block already has an expected output")
    blocks[-1] = dataclasses.replace(blocks[-1], anchor_line=fence.end + 1)
    head = len(blocks) - 1
    while head > 0 and blocks[head].cont:
        head -= 1
    blocks[head] = dataclasses.replace(blocks[head], expected_output=fence.code, expected_line=line,
                                       expected_ignore_ws=pending.expected_ignore_ws)


def _per_device_chains(blocks: list[Block]) -> list[Block]:
    """A chain that trains on one block prints device-dependent numbers in the next too."""
    marked = {c.head.index for c in chains(blocks) if any(b.options.per_device for b in c.blocks)}
    out, head = [], None
    for block in blocks:
        head = head if block.cont else block.index
        if head in marked and not block.options.per_device:
            block = dataclasses.replace(block, options=dataclasses.replace(block.options, per_device=True))
        out.append(block)
    return out


def chains(blocks) -> list[Chain]:
    """Group blocks into namespaces: each ``cont`` block joins the chain before it."""
    return list(group_chains(blocks))


def parse(markdown: str, name: str, blocks: list[Block] | None = None) -> Page:
    """The page's one model.  ``blocks`` given (snippets): they are the page; no quizzes."""
    markdown = line_model.normalize(markdown)  # every later stage counts lines in this text
    errors: list[ExecDocsError] = []
    quizzes: tuple[Quiz, ...] = ()
    badges: tuple[BadgeMarker, ...] = ()
    if blocks is None:
        try:
            blocks = parse_page(markdown, name)
        except MarkerError as err:
            # the page's quizzes are checked once its markers are fixed: their code blocks
            # are unknown now, and an error about them would be a false one
            return Page(name, markdown, (), (), (), (err,))
        errors.extend(_unrun(markdown, name))
        try:
            quizzes = tuple(find_quizzes(markdown, name, blocks))
            badges = tuple(find_badges(markdown, name))
        except (QuizError, MarkerError) as err:
            errors.append(err)
    return Page(name, markdown, tuple(blocks), quizzes, badges, tuple(errors))


def _unrun(markdown: str, name: str) -> list[ExecDocsError]:
    """Front matter and python fences the page shows but nothing checks (see :mod:`.unrun`)."""
    found: list[ExecDocsError] = list(unrun_fences(line_model.split_keepends(markdown), name))
    if (err := front_matter_error(markdown, name)) is not None:
        found.insert(0, err)
    return found


SUSPECT_FENCE = re.compile(r"^\s*```+\s*(py|python3|pycon|python\s+\S.*|\{\s*\.?python.*|ipython\S*)\s*$")


def uncollected_python_fences(markdown: str) -> list[int]:
    """Line numbers of python-looking fences that pytest-codeblocks would silently skip."""
    lines = line_model.split(line_model.normalize(markdown))
    return [n for n, line in enumerate(lines, 1)
            if SUSPECT_FENCE.match(line) or QUOTED_FENCE.match(line) or TILDE_FENCE.match(line)]
