"""A page's prose as notebook Markdown: what Jupyter can show of MkDocs Material's syntax.

Why a conversion: Jupyter renders CommonMark, not Material's extensions, so a page's
admonitions, tabs and quiz regions would show as stray ``!!!`` lines and indented code.
Admonitions become a bold title (``???`` ones a ``<details>`` that Jupyter folds, like the
site), tabs a bold title, quiz choices lose their answer ticks (``- [x]``), engine markers
(HTML comments) and attribute lists disappear, and links to other pages point at the site.
Pure string work, line by line, with the open containers carried from one segment to the
next (a page's prose is cut into segments by its code blocks).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

COMMENT = re.compile(r"<!--.*?-->\n?", re.S)
CONTAINER = re.compile(  # admonition (!!!), collapsible (???, ???+) or tab (===) header
    r'^(?P<indent>\s*)(?P<kind>!!!|\?\?\?\+?|===\+?)\s*(?P<type>[\w-]*)\s*(?:"(?P<title>[^"]*)")?\s*$')
QUIZ_DIV = re.compile(r"^\s*(<div\b[^>]*\bmarkdown\b[^>]*>|</div>)\s*$")
TICKED = re.compile(r"^(\s*[-*+]\s+)\[[xX]\](\s)")
ATTR_LIST = re.compile(r"\{\s*[.#:][^{}\n]*\}|\{\s*\w+=\"[^\"]*\"[^{}\n]*\}")
LINK = re.compile(r"(\]\()(?P<target>[^)\s]+)(\))")
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)

LinkMapper = Callable[[str], str]


@dataclass
class _Container:
    body_indent: int  # the body's indentation (its header's + 4)
    details: bool  # emitted as <details> (still open in this segment)


@dataclass
class ProseConverter:
    """Converts a page's prose segments in order (containers may span a code block)."""

    link: LinkMapper
    open: list[_Container] = field(default_factory=list)

    def convert(self, text: str) -> str:
        text = COMMENT.sub("", FRONT_MATTER.sub("", text))
        out: list[str] = []
        for line in text.split("\n"):
            out.extend(self._line(line))
        out.extend("</details>" for c in reversed(self.open) if c.details)
        for container in self.open:  # a code block inside it cut the segment: no fold across cells
            container.details = False
        return _tidy("\n".join(out))

    def _line(self, line: str) -> list[str]:
        if not line.strip():
            return [""]
        indent = len(line) - len(line.lstrip())
        closed = []
        while self.open and indent < self.open[-1].body_indent:
            if self.open.pop().details:
                closed.append("</details>\n")
        if QUIZ_DIV.match(line):
            return closed
        shown = line[min(indent, 4 * len(self.open)):]
        if match := CONTAINER.match(line):
            return closed + self._header(match, indent, shown[: len(shown) - len(shown.lstrip())])
        shown = TICKED.sub(r"\1[ ]\2", shown)
        shown = LINK.sub(lambda m: m.group(1) + self.link(m.group("target")) + m.group(3), ATTR_LIST.sub("", shown))
        return closed + [shown.rstrip()]

    def _header(self, match: re.Match, indent: int, lead: str) -> list[str]:
        kind = match.group("kind")
        title = match.group("title") or (match.group("type") or "Note").replace("-", " ").capitalize()
        folded = kind.startswith("???")
        self.open.append(_Container(indent + 4, folded))
        if folded:
            return ["", f"{lead}<details><summary>{title}</summary>", ""]
        return ["", f"{lead}**{title}**", ""]


def _tidy(text: str) -> str:
    """At most one blank line in a row, none at the ends."""
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def site_link_mapper(base: str, page_dir: str = "") -> LinkMapper:
    """Relative links of a page (``x.md#a``, ``assets/y.png``) as links into the site at ``base``.

    ``page_dir``: the folder of the page in the site ("" for docs/*.md); ``base`` ends with "/".
    Absolute links, anchors on the page itself and mail links are kept as they are.
    """
    def mapped(target: str) -> str:
        if re.match(r"^([a-z][a-z0-9+.-]*:|#|/)", target):
            return target
        path, _, anchor = target.partition("#")
        if path.endswith(".md"):
            path = path[:-3] + ".html"
        parts = [*filter(None, page_dir.split("/")), *path.split("/")]
        resolved: list[str] = []
        for part in parts:
            if part == "..":
                resolved = resolved[:-1]
            elif part not in ("", "."):
                resolved.append(part)
        return base + "/".join(resolved) + (f"#{anchor}" if anchor else "")
    return mapped
