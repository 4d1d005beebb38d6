"""The snippets: the shared template, and what they print.

The strict build runs every snippet (cell by cell, as the notebook the site publishes); the
output test reads those results from the build's cache (``real_site``), so `make test` does not
run the four programs again.  Running each one as a plain script (`python snippets/x.py`, what
a reader does after downloading it) is the slow tier: `make test-all`.
"""
import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SNIPPETS = sorted((ROOT / "snippets").glob("*.py"))


def test_snippets_exist():
    names = {p.name for p in SNIPPETS}
    assert {"experiment.py", "prove_it.py", "pipeline_training.py", "overfitting.py"} <= names


@pytest.mark.parametrize("path", SNIPPETS, ids=lambda p: p.name)
def test_snippet_template(path):
    source = path.read_text()
    doc = ast.get_docstring(ast.parse(source))
    assert doc, "module docstring missing"
    title = doc.splitlines()[0]
    assert title.strip() and not title.startswith(" ")
    assert "What you will learn:" in doc
    assert "\n# %%\n" in source and "# %% [markdown]" in source
    assert 'print(f"Running on {device}")' in source
    assert "plt.show()" not in source and "savefig" not in source
    stored = {n.id for n in ast.walk(ast.parse(source))
              if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    for name in ("model", "images", "labels", "num_epochs", "lr"):
        assert name in stored, f"fixed name {name!r} not assigned"
    assert "Conclusion" in source


def snippet_output(session, path: Path) -> str:
    """Everything the snippet's cells printed in the build, in order (what the script prints)."""
    named = [page for name, page in session.pages.items() if name.endswith(f"snippets/{path.name}")]
    assert len(named) == 1, f"the build has no page for {path.name}: {sorted(session.pages)}"
    page = named[0]
    results = [session.results[block.key] for block in page.blocks]
    failed = [f"{block.where}: {result.failure or result.exception}" for block, result in zip(page.blocks, results)
              if not result.ok or result.exception is not None]
    assert not failed, f"{path.name} failed in the build: {failed}"
    return "".join(result.stdout for result in results)


@pytest.mark.parametrize("path", SNIPPETS, ids=lambda p: p.name)
def test_snippet_prints_device_first_and_conclusion_last(real_site, path):
    lines = snippet_output(real_site, path).splitlines()
    assert lines, f"{path.name} printed nothing in the build"
    assert lines[0].startswith("Running on "), lines[0]
    assert lines[-1].startswith("Conclusion:"), lines[-1]


@pytest.mark.slow
@pytest.mark.parametrize("path", SNIPPETS, ids=lambda p: p.name)
def test_snippet_runs_as_a_script(path):
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(ROOT / "src"))
    env.pop("CNNLAB_DATASET", None)
    proc = subprocess.run([sys.executable, str(path)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("Running on ")
    assert lines[-1].startswith("Conclusion:")
