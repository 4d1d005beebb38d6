"""Every page of the built site in headless Chromium: clean console, local-only requests,
images loaded and described and under 1 MB in all, no sideways scroll on a phone, dark mode,
search.  The per-page checks run during one visit of each page (``pagevisit.per_page``).

The image weight of every page (bytes of the <img> files it loads) is written to
test-artifacts/image-weight.md.
"""
from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import pytest

from pagevisit import per_page

pytestmark = pytest.mark.browser
MAX_IMAGE_BYTES = 1_000_000
WEIGHTS: dict[str, tuple[int, int]] = {}  # page -> (images, bytes), filled by the visits

BAD_ALT = re.compile(r"^(image|img|figure|picture|photo|plot|graph|chart|png)\W*\d*$", re.I)


def test_main_pages_exist(site_dir, bx):
    pages = set(bx.site_pages(site_dir))
    missing = [p for p in bx.MAIN_PAGES if p not in pages]
    assert not missing, f"main pages missing from the built site: {missing}"


@per_page("light")
def test_page_loads_cleanly(view):
    """No console error, no failed or >=400 request, nothing fetched from another host; every
    image loaded (naturalWidth > 0) and described by a meaningful alt text."""
    page, w, page_name = view.page, view.watch, view.name
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


@per_page("phone")
def test_no_sideways_scroll_on_phone(view):
    """At 390x844 the page itself must not scroll sideways (a wide table or code block may
    scroll inside its own container)."""
    page, page_name = view.page, view.name
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


@per_page("dark")
def test_dark_mode_toggle_and_figures(view):
    """The palette toggle (the visit's way into dark mode) reached slate; every figure keeps a
    background of its own there (transparent figures are unreadable on slate)."""
    backgrounds = view.page.evaluate("""() => Array.from(document.querySelectorAll('img.exec-figure'))
        .map(i => [i.getAttribute('src'), getComputedStyle(i).backgroundColor])""")
    transparent = [src for src, bg in backgrounds if bg in ("transparent", "rgba(0, 0, 0, 0)")]
    assert not transparent, f"figures without a background in dark mode (unreadable): {transparent}"


def test_system_dark_preference_opens_in_dark_mode(browser, site_url, bx):
    """A reader whose system prefers dark gets slate without touching the toggle."""
    context = browser.new_context(viewport=bx.DESKTOP, color_scheme="dark", service_workers="block")
    try:
        page = context.new_page()
        page.goto(site_url + "index.html")
        bx.settle(page)
        assert page.evaluate("() => document.body.dataset.mdColorScheme") == "slate"
    finally:
        context.close()


@per_page("light")
def test_image_weight_per_page(view):
    """Sum the sizes of the image files the page loads; every page stays under 1 MB."""
    srcs = view.page.evaluate(
        "() => Array.from(new Set(Array.from(document.images).map(i => i.currentSrc || i.src)))")
    total = 0
    for src in srcs:
        parts = urlsplit(src)
        if parts.scheme == "data":
            total += len(src)
            continue
        path = view.site_dir / unquote(parts.path).lstrip("/")
        assert path.is_file(), f"{view.name}: image {src} is not a file of the site"
        total += path.stat().st_size
    WEIGHTS[view.name] = (len(srcs), total)
    assert total < MAX_IMAGE_BYTES, f"{view.name} loads {total} bytes of images (limit {MAX_IMAGE_BYTES})"


@pytest.fixture(scope="module", autouse=True)
def image_weight_report(bx):
    """test-artifacts/image-weight.md, from the weights the visits measured."""
    yield
    if not WEIGHTS:
        return
    rows = sorted(WEIGHTS.items())
    lines = ["# Image weight per page", "",
             "Sum of the sizes of the `<img>` files each page loads (written by "
             "`tests/browser/test_pages.py`; limit 1 MB per page).", "",
             "| page | images | bytes | KiB |", "|---|---:|---:|---:|"]
    lines += [f"| {n} | {c} | {b} | {b / 1024:.1f} |" for n, (c, b) in rows]
    count, total = sum(c for _, (c, _) in rows), sum(b for _, (_, b) in rows)
    lines.append(f"| **total** | {count} | {total} | {total / 1024:.1f} |")
    report = bx.ROOT / "test-artifacts" / "image-weight.md"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text("\n".join(lines) + "\n")


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
