"""wheel: the site's cnnlab wheel holds cnnlab alone, is built offline once and reused until cnnlab changes."""
from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from execdocs.store import wheel as wheel_module
from execdocs.store.wheel import WheelError, build_wheel, input_digest, wheel_name

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_holds_cnnlab_and_its_metadata(tmp_path):
    built = build_wheel(ROOT, tmp_path)
    assert built.name == wheel_name(ROOT) == f"cnnlab-{built.version}-py3-none-any.whl"
    assert built.site_path == f"downloads/{built.name}"
    names = zipfile.ZipFile(io.BytesIO(built.data)).namelist()
    modules = {f"cnnlab/{p.name}" for p in (ROOT / "src" / "cnnlab").glob("*.py")}
    assert modules <= set(names)
    assert not [n for n in names if n.startswith("execdocs") or "__pycache__" in n]
    metadata = zipfile.ZipFile(io.BytesIO(built.data)).read(f"cnnlab-{built.version}.dist-info/METADATA").decode()
    assert "Name: cnnlab" in metadata and "Requires-Dist: torch\n" in metadata  # unpinned: a reader's torch fits


def test_unchanged_cnnlab_is_not_built_again(tmp_path, monkeypatch):
    first = build_wheel(ROOT, tmp_path)
    monkeypatch.setattr(wheel_module.subprocess, "run", lambda *a, **k: pytest.fail("built again"))
    assert build_wheel(ROOT, tmp_path).data == first.data


def test_a_changed_module_changes_the_key_and_a_failed_build_says_what_to_run(tmp_path, monkeypatch):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "packaging", project / "packaging")
    shutil.copytree(ROOT / "src" / "cnnlab", project / "src" / "cnnlab", ignore=shutil.ignore_patterns("__pycache__"))
    before = input_digest(project)
    (project / "src" / "cnnlab" / "models.py").write_text("# changed\n", "utf-8")
    assert input_digest(project) != before
    (project / "packaging" / "cnnlab" / "pyproject.toml").write_text("[project]\nname = 'cnnlab'\n")
    with pytest.raises(WheelError, match="pip wheel"):
        build_wheel(project, tmp_path / "cache")
