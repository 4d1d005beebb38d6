"""Settings: everything a build may be told, read once, in one place.

Order: values from ``mkdocs.yml`` (``docs_dir``, ``site_dir``), then the ``EXECDOCS_*``
environment overrides.  No other module reads an ``EXECDOCS_*`` variable (``make
accept``, CI's shards and the benchmarks all set them), so this file is the whole list:

====================  ===================================================================
EXECDOCS_ACCEPT       ``1``: re-record outputs into records/ (``make accept``)
EXECDOCS_ACCEPT_PAGES with accept: only these pages (``a.md b.md``, ``../snippets/x.py``)
EXECDOCS_RECORDS      the records folder (default: ``records/`` beside mkdocs.yml)
EXECDOCS_CACHE        the result cache (default: ``.cache/execdocs`` beside mkdocs.yml)
EXECDOCS_JOBS         chains run at once (default: one per core; ``1`` serialises GPU work)
EXECDOCS_THREADS      torch threads per chain (default 1: outputs are bit-reproducible)
EXECDOCS_DEVICE       the device kind records are compared for (default: guessed)
EXECDOCS_GPU_SHARDS   shards that run on a GPU machine (``1,3``)
EXECDOCS_DRIFT_REPORT where the drift report goes (default: ``drift-report/``)
EXECDOCS_DISABLE      ``1``: build without executing anything
EXECDOCS_VARIANT      build under a numeric variant of this machine (``run.variants``; tests)
EXECDOCS_ACCEPT_VARIANTS  the variants accept measures noise with (default ``host scalar sse41``;
                      ``host``: no bands, the benchmark's baseline)
====================  ===================================================================

``EXECDOCS_ARTIFACTS`` is not a setting: it is the folder the engine hands each block.
"""
from __future__ import annotations

import dataclasses
import os
import platform
from collections.abc import Mapping
from pathlib import Path

import yaml


def guess_device_kind(environ: Mapping[str, str] = os.environ) -> str:
    """The device kind without importing torch (the parent process stays light).

    ``EXECDOCS_DEVICE`` overrides; the worker reports the real kind and the build warns
    when they differ.
    """
    if environ.get("EXECDOCS_DEVICE"):
        return environ["EXECDOCS_DEVICE"]
    if Path("/dev/nvidia0").exists() or Path("/proc/driver/nvidia/version").exists():
        return "cuda"
    if platform.system() == "Darwin" and platform.machine() == "arm64":
        return "mps"
    return "cpu"


def _jobs(environ: Mapping[str, str]) -> int | None:
    return max(1, int(environ["EXECDOCS_JOBS"])) if environ.get("EXECDOCS_JOBS") else None


def _threads(environ: Mapping[str, str] = os.environ) -> int:
    """Outputs are bit-reproducible only for a fixed thread count; EXECDOCS_THREADS exists
    to measure what another count changes (benchmarks/tolerance.py), not for builds."""
    return int(environ.get("EXECDOCS_THREADS") or 1)


@dataclasses.dataclass
class Settings:
    """Where a build reads and writes, and how it runs (tests change fields between builds)."""

    docs_dir: Path
    project_root: Path
    records_dir: Path
    cache_dir: Path
    accept: bool = False
    jobs: int | None = dataclasses.field(default_factory=lambda: _jobs(os.environ))  # None: one per core
    accept_pages: frozenset[str] | None = None  # with accept: only these pages' records (None: all)
    device: str = dataclasses.field(default_factory=guess_device_kind)
    threads: int = dataclasses.field(default_factory=_threads)
    gpu_shards: str = ""  # "1,3": the shards with a GPU
    site_dir: Path | None = None
    drift_report_dir: Path | None = None
    disabled: bool = False
    variant: str = "host"  # the numeric variant this build runs under
    accept_variants: tuple[str, ...] = ("host",)  # read_settings: run.variants.ACCEPT_VARIANTS; tests opt in

    def accepting(self, page: str) -> bool:
        return self.accept and (self.accept_pages is None or page in self.accept_pages)

    @property
    def snippets_dir(self) -> Path:
        return self.project_root / "snippets"

    @property
    def rendered_dir(self) -> Path:
        """The build's own folder for the executed notebooks mkdocs-jupyter renders (never docs/)."""
        return self.project_root / ".cache" / "execdocs-notebooks"

    @property
    def report_dir(self) -> Path:
        return self.drift_report_dir or self.project_root / "drift-report"


def read_settings(config_file: str | Path, docs_dir: str | Path | None = None,
                  environ: Mapping[str, str] = os.environ, site_dir: str | Path | None = None) -> Settings:
    """Settings of the project configured by ``config_file``: its values, then the environment.

    ``docs_dir``, ``site_dir``: MkDocs' resolved values when the hooks call (else read from
    the file)."""
    config_file = Path(config_file).resolve()
    root = config_file.parent
    config = read_config(config_file, environ)
    pages = environ.get("EXECDOCS_ACCEPT_PAGES", "").replace(",", " ").split()
    report = environ.get("EXECDOCS_DRIFT_REPORT")
    return Settings(
        docs_dir=Path(docs_dir or root / (config.get("docs_dir") or "docs")).resolve(),
        project_root=root,
        records_dir=Path(environ.get("EXECDOCS_RECORDS") or root / "records"),
        cache_dir=Path(environ.get("EXECDOCS_CACHE") or root / ".cache" / "execdocs"),
        accept=environ.get("EXECDOCS_ACCEPT", "") not in ("", "0"),
        jobs=_jobs(environ),
        accept_pages=frozenset(pages) if pages else None,
        device=guess_device_kind(environ),
        threads=_threads(environ),
        gpu_shards=environ.get("EXECDOCS_GPU_SHARDS", ""),
        site_dir=Path(site_dir or root / (config.get("site_dir") or "site")).resolve(),
        drift_report_dir=Path(report) if report else None,
        disabled=bool(environ.get("EXECDOCS_DISABLE")),
        variant=environ.get("EXECDOCS_VARIANT") or "host",
        accept_variants=tuple(environ.get("EXECDOCS_ACCEPT_VARIANTS", "").split()) or ("host", "scalar", "sse41"),
    )


def read_config(config_file: Path, environ: Mapping[str, str] = os.environ) -> dict:
    """mkdocs.yml without MkDocs (``!ENV [NAME, default]`` honoured, other tags ignored);
    no file: no values (a project of defaults, as tests build)."""
    if not config_file.is_file():
        return {}
    class Loader(yaml.SafeLoader):
        pass

    def env(loader, node):
        sequence = isinstance(node, yaml.SequenceNode)
        names = loader.construct_sequence(node) if sequence else [loader.construct_scalar(node)]
        return next((environ[n] for n in names[:-1] if n in environ), names[-1])

    Loader.add_constructor("!ENV", env)
    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    return yaml.load(config_file.read_text(), Loader=Loader) or {}
