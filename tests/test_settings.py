"""Settings: mkdocs.yml first, then EXECDOCS_* overrides, read in one module and nowhere else."""
from __future__ import annotations

import re
from pathlib import Path

from execdocs.settings import Settings, read_settings

ROOT = Path(__file__).resolve().parents[1]


def test_values_come_from_mkdocs_yml(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_name: x\ndocs_dir: pages\nsite_dir: !ENV [SITE_OUT, public]\n")
    settings = read_settings(tmp_path / "mkdocs.yml", environ={})
    assert settings.docs_dir == tmp_path / "pages" and settings.site_dir == tmp_path / "public"
    assert settings.records_dir == tmp_path / "records"
    assert settings.cache_dir == tmp_path / ".cache" / "execdocs"
    assert settings.report_dir == tmp_path / "drift-report"
    assert not settings.accept and settings.jobs is None and settings.threads == 1 and not settings.disabled
    assert read_settings(tmp_path / "mkdocs.yml", environ={"SITE_OUT": "out"}).site_dir == tmp_path / "out"


def test_environment_overrides(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    env = {"EXECDOCS_ACCEPT": "1", "EXECDOCS_ACCEPT_PAGES": "a.md,../snippets/b.py", "EXECDOCS_JOBS": "3",
           "EXECDOCS_THREADS": "2", "EXECDOCS_DEVICE": "mps", "EXECDOCS_CACHE": str(tmp_path / "c"),
           "EXECDOCS_RECORDS": str(tmp_path / "r"), "EXECDOCS_GPU_SHARDS": "1,3",
           "EXECDOCS_DRIFT_REPORT": str(tmp_path / "report"), "EXECDOCS_DISABLE": "1"}
    s = read_settings(tmp_path / "mkdocs.yml", docs_dir=tmp_path / "d", environ=env)
    assert s.accept and s.accept_pages == {"a.md", "../snippets/b.py"}
    assert s.accepting("a.md") and not s.accepting("c.md")
    assert (s.jobs, s.threads, s.device, s.gpu_shards) == (3, 2, "mps", "1,3")
    assert (s.cache_dir, s.records_dir, s.report_dir) == (tmp_path / "c", tmp_path / "r", tmp_path / "report")
    assert s.docs_dir == tmp_path / "d" and s.disabled
    assert not read_settings(tmp_path / "mkdocs.yml", environ={"EXECDOCS_ACCEPT": "0"}).accept


def test_settings_built_by_hand_still_honour_the_environment(tmp_path, monkeypatch):
    """Tests and benchmarks build Settings directly; the run-time knobs still come from the env."""
    monkeypatch.setenv("EXECDOCS_THREADS", "4")
    monkeypatch.setenv("EXECDOCS_DEVICE", "cuda")
    s = Settings(docs_dir=tmp_path, project_root=tmp_path, records_dir=tmp_path, cache_dir=tmp_path)
    assert (s.threads, s.device) == (4, "cuda")


def test_no_other_module_reads_an_execdocs_variable():
    """One place to look: every EXECDOCS_* name in the engine and hooks is in settings.py
    (EXECDOCS_ARTIFACTS excepted: it is the folder the worker hands a block, not a setting)."""
    readers = {}
    for path in [*(ROOT / "src" / "execdocs").rglob("*.py"), *(ROOT / "hooks").glob("*.py")]:
        names = set(re.findall(r"EXECDOCS_[A-Z_]+", path.read_text())) - {"EXECDOCS_ARTIFACTS"}
        if names and path.name != "settings.py":
            readers[path.relative_to(ROOT).as_posix()] = sorted(names)
    assert readers == {}
