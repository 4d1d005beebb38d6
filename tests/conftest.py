"""Fixtures for the engine tests (helpers live in ``enginekit`` so test modules can import
them without clashing with tests/browser/conftest.py), and the two session-wide hooks of
``make test``: how pytest-xdist splits the tests, and a usable Ctrl-C."""
from __future__ import annotations

import os
import signal

import pytest

from enginekit import Settings, write_site

BROWSER_TESTS = "tests/browser/"
# A test that accepts runs only the host variant unless it asks for more (tests/test_noise.py):
# the numeric variants start a zygote each, seconds per accept.
os.environ.setdefault("EXECDOCS_ACCEPT_VARIANTS", "host")


def pytest_configure(config):
    """Let the Ctrl-C tests send a real Ctrl-C.

    A run started in the background by a script (``make test &`` without job control) inherits
    SIGINT *ignored*, and so would every build and ``mkdocs serve`` a test starts: SIGINT would
    then stop nothing, and the tests of what Ctrl-C cleans up would fail for the wrong reason."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_xdist_make_scheduler(config, log):
    """``make test`` runs a pytest-xdist worker per core; every Chromium test goes to one of them.

    Why: a browser page is visited once for all its checks (``pagevisit``) by one browser; split
    across workers, each would visit every page.  Every other test is its own unit of work, so
    the other workers run the engine's tests meanwhile.  (This is what ``--dist loadgroup``
    does, but its marker has no effect with pytest 9, which ignores xdist's renamed node ids.)"""
    from xdist.scheduler import LoadScopeScheduling

    if not hasattr(LoadScopeScheduling, "_split_scope"):  # the method this relies on (pytest-xdist 3.x)
        raise pytest.UsageError("this pytest-xdist has no LoadScopeScheduling._split_scope: pin the version "
                                "in requirements.lock, or run with TEST_WORKERS=0")

    class BrowserTestsTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return BROWSER_TESTS if nodeid.startswith(BROWSER_TESTS) else nodeid

    return BrowserTestsTogether(config, log)


@pytest.fixture
def site(tmp_path):
    """``site(pages) -> Settings`` in a fresh tmp project."""
    def make(pages: dict[str, str]) -> Settings:
        return write_site(tmp_path, pages)
    return make


@pytest.fixture(scope="session")
def real_site():
    """The real site's build session (results, problems, pages), read from the build's cache."""
    from realsite import real_build
    return real_build()
