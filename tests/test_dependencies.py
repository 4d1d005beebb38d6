"""pyproject.toml lists what the code imports, and requirements.lock (what `make env` installs) pins it.

Why: the install used to succeed while onnx, onnxruntime and hypothesis were missing from the
project's own list; a fresh environment built from it would fail at the first import.
"""
from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
FIRST_PARTY = {"execdocs", "cnnlab"}


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(*extras: str) -> set[str]:
    specs = PROJECT["dependencies"] + [d for e in extras for d in PROJECT["optional-dependencies"][e]]
    return {normal(re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0]) for spec in specs}


def imported(folder: Path) -> set[str]:
    """Top-level third-party modules imported anywhere under ``folder`` (lazy imports included)."""
    names = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - FIRST_PARTY


def distributions(modules: set[str]) -> set[str]:
    owners = importlib.metadata.packages_distributions()
    missing = {m for m in modules if m not in owners}
    assert not missing, f"imported but not installed: {sorted(missing)}"
    return {normal(owners[m][0]) for m in modules}


def test_what_src_and_hooks_import_is_a_dependency():
    used = distributions(imported(ROOT / "src") | imported(ROOT / "hooks"))
    assert used - declared() == set()


def test_what_the_tests_import_is_a_test_dependency():
    local = {p.stem for p in (ROOT / "tests").rglob("*.py")} | {"conftest"}
    used = distributions(imported(ROOT / "tests") - local)
    assert used - declared("test") == set()


def test_every_dependency_is_pinned_in_the_lock():
    pinned = {normal(line.split("==")[0]) for line in (ROOT / "requirements.lock").read_text().splitlines()
              if "==" in line and not line.startswith("#")}
    pinned |= {"torch", "torchvision"}  # installed from the local wheel store by `make env`, pinned there
    assert declared("test", "lint") - pinned == set()
