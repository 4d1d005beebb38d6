"""Every page of the built site in headless Chromium: clean console, local-only requests,
images loaded and described, no sideways scroll on a phone, dark mode, search."""
from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

BAD_ALT = re.compile(r"^(image|img|figure|picture|photo|plot|graph|chart|png)\W*\d*$", re.I)


def test_main_pages_exist(site_dir, bx):
    pages = set(bx.site_pages(site_dir))
    missing = [p for p in bx.MAIN_PAGES if p not in pages]
    assert not missing, f"main pages missing from the built site: {missing}"


def test_page_loads_cleanly(watched, site_url, page_name, bx):
    """No console error, no failed or >=400 request, nothing fetched from another host; every
    image loaded (naturalWidth > 0) and described by a meaningful alt text."""
    page, w = watched
    page.goto(site_url + page_name)
    bx.settle(page)
    bx.load_all_images(page)
    images = page.evaluate("""() => Array.from(document.images).map(i => ({
        src: i.getAttribute('src'), alt: i.getAttribute('alt'), w: i.naturalWidth}))""")
    problems = list(w.problems())
    for img in images:
        if img["w"] <= 0:
            problems.append(f"image not loaded: {img['src']}")
        alt = (img["alt"] or "").strip()
        if len(alt) < 8 or BAD_ALT.match(alt):
            problems.append(f"image alt text missing or meaningless ({alt!r}): {img['src']}")
    assert w.requests, "the page made no request at all"
    assert not problems, f"{page_name}:\n  " + "\n  ".join(problems)


def test_no_sideways_scroll_on_phone(page, site_url, page_name, bx):
    """At 390x844 the page itself must not scroll sideways (a wide table or code block may
    scroll inside its own container)."""
    page.set_viewport_size(bx.PHONE)
    page.goto(site_url + page_name)
    bx.settle(page)
    bx.load_all_images(page)
    widths = page.evaluate("""() => {
        const s = document.scrollingElement;
        const vw = s.clientWidth;
        const culprits = [];
        if (s.scrollWidth > vw + 1) {
            for (const el of document.querySelectorAll('.md-content *')) {
                const r = el.getBoundingClientRect();
                if (r.right > vw + 1 && r.width > 0) {
                    let inside = false;
                    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
                        const ox = getComputedStyle(p).overflowX;
                        if ((ox === 'auto' || ox === 'scroll' || ox === 'hidden')
                            && p.getBoundingClientRect().right <= vw + 1) { inside = true; break; }
                    }
                    if (!inside) culprits.push(el.tagName.toLowerCase() + (el.className ? '.' +
                        String(el.className).trim().split(/\\s+/).join('.') : '') + ' right=' + Math.round(r.right));
                }
            }
        }
        return {scroll: s.scrollWidth, client: vw, culprits: culprits.slice(0, 8)};
    }""")
    assert widths["scroll"] <= widths["client"] + 1, (
        f"{page_name} scrolls sideways on a phone: scrollWidth {widths['scroll']} > clientWidth "
        f"{widths['client']}; widest elements: {widths['culprits']}")


def _toggle_palette(page) -> None:
    page.locator('form[data-md-component="palette"] label:visible').first.click()


def test_dark_mode_toggle_and_figures(page, site_url, page_name, bx):
    page.goto(site_url + page_name)
    bx.settle(page)
    scheme = lambda: page.evaluate("() => document.body.getAttribute('data-md-color-scheme')")  # noqa: E731
    assert scheme() == "default"
    _toggle_palette(page)
    page.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'slate'")
    backgrounds = page.evaluate("""() => Array.from(document.querySelectorAll('img.exec-figure'))
        .map(i => [i.getAttribute('src'), getComputedStyle(i).backgroundColor])""")
    transparent = [src for src, bg in backgrounds if bg in ("transparent", "rgba(0, 0, 0, 0)")]
    assert not transparent, f"figures without a background in dark mode (unreadable): {transparent}"
    _toggle_palette(page)
    page.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'default'")


def test_search_finds_conv2d(watched, site_url, bx):
    """Material's search runs in a web worker over the local search index."""
    page, w = watched
    page.goto(site_url + "index.html")
    bx.settle(page)
    box = page.locator("input.md-search__input")
    box.click()  # the search field is in the header on a desktop viewport
    box.press_sequentially("Conv2d", delay=30)  # Material reacts to key events, not fill()
    results = page.locator(".md-search-result__item")
    results.first.wait_for(state="attached", timeout=15_000)
    assert results.count() > 0
    meta = page.locator(".md-search-result__meta").inner_text()
    assert re.search(r"\d+ matching", meta), meta
    assert not w.problems(), "\n".join(w.problems())
