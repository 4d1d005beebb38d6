"""The real site's outputs for the tests that need them, read from the build's own cache.

`make test` builds the site strictly first (or finds it built), so every chain of the real pages
and snippets is in the execution cache.  The tests that check those outputs (answer keys,
snippet conclusions) read them through one in-process build with the settings the MkDocs build
uses: the same cache folder (``$EXECDOCS_CACHE`` honoured, else ``.cache/execdocs``), the same
records.  That build executes nothing when the cache is warm; without `make site` it runs the
site once for the whole test session, still never once per test.
"""
from __future__ import annotations

import functools
import sys

from enginekit import ROOT, build
from execdocs.settings import read_settings


def project_settings():
    """The settings `mkdocs build` uses for this project (never accepting: tests only read)."""
    settings = read_settings(ROOT / "mkdocs.yml")
    settings.accept = False
    settings.accept_pages = None
    return settings


@functools.cache
def real_build():
    """One build of the real pages and snippets per test session (cache hits after `make site`)."""
    session = build(project_settings())
    if session.stats["ran"]:
        sys.stderr.write(f"\nnote: the real site's cache was cold; {session.stats['ran']} block(s) ran "
                         "(run `make site` first, or use `make test`, which does)\n")
    return session
