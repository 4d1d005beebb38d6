"""Build the ``cnnlab`` wheel that the site publishes for its downloaded notebooks.

Why a wheel built at site build time: a notebook imports ``cnnlab``, which a reader does
not have; the first cell installs it from the site, so the wheel on the site must be the
``src/cnnlab`` the pages were executed with.  The repository's pyproject packages cnnlab
together with the engine, so ``packaging/cnnlab/pyproject.toml`` describes cnnlab alone.
The build is offline (``--no-index --no-build-isolation``: setuptools from the build's own
environment) and cached by the content of its inputs, so an unchanged cnnlab costs a hash.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .files import write_atomic

PACKAGE = "cnnlab"
METADATA_DIR = Path("packaging") / PACKAGE  # pyproject.toml + README.md, relative to the project
SITE_FOLDER = "downloads"  # the wheel is published at site/downloads/<wheel name>


class WheelError(RuntimeError):
    """The wheel could not be built; the message says what to run to see why."""


@dataclass(frozen=True)
class Wheel:
    name: str  # cnnlab-<version>-py3-none-any.whl
    data: bytes

    @property
    def site_path(self) -> str:
        return f"{SITE_FOLDER}/{self.name}"

    @property
    def version(self) -> str:
        return self.name.split("-")[1]


def publishes_wheel(project_root: Path) -> bool:
    """Whether the project describes a cnnlab wheel (tiny test sites do not)."""
    return (Path(project_root) / METADATA_DIR / "pyproject.toml").is_file()


@lru_cache(maxsize=8)
def wheel_name(project_root: Path) -> str:
    """The wheel's file name from the metadata alone (pages link to it without building it)."""
    project = tomllib.loads((Path(project_root) / METADATA_DIR / "pyproject.toml").read_text())["project"]
    return f"{project['name']}-{project['version']}-py3-none-any.whl"


def _inputs(project_root: Path) -> list[Path]:
    """Every file that goes into the wheel, in a stable order (what the cache key hashes)."""
    metadata = sorted(p for p in (project_root / METADATA_DIR).iterdir() if p.is_file())
    package = sorted(p for p in (project_root / "src" / PACKAGE).rglob("*.py") if "__pycache__" not in p.parts)
    return metadata + package


def input_digest(project_root: Path) -> str:
    digest = hashlib.sha256()
    for path in _inputs(project_root):
        digest.update(path.relative_to(project_root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def build_wheel(project_root: Path, cache_dir: Path) -> Wheel:
    """The wheel of the current ``src/cnnlab``: from the cache, else built with pip offline."""
    folder = Path(cache_dir) / "wheels" / input_digest(project_root)
    cached = sorted(folder.glob(f"{PACKAGE}-*.whl"))
    if not cached:
        _build_into(project_root, folder)
        cached = sorted(folder.glob(f"{PACKAGE}-*.whl"))
    if cached[0].name != wheel_name(project_root):
        raise WheelError(f"the {PACKAGE} build made {cached[0].name}, but {METADATA_DIR}/pyproject.toml "
                         f"names {wheel_name(project_root)}: fix the version there")
    return Wheel(cached[0].name, cached[0].read_bytes())


def _build_into(project_root: Path, folder: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="cnnlab-wheel-") as tmp:
        source = Path(tmp) / "source"
        shutil.copytree(project_root / METADATA_DIR, source)
        shutil.copytree(project_root / "src" / PACKAGE, source / PACKAGE,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        out = Path(tmp) / "out"
        command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-index",
                   "--no-build-isolation", "--disable-pip-version-check", "--wheel-dir", str(out), str(source)]
        # SOURCE_DATE_EPOCH: fixed zip timestamps, so the same cnnlab gives the same bytes anywhere
        env = {**os.environ, "SOURCE_DATE_EPOCH": "315532800"}
        done = subprocess.run(command, capture_output=True, text=True, cwd=tmp, env=env)
        wheels = sorted(out.glob(f"{PACKAGE}-*-py3-none-any.whl"))
        if done.returncode != 0 or len(wheels) != 1:
            raise WheelError(f"building the {PACKAGE} wheel from {METADATA_DIR}/pyproject.toml failed "
                             f"(exit {done.returncode}); run: {' '.join(command[:-1])} <copy of src/{PACKAGE}>\n"
                             f"{done.stdout}{done.stderr}")
        write_atomic(folder / wheels[0].name, wheels[0].read_bytes())
