"""Parse: find the executable blocks of a Markdown page and the markers before them.

The marker grammar is pytest-codeblocks' own (HTML comments on their own line), read
with the same rules it uses, so ``make test`` (pytest --codeblocks) and the build never
disagree about what a block is: a marker applies to the *next* fence whatever its
language, ``cont`` glues a fence to the previous block, ``expected-output`` turns the
next fence into the previous block's expected stdout.  ``tests/test_parse.py`` checks
this against pytest-codeblocks' parser on every page of the site.

Engine-only settings use a separate comment, ``<!--exec: rtol=1e-3 timeout=60-->``,
which pytest-codeblocks ignores.
"""
from __future__ import annotations

import dataclasses
import re

from .errors import MarkerError
from .model import Block, Chain, Options

CODEBLOCKS_MARKER = re.compile(r"<!--[-\s]*pytest-codeblocks:(.*)-->")
PYTEST_MARK = re.compile(r"<!--[-\s]*(pytest\.mark\..*)-->")
EXEC_MARKER = re.compile(r"<!--\s*exec:(.*?)-->")
KNOWN_MARKS = ("pytest.mark.skip", "pytest.mark.skipif(", "pytest.mark.xfail")
OPTION_TYPES = {"rtol": float, "atol": float, "image_tol": float, "timeout": float,
                "per_device": lambda v: v.lower() in ("1", "true", "yes"),
                "output": str}
EXECUTABLE = "python"


@dataclasses.dataclass
class _Pending:
    """Markers seen since the last fence; they belong to the next fence."""

    marks: list[str] = dataclasses.field(default_factory=list)
    cont: bool = False
    expected: bool = False
    expected_ignore_ws: bool = False
    options: dict = dataclasses.field(default_factory=dict)


def parse_options(text: str, where: str) -> dict:
    """Read ``key=value`` pairs of an exec marker, refusing unknown keys."""
    options = {}
    for pair in text.split():
        key, sep, value = pair.partition("=")
        if not sep or key not in OPTION_TYPES:
            known = ", ".join(sorted(OPTION_TYPES))
            raise MarkerError(where, f"unknown exec option {pair!r} (known: {known})")
        try:
            options[key] = OPTION_TYPES[key](value)
        except ValueError:
            raise MarkerError(where, f"bad value for exec option {key}: {value!r}") from None
    return options


def _read_marker(stripped: str, pending: _Pending, where: str) -> bool:
    """Record a marker line into ``pending``; return False if the line is no marker."""
    if m := CODEBLOCKS_MARKER.match(stripped):
        keyword = m.group(1).strip("- ")
        if keyword in ("expected-output", "expected-output-ignore-whitespace"):
            pending.expected = True
            pending.expected_ignore_ws = keyword.endswith("whitespace")
        elif keyword == "cont":
            pending.cont = True
        elif keyword == "skipfile":
            pass  # honoured by parse_page when on line 1
        else:
            raise MarkerError(where, f"unknown marker <!--pytest-codeblocks:{keyword}-->")
        return True
    if m := PYTEST_MARK.match(stripped):
        mark = m.group(1).strip()
        if not mark.startswith(KNOWN_MARKS):
            raise MarkerError(where, f"unknown marker <!--{mark}--> (use skip, skipif(...), xfail)")
        pending.marks.append(mark)
        return True
    if m := EXEC_MARKER.match(stripped):
        pending.options.update(parse_options(m.group(1), where))
        return True
    if stripped.startswith("<!--") and ("pytest" in stripped[:20] or "exec" in stripped[:12]):
        raise MarkerError(where, f"malformed marker {stripped!r}")
    return False


def _read_fence(lines: list[str], start: int) -> tuple[str, str, str, int]:
    """Return (info, indent, code, closing line index) of the fence opening at ``start``."""
    line = lines[start]
    stripped = line.lstrip()
    ticks = len(stripped) - len(stripped.lstrip("`"))
    info = line.strip()[ticks:]
    indent = line[: len(line) - len(stripped)]
    body = []
    for j in range(start + 1, len(lines)):
        candidate = lines[j].lstrip()
        if candidate[:ticks] == "`" * ticks:
            return info, indent, "".join(body), j
        cut = min(len(indent), len(lines[j]) - len(candidate))
        body.append(lines[j][cut:])
    raise MarkerError(None, f"fence opened at line {start + 1} is never closed")


def parse_page(markdown: str, page: str) -> list[Block]:
    """All executable blocks of a page, in order, with markers resolved."""
    lines = markdown.splitlines(keepends=True)
    if lines and lines[0].strip() == "<!--pytest-codeblocks:skipfile-->":
        return []
    blocks: list[Block] = []
    fences_seen = 0  # pytest-codeblocks attaches markers to any fence, not only python
    last_kind = None
    pending = _Pending()
    i = 0
    while i < len(lines):
        stripped = lines[i].strip()
        where = f"{page}:{i + 1}"
        if not stripped or _read_marker(stripped, pending, where):
            i += 1
            continue
        if not lines[i].lstrip().startswith("```"):
            i += 1
            continue
        try:
            info, indent, code, end = _read_fence(lines, i)
        except MarkerError as err:
            raise MarkerError(where, err.message) from None
        last_kind = _attach_fence(blocks, pending, info, indent, code, i, end, page, last_kind, fences_seen)
        fences_seen += 1
        pending = _Pending()
        i = end + 1
    if pending.expected or pending.cont:
        raise MarkerError(f"{page}:{len(lines)}", "marker at end of page has no fence after it")
    return _per_device_chains(blocks)


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


def _attach_fence(blocks, pending, info, indent, code, i, end, page, last_kind, fences_seen):
    """Apply pending markers to the fence at line ``i``; return the kind of the last fence."""
    where = f"{page}:{i + 1}"
    if pending.expected or pending.cont:
        if fences_seen == 0:
            raise MarkerError(where, "marker refers to a previous code block, but there is none")
        if last_kind != EXECUTABLE:
            raise MarkerError(where, "cont/expected-output must follow a ```python block "
                              f"(the previous fence is ```{last_kind})")
        if pending.expected:
            if info == EXECUTABLE:
                raise MarkerError(where, "an expected-output marker is followed by a ```python fence; "
                                  "the expected output must be a ```text fence")
            if blocks[-1].expected_output is not None:
                raise MarkerError(where, "block already has an expected output")
            head = _chain_head_index(blocks)
            blocks[head] = dataclasses.replace(
                blocks[head], expected_output=code, expected_line=i + 1,
                expected_ignore_ws=pending.expected_ignore_ws)
            return last_kind
    if info != EXECUTABLE:
        if pending.cont:
            raise MarkerError(where, f"cont marker precedes a ```{info} fence, not ```python")
        if pending.marks:
            raise MarkerError(where, f"markers {pending.marks} precede a ```{info} fence, not ```python")
        return info
    options = Options(**pending.options) if pending.options else Options()
    blocks.append(Block(page=page, index=len(blocks), line=i + 1, end_line=end + 1, code=code,
                        indent=indent, marks=tuple(pending.marks), cont=pending.cont, options=options))
    return EXECUTABLE


def _chain_head_index(blocks: list[Block]) -> int:
    """pytest-codeblocks gives expected output to the chain's first block."""
    k = len(blocks) - 1
    while k > 0 and blocks[k].cont:
        k -= 1
    return k


def chains(blocks: list[Block]) -> list[Chain]:
    """Group blocks into namespaces: each ``cont`` block joins the chain before it."""
    groups: list[list[Block]] = []
    for block in blocks:
        if block.cont and groups:
            groups[-1].append(block)
        else:
            groups.append([block])
    return [Chain(tuple(g)) for g in groups]


SUSPECT_FENCE = re.compile(r"^\s*```+\s*(py|python3|pycon|python\s+\S.*|\{\s*\.?python.*|ipython\S*)\s*$")


def uncollected_python_fences(markdown: str) -> list[int]:
    """Line numbers of python-looking fences that pytest-codeblocks would silently skip."""
    return [n for n, line in enumerate(markdown.splitlines(), 1) if SUSPECT_FENCE.match(line)]
