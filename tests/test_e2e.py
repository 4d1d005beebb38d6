"""End to end: `mkdocs build --strict` with the project's hooks on a tiny site (tests/e2e/)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from enginekit import ROOT, mkdocs_config

E2E = Path(__file__).resolve().parent / "e2e"
MKDOCS = [sys.executable, "-m", "mkdocs"]


def mkdocs(config: Path, site: Path, cache: Path, strict=True, **env):
    cmd = MKDOCS + ["build", "-f", str(config), "-d", str(site)] + (["--strict"] if strict else [])
    full_env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT / "src"),
                    EXECDOCS_CACHE=str(cache), EXECDOCS_JOBS="2", **env)
    full_env.pop("EXECDOCS_ACCEPT", None)
    full_env.update(env)
    return subprocess.run(cmd, capture_output=True, text=True, env=full_env, timeout=240)


@pytest.fixture(scope="module")
def e2e_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("e2e-cache")


@pytest.fixture(scope="module")
def failing_build(tmp_path_factory, e2e_cache):
    tmp = tmp_path_factory.mktemp("e2e")
    before = {p: p.read_bytes() for p in (E2E / "records").rglob("*") if p.is_file()}
    proc = mkdocs(E2E / "mkdocs.yml", tmp / "site", e2e_cache)
    after = {p: p.read_bytes() for p in (E2E / "records").rglob("*") if p.is_file()}
    assert before == after, "a strict build must not rewrite the committed record"
    return proc


def test_strict_build_fails(failing_build):
    assert failing_build.returncode != 0


def test_unexpected_exception_named_with_traceback(failing_build):
    err = failing_build.stderr
    assert "block failed at raises.md:3" in err
    assert "raises.md:3: unexpected IndexError: list index out of range" in err
    assert re.search(r'File ".*raises\.md", line 5, in <module>', err)


def test_drift_named_with_diff(failing_build):
    err = failing_build.stderr
    assert "output drifted at drift.md:5" in err
    assert "-torch.Size([1, 1, 26, 26])" in err and "+torch.Size([1, 1, 24, 24])" in err


def test_timeout_named(failing_build):
    assert "timeout.md:4: timed out after 2 s" in failing_build.stderr


def test_clean_page_not_reported(failing_build):
    errors = [l for l in failing_build.stderr.splitlines() if l.startswith("ERROR")]
    assert len(errors) == 3, errors
    assert not any("clean.md" in l for l in errors) and "clean.md:5:" not in failing_build.stderr


def test_clean_page_alone_builds(tmp_path, failing_build, e2e_cache):
    # same cache as the failing build: the clean block's result is reused, nothing runs again
    proc = mkdocs(E2E / "mkdocs.yml", tmp_path / "site", e2e_cache, E2E_DOCS_DIR="clean")
    assert proc.returncode == 0, proc.stderr
    assert "0 block(s) executed, 1 from cache" in proc.stderr
    html = (tmp_path / "site" / "clean.html").read_text()
    assert "clean output torch.Size([1, 4, 6, 6])" in html
    assert "exec-provenance" in html
    assert (tmp_path / "site" / "execution-times.html").exists()


KERNEL_PAGE = """# Kernel

Prose that may change freely.

```python
import torch

conv = torch.nn.Conv2d(1, 2, kernel_size=3)
print(conv(torch.zeros(1, 1, 16, 16)).shape)
```

```python
print("untouched", 6 * 7)
```
"""

CONFIG = mkdocs_config("kernel")


def test_accept_edit_drift_accept_flow(tmp_path):
    (tmp_path / "docs").mkdir()
    page = tmp_path / "docs" / "kernel.md"
    page.write_text(KERNEL_PAGE)
    config = tmp_path / "mkdocs.yml"
    config.write_text(CONFIG)
    site, cache = tmp_path / "site", tmp_path / "cache"
    records = tmp_path / "records"
    # warm the cache through the engine in this process (its zygote is shared with the other tests),
    # so only the build after the edit has to start a fresh worker
    from execdocs.build import prepare
    from execdocs.settings import Settings
    prepare(Settings(docs_dir=tmp_path / "docs", project_root=tmp_path, records_dir=tmp_path / "scratch",
                     cache_dir=cache / "execdocs-warm", accept=True), lambda m: None)
    shutil.copytree(cache / "execdocs-warm" / "results", cache / "results")

    accepted = mkdocs(config, site, cache, strict=False, EXECDOCS_ACCEPT="1")
    assert accepted.returncode == 0, accepted.stderr
    assert (records / "kernel.json").exists()
    assert "0 block(s) executed, 2 from cache" in accepted.stderr

    clean = mkdocs(config, site, cache)
    assert clean.returncode == 0, clean.stderr
    assert "0 block(s) executed, 2 from cache" in clean.stderr  # the second build executes nothing

    page.write_text(KERNEL_PAGE.replace("Prose that may change freely.", "Other prose.\n\nMore.")
                    .replace("kernel_size=3", "kernel_size=5"))
    drifted = mkdocs(config, site, cache)
    assert drifted.returncode != 0
    assert "output drifted at kernel.md:7" in drifted.stderr
    assert "-torch.Size([1, 2, 14, 14])" in drifted.stderr and "+torch.Size([1, 2, 12, 12])" in drifted.stderr
    assert "1 block(s) executed, 1 from cache" in drifted.stderr  # exactly the edited block re-ran

    reaccepted = mkdocs(config, site, cache, strict=False, EXECDOCS_ACCEPT="1")
    assert reaccepted.returncode == 0
    assert "12, 12" in (records / "kernel.json").read_text()
    final = mkdocs(config, site, cache)
    assert final.returncode == 0, final.stderr
    assert "torch.Size([1, 2, 12, 12])" in (site / "kernel.html").read_text()


def test_serve_watches_project_code_and_keeps_one_zygote_per_project(tmp_path):
    """`make serve` rebuilds when src/ or snippets/ change; the warm zygote outlives rebuilds."""
    import importlib.util
    from types import SimpleNamespace

    from execdocs import workspace

    spec = importlib.util.spec_from_file_location("execute_hook", ROOT / "hooks" / "execute.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    watched = []
    config = SimpleNamespace(config_file_path=str(tmp_path / "mkdocs.yml"))
    for name in ("src", "snippets"):
        (tmp_path / name).mkdir()
    ws = workspace.workspace(config.config_file_path)
    ws.zygote.warm_up = lambda: watched.append("warm")  # no real zygote needed here
    server = SimpleNamespace(watch=watched.append)
    assert hook.on_serve(server, config=config, builder=None) is server
    assert watched == ["warm", str(tmp_path / "src"), str(tmp_path / "snippets")]
    assert workspace.workspace(str(tmp_path / "." / "mkdocs.yml")) is ws  # same project, same zygote
    hook.on_shutdown()
    assert workspace.workspace(config.config_file_path) is not ws  # closed and forgotten at shutdown
    workspace.close_all()
