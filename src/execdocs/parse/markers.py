"""Markers: the HTML comments before a fence, read like pytest-codeblocks and pytest read them.

``<!--pytest-codeblocks:cont-->`` and friends are pytest-codeblocks' own keywords;
``<!--pytest.mark.skipif(condition, reason="...")-->`` is parsed with :mod:`ast` as the
call it is and its condition evaluated the way pytest evaluates ``skipif``: a string is
an expression evaluated with ``os``, ``sys`` and ``platform`` in scope, anything else
is an expression whose truth decides.  ``<!--exec: key=value ...-->`` holds the engine's
own settings.  Anything malformed raises :class:`MarkerError` naming ``page:line``.
"""
from __future__ import annotations

import ast
import os
import platform
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import MarkerError

CODEBLOCKS_MARKER = re.compile(r"<!--[-\s]*pytest-codeblocks:(.*)-->")
PYTEST_MARK = re.compile(r"<!--[-\s]*(pytest\.mark\..*)-->", re.DOTALL)
EXEC_MARKER = re.compile(r"<!--\s*exec:(.*?)-->")
MARKS = ("skip", "skipif", "xfail")
CONDITION_GLOBALS = {"os": os, "sys": sys, "platform": platform}
OPTION_TYPES: dict[str, Callable[[str], object]] = {"rtol": float, "atol": float, "image_tol": float, "timeout": float,
                "per_device": lambda v: v.lower() in ("1", "true", "yes"),
                "output": str}


@dataclass(frozen=True)
class Mark:
    """A ``pytest.mark.*`` marker: its name, its text as written, and whether it skips here."""

    name: str  # "skip", "skipif" or "xfail"
    text: str  # e.g. "pytest.mark.skipif(sys.platform == 'win32', reason='posix')"
    skips: bool


def read_mark(text: str, page: str, line: int) -> Mark:
    """Parse and evaluate one ``pytest.mark.NAME(...)`` expression."""
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as err:
        raise MarkerError(page, line, f"malformed marker <!--{text.strip()}-->: {err.msg}") from None
    call = node if isinstance(node, ast.Call) else None
    name = _mark_name(call.func if call else node)
    if name not in MARKS:
        raise MarkerError(page, line, f"unknown marker <!--{text.strip()}--> (use skip, skipif(...), xfail)")
    if name == "skipif" and call is None:
        raise MarkerError(page, line, "skipif needs a condition: <!--pytest.mark.skipif(condition, reason='...')-->")
    skips = name == "skip" or (name == "skipif" and call is not None and _skipif_holds(call, page, line))
    return Mark(name, text.strip(), skips)


def _mark_name(func: ast.expr) -> str | None:
    """``pytest.mark.NAME`` -> NAME; anything else -> None."""
    if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute)
            and func.value.attr == "mark" and isinstance(func.value.value, ast.Name)
            and func.value.value.id == "pytest"):
        return func.attr
    return None


def _skipif_holds(call: ast.Call, page: str, line: int) -> bool:
    keywords = {k.arg: k.value for k in call.keywords}
    if set(keywords) - {"reason"} or any(k.arg is None for k in call.keywords):
        raise MarkerError(page, line, "skipif takes one condition and reason='...'")
    reason = keywords.get("reason")
    if reason is not None and not (isinstance(reason, ast.Constant) and isinstance(reason.value, str)):
        raise MarkerError(page, line, "skipif's reason= must be a string")
    if len(call.args) != 1:
        raise MarkerError(page, line, f"skipif takes exactly one condition, got {len(call.args)}")
    condition = call.args[0]
    if isinstance(condition, ast.Constant) and isinstance(condition.value, str):
        source = condition.value
    else:
        source = ast.unparse(condition)
    try:
        return bool(eval(compile(source, f"<skipif at {page}:{line}>", "eval"), dict(CONDITION_GLOBALS)))  # noqa: S307
    except Exception as err:  # noqa: BLE001 - the author's condition: any error is theirs to fix
        raise MarkerError(page, line, f"skipif condition {source!r} cannot be evaluated: "
                                      f"{type(err).__name__}: {err}") from None


def read_options(text: str, page: str, line: int) -> dict:
    """Read ``key=value`` pairs of an exec marker, refusing unknown keys and bad values."""
    options = {}
    for pair in text.split():
        key, sep, value = pair.partition("=")
        if not sep or key not in OPTION_TYPES:
            known = ", ".join(sorted(OPTION_TYPES))
            raise MarkerError(page, line, f"unknown exec option {pair!r} (known: {known})")
        try:
            options[key] = OPTION_TYPES[key](value)
        except ValueError:
            raise MarkerError(page, line, f"bad value for exec option {key}: {value!r}") from None
        if key == "output" and value not in ("text", "markdown"):
            raise MarkerError(page, line, f"bad value for exec option output: {value!r} (text or markdown)")
    return options
