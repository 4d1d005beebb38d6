"""A small offline link checker over the built site: every internal href/src resolves to a
file of the site, and every #fragment names an id (or name) in the target page."""
from __future__ import annotations

import functools
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest

pytestmark = pytest.mark.browser

LINK_ATTRS = {"a": "href", "link": "href", "img": "src", "script": "src", "source": "src", "iframe": "src"}


class _Scan(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[int, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name") if tag in ("a", "map") else ("id",):
            if attrs.get(key):
                self.ids.add(attrs[key])
        want = LINK_ATTRS.get(tag)
        if want and attrs.get(want) is not None:
            self.links.append((self.getpos()[0], attrs[want]))

    handle_startendtag = handle_starttag


@functools.cache
def scan(path: Path) -> _Scan:
    parser = _Scan()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser


def _external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme or parts.netloc) or url.startswith(("mailto:", "javascript:", "data:"))


def broken_links(site: Path) -> list[str]:
    problems = []
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site)
        if rel.parts[0] == "assets":
            continue
        for line, url in scan(page).links:
            if not url or _external(url):
                continue
            parts = urlsplit(url)
            if not parts.path:
                target = page
            elif parts.path.startswith("/"):  # root-relative (404.html when site_url is empty)
                target = (site / unquote(parts.path).lstrip("/")).resolve()
            else:
                target = (page.parent / unquote(parts.path)).resolve()
            if parts.path.endswith("/") or target.is_dir():
                target = target / "index.html"
            where = f"{rel.as_posix()}:{line}: {url}"
            try:
                target.relative_to(site.resolve())
            except ValueError:
                problems.append(f"{where} points outside the site")
                continue
            if not target.is_file():
                problems.append(f"{where} -> missing file {PurePosixPath(target.relative_to(site.resolve()))}")
                continue
            fragment = unquote(parts.fragment)
            if fragment and target.suffix == ".html" and fragment not in scan(target).ids:
                problems.append(f"{where} -> no id {fragment!r} in {target.name}")
    return problems


def test_internal_links_and_fragments_resolve(site_dir):
    site = site_dir.resolve()
    problems = broken_links(site)
    assert not problems, f"{len(problems)} broken link(s):\n  " + "\n  ".join(problems[:60])


def test_link_checker_catches_breakage(tmp_path):
    """The checker itself: a missing file and a missing anchor are both reported."""
    (tmp_path / "a.html").write_text('<h1 id="top">A</h1><a href="b.html#nope">b</a>'
                                     '<a href="c.html">c</a><a href="#top">t</a><img src="x.png">')
    (tmp_path / "b.html").write_text('<p id="here">B</p>')
    found = broken_links(tmp_path.resolve())
    assert len(found) == 3, found
    assert any("no id 'nope'" in f for f in found)
    assert any("c.html" in f for f in found) and any("x.png" in f for f in found)
