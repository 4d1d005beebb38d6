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
import difflib
import math
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
BOOLEANS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


def _number(minimum_exclusive: bool):
    """A finite float, > 0 (time limits) or >= 0 (tolerances): NaN, infinity or a negative
    value would crash the executor or the comparison, or silently disable a check."""
    def read(value: str) -> float:
        number = float(value)
        if not math.isfinite(number) or number < 0 or (minimum_exclusive and number == 0):
            raise ValueError("must be a finite number " + ("above 0" if minimum_exclusive else "of 0 or more"))
        return number
    return read


def _boolean(value: str) -> bool:
    if value.lower() not in BOOLEANS:
        raise ValueError("must be true or false")
    return BOOLEANS[value.lower()]


def _output(value: str) -> str:
    if value not in ("text", "markdown"):
        raise ValueError("must be text or markdown")
    return value


def _warnings(value: str) -> str:
    if value not in ("fail", "expected"):
        raise ValueError("must be fail or expected")
    return value


OPTION_TYPES: dict[str, Callable[[str], object]] = {
                "rtol": _number(False), "atol": _number(False), "image_tol": _number(False),
                "timeout": _number(True), "memory": _number(True), "per_device": _boolean, "output": _output,
                "warnings": _warnings}


@dataclass(frozen=True)
class Mark:
    """A ``pytest.mark.*`` marker: its name, its text as written, and whether it skips here."""

    name: str  # "skip", "skipif" or "xfail"
    text: str  # e.g. "pytest.mark.skipif(sys.platform == 'win32', reason='posix')"
    skips: bool  # skips whatever happens (skip); a skipif's condition is decided in the worker
    condition: str | None = None  # skipif: the condition's source, evaluated by execdocs.skipif


def read_mark(text: str, page: str, line: int) -> Mark:
    """Parse one ``pytest.mark.NAME(...)`` expression; a skipif's condition is only compiled here
    (it is author code: it runs in a worker, under the block's time limit, see execdocs.skipif)."""
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as err:
        raise MarkerError(page, line, f"malformed marker <!--{text.strip()}-->: {err.msg}") from None
    call = node if isinstance(node, ast.Call) else None
    name = _mark_name(call.func if call else node)
    if name not in MARKS:
        raise MarkerError(page, line, f"unknown marker <!--{text.strip()}-->{suggest(str(name), MARKS)}; "
                                      f"{VALID_MARKERS}")
    if name == "skipif" and call is None:
        raise MarkerError(page, line, "skipif needs a condition: <!--pytest.mark.skipif(condition, reason='...')-->")
    condition = _skipif_condition(call, page, line) if name == "skipif" and call is not None else None
    return Mark(name, text.strip(), name == "skip", condition)


def _mark_name(func: ast.expr) -> str | None:
    """``pytest.mark.NAME`` -> NAME; anything else -> None."""
    if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute)
            and func.value.attr == "mark" and isinstance(func.value.value, ast.Name)
            and func.value.value.id == "pytest"):
        return func.attr
    return None


def skipif_condition(text: str) -> str | None:
    """The condition of a valid ``pytest.mark.skipif(...)`` marker text (None for other marks)."""
    return read_mark(text, "", 0).condition


def condition_holds(source: str) -> bool:
    """Evaluate a skipif condition like pytest does (``os``, ``sys``, ``platform`` in scope)."""
    return bool(eval(compile(source, "<skipif>", "eval"), dict(CONDITION_GLOBALS)))  # noqa: S307


def _skipif_condition(call: ast.Call, page: str, line: int) -> str:
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
        compile(source, f"<skipif at {page}:{line}>", "eval")
    except SyntaxError as err:
        raise MarkerError(page, line, f"skipif condition {source!r} is not an expression: {err.msg}") from None
    return source


def read_options(text: str, page: str, line: int) -> dict:
    """Read ``key=value`` pairs of an exec marker, refusing unknown keys and bad values."""
    options = {}
    for pair in text.split():
        key, sep, value = pair.partition("=")
        if not sep or key not in OPTION_TYPES:
            known = ", ".join(sorted(OPTION_TYPES))
            raise MarkerError(page, line, f"unknown exec option {pair!r}{suggest(key, OPTION_TYPES)} (known: {known})")
        try:
            options[key] = OPTION_TYPES[key](value)
        except ValueError as err:
            reason = str(err) if str(err).startswith("must") else "must be a number"
            raise MarkerError(page, line, f"bad value for exec option {key}: {value!r} ({reason})") from None
    return options


CODEBLOCKS_KEYWORDS = ("cont", "expected-output", "expected-output-ignore-whitespace", "skipfile")
VALID_MARKERS = ("valid markers: <!--pytest-codeblocks:cont-->, <!--pytest-codeblocks:expected-output-->, "
                 "<!--pytest-codeblocks:expected-output-ignore-whitespace-->, <!--pytest-codeblocks:skipfile--> "
                 "(line 1 only), <!--pytest.mark.skip-->, <!--pytest.mark.skipif(condition, reason='...')-->, "
                 "<!--pytest.mark.xfail-->, <!--exec: key=value ...-->")


def suggest_marker(keyword: str) -> str:
    close = difflib.get_close_matches(keyword, CODEBLOCKS_KEYWORDS, n=1, cutoff=0.6)
    return f" (did you mean <!--pytest-codeblocks:{close[0]}-->?)" if close else ""


def suggest(word: str, valid) -> str:
    """`` (did you mean X?)`` for the closest valid spelling, or nothing."""
    close = difflib.get_close_matches(word, list(valid), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""
