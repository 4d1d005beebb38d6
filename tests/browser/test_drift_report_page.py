"""The drift report opened from disk in headless Chromium: images load, nothing is requested
from anywhere, readable in light and dark (screenshots in test-artifacts/screenshots/)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the shared sample
from drift_sample import sample_items  # noqa: E402

from execdocs.render.drift_report import write_report  # noqa: E402

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_report_renders_offline_from_disk(browser, tmp_path, scheme, bx):
    report = write_report(sample_items(), tmp_path / "drift-report", generated="2026-11-22 09:00 UTC")
    context = browser.new_context(viewport=bx.DESKTOP, color_scheme=scheme)
    page = context.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(report.as_uri())
    page.wait_for_load_state("load")
    sizes = page.evaluate("() => Array.from(document.images).map(i => [i.complete, i.naturalWidth])")
    assert len(sizes) == 3 and all(done and width > 0 for done, width in sizes), sizes
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    assert errors == []
    colors = page.evaluate("""() => { const s = getComputedStyle(document.body);
        return [s.backgroundColor, s.color]; }""")
    dark_bg = colors[0] != "rgb(255, 255, 255)"
    assert dark_bg == (scheme == "dark"), colors
    marked = page.locator("mark.num").all_inner_texts()
    assert "0.3327" in marked and "0.3902" in marked and "1.8120" not in marked
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    bx.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(bx.SCREENSHOTS / f"drift-report-{scheme}.png"), full_page=True)
    context.close()
