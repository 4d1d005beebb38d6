"""Inline values: every ``{glue}`name``` in the prose has one value that the page's code printed.

A reference to a name no block printed (a typo, a block that stopped printing it, a block that
failed) or a name printed twice with different text is a problem at its line, so the strict
build never publishes a sentence with a hole or an ambiguous number in it.
"""
from __future__ import annotations

from collections.abc import Mapping

from ..errors import ExecDocsError
from ..model import BlockKey, BlockResult, Page
from ..parse.values import page_values, references


class InlineValueError(ExecDocsError):
    """A sentence refers to a value the page's code did not print (or printed ambiguously)."""

    title = "inline value error"


def value_errors(page: Page, results: Mapping[BlockKey, BlockResult]) -> list[ExecDocsError]:
    values, clashes = page_values(page, results)
    errors: list[ExecDocsError] = [
        InlineValueError(page.name, c.line, f"value {c.name!r} printed again with other text: {c.second!r} "
                    f"(first printed {c.first!r}); give each value its own name") for c in clashes]
    known = ", ".join(sorted(values)) or "none"
    for ref in references(page.markdown):
        if ref.name not in values:
            errors.append(InlineValueError(page.name, ref.line, f"{{glue}}`{ref.name}` names no value the page's "
                                      f"code printed (printed here: {known}); print it with "
                                      f"cnnlab.glue({ref.name!r}, value, format) in a block of this page"))
    return errors
