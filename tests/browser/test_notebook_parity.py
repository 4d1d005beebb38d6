"""A notebook page (mkdocs-jupyter) against a Markdown page, side by side in the browser.

Every per-page check (axe light and dark, console, foreign requests, image loading and alt text,
phone width) already runs on the notebook pages, since the pages are discovered from the site.
This test compares the two kinds of page directly on what a reader uses: the same measurements
must hold on both, so a notebook page cannot quietly become a second-class page: the title and the
table of contents, search, dark mode, the copy button and the download links.
"""
from __future__ import annotations

import pytest
from test_axe import BLOCKING, audit

pytestmark = pytest.mark.browser

PAIR = {"markdown": "convolution.html", "notebook": "train.html"}
CODE = {"markdown": ".md-content pre > code", "notebook": ".jp-CodeCell .jp-InputArea pre"}
COPY = {"markdown": 'button.md-code__button[data-md-type="copy"]', "notebook": "clipboard-copy"}

MEASURE = """() => {
  const lum = c => { const [r, g, b] = c.match(/[\\d.]+/g).map(Number);
                     return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255; };
  const toc = [...document.querySelectorAll('.md-nav--secondary a.md-nav__link')];
  const imgs = [...document.querySelectorAll('.md-content img')];
  return {
    h1: document.querySelector('.md-content h1')?.textContent.replace('¶', '').trim(),
    toc: toc.length,
    tocTargets: toc.every(a => document.getElementById(decodeURIComponent(a.hash.slice(1)))),
    images: imgs.length,
    imagesOk: imgs.every(i => i.complete && i.naturalWidth > 0 && (i.getAttribute('alt') || '').length > 20),
    downloads: [...document.querySelectorAll('.exec-downloads a')].map(a => a.textContent.trim()),
    provenance: !!document.querySelector('.exec-provenance'),
    sideways: document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth,
    background: lum(getComputedStyle(document.querySelector('.md-content')).backgroundColor || 'rgb(255,255,255)'),
    text: lum(getComputedStyle(document.querySelector('.md-content p')).color),
  };
}"""


def _visit(context, site_url, name, bx):
    page = context.new_page()
    watch = bx.watch(page, site_url)
    page.goto(site_url + name)
    bx.settle(page)
    bx.load_all_images(page)
    return page, watch


def _copied(page, kind: str) -> tuple[str, str]:
    """(the first code cell's text, what its copy control put on the clipboard)."""
    code = page.locator(CODE[kind]).first
    code.scroll_into_view_if_needed()
    code.hover()
    page.locator(COPY[kind]).first.click()
    return code.inner_text().strip(), page.evaluate("() => navigator.clipboard.readText()").strip()


def test_a_notebook_page_works_like_a_markdown_page(browser, browser_context_args, site_url, bx):
    context = browser.new_context(**browser_context_args)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    seen = {}
    try:
        for kind, name in PAIR.items():
            page, watch = _visit(context, site_url, name, bx)
            light = page.evaluate(MEASURE)
            blocking = [v["id"] for v in audit(page) if v["impact"] in BLOCKING]
            code, clipboard = _copied(page, kind)
            bx.palette(page, "slate")
            dark = page.evaluate(MEASURE)
            bx.palette(page, "default")
            page.set_viewport_size(bx.PHONE)
            page.wait_for_timeout(200)
            phone = page.evaluate(MEASURE)
            seen[kind] = dict(light=light, dark=dark, phone=phone, axe=blocking, console=watch.problems(),
                              code=code, clipboard=clipboard)
            page.close()
    finally:
        context.close()
    for kind, s in seen.items():
        where = f"{PAIR[kind]} ({kind})"
        assert s["axe"] == [] and s["console"] == [], f"{where}: axe {s['axe']}, console {s['console']}"
        assert s["light"]["h1"] and s["light"]["toc"] >= 2 and s["light"]["tocTargets"], f"{where}: {s['light']}"
        assert s["light"]["images"] >= 1 and s["light"]["imagesOk"], f"{where}: an image without data or alt text"
        assert s["light"]["downloads"] == ["Download notebook (.ipynb)", "script (.py)", "cnnlab wheel"], where
        assert s["light"]["provenance"], f"{where}: no provenance line"
        assert s["clipboard"] == s["code"], f"{where}: the copy button copied {s['clipboard'][:80]!r}"
        assert s["light"]["text"] < 0.3 < s["dark"]["text"], f"{where}: dark mode did not turn the text light"
        assert s["phone"]["sideways"] <= 0, f"{where}: {s['phone']['sideways']} px of sideways scroll at phone width"
    assert seen["notebook"]["light"]["h1"] == "Train it yourself: a CNN on handwritten digits"


def test_search_finds_the_notebook_page(watched, site_url, bx):
    page, watch = watched
    page.goto(site_url + "index.html")
    bx.settle(page)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.keyboard.type("handwritten digits")
    result = page.locator('.md-search-result__link[href*="train.html"]').first
    result.wait_for(timeout=10_000)
    assert watch.problems() == []
