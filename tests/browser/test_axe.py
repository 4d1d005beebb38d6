"""Accessibility audit: axe-core (npm, exact version from package-lock.json) on every built page,
light and dark, must find no serious and no critical violation.

Counts of every violation (all impacts) per rule and scheme are written to
``test-artifacts/axe-report.md`` so a change in minor/moderate findings is visible too.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
SCHEMES = ("light", "dark")
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\\n')[1])}));
}"""


@pytest.fixture(scope="module")
def axe_report(bx):
    counts: Counter = Counter()
    yield counts
    lines = ["| scheme | rule | impact | nodes |", "|---|---|---|---:|"]
    lines += [f"| {scheme} | {rule} | {impact} | {n} |" for (scheme, rule, impact), n in sorted(counts.items())]
    bx.SCREENSHOTS.parent.mkdir(parents=True, exist_ok=True)
    (bx.SCREENSHOTS.parent / "axe-report.md").write_text("\n".join(lines) + "\n")


def audit(page) -> list[dict]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make npm` (npm ci installs axe-core from package-lock.json)")
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


@pytest.mark.parametrize("scheme", SCHEMES)
def test_page_has_no_serious_accessibility_violation(page, site_url, page_name, scheme, bx, axe_report):
    _open(page, site_url + page_name, scheme, bx)
    _check(audit(page), page_name, scheme, axe_report)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_open_explorer_has_no_serious_accessibility_violation(page, site_url, scheme, bx, axe_report):
    _open(page, site_url + "explorer.html", scheme, bx)
    page.get_by_role("button", name="Open the explorer").click()
    page.wait_for_selector("[data-explorer][data-ready=true]", timeout=60_000)
    violations = audit(page)
    bx.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(bx.SCREENSHOTS / f"explorer-open-{scheme}.png"), full_page=True)
    _check(violations, "explorer.html (explorer open)", scheme, axe_report)
