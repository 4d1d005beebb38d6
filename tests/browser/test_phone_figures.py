"""Figures on a phone (issue 29): a figure a reader cannot see whole says so and opens full size.

At 390 px a figure keeps the width at which its smallest text is 10 px (test_figures.py), so a
multi-panel figure shows only part of itself inside the ~358 px column. That is acceptable only
with a visible cue: a content image whose visible part (clipped by every scrolling or clipping
ancestor and the viewport) is under 90 % of its width must have, right under its frame, a cue
that says so with a link to the full-size bitmap, and the image itself must link there (tap to
open), so the whole figure is one tap away.
"""
from __future__ import annotations

import pytest
from pagevisit import per_page

pytestmark = pytest.mark.browser

MIN_VISIBLE = 0.9

VISIBLE_JS = """() => Array.from(document.querySelectorAll('.md-content img'))
  .filter(i => { const r = i.getBoundingClientRect(); return r.width > 0 && r.height > 0
                 && !i.closest('.admonition.failure'); })
  .map(i => {
    const r = i.getBoundingClientRect();
    let left = Math.max(r.left, 0), right = Math.min(r.right, document.documentElement.clientWidth);
    for (let p = i.parentElement; p && p !== document.documentElement; p = p.parentElement) {
      if (getComputedStyle(p).overflowX === 'visible') continue;
      const box = p.getBoundingClientRect(), inner = box.left + p.clientLeft;
      left = Math.max(left, inner); right = Math.min(right, inner + p.clientWidth);
    }
    const frame = i.closest('p') || i.parentElement, next = frame.nextElementSibling;
    const cue = next && next.classList.contains('exec-figure-cue') && next.getBoundingClientRect().height > 0
      && getComputedStyle(next).visibility !== 'hidden' ? next : null;
    const cueLink = cue && cue.querySelector('a[href]');
    const link = i.closest('a[href]');
    return {src: i.src, name: i.getAttribute('src').split('/').pop(), width: r.width,
            visible: Math.max(0, right - left) / r.width, cue: cue ? cue.textContent.trim() : null,
            cueLink: cueLink ? cueLink.href : null, link: link ? link.href : null};
  })"""


def cut_off_without_cue(rows: list[dict]) -> list[str]:
    """The images shown under MIN_VISIBLE of their width that lack the cue or the full-size link."""
    problems = []
    for row in rows:
        if row["visible"] >= MIN_VISIBLE:
            continue
        where = f"{row['name']}: {row['visible']:.0%} of its {row['width']:.0f} px in view"
        if not row["cue"] or "full size" not in row["cue"]:
            problems.append(f"{where}, and no visible cue under it says so")
        if row["cueLink"] != row["src"]:
            problems.append(f"{where}, and its cue has no link to the full-size figure ({row['cueLink']})")
        if row["link"] != row["src"]:
            problems.append(f"{where}, and tapping it does not open it full size ({row['link']})")
    return problems


@per_page("phone")
def test_figures_cut_off_on_a_phone_say_so_and_open_full_size(view):
    rows = view.page.evaluate(VISIBLE_JS)
    for row in rows:
        if row["visible"] < MIN_VISIBLE:
            print(f"{view.name} @390: {row['name']} {row['visible']:.0%} in view; cue: {row['cue']!r}")
    problems = cut_off_without_cue(rows)
    assert not problems, f"{view.name} at 390 px:\n  " + "\n  ".join(problems)


def test_the_cue_follows_the_width(page, site_url, bx):
    """The cue is there only while the figure is cut off: gone at 1280 px, back at 390 px, and the
    fade moves to the left edge once the reader has scrolled to the figure's end."""
    page.set_viewport_size(bx.PHONE)
    page.goto(site_url + "convolution.html")
    bx.settle(page)
    frame = page.locator("p:has(> a > img.exec-figure)").first
    frame.scroll_into_view_if_needed()
    cue = page.locator("p:has(> a > img.exec-figure) + p.exec-figure-cue").first
    assert cue.is_visible() and "% of it is in view" in cue.inner_text()
    assert "exec-figure-more-right" in frame.get_attribute("class")
    frame.evaluate("f => { f.scrollLeft = f.scrollWidth; f.dispatchEvent(new Event('scroll')); }")
    page.wait_for_function("f => f.classList.contains('exec-figure-more-left') && "
                           "!f.classList.contains('exec-figure-more-right')", arg=frame.element_handle())
    page.set_viewport_size(bx.DESKTOP)
    page.wait_for_function("() => !document.querySelector('.exec-figure-cue')")
    page.set_viewport_size(bx.PHONE)
    page.wait_for_function("() => document.querySelector('.exec-figure-cue') !== null")


def test_without_javascript_a_cut_off_figure_still_opens_full_size(browser, site_url, bx):
    """No script, no cue: the figure is still a link to its own full-size bitmap."""
    context = browser.new_context(java_script_enabled=False, viewport=bx.PHONE)
    try:
        page = context.new_page()
        page.goto(site_url + "convolution.html")
        images = page.locator(".md-content img.exec-figure")
        assert images.count() >= 4
        for k in range(images.count()):
            img = images.nth(k)
            link = img.locator("xpath=ancestor::a[1]")
            assert link.count() == 1 and link.get_attribute("href") == img.get_attribute("src"), \
                f"figure {img.get_attribute('src')} is not a link to itself"
    finally:
        context.close()
