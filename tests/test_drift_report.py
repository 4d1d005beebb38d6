"""The drift report: self-contained, escaped, numbers beyond tolerance marked, figures inlined."""
from __future__ import annotations

import base64
import re
from html.parser import HTMLParser
from pathlib import Path

from drift_sample import curve_png, difference, sample_items

from execdocs.check.compare import text_diff
from execdocs.errors import Drift
from execdocs.model import Block, Options, Page
from execdocs.problem import FigureDrift, Problem
from execdocs.render.drift_report import highlight_pair, render_report, side_by_side, site_links, write_report

ROOT = Path("/project")
LINKS = site_links(ROOT / "drift-report", ROOT / "docs", ROOT / "site")


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parsed(html_text: str) -> list[tuple[str, dict]]:
    parser = Tags()
    parser.feed(html_text)
    return parser.tags


def test_numbers_beyond_tolerance_are_marked_and_those_within_are_not():
    left, right = highlight_pair("loss 1.8120 acc 0.3327 n 32", "loss 1.8121 acc 0.3902 n 30", 1e-3, 1e-6)
    assert '<mark class="num">0.3327</mark>' in left and '<mark class="num">0.3902</mark>' in right
    assert '<mark class="num">32</mark>' in left and '<mark class="num">30</mark>' in right  # integers: exact
    assert "1.8120" in left and '<mark class="num">1.8120' not in left  # moved, but within rtol


def test_changed_words_are_marked_as_text_changes():
    left, right = highlight_pair("Conv2d(3, 16) <b>", "Linear(3, 16) <b>", 1e-4, 1e-6)
    assert '<mark class="chg">' in left and '<mark class="chg">' in right
    assert "&lt;b&gt;" in left and "<b>" not in left


def test_side_by_side_pairs_removed_and_added_lines():
    rows = side_by_side(text_diff("a\nb\nc", "a\nB\nc\nd"))
    assert rows == [("a", "a"), ("b", "B"), ("c", "c"), (None, "d")]


def test_report_shows_every_item_with_links_source_and_escaped_text():
    items = sample_items()
    page = render_report(items, generated="2026-11-22 09:00 UTC", links=LINKS)
    assert page.count('<section class="item"') == 3
    for item in items:
        assert item.where in page
    assert 'href="../site/experiment.html">experiment.md:42</a>' in page
    assert 'href="../docs/experiment.md"' in page
    assert "snippets/prove_it.py:12" in page and "../snippets" not in page.split("<main>")[1].split("href")[0]
    assert "print(f&#x27;&lt;b&gt;{epoch}&lt;/b&gt;&#x27;)" in page  # the block's source, escaped
    assert "<b>" not in page and "<script" not in page
    assert 'href="../site/notebooks/prove_it.html">snippets/prove_it.py:12</a>' in page  # the notebook
    assert 'href="../snippets/prove_it.py"' in page
    assert '<mark class="num">0.3327</mark>' in page  # rtol=1e-3 from the problem
    assert '<mark class="num">32</mark>' in page
    assert "3 problems" in page


def test_figures_are_inlined_with_rms_and_tolerance():
    item = sample_items()[1]
    page = render_report([item])
    images = [attrs["src"] for tag, attrs in parsed(page) if tag == "img"]
    assert len(images) == 3
    decoded = [base64.b64decode(src.split(",", 1)[1]) for src in images]
    assert decoded == [item.figure.recorded_png, item.figure.fresh_png, item.figure.diff_png]
    assert item.figure.rms > item.figure.tolerance
    assert f"RMS {item.figure.rms:.2f}, tolerance 2" in page
    assert [t for t in ("recorded", "fresh", "difference") if f"<figcaption>{t}</figcaption>" in page] == \
        ["recorded", "fresh", "difference"]


def test_figures_of_different_sizes_say_so():
    small, large = curve_png(1.0), curve_png(1.0, size=(4, 3))
    rms, diff_png = difference(small, large)
    assert rms is None and diff_png is None
    page = render_report([Problem("a.md", 3, "output drifted", "a.md:3: figure 1 changed",
                                  figure=FigureDrift(0, small, large, None, None, 2.0))])
    assert "different sizes" in page and "the sizes differ" in page
    assert len([1 for tag, _ in parsed(page) if tag == "img"]) == 2


def test_report_is_self_contained():
    page = render_report(sample_items())
    for tag, attrs in parsed(page):
        assert tag not in ("script", "link", "iframe", "object"), tag
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            assert not re.match(r"(https?:)?//", value), (tag, value)
        if tag == "img":
            assert attrs["src"].startswith("data:image/png;base64,") and attrs.get("alt")
    assert "default-src 'none'" in page  # the browser enforces it too
    assert "prefers-color-scheme:dark" in page


def test_write_report_replaces_the_previous_one(tmp_path):
    first = write_report(sample_items(), tmp_path / "drift-report")
    assert first == tmp_path / "drift-report" / "index.html"
    write_report(sample_items()[:1], tmp_path / "drift-report")
    assert first.read_text().count('<section class="item"') == 1
    assert [p.name for p in first.parent.iterdir()] == ["index.html"]


def test_a_problem_carries_its_blocks_tolerances_and_its_pages_url():
    """What the report shows comes from the problem itself: no tolerance read back from text."""
    fig = FigureDrift(1, b"r", b"f", b"d", 7.5, 2.0)
    block = Block("pipeline.md", 0, 9, 11, "print(1)", options=Options(rtol=0.01))
    page = Page("pipeline.md", "")
    text = Problem.of(Drift("pipeline.md", 9, "stdout drifted from the record", "-1\n+2"), block, page)
    figure = Problem.of(Drift("data.md", 4, "figure 2 changed", "", fig), None, Page("data.md", ""))
    assert (text.rtol, text.atol, text.code, text.diff, text.url) == (0.01, 1e-6, "print(1)", "-1\n+2", "pipeline.html")
    assert figure.rtol == 1e-4 and figure.figure == fig and figure.code == ""
    page_html = render_report([text, figure])
    assert "numbers beyond rtol=0.01" in page_html and "rtol=0.0001" not in page_html


def test_site_links_are_relative_to_the_report(tmp_path):
    links = site_links(tmp_path / "drift-report", tmp_path / "docs", tmp_path / "site")
    page = Page("../snippets/x.py", "")
    built, source = links(Problem(page.name, 1, "block failed", "", url=page.url))
    assert built == "../site/notebooks/x.html" and source == "../snippets/x.py"
    built, source = links(Problem("sub/y.md", 1, "block failed", "", url=Page("sub/y.md", "").url))
    assert built == "../site/sub/y.html" and source == "../docs/sub/y.md"
    assert links(Problem("gone.md", 1, "accept error", "")) == ("", "")  # no page: no link
