"""Every learner page offers its notebook, its script and the cnnlab wheel; each downloads and is usable."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from urllib.parse import urljoin
from urllib.request import urlopen

import nbformat
import pytest
from pagevisit import per_page

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


def learner_pages() -> set[str]:
    """docs/*.md with a python block and no ``notebook: false`` front matter, docs/*.ipynb, every snippet."""
    pages = {f"{p.stem}.html" for p in (ROOT / "docs").glob("*.md")
             if "\n```python\n" in p.read_text() and not re.match(r"---\n(.*\n)*?notebook:\s*false", p.read_text())}
    notebooks = {f"{p.stem}.html" for p in (ROOT / "docs").glob("*.ipynb")}  # notebook pages: every one
    return pages | notebooks | {f"notebooks/{p.stem}.html" for p in (ROOT / "snippets").glob("*.py")}


def test_every_learner_page_offers_downloads(site_dir, bx):
    offering = {p for p in bx.site_pages(site_dir) if "exec-downloads" in (site_dir / p).read_text()}
    assert offering == learner_pages()


def _fetch(url: str) -> bytes:
    with urlopen(url, timeout=10) as resp:
        assert resp.status == 200, url
        return resp.read()


@per_page("light")
def test_download_links_give_notebook_script_and_wheel(view):
    """Checked during the page's one visit; which pages must offer downloads is the test above."""
    page = view.page
    links = page.eval_on_selector_all(".exec-downloads a", "as => as.map(a => [a.textContent, a.getAttribute('href')])")
    if not links:
        return
    assert [text for text, _ in links] == ["Download notebook (.ipynb)", "script (.py)", "cnnlab wheel"]
    notebook_url, script_url, wheel_url = (urljoin(view.url, href) for _, href in links)

    notebook = nbformat.reads(_fetch(notebook_url).decode(), as_version=4)
    nbformat.validate(notebook)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code[0].source.startswith("# Setup: install cnnlab") and "fresh_start" in code[0].source
    assert any(c.outputs for c in code[1:]), "the notebook carries none of the page's outputs"
    compile(_fetch(script_url).decode(), view.name, "exec")
    wheel = zipfile.ZipFile(io.BytesIO(_fetch(wheel_url)))
    assert "cnnlab/__init__.py" in wheel.namelist()
    assert re.search(r"/downloads/cnnlab-[0-9.]+-py3-none-any\.whl$", wheel_url), wheel_url
