"""Fixtures for the engine tests (helpers live in ``enginekit`` so test modules can import
them without clashing with tests/browser/conftest.py)."""
from __future__ import annotations

import pytest

from enginekit import Settings, write_site


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
