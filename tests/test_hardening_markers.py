"""Hardening (issue 19, part 2): every marker value is validated at page:line.

A time limit of NaN, infinity, zero or a negative number, a negative or non-finite tolerance
and a ``per_device`` that is not a boolean used to be accepted silently (or crash the build
later, in the executor or the comparison); each is now a marker error naming the line.
"""
from __future__ import annotations

import pytest

from execdocs.errors import MarkerError
from execdocs.parse.page import parse

BAD = ["timeout=nan", "timeout=inf", "timeout=-inf", "timeout=-5", "timeout=0", "timeout=abc",
       "rtol=-1", "rtol=inf", "rtol=nan", "atol=-1e-3", "atol=inf", "atol=nan",
       "image_tol=-2", "image_tol=nan", "image_tol=inf", "per_device=banana", "per_device=",
       "output=html", "timeout=1e400", "rtol=1e999"]
GOOD = {"timeout=300": ("timeout", 300.0), "timeout=0.5": ("timeout", 0.5), "rtol=0": ("rtol", 0.0),
        "atol=1e-3": ("atol", 1e-3), "image_tol=0": ("image_tol", 0.0),
        "per_device=true": ("per_device", True), "per_device=false": ("per_device", False),
        "per_device=True": ("per_device", True), "per_device=0": ("per_device", False)}


def page_with(option: str) -> str:
    return f"# T\n\ntext\n\n<!--exec: {option}-->\n```python\nx = 1\n```\n"


@pytest.mark.parametrize("option", BAD)
def test_bad_marker_value_is_a_marker_error_at_its_line(option):
    page = parse(page_with(option), "p.md")
    assert len(page.errors) == 1, f"{option!r} was accepted: {page.blocks}"
    err = page.errors[0]
    assert isinstance(err, MarkerError) and err.line == 5
    key = option.split("=")[0]
    assert str(err).startswith("p.md:5: ") and key in str(err)


@pytest.mark.parametrize("option", sorted(GOOD))
def test_good_marker_values_are_read(option):
    page = parse(page_with(option), "p.md")
    assert page.errors == ()
    key, value = GOOD[option]
    assert getattr(page.blocks[0].options, key) == value
