"""The one-visit machinery itself, without a browser: each page is opened once whatever the number
of checks, every check's own failure reaches its own test, and a state the page cannot reach
fails exactly the checks of that state."""
from __future__ import annotations

import pytest

import pagevisit
from pagevisit import Visits, per_page


class FakePage:
    """Stands in for a Playwright page: remembers the states the visit put it in."""

    def __init__(self, name: str):
        self.name, self.states, self.closed = name, [], False


@pytest.fixture
def registry(monkeypatch):
    checks: dict = {}
    monkeypatch.setattr(pagevisit, "CHECKS", checks)
    return checks


def visits(opened: list[str], broken_state: str | None = None) -> Visits:
    def open_page(name):
        page = FakePage(name)
        opened.append(name)
        return page, None, lambda: setattr(page, "closed", True)

    def enter(state):
        def go(page):
            if state == broken_state:
                raise AssertionError(f"cannot reach {state}")
            page.states.append(state)
        return go

    return Visits(open_page, {s: enter(s) for s in pagevisit.STATES}, "http://127.0.0.1/", "/site")


def test_one_open_per_page_and_each_check_reports_its_own_outcome(registry):
    seen = []

    @per_page("light")
    def test_fine(view):
        seen.append((view.name, view.state))

    @per_page("phone")
    def test_broken(view):
        seen.append((view.name, view.state))
        assert view.name != "b.html", "b.html is too wide"

    assert set(registry) == {"test_fine", "test_broken"}
    assert test_fine.__name__ == "test_fine" and test_broken.pytestmark[0].name == "browser"
    opened: list[str] = []
    v = visits(opened)
    for page in ("a.html", "b.html"):
        v.outcome(page, "test_fine")
        if page == "b.html":
            with pytest.raises(AssertionError, match="b.html is too wide"):
                v.outcome(page, "test_broken")
        else:
            v.outcome(page, "test_broken")
    assert opened == ["a.html", "b.html"]  # once each, for two checks
    assert seen == [("a.html", "light"), ("a.html", "phone"), ("b.html", "light"), ("b.html", "phone")]


def test_a_state_the_page_cannot_reach_fails_only_its_checks(registry):
    @per_page("light")
    def test_light(view):
        pass

    @per_page("dark")
    def test_dark(view):
        pass

    v = visits([], broken_state="dark")
    v.outcome("a.html", "test_light")
    with pytest.raises(AssertionError, match="cannot reach dark"):
        v.outcome("a.html", "test_dark")


def test_unknown_state_is_refused(registry):
    with pytest.raises(ValueError, match="state must be one of"):
        per_page("sepia")
