"""How a problem reads in the terminal: its kind and page:line once, its message once.

Why: a strict build used to print the title ("marker error at a.md:3") and then the detail,
which starts with "a.md:3: ..." again, and a failed claim's traceback ended with the very
sentence the first line had just said.  Authors skim a CI log; every repetition is noise.
"""
from __future__ import annotations


def terminal_text(problem) -> str:
    """``kind at page:line: message`` followed by the rest of the detail (code, traceback, diff)."""
    prefix = f"{problem.where}: "
    if problem.detail.startswith(prefix):
        return f"{problem.kind} at {problem.detail}"
    return f"{problem.title}\n{problem.detail}"


def without_final_exception(traceback: str, type_name: str, message: str) -> str:
    """The traceback without its last line when that line only repeats ``Type: message``
    (the failure's first line already says it)."""
    text, tail = traceback.rstrip(), f"{type_name}: {message}".rstrip()
    if not text.endswith(tail):
        return traceback
    head = text[: -len(tail)]
    return head[: head.rfind("\n") + 1].rstrip() if "\n" in head else ""
