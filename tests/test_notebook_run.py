"""Downloaded notebooks run where a reader runs them: torch installed, the project not.

The interpreter is a fresh venv whose only link to this machine's packages is a .pth line
naming the project's site-packages (torch, torchvision, matplotlib, nbclient, ipykernel).
A plain path entry does not process that folder's own .pth files, so the editable installs
of execdocs and cnnlab are not active there: ``import cnnlab`` fails until the notebook's
first cell installs the wheel the site publishes (offline: ``PIP_NO_INDEX``). Each
notebook runs in a Jupyter kernel (nbclient) in a folder outside the repository, and what
its cells print is compared with the page's record, numbers within the block's rtol.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import nbformat
import pytest
from realsite import real_build

from execdocs import publish
from execdocs.check.compare import text_diff, text_matches
from execdocs.store.record import PageRecord

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("index.md", "pipeline.md")  # a short page, and the pipeline (training, tables, a quiz)
RUN = """
import sys, nbclient, nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": "."}}).execute()
nbformat.write(nb, sys.argv[2])
"""


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The pages' downloads as the site publishes them (site_url empty: the wheel is a local file)."""
    session = real_build()  # the whole real site, from the build's cache (a partial build would call
    assert not session.problems, [p.title for p in session.problems]  # every other record stale)
    out = tmp_path_factory.mktemp("site")
    for name, content in publish.site_files(session, "").items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(content)
    return out, session


@pytest.fixture(scope="module")
def plain_python(tmp_path_factory):
    """A venv that sees the pinned torch but neither the source tree nor the editable installs."""
    venv = tmp_path_factory.mktemp("plain") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    own = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                              check=True, capture_output=True, text=True).stdout.strip())
    (own / "project-packages.pth").write_text(sysconfig.get_path("purelib") + "\n")
    probe = "import importlib.util; print(importlib.util.find_spec('cnnlab'))"
    lacking = subprocess.run([python, "-c", probe], capture_output=True, text=True, cwd=venv, env=plain_env())
    assert lacking.stdout.strip() == "None", "cnnlab is importable before the notebook installs it"
    return python


def plain_env() -> dict:
    """No PYTHONPATH (it would bring src/ back), no Agg (the kernel shows figures inline), no index."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MPLBACKEND") and not k.startswith("EXECDOCS")}
    return {**env, "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def test_plain_interpreter_has_torch_but_not_the_source_tree(plain_python, tmp_path):
    probe = "import sys, torch, torchvision, matplotlib; print(sys.path)"
    done = subprocess.run([plain_python, "-c", probe], capture_output=True, text=True, cwd=tmp_path, env=plain_env())
    assert done.returncode == 0, done.stderr
    assert str(ROOT / "src") not in done.stdout


@pytest.mark.parametrize("page", PAGES)
def test_downloaded_notebook_prints_what_the_page_recorded(page, published, plain_python, tmp_path):
    site, session = published
    stem = Path(page).stem
    wheel = next((site / "downloads").glob("cnnlab-*.whl"))
    (tmp_path / wheel.name).write_bytes(wheel.read_bytes())  # what the setup cell asks a reader to download
    (tmp_path / f"{stem}.ipynb").write_bytes((site / "downloads" / f"{stem}.ipynb").read_bytes())
    (tmp_path / "run.py").write_text(RUN)
    done = subprocess.run([plain_python, "run.py", f"{stem}.ipynb", "ran.ipynb"], capture_output=True, text=True,
                          cwd=tmp_path, env=plain_env(), timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    ran = nbformat.read(tmp_path / "ran.ipynb", as_version=4)
    code = [cell for cell in ran.cells if cell.cell_type == "code"]
    blocks = sorted(session.pages[page].blocks, key=lambda b: b.line)
    assert len(code) == len(blocks) + 1  # the setup cell, then one cell per block
    record, device = PageRecord(ROOT / "records", page), session.settings.device
    for block, cell in zip(blocks, code[1:]):
        entry = record.entry(block, device)
        expected = "\n".join(entry["stdout"])
        printed = "\n".join("".join(o.text for o in cell.outputs if o.get("name") == "stdout").splitlines())
        assert text_matches(expected, printed, block.options.rtol, block.options.atol), \
            f"{block.where}:\n{text_diff(expected, printed, 'page', 'notebook')}"
        raised = [f"{o.ename}: {o.evalue}" for o in cell.outputs if o.output_type == "error"]
        assert raised == entry["exception"], f"{block.where}: {raised} != {entry['exception']}"
    installed = subprocess.run([plain_python, "-c", "import cnnlab; print(cnnlab.__file__)"],
                               capture_output=True, text=True, cwd=tmp_path, env=plain_env())
    assert str(ROOT) not in installed.stdout and "site-packages" in installed.stdout
    assert json.loads((tmp_path / f"{stem}.ipynb").read_text())["cells"][1]["source"].startswith("# Setup")
