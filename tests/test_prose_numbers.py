"""Numbers in learner prose come from the run: one typed by hand that a block printed is refused.

How it decides.  A *result number* is a number token in a page's recorded outputs (stdout and
figure text of every block, ``records/<page>.json``): a decimal (``0.990``), a percentage
(``48.5 %``) or an integer of three or more digits (``2,432``).  Small integers (kernel sizes,
channel counts, epochs) are left out: they are inputs a sentence is meant to repeat.  A number in
the prose (outside fences, inline code, HTML comments, link targets and ``{glue}`` references)
whose text equals a result number of the same page is typed by hand and fails, unless:

* it also appears in the page's code (an input the reader sets, like ``lr=0.001``), or
* it is listed in ``ALLOWED`` with the reason (hand arithmetic the page works through, whose
  numbers are the lesson, not a measurement).

Equal means the same digits after dropping thousands separators (``2,432`` = ``2432``), so a
rounded restatement is caught too when it is printed at the same precision.

A second rule catches the stale ones, which by definition no longer equal an output: every
decimal in the prose is in the page's code, in ``ALLOWED``, or written as a ``{glue}``
reference.  A decimal that is none of these is a measurement copied from somewhere (another
page, an older run) and goes stale unseen.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from enginekit import ROOT

from execdocs.parse.fences import fence_mask

DOCS = ROOT / "docs"
LEARNER_PAGES = sorted(p.name for p in DOCS.glob("*.md") if p.name not in {"authoring.md", "about-sources.md"})
NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+\.\d+|\d{3,})(?![\w.]*\d)")
HAND = "hand arithmetic of a worked solution (the lesson is the arithmetic)"
# page -> {number: why it may be typed}
ALLOWED: dict[str, dict[str, str]] = {
    "convolution.md": {"2.5": "the output-size formula by hand: (6 - 3) / 2 + 1 before rounding down",
                       "3.5": HAND, "11.0": HAND, "11.5": HAND, "5.75": HAND, "2340": HAND},
    "metrics.md": {"0.00": HAND, "0.75": HAND, "1.00": HAND, "0.97": HAND, "0.11": HAND, "0.22": HAND,
                   "0.92": HAND, "3.00": HAND, "3.0": HAND,
                   "2.3": "ln 10, the loss of a uniform guess over ten classes (a constant, not a result)",
                   "0.900": "the target the page sets (90 % precision and recall), not a measurement"},
    "pipeline.md": {"18496": HAND},
    "ingredients.md": {"576": HAND},
}


def prose(markdown: str) -> str:
    """The page's sentences: no fences, comments, inline code, link targets or value references."""
    lines = markdown.split("\n")
    text = "\n".join(line for line, fenced in zip(lines, fence_mask(lines), strict=True) if not fenced)
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = re.sub(r"^---\n.*?\n---\n", " ", text, flags=re.S)
    text = re.sub(r"\{glue\}`[^`]*`", " ", text)
    text = re.sub(r"`[^`\n]*`", " ", text)
    return re.sub(r"\]\([^)]*\)", "]", text)


def numbers(text: str) -> set[str]:
    return {m.group(1).replace(",", "") for m in NUMBER.finditer(text)}


def recorded_numbers(page: str) -> set[str]:
    path = ROOT / "records" / f"{page.removesuffix('.md')}.json"
    if not path.exists():
        return set()
    found: set[str] = set()
    for block in json.loads(path.read_text())["blocks"]:
        for output in block["outputs"].values():
            texts = output.get("stdout", []) + [t for f in output.get("figures", []) for t in f.get("text", [])]
            found |= numbers("\n".join(texts))
    return found


def code_numbers(markdown: str) -> set[str]:
    lines = markdown.split("\n")
    return numbers("\n".join(line for line, fenced in zip(lines, fence_mask(lines), strict=True) if fenced))


def typed_results(page: str) -> list[str]:
    markdown = (DOCS / page).read_text()
    typed = numbers(prose(markdown)) & recorded_numbers(page)
    return sorted(typed - code_numbers(markdown) - set(ALLOWED.get(page, {})))


def untraced_decimals(page: str) -> list[str]:
    markdown = (DOCS / page).read_text()
    decimals = {n for n in numbers(prose(markdown)) if "." in n}
    return sorted(decimals - code_numbers(markdown) - set(ALLOWED.get(page, {})))


@pytest.mark.parametrize("page", LEARNER_PAGES)
def test_every_decimal_in_the_prose_is_glued_an_input_or_allowed(page):
    stale = untraced_decimals(page)
    assert not stale, (f"{page}: the prose types {stale} by hand (not a {{glue}} value, not in the page's "
                       "code, not in ALLOWED): a measurement copied from an older run or another page goes "
                       "stale unseen; print it with cnnlab.glue and write {glue}`name`, or link to the page "
                       "that computes it")


@pytest.mark.parametrize("page", LEARNER_PAGES)
def test_no_result_number_is_typed_into_the_prose(page):
    typed = typed_results(page)
    assert not typed, (f"{page}: the prose types {typed}, which the page's code prints; print it with "
                       "cnnlab.glue(name, value, format) and write {glue}`name` in the sentence")


def test_every_allowed_number_is_still_on_its_page():
    """An exception whose number left the page is dead weight that would hide a future typo."""
    for page, allowed in ALLOWED.items():
        assert set(allowed) <= numbers(prose((DOCS / page).read_text())), page


def test_the_rule_catches_a_typed_result_and_spares_inputs_and_references():
    assert numbers("reaches 0.990 (2,432 parameters) in 15 epochs at 48.5 %") == {"0.990", "2432", "48.5"}
    assert numbers(prose("lr `0.001`, {glue}`acc` and [x](a/0.990.html)\n```python\n0.5\n```")) == set()
