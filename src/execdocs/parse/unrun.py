"""What a page shows but nothing checks: hidden python fences and front matter MkDocs drops.

Why: a ```python fence inside a ``>`` blockquote, a ``~~~python`` fence or a ```py fence is
highlighted as Python on the site, yet neither the build nor pytest-codeblocks runs it, and
nothing said so.  Invalid YAML front matter is shown by MkDocs as prose and its settings (a
``notebook: false``, a title) silently ignored.  Both are errors at ``page:line`` now.
"""
from __future__ import annotations

import re

import yaml

from ..errors import MarkerError
from .fences import Fence, scan

QUOTED_FENCE = re.compile(r"^\s*(?:>\s*)+(`{3,}|~{3,})\s*(python|py|python3)\b")
TILDE_FENCE = re.compile(r"^\s*~{3,}\s*\{?\s*\.?(python|py|python3|pycon)\b")
SPELLINGS = re.compile(r"^(py|python3|pycon|ipython\S*|python\s+\S.*|\{\s*\.?python.*)$")
# MkDocs' own front-matter pattern (mkdocs.utils.meta.YAML_RE)
FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
TO_RUN = "write the fence as ```python at the start of a line to run it, or ```text to show code that does not run"


class UnrunFence(MarkerError):
    """A python fence that is shown as Python but that no one runs."""

    title = "python fence not run"


class FrontMatterError(MarkerError):
    """Front matter MkDocs would show as prose and whose settings it would ignore."""

    title = "invalid front matter"


def unrun_fences(lines: list[str], page: str) -> list[UnrunFence]:
    """Python-looking fences outside every ``` fence that the build and pytest-codeblocks skip."""
    found = []
    for item in scan(lines, page):
        if isinstance(item, Fence):
            if SPELLINGS.match(item.info.strip()):
                found.append(UnrunFence(page, item.start + 1, f"a ```{item.info.strip()} fence is shown as "
                                        f"Python but not run by the build or pytest-codeblocks; {TO_RUN}"))
            continue
        line = lines[item]
        if QUOTED_FENCE.match(line):
            found.append(UnrunFence(page, item + 1, "a python fence inside a > blockquote is shown as Python but "
                                    f"not run by the build or pytest-codeblocks; move it out of the quote ({TO_RUN})"))
        elif TILDE_FENCE.match(line):
            found.append(UnrunFence(page, item + 1, "a ~~~python fence is shown as Python but not run by the "
                                    f"build or pytest-codeblocks; {TO_RUN}"))
    return found


def front_matter_error(markdown: str, page: str) -> FrontMatterError | None:
    """The YAML error of the page's front matter, at its line (MkDocs would ignore it silently)."""
    match = FRONT_MATTER.match(markdown)
    if not match:
        return None
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = 2 + (mark.line if mark is not None else 0)
        reason = getattr(err, "problem", None) or str(err).split("\n")[0]
        return FrontMatterError(page, line, f"the front matter is not valid YAML ({reason}); MkDocs would show "
                                "it as text and ignore its settings. Fix the line (quote values that contain ': ')")
    if data is not None and not isinstance(data, dict):
        return FrontMatterError(page, 2, "the front matter is not a `key: value` mapping; MkDocs would show it "
                                "as text and ignore it. Write one `key: value` per line")
    return None
