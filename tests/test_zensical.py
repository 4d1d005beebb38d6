"""Zensical builds the folder `python -m execdocs render --out DIR` writes, with every output.

Zensical (pinned in requirements-zensical.lock, installed by `make zensical`, a prerequisite of
`make test`, into .venv-zensical) reads mkdocs.yml but ignores ``hooks:``.  The rendered folder
needs none: it already holds the executed Markdown.  The real site is exported from the build's
cache (`tests/realsite.py`: nothing runs after `make site`), built strictly by Zensical, and the
recorded outputs and figures of a few pages are looked for in the HTML it wrote.
"""
from __future__ import annotations

import html
import json
import re
import shutil
import subprocess

import pytest
import yaml

from enginekit import ROOT
from execdocs.export import export
from execdocs.render.site_guard import unexecuted
from realsite import real_build

ZENSICAL = ROOT / ".venv-zensical" / "bin" / "zensical"
# Pages whose records hold outputs for any device ("any"); index.md and data.md draw figures.
PAGES = ("index.md", "challenge.md", "data.md", "convolution.md")


def zensical_build(root, config: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(ZENSICAL), "build", "--strict", "-f", config], cwd=root,
                          capture_output=True, text=True, timeout=300)


def project_config(docs: str, site: str) -> str:
    """The project's own mkdocs.yml with another docs and site folder (and no hooks: Zensical
    ignores them; the rendered folder must not need them)."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    config.pop("hooks")
    return yaml.safe_dump({**config, "docs_dir": docs, "site_dir": site}, allow_unicode=True)


@pytest.fixture(scope="module")
def zsite(tmp_path_factory):
    if not ZENSICAL.is_file():
        pytest.fail(f"{ZENSICAL.relative_to(ROOT)} is missing: run `make zensical` (a prerequisite of "
                    "`make test`) to install the pinned Zensical into .venv-zensical")
    root = tmp_path_factory.mktemp("zensical")  # Zensical wants docs_dir inside the config's folder
    export(real_build(), root / "rendered")
    (root / "mkdocs.yml").write_text(project_config("rendered", "site"))
    built = zensical_build(root, "mkdocs.yml")
    assert built.returncode == 0, built.stdout + built.stderr
    return root / "site"


def recorded(page: str) -> list[dict]:
    """The page's recorded outputs, block by block (all of them recorded for any device)."""
    blocks = json.loads((ROOT / "records" / page.replace("/", "__").replace(".md", ".json")).read_text())["blocks"]
    assert all(list(block["outputs"]) == ["any"] for block in blocks), page
    return [block["outputs"]["any"] for block in blocks]


@pytest.mark.parametrize("page", PAGES)
def test_zensical_pages_show_the_recorded_outputs_and_figures(zsite, page):
    markup = (zsite / page.replace(".md", ".html")).read_text()
    text = html.unescape(re.sub(r"<[^>]+>", "", markup))
    outputs = recorded(page)
    # Lines starting "|" are Markdown tables a block printed (shown as tables, not as text).
    printed = [line for out in outputs for line in out["stdout"] if line.strip() and not line.startswith("|")]
    assert printed, page
    assert [line for line in printed if line not in text] == []
    for figure in [figure for out in outputs for figure in out["figures"]]:
        (src,) = re.findall(rf'src="(_exec/{figure["sha"]}[0-9a-f]*\.png)"', markup)
        assert (zsite / src).is_file() and (zsite / src).stat().st_size > 0
        assert figure["alt"] in html.unescape(markup)
    assert 'class="exec-provenance"' in markup


def test_figures_are_among_the_pages_checked(zsite):
    assert sum(len(out["figures"]) for page in PAGES for out in recorded(page)) >= 2


def test_the_guard_passes_on_the_zensical_site(zsite):
    assert unexecuted(real_build().pages.values(), zsite) == []


def test_zensical_on_the_sources_ignores_the_hooks_and_the_guard_says_so(tmp_path):
    """Why the rendered folder: Zensical given the docs folder and the hooks publishes code
    without outputs and exits 0 (not strict: the generated pages it links to are missing)."""
    if not ZENSICAL.is_file():
        pytest.fail(f"{ZENSICAL.relative_to(ROOT)} is missing: run `make zensical`")
    shutil.copytree(ROOT / "docs", tmp_path / "sources", ignore=shutil.ignore_patterns("notebooks"))
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    config.update(docs_dir="sources", site_dir="site", hooks=[str(ROOT / hook) for hook in config["hooks"]])
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True))
    built = subprocess.run([str(ZENSICAL), "build", "-f", "mkdocs.yml"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    missing = {problem.page for problem in unexecuted(real_build().pages.values(), tmp_path / "site")}
    assert set(PAGES) <= missing
