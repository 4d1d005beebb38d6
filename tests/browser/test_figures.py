"""Figures and outputs as a reader sees them in Chromium: sharp, legible, described, not cut off.

Each check is a plain function over a loaded Playwright page, run on every page of the site
during its one visit (``pagevisit.per_page``):

- sharp: each executed figure's bitmap is at least 2x the width it is displayed at (1280 px);
- legible: its smallest text (measured from the figure's own text artists when it was saved,
  ``data-text-px``) is displayed at >= 10 CSS px at 1280 px and at 390 px (on a phone a
  figure keeps a readable width and scrolls sideways inside its paragraph);
- described: every content image has alt text of >= 8 words that is not a list of panels;
- outputs: no output block scrolls sideways at 1280 px (lines wrap); the count is printed.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from execdocs.check.output_checks import COLUMN_PX, MIN_TEXT_PX
from pagevisit import per_page

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]

MIN_SHARPNESS = 2.0  # bitmap px per displayed CSS px
MIN_ALT_WORDS = 8
MISSING = re.compile(r"no description has been provided", re.I)  # nbconvert's placeholder for a missing alt
PANEL_LIST = re.compile(r"\bpanels?:|^(?:[^,.;:]{1,24}, ){2,}[^,.;:]{1,24}(?: and \d+ more)?\.?$", re.I)

FIGURES_JS = """() => Array.from(document.querySelectorAll('.md-content img.exec-figure')).map(i => ({
    src: i.getAttribute('src').split('/').pop(), natural: i.naturalWidth, shown: i.getBoundingClientRect().width,
    width: Number(i.getAttribute('width')), text: i.dataset.textPx ? Number(i.dataset.textPx) : null,
    frame: (f => ({scrolls: f.scrollWidth > f.clientWidth + 1, client: f.clientWidth}))(i.closest('p'))}))"""

OUTPUTS_JS = """() => Array.from(document.querySelectorAll(
        '.md-content :is(.exec-output, .exec-stderr, .exec-exception) pre > code'))
    .filter(c => c.scrollWidth > c.clientWidth + 1)
    .map(c => c.textContent.split('\\n').reduce((a, b) => a.length >= b.length ? a : b).slice(0, 90))"""


def figure_rows(page) -> list[dict]:
    """Every executed figure on the loaded page, with the text size it is displayed at."""
    rows = page.evaluate(FIGURES_JS)
    for row in rows:
        row["text_shown"] = row["text"] * row["shown"] / row["width"] if row["text"] else None
    return rows


def sharpness_and_text_problems(page, name: str) -> list[str]:
    """At the current width: each figure's bitmap >= 2x its displayed width, its text >= 10 px."""
    problems = []
    for row in figure_rows(page):
        if not row["shown"]:
            continue  # not displayed (inside a closed spoiler)
        ratio = row["natural"] / row["shown"]
        text = f"{row['text_shown']:.1f}" if row["text_shown"] is not None else "no text"
        print(f"{name}: {row['src']} bitmap {row['natural']} px shown at {row['shown']:.0f} px "
              f"({ratio:.2f}x), smallest text {text} px")
        if ratio < MIN_SHARPNESS:
            problems.append(f"{row['src']}: bitmap only {ratio:.2f}x its displayed width")
        if row["text_shown"] is not None and row["text_shown"] < MIN_TEXT_PX - 0.05:
            problems.append(f"{row['src']}: smallest text shown at {row['text_shown']:.1f} px")
    return problems


def alt_text_problems(page) -> list[str]:
    """Content images whose alt text is missing, under 8 words, or a bare list of panels."""
    images = page.evaluate("""() => Array.from(document.querySelectorAll('.md-content img'))
        .filter(i => !i.closest('.admonition.failure'))  // a build problem's evidence, not content
        .map(i => ({src: (i.getAttribute('src') || '').slice(0, 60), alt: i.getAttribute('alt')}))""")
    problems = []
    for img in images:
        alt = (img["alt"] or "").strip()
        if len(alt.split()) < MIN_ALT_WORDS or PANEL_LIST.search(alt) or MISSING.search(alt):
            problems.append(f"{img['src']}: alt text {alt!r}")
    return problems


def scrolling_outputs(page) -> list[str]:
    """The longest line of each output block that scrolls sideways at the current width."""
    return page.evaluate(OUTPUTS_JS)


def phone_figure_problems(page, name: str) -> list[str]:
    """At 390 px every figure's text stays >= 10 px: a figure too wide for that keeps its readable
    width and its paragraph scrolls sideways (the page itself does not)."""
    problems = [p + " (phone)" for p in sharpness_and_text_problems(page, name + " @390")]
    for row in figure_rows(page):
        if row["shown"] > row["frame"]["client"] + 1 and not row["frame"]["scrolls"]:
            problems.append(f"{row['src']}: wider than its frame but the frame does not scroll")
    return problems


def write_scroll_report(root) -> None:
    """test-artifacts/scrolling-outputs.md: per page, the output blocks that scroll at 1280 px."""
    lines = ["# Output blocks that scroll sideways at 1280 px", "", "| page | scrolling outputs |", "|---|---:|"]
    lines += [f"| {name} | {count} |" for name, count in sorted(SCROLLING.items())]
    out = root / "test-artifacts" / "scrolling-outputs.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n")


SCROLLING: dict[str, int] = {}


@per_page("light")
def test_figures_are_sharp_and_legible(view):
    """At 1280 px: bitmap >= 2x its displayed width, smallest text >= 10 CSS px; the build's
    check (output_checks.COLUMN_PX) assumes the text column this browser really lays out."""
    problems = sharpness_and_text_problems(view.page, view.name)
    frames = [row["frame"]["client"] for row in figure_rows(view.page)]
    if frames and abs(max(frames) - COLUMN_PX) > 2:
        problems.append(f"the text column is {max(frames)} px, the build assumes {COLUMN_PX} px")
    assert not problems, f"{view.name}:\n  " + "\n  ".join(problems)


@per_page("light")
def test_content_images_are_described(view):
    """Alt text of >= 8 words that is not a list of panels, on every content image."""
    problems = alt_text_problems(view.page)
    assert not problems, f"{view.name}:\n  " + "\n  ".join(problems)


@per_page("light")
def test_outputs_fit_at_1280(view):
    """No output block scrolls sideways at 1280 px; the count per page is printed and written to
    test-artifacts/scrolling-outputs.md."""
    scrolling = scrolling_outputs(view.page)
    SCROLLING[view.name] = len(scrolling)
    write_scroll_report(ROOT)
    print(f"{view.name}: {len(scrolling)} output block(s) scroll sideways at 1280 px")
    assert not scrolling, f"{view.name}: outputs scroll sideways at 1280 px:\n  " + "\n  ".join(map(repr, scrolling))


@per_page("phone")
def test_figures_are_readable_on_a_phone(view):
    problems = phone_figure_problems(view.page, view.name)
    assert not problems, f"{view.name}:\n  " + "\n  ".join(problems)


def test_feature_grids_say_what_their_colours_mean(site_dir):
    """Per-map normalised grids (cnnlab.viz.feature_grid) carry a colour key, and their alt text
    says each map has its own scale and gives the peaks (read from the built pages)."""
    alts = [alt for html in site_dir.rglob("*.html")
            for alt in re.findall(r'<img alt="([^"]*feature maps of[^"]*)"', html.read_text())]
    assert alts, "no feature-map grid on the site"
    for alt in alts:
        assert "own minimum" in alt and "own maximum" in alt and re.search(r"peaks range from \d", alt), alt
