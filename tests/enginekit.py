"""Helpers for the engine tests: tiny sites in tmp dirs, built through the real engine.

One zygote (the warm fork server) is started per pytest process by the first build that has
something to run and is shared by every test after it (``execdocs.run.execute`` keeps it global).
"""
from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

os.environ.setdefault("EXECDOCS_JOBS", "2")
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

from execdocs.build import prepare  # noqa: E402
from execdocs.settings import Settings  # noqa: E402


def write_site(root: Path, pages: dict[str, str]) -> Settings:
    """Write ``pages`` (name -> Markdown, dedented) under ``root/docs``; return build settings."""
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    for name, text in pages.items():
        path = docs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return site_settings(root)


def site_settings(root: Path, **overrides) -> Settings:
    """Build settings of a small site laid out like the project: root/docs, records, .cache."""
    values = dict(docs_dir=root / "docs", project_root=root, records_dir=root / "records",
                  cache_dir=root / ".cache" / "execdocs", jobs=2)
    return Settings(**{**values, **overrides})


def build(settings: Settings, accept: bool = False, logs: list[str] | None = None):
    settings.accept = accept
    sink = logs.append if logs is not None else (lambda _m: None)
    return prepare(settings, sink)


def py(code: str, marker: str = "") -> str:
    """A ```python fence (with an optional marker line before it)."""
    code = textwrap.dedent(code).strip("\n")
    head = f"{marker}\n" if marker else ""
    return f"{head}```python\n{code}\n```\n"


def mkdocs_config(site_name: str) -> str:
    """A minimal mkdocs.yml that runs the project's own hooks (for end-to-end builds)."""
    hooks = "".join(f"  - {ROOT}/hooks/{name}.py\n" for name in ("execute", "figures", "render", "report"))
    return (f"site_name: {site_name}\nuse_directory_urls: false\ntheme:\n  name: mkdocs\n"
            "markdown_extensions: [admonition, attr_list, md_in_html, pymdownx.superfences]\n"
            f"hooks:\n{hooks}")
