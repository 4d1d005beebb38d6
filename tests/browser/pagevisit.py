"""One visit per page: every per-page browser check runs during a single load of the page.

Loading a page in Chromium (Material's JavaScript, every lazy image) is what the browser tests
pay for, so a page is loaded once and every registered check looks at it in turn.  A check is a
plain function of a :class:`View`, registered with :func:`per_page` in any test module::

    from pagevisit import per_page

    @per_page("light")                     # or "dark", "phone"
    def test_figures_have_width(view):     # the name is the test's name in the report
        widths = view.page.evaluate("() => ...")
        assert ..., f"{view.name}: ..."

The decorator turns the function into a pytest test parametrized over every page of the site
(``page_name``).  The first of these tests that runs for a page loads it and runs ALL the
registered checks, state by state (:data:`STATES`: desktop light, then the palette toggled to
dark, then back to light at phone width); each test then reports its own check's outcome
(the check's own assertion and traceback).  A check must leave the page as it found it (scroll,
open dialogs); one that needs a page of its own (a click that navigates, a reload) is an
ordinary test with the ``page`` fixture instead.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pytest

STATES = ("light", "dark", "phone")  # the order one visit goes through


@dataclass
class View:
    """The loaded page a check looks at (images loaded, Material set up)."""

    page: object  # playwright.sync_api.Page
    name: str  # relative to the site, e.g. "notebooks/prove_it.html"
    url: str
    site_dir: object  # pathlib.Path of the built site
    watch: object  # conftest.Watch: console errors, failed and foreign requests so far
    state: str = "light"


@dataclass(frozen=True)
class Check:
    name: str
    state: str
    run: Callable[[View], None]


CHECKS: dict[str, Check] = {}  # filled as test modules are imported (collection), before any test runs


def per_page(state: str = "light"):
    """Register ``check(view)`` to run in ``state`` during each page's one visit; return its test."""
    if state not in STATES:
        raise ValueError(f"state must be one of {STATES}, not {state!r}")

    def register(check: Callable[[View], None]):
        CHECKS[check.__name__] = Check(check.__name__, state, check)

        def test(page_visits, page_name):
            page_visits.outcome(page_name, check.__name__)

        test.__name__, test.__qualname__ = check.__name__, check.__qualname__
        test.__doc__, test.__module__ = check.__doc__, check.__module__
        return pytest.mark.browser(test)
    return register


OUTCOMES = (Exception, pytest.fail.Exception, pytest.skip.Exception)


@dataclass
class Visits:
    """Loads each page once (on the first test that asks) and keeps every check's outcome."""

    open_page: Callable[[str], tuple]  # page name -> (page, watch, close)
    enter: dict[str, Callable]  # state -> function(page) that puts the page in that state
    site_url: str
    site_dir: object
    outcomes: dict[tuple[str, str], BaseException | None] = field(default_factory=dict)
    visited: set[str] = field(default_factory=set)

    def outcome(self, page_name: str, check: str) -> None:
        """Pass, or raise what the check raised during the page's visit."""
        if page_name not in self.visited:
            self.visit(page_name)
        if (page_name, check) not in self.outcomes:
            pytest.fail(f"{check} was not run during the visit of {page_name} (registered too late?)")
        error = self.outcomes[(page_name, check)]
        if error is not None:
            raise error

    def visit(self, page_name: str) -> None:
        self.visited.add(page_name)
        try:
            page, watch, close = self.open_page(page_name)
        except OUTCOMES as err:  # the page did not load: every check says so
            self.outcomes.update({(page_name, name): err for name in CHECKS})
            return
        view = View(page, page_name, self.site_url + page_name, self.site_dir, watch)
        try:
            for state in STATES:
                self._run_state(view, state, [c for c in CHECKS.values() if c.state == state])
        finally:
            close()

    def _run_state(self, view: View, state: str, checks: list[Check]) -> None:
        if not checks:
            return
        try:
            self.enter[state](view.page)
            view.state = state
        except OUTCOMES as err:  # the page cannot get there: every check of the state says why
            for check in checks:
                self.outcomes[(view.name, check.name)] = err
            return
        for check in checks:
            try:
                check.run(view)
                self.outcomes[(view.name, check.name)] = None
            except OUTCOMES as err:
                self.outcomes[(view.name, check.name)] = err
