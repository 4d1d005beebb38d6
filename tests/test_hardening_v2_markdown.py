"""Hardening v2 (issue 28, case 4): ``output=markdown`` publishes Markdown, not HTML or scripts.

A block printing ``<script>``, an event handler or a ``javascript:`` link under
``output=markdown`` used to reach the page verbatim; now raw HTML is shown as text, unsafe
links lose their target, and attribute lists and ``--8<--`` includes are disabled, while
tables, lists, emphasis, code and ordinary links are published as before.
"""
from __future__ import annotations

import json
from html.parser import HTMLParser

import markdown as python_markdown

from enginekit import ROOT, build, py, write_site
from execdocs.render.sanitize import safe_markdown

HOSTILE = ("print('<script>alert(1)</script>')\n"
           "print('<img src=x onerror=alert(2)>')\n"
           "print('[click](javascript:alert(3)) [also](JaVa&#115;cript:alert(4)) ![i](data:text/html,5)')\n"
           "print('[ref]: javascript:alert(6)')\n"
           "print('[ok](https://example.org) and [page](other.md)')\n"
           "print('*styled*{ onclick=\"alert(7)\" }')\n"
           "print('--8<-- \"mkdocs.yml\"')\n"
           "print()\n"
           "print('| a | **b** |')\n"
           "print('|---|---|')\n"
           "print('| 1 | `x<y` |')")


class Tags(HTMLParser):
    """Every start tag of an HTML text, with its attributes (entities decoded, as a browser does)."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


def site_html(text: str) -> str:
    extensions = ["attr_list", "md_in_html", "tables", "pymdownx.snippets"]
    return python_markdown.markdown(text, extensions=extensions)


def test_markdown_output_cannot_publish_script_handlers_or_javascript_links(tmp_path):
    settings = write_site(tmp_path, {"m.md": "# M\n\n" + py(HOSTILE, "<!--exec: output=markdown-->")})
    session = build(settings, accept=True)
    assert session.problems == []
    shown = session.render("m.md").split(HOSTILE.split("\n")[-1] + "\n```\n", 1)[1]  # after the code
    html = site_html(shown).lower()
    tags = Tags()
    tags.feed(html)
    assert "script" not in [name for name, _ in tags.found], html
    handlers = [(name, key) for name, attrs in tags.found for key, _ in attrs if key.startswith("on")]
    assert handlers == [], html
    links = [value for _, attrs in tags.found for key, value in attrs if key in ("href", "src")]
    assert [v for v in links if not v.startswith(("https:", "other.md", "#"))] == [], html
    assert "site_name" not in html  # mkdocs.yml was not included
    assert '<a href="https://example.org">ok</a>' in html and '<a href="other.md">page</a>' in html
    assert "<table>" in html and "<strong>b</strong>" in html and "<em>styled</em>" in html
    assert "&lt;script&gt;" in html  # what the block printed is still shown, as text
    assert "<code>x&lt;y</code>" in html  # code spans are literal, as before


def test_the_sites_own_markdown_outputs_are_unchanged_by_the_sanitiser():
    """Every output=markdown block of the real site (tables) publishes exactly as before."""
    from execdocs.parse.page import parse
    texts = []
    for path in sorted((ROOT / "docs").glob("*.md")):
        page, recorded = parse(path.read_text(), path.name), ROOT / "records" / f"{path.stem}.json"
        if not page.blocks or not recorded.exists():  # a page not recorded yet has nothing to compare
            continue
        record = json.loads(recorded.read_text())
        for block in page.blocks:
            if block.options.output == "markdown":
                outputs = record["blocks"][block.index]["outputs"]
                texts += ["\n".join(entry["stdout"]) for entry in outputs.values()]
    assert len(texts) >= 6
    assert [t for t in texts if safe_markdown(t) != t] == []


def test_an_inline_value_cannot_publish_html_into_the_prose(tmp_path):
    code = "print('glue: evil = <script>alert(1)</script> [x](javascript:alert(2))')\nprint('glue: n = 80.5 %')"
    page = "# V\n\n" + py(code) + "\nThe value is {glue}`evil` and {glue}`n`.\n"
    session = build(write_site(tmp_path, {"v.md": page}), accept=True)
    rendered = session.render("v.md")
    assert "The value is &lt;script>alert(1)&lt;/script> [x](#unsafe-link-removed) and 80.5 %." in rendered
