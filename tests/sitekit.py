"""The built site for tests that read it (search index, badges): one place that finds or builds it.

The site is ``$EXECDOCS_SITE`` when set, else ``site/`` when it is newer than every file in
``docs/`` (what ``make test`` leaves after ``make site``), else a one-off non-strict build into
a temporary folder that the caller removes. Same rule as ``tests/browser/conftest.py``.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _newest(folder: Path) -> float:
    return max((p.stat().st_mtime for p in folder.rglob("*") if p.is_file()), default=0.0)


@contextmanager
def built_site():
    """Yield the folder of a built site that matches the current ``docs/``."""
    if os.environ.get("EXECDOCS_SITE"):
        yield Path(os.environ["EXECDOCS_SITE"]).resolve()
        return
    index = ROOT / "site" / "index.html"
    if index.exists() and index.stat().st_mtime >= _newest(ROOT / "docs"):
        yield index.parent
        return
    scratch = Path(tempfile.mkdtemp(prefix="execdocs-site-"))
    try:
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH="src")
        proc = subprocess.run([str(ROOT / ".venv" / "bin" / "mkdocs"), "build", "-d", str(scratch / "site")],
                              cwd=ROOT, env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"mkdocs build failed ({proc.returncode}); run `make site` to see why:\n"
                               f"{proc.stderr[-3000:]}")
        yield scratch / "site"
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def html_pages(site: Path) -> list[Path]:
    """Every page of the site except the 404 page and bundled assets."""
    return sorted(p for p in site.rglob("*.html")
                  if p.name != "404.html" and "assets" not in p.relative_to(site).parts)
