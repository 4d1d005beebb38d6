"""Accessibility audit: axe-core (npm, exact version from package-lock.json) on every built page,
light and dark, must find no serious and no critical violation.

Counts of every violation (all impacts) per rule and scheme are written to
``test-artifacts/axe-report.md`` so a change in minor/moderate findings is visible too.
The per-page audits run during each page's one visit (``pagevisit.per_page``): light as loaded,
dark after the palette toggle.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from pagevisit import per_page

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
SCHEMES = ("light", "dark")
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\\n')[1])}));
}"""


COUNTS: Counter = Counter()  # (scheme, rule, impact) -> nodes, over every audit of the run


@pytest.fixture(scope="module", autouse=True)
def axe_report(bx):
    yield COUNTS
    lines = ["| scheme | rule | impact | nodes |", "|---|---|---|---:|"]
    lines += [f"| {scheme} | {rule} | {impact} | {n} |" for (scheme, rule, impact), n in sorted(COUNTS.items())]
    bx.SCREENSHOTS.parent.mkdir(parents=True, exist_ok=True)
    (bx.SCREENSHOTS.parent / "axe-report.md").write_text("\n".join(lines) + "\n")


def audit(page) -> list[dict]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make npm` (npm ci installs axe-core from package-lock.json)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):  # once per visit
        page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE)


def _open(page, url, scheme, bx):
    page.emulate_media(color_scheme=scheme)
    page.goto(url)
    bx.settle(page)
    bx.load_all_images(page)
    expected = "slate" if scheme == "dark" else "default"
    assert page.evaluate("() => document.body.dataset.mdColorScheme") == expected


def _check(violations, where, scheme, axe_report):
    for v in violations:
        axe_report[scheme, v["id"], v["impact"]] += len(v["nodes"])
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    detail = "\n".join(f"  {v['impact']} {v['id']} ({v['help']}): {len(v['nodes'])} node(s), e.g. {v['nodes'][:3]}"
                       for v in blocking)
    assert not blocking, f"{where} ({scheme}): axe found\n{detail}"


@per_page("light")
def test_page_has_no_serious_accessibility_violation_light(view):
    _check(audit(view.page), view.name, "light", COUNTS)


@per_page("dark")
def test_page_has_no_serious_accessibility_violation_dark(view):
    _check(audit(view.page), view.name, "dark", COUNTS)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_open_explorer_has_no_serious_accessibility_violation(page, site_url, scheme, bx, axe_report):
    _open(page, site_url + "explorer.html", scheme, bx)
    page.get_by_role("button", name="Open the explorer").click()
    page.wait_for_selector("[data-explorer][data-ready=true]", timeout=60_000)
    _check(audit(page), "explorer.html (explorer open)", scheme, axe_report)
