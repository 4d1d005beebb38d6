"""Each notebook page offers its example as .py and .ipynb; both download and are valid."""
from __future__ import annotations

import json
from pathlib import PurePosixPath
from urllib.parse import urljoin, urlsplit
from urllib.request import urlopen

import nbformat
import pytest

pytestmark = pytest.mark.browser


def test_there_are_notebook_pages(site_dir, bx):
    assert [p for p in bx.site_pages(site_dir) if p.startswith("notebooks/")], \
        "the site has no notebooks/*.html page"


def test_notebook_page_links_py_and_ipynb(watched, site_url, notebook_page, bx):
    page, w = watched
    if notebook_page.endswith("(none built)"):
        pytest.fail("no notebook pages were built")
    url = site_url + notebook_page
    page.goto(url)
    bx.settle(page)
    stem = PurePosixPath(notebook_page).stem
    hrefs = page.evaluate("() => Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))")
    targets = {}
    for href in hrefs:
        path = PurePosixPath(urlsplit(href).path)
        if path.stem == stem and path.suffix in (".py", ".ipynb"):
            targets[path.suffix] = urljoin(url, href)
    assert set(targets) == {".py", ".ipynb"}, f"{notebook_page} links {sorted(targets)}; wants .py and .ipynb"

    with urlopen(targets[".ipynb"], timeout=10) as resp:
        assert resp.status == 200
        raw = resp.read().decode("utf-8")
    notebook = nbformat.reads(raw, as_version=4)
    nbformat.validate(notebook)
    assert any(c.cell_type == "code" for c in notebook.cells), "the notebook has no code cell"
    assert json.loads(raw)["nbformat"] == 4

    with urlopen(targets[".py"], timeout=10) as resp:
        assert resp.status == 200
        source = resp.read().decode("utf-8")
    assert source.strip(), "the .py download is empty"
    compile(source, f"{stem}.py", "exec")
    assert not w.problems(), "\n".join(w.problems())
