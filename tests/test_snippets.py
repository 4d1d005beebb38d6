"""Run every snippet as a script and check the shared snippet template."""
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


@pytest.mark.parametrize("path", SNIPPETS, ids=lambda p: p.name)
def test_snippet_runs(path):
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(ROOT / "src"))
    env.pop("CNNLAB_DATASET", None)
    proc = subprocess.run([sys.executable, str(path)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("Running on ")
    assert lines[-1].startswith("Conclusion:")
