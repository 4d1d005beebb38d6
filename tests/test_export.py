"""`python -m execdocs render --out DIR` and the guard: a site any Markdown generator can build,
and a build that fails when a generator silently skipped the engine (as Zensical ignores hooks:).

The generator without hooks in these tests is MkDocs run with no ``hooks:`` at all;
tests/test_zensical.py builds the real site's rendered folder with Zensical itself.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from enginekit import ROOT, py, write_site

PAGES = {
    "index.md": "# Home\n\nNo code here.\n",
    "plot.md": "# Plot\n\n" + py("print('the answer', 6 * 7)") + "\n"
               + py("import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([0, 1, 4])\n"
                    "fig.suptitle('A curve')"),
    "sub/deep.md": "# Deep\n\n" + py("print('from a folder')"),
}
PLAIN = """site_name: {name}
docs_dir: {docs}
use_directory_urls: false
theme:
  name: mkdocs
markdown_extensions: [admonition, attr_list, md_in_html, pymdownx.superfences]
"""


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    full = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT / "src"), **env)
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd, env=full, timeout=300)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("export")
    write_site(root, PAGES)
    (root / "mkdocs.yml").write_text(PLAIN.format(name="source", docs="docs"))
    accepted = run(["-m", "execdocs", "render", "--out", str(root / "first")], root, EXECDOCS_ACCEPT="1")
    assert accepted.returncode == 0, accepted.stderr  # records the outputs, so the next run checks them
    rendered = run(["-m", "execdocs", "render", "--out", str(root / "rendered")], root)
    assert rendered.returncode == 0, rendered.stderr
    return root


def test_render_writes_executed_markdown_and_its_files(project):
    out = project / "rendered"
    plot = (out / "plot.md").read_text()
    assert "the answer 42" in plot and 'class="exec-provenance"' in plot
    (figure,) = [line for line in plot.splitlines() if line.startswith("[![")]  # a figure links to itself
    assert (out / figure.split("](")[1].split(")")[0]).is_file()  # the figure is published beside it
    assert "from a folder" in (out / "sub" / "deep.md").read_text()
    assert (out / "index.md").read_text() == PAGES["index.md"]  # no code: the page as written
    assert (out / "execution-times.md").is_file()
    assert not list((project / "docs").rglob("_exec"))  # nothing written into the sources


def test_a_generator_without_hooks_builds_the_rendered_folder(project):
    """The rendered folder is plain Markdown: a generator that knows nothing of execdocs shows
    every output and figure, and the guard passes on what it built."""
    (project / "plain.yml").write_text(PLAIN.format(name="plain", docs="rendered"))
    built = run(["-m", "mkdocs", "build", "--strict", "-f", "plain.yml", "-d", "plain-site"], project)
    assert built.returncode == 0, built.stderr
    html = (project / "plain-site" / "plot.html").read_text()
    assert "the answer 42" in html and "A curve" in html
    images = [part.split('"')[0] for part in html.split('src="')[1:] if "_exec/" in part.split('"')[0]]
    assert images and all((project / "plain-site" / src).is_file() for src in images)
    assert "from a folder" in (project / "plain-site" / "sub" / "deep.html").read_text()
    guard = run(["-m", "execdocs", "guard", "plain-site"], project)
    assert guard.returncode == 0, guard.stderr


def test_the_guard_fails_a_site_built_from_the_unexecuted_sources(project):
    """What Zensical does with this project today: ignore hooks:, publish code without outputs."""
    (project / "skipped.yml").write_text(PLAIN.format(name="skipped", docs="docs"))
    built = run(["-m", "mkdocs", "build", "-f", "skipped.yml", "-d", "skipped-site"], project)
    assert built.returncode == 0, built.stderr  # the generator itself sees nothing wrong
    guard = run(["-m", "execdocs", "guard", "skipped-site"], project)
    assert guard.returncode == 1
    assert "plot.md: the built page" in guard.stderr and "sub/deep.md: the built page" in guard.stderr
    assert "index.md" not in guard.stderr.replace("sub/deep.md", "")  # no code, nothing to miss
