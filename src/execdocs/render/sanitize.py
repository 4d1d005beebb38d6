"""What a block prints, made safe to publish: control bytes shown, markdown output without HTML.

Why: output text is published in a fence, but a fence shows ANSI colour escapes, BEL and NUL
bytes raw (a NUL even ends some readers' text); and ``output=markdown`` inserted what a block
printed as Markdown verbatim, so a ``<script>``, an ``onerror=`` handler or a
``[link](javascript:...)`` it printed reached the reader's browser.  Markdown output keeps
what tables, lists, emphasis, code and ordinary links need, and nothing else.
"""
from __future__ import annotations

import html
import re

ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]?")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not TAB, LF, CR
HTML_START = re.compile(r"<(?=[A-Za-z/!?])")  # a tag, a comment, an autolink
INLINE_URL = re.compile(r"(\]\(\s*<?)((?:[^()\s>]|\([^()\s]*\))*)")  # one level of (...) in the URL
REFERENCE = re.compile(r"^(\s{0,3}\[[^\]\n]+\]:\s*<?)(\S*?)(>?(?:\s|$))", re.MULTILINE)
ATTR_LIST = re.compile(r"\{(?=:?[ ]*[^}\n]*[=.#][^}\n]*\})")  # attr_list: { onclick=... } on any element
INCLUDE = re.compile(r"^(\s*)(-+8<-+)", re.MULTILINE)  # pymdownx.snippets would include a project file
SAFE_SCHEMES = ("http", "https", "mailto")
# code is literal in Markdown (HTML in it is shown as text already): fenced blocks, then code spans
FENCED = re.compile(r"^([ \t]*(`{3,}|~{3,}).*?\n(?:.*?\n)??[ \t]*\2[ \t]*$)", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"((`+)(?!`).*?(?<!`)\2(?!`))", re.DOTALL)


def _picture(match: re.Match) -> str:
    code = ord(match.group())
    return "\u2421" if code == 0x7F else chr(0x2400 + code)  # U+2400..U+241F: NUL, BEL... as symbols


def visible(text: str) -> str:
    """ANSI escape sequences removed (colours mean nothing here); other control bytes shown as
    their Unicode control pictures (␀, ␇), so a reader sees they were printed."""
    return CONTROL.sub(_picture, ANSI.sub("", text))


def safe_url(url: str) -> bool:
    """Relative URLs and http(s)/mailto ones; a browser ignores blanks and decodes entities first."""
    plain = re.sub(r"[\x00-\x20]", "", html.unescape(url)).lower()
    scheme = re.match(r"([a-z][a-z0-9+.-]*):", plain)
    return scheme is None or scheme.group(1) in SAFE_SCHEMES


def _url(match: re.Match) -> str:
    return match.group(1) + (match.group(2) if safe_url(match.group(2)) else "#unsafe-link-removed")


def _reference(match: re.Match) -> str:
    return _url(match) + match.group(3)


def _prose(text: str) -> str:
    text = HTML_START.sub("&lt;", text)
    text = INLINE_URL.sub(_url, text)
    text = REFERENCE.sub(_reference, text)
    text = ATTR_LIST.sub(r"\\{", text)
    return INCLUDE.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def _outside(pattern: re.Pattern, text: str, clean) -> str:
    """``clean`` applied to the text between ``pattern``'s matches (split keeps them: odd parts)."""
    parts = pattern.split(text)
    step = pattern.groups + 1
    return "".join(clean(part) if k % step == 0 else (part if k % step == 1 else "")
                   for k, part in enumerate(parts))


def safe_markdown(text: str) -> str:
    """``output=markdown`` text with no raw HTML (shown as text), no attribute lists, no file
    includes and no link to a ``javascript:``, ``data:`` or other non-web URL; code blocks and
    code spans are left alone (Markdown shows them literally)."""
    return _outside(FENCED, visible(text), lambda prose: _outside(CODE_SPAN, prose, _prose))
