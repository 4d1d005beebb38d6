"""Keep a quiz's answer out of the served HTML until the reader asks for it (issue 29).

Why: a quiz's worked solution ("Final answer: option C"), the real output held back under
its code and, in a ``runs`` question, each option's result all give the answer away to
anyone who reads the page source or turns JavaScript off. This pass runs on a page's HTML
after Markdown (the MkDocs hook ``on_page_content``) and replaces each of them, inside every
quiz region, with a placeholder: ``data-sealed`` holds the original HTML XORed with a
keystream derived from the quiz id, base64-encoded, and its visible text says honestly
where the answer is instead. ``docs/assets/quiz-seal.js`` decodes it when the quiz is done
(answered, out of attempts, or solution revealed). That is obfuscation, not secrecy, like
``data-key``: it keeps the answer out of view-source, a no-JavaScript reading and the text
a crawler or "find in page" sees. The ``<summary>`` of a sealed ``<details>`` stays, so the
reader still sees where the Solution is.

Pure string work: rendered code is HTML-escaped, so every ``<details``/``<div`` left in the
text is a real tag and nesting can be counted.
"""
from __future__ import annotations

import base64
import re
from collections.abc import Iterator

from .quiz_html import fnv1a32

MASK = 0xFFFFFFFF
QUIZ_RE = re.compile(r'<div\b[^>]*\bclass="quiz"[^>]*\bdata-quiz-id="(?P<id>[^"]*)"[^>]*>')
DETAILS_RE = re.compile(r'<details\b[^>]*\bclass="[^"]*\b(?P<kind>success|example)\b[^"]*"[^>]*>')
OUTPUT_RE = re.compile(r'<div\b[^>]*\bclass="[^"]*\bexec-(?:output|exception|stderr)\b[^"]*"[^>]*>')
SEALED_RE = re.compile(r'<div class="quiz-sealed[^"]*" data-sealed="(?P<data>[^"]*)">.*?</div>', re.S)

NOTES = {  # what a reader without JavaScript (or reading the source) finds in place of the answer
    "success": "The worked solution is not written into this page's source, so reading the source "
               "cannot give the answer away. The page's script shows it once you answer or choose "
               "Reveal solution; with JavaScript off it cannot appear here. The page's notebook "
               "download (.ipynb, linked under the title) has every solution, folded.",
    "example": "The real output is kept out of this page's source, so that it cannot give the answer "
               "away; the page's script shows it once you answer. With JavaScript off, run the code "
               "above (or the page's notebook download) to see it.",
    "output": "This option's real result is kept out of the page's source, so that it cannot give the "
              "answer away; the page's script shows it once you answer, and the page's notebook "
              "download runs it.",
}


def _stream(quiz_id: str) -> Iterator[int]:
    """xorshift32 bytes seeded from fnv1a32("seal:" + id); quiz-seal.js computes the same."""
    x = fnv1a32(f"seal:{quiz_id}") or 1
    while True:
        x = (x ^ (x << 13)) & MASK
        x ^= x >> 17
        x = (x ^ (x << 5)) & MASK
        yield x & 0xFF


def encode(quiz_id: str, text: str) -> str:
    data = bytes(b ^ k for b, k in zip(text.encode("utf-8"), _stream(quiz_id), strict=False))
    return base64.b64encode(data).decode("ascii")


def decode(quiz_id: str, sealed: str) -> str:
    data = base64.b64decode(sealed)
    return bytes(b ^ k for b, k in zip(data, _stream(quiz_id), strict=False)).decode("utf-8")


def element_end(html: str, start: int, tag: str) -> int:
    """Index just past the ``</tag>`` closing the element whose open tag starts at ``start``."""
    tokens = re.compile(rf"<(/?){tag}\b[^>]*>")
    depth = 0
    for m in tokens.finditer(html, start):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return m.end()
    return len(html)  # unbalanced (never in Markdown's output): seal to the end of the region


def placeholder(quiz_id: str, inner: str, kind: str) -> str:
    extra = " quiz-sealed-output" if kind == "output" else ""
    return (f'<div class="quiz-sealed{extra}" data-sealed="{encode(quiz_id, inner)}">'
            f'<p class="quiz-sealed-note">{NOTES[kind]}</p></div>')


def _seal_details(quiz_id: str, region: str) -> str:
    """Each Solution and output spoiler keeps its <summary>; its body becomes a placeholder."""
    out, pos = [], 0
    for m in DETAILS_RE.finditer(region):
        if m.start() < pos:
            continue  # nested inside a details already sealed
        end = element_end(region, m.start(), "details")
        close = end - len("</details>")
        summary = region.find("</summary>", m.end(), close)
        body_at = summary + len("</summary>") if summary >= 0 else m.end()
        out += [region[pos:body_at], placeholder(quiz_id, region[body_at:close], m["kind"]), "</details>"]
        pos = end
    return "".join(out) + region[pos:]


def _seal_outputs(quiz_id: str, region: str) -> str:
    """Executed results left outside any <details> (a runs question's options) are sealed whole."""
    out, pos = [], 0
    for m in OUTPUT_RE.finditer(region):
        if m.start() < pos or region.rfind("<details", 0, m.start()) > region.rfind("</details>", 0, m.start()):
            continue
        end = element_end(region, m.start(), "div")
        out += [region[pos : m.start()], placeholder(quiz_id, region[m.start() : end], "output")]
        pos = end
    return "".join(out) + region[pos:]


def seal_quizzes(html: str) -> str:
    """The page's HTML with every quiz's solution, spoiler and option results sealed."""
    out, pos = [], 0
    for m in QUIZ_RE.finditer(html):
        if m.start() < pos:
            continue
        end = element_end(html, m.start(), "div")
        region = _seal_outputs(m["id"], _seal_details(m["id"], html[m.start() : end]))
        out += [html[pos : m.start()], region]
        pos = end
    return "".join(out) + html[pos:]


def unseal_quizzes(html: str) -> str:
    """The inverse, for tests and tools that need a page as the reader sees it once done."""
    def quiz(m: re.Match) -> str:
        end = element_end(html, m.start(), "div")
        return SEALED_RE.sub(lambda s: decode(m["id"], s["data"]), html[m.start() : end])

    out, pos = [], 0
    for m in QUIZ_RE.finditer(html):
        if m.start() >= pos:
            out += [html[pos : m.start()], quiz(m)]
            pos = element_end(html, m.start(), "div")
    return "".join(out) + html[pos:]
