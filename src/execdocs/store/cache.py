"""Cache: reuse a chain's results when nothing that could change them changed.

The key hashes the chain's code and options, the project source it imports, the engine's
own source, torch/torchvision versions and the device kind.  Prose is not in the key, so
prose edits re-run nothing.  Entries are written to a temporary file and renamed into
place (readers never see half an entry); an entry that fails to load is treated as
missing and re-run.
"""
from __future__ import annotations

import ast
import functools
import hashlib
import importlib.metadata
import json
import pickle
import platform
from dataclasses import asdict
from pathlib import Path

from .. import __version__
from ..model import BlockResult, Chain
from .files import write_atomic

ENGINE_DIR = Path(__file__).resolve().parent.parent
# The modules that produce a BlockResult (run, capture, transport, the value itself).  Checks,
# records and rendering read results but never change them, so editing those re-runs nothing.
# That is the run stage and the values it sends back: run/*.py and model.py.
EXECUTION_MODULES = ("model.py", "run/*.py")


@functools.cache
def engine_digest() -> str:
    """A hash of the engine's execution source: changing how output is captured re-runs everything."""
    digest = hashlib.sha256()
    for pattern in EXECUTION_MODULES:
        for path in sorted(ENGINE_DIR.glob(pattern)):
            name = path.relative_to(ENGINE_DIR).as_posix()
            digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@functools.cache
def package_versions() -> dict[str, str]:
    """Versions that change outputs (looked up once per process: metadata lookups are slow)."""
    versions = {"execdocs": __version__, "python": platform.python_version()}
    for name in ("torch", "torchvision", "numpy", "matplotlib"):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


@functools.lru_cache(maxsize=4096)
def imported_modules(code: str) -> frozenset[str]:
    """Top-level names of modules a block imports (unparsable code imports nothing).

    Memoised: ``mkdocs serve`` asks again for every block on every rebuild."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return frozenset()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return frozenset(names)


class ProjectSources:
    """Hashes of the project's own importable code, so editing cnnlab re-runs its users."""

    def __init__(self, roots: list[Path]):
        self.roots = roots
        self._memo: dict[str, str | None] = {}

    def digest(self, module: str) -> str | None:
        if module not in self._memo:
            self._memo[module] = self._hash_module(module)
        return self._memo[module]

    def _hash_module(self, module: str) -> str | None:
        for root in self.roots:
            package, single = root / module, root / f"{module}.py"
            files = sorted(package.rglob("*.py")) if package.is_dir() else [single] if single.is_file() else []
            if files:
                digest = hashlib.sha256()
                for path in files:
                    digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
                return digest.hexdigest()
        return None


def chain_key(chain: Chain, sources: ProjectSources, device: str, threads: int = 1) -> str:
    """Content hash of everything that can change the chain's output."""
    local = {}
    for block in chain.blocks:
        for module in sorted(imported_modules(block.code)):
            if (digest := sources.digest(module)) is not None:
                local[module] = digest
    material = {
        "blocks": [{"code": b.code, "marks": b.marks, "options": asdict(b.options)} for b in chain.blocks],
        "local": local,
        "versions": package_versions(),  # cached: one lookup per process
        "engine": engine_digest(),
        "device": device,
        "threads": str(threads),
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


class ResultCache:
    """Pickled result lists on disk, one file per chain key."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.pickle"

    def get(self, key: str) -> list[BlockResult] | None:
        try:
            with open(self._path(key), "rb") as handle:
                value = pickle.load(handle)
        except FileNotFoundError:
            return None
        except Exception:  # noqa: BLE001 - corrupt or from an incompatible engine: re-run
            return None
        if not isinstance(value, list) or not all(isinstance(r, BlockResult) for r in value):
            return None
        return value

    def put(self, key: str, results: list[BlockResult]) -> None:
        write_atomic(self._path(key), pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL))

    def has(self, key: str) -> bool:
        return self._path(key).exists()

    def put_origin(self, key: str, shard: str, seconds: float) -> None:
        """Which CI shard executed an entry (``make site SHARD=k/N``), for the timing page."""
        write_atomic(self._path(key).with_suffix(".origin.json"),
                     json.dumps({"shard": shard, "seconds": round(seconds, 3)}).encode())

    def origin(self, key: str) -> str | None:
        try:
            return json.loads(self._path(key).with_suffix(".origin.json").read_text())["shard"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
