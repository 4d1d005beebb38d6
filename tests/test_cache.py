"""cache: keys that ignore prose but see code, options and project sources; robust storage."""
from __future__ import annotations

import os
import pickle

import pytest

from execdocs.store import cache as cache_mod
from execdocs.settings import guess_device_kind
from execdocs.store.cache import ProjectSources, ResultCache, chain_key, imported_modules
from execdocs.model import BlockResult
from execdocs.parse.page import chains, parse_page

PAGE = """# Title

Some prose.

```python
import torch
x = torch.ones(2)
```

<!--pytest-codeblocks:cont-->
```python
print(x.sum())
```
"""


def keys(text, root, device="cpu"):
    sources = ProjectSources([root / "src", root])
    return [chain_key(c, sources, device) for c in chains(parse_page(text, "p.md"))]


def test_prose_edits_keep_the_key(tmp_path):
    edited = PAGE.replace("Some prose.", "Completely different prose,\n\nover several\nlines.\n\n## Heading")
    assert keys(PAGE, tmp_path) == keys(edited, tmp_path)


def test_code_edit_changes_only_its_chain(tmp_path):
    page = PAGE + "\n```python\nprint(1)\n```\n"
    before = keys(page, tmp_path)
    after = keys(page.replace("print(x.sum())", "print(x.mean())"), tmp_path)
    assert before[0] != after[0] and before[1] == after[1]


@pytest.mark.parametrize("marker", ["<!--exec: rtol=1e-2-->", "<!--exec: timeout=5-->", "<!--pytest.mark.xfail-->"])
def test_options_and_marks_change_the_key(tmp_path, marker):
    assert keys(PAGE, tmp_path) != keys(PAGE.replace("```python\nimport", f"{marker}\n```python\nimport"), tmp_path)


def test_device_changes_the_key(tmp_path):
    assert keys(PAGE, tmp_path, "cpu") != keys(PAGE, tmp_path, "cuda")


def test_imported_project_file_changes_the_key(tmp_path):
    pkg = tmp_path / "src" / "mylib"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "layers.py").write_text("K = 3\n")
    (tmp_path / "helper.py").write_text("A = 1\n")
    page = "```python\nfrom mylib.layers import K\nimport helper\nprint(K)\n```\n"
    other = "```python\nprint(2)\n```\n"
    k0, o0 = keys(page, tmp_path), keys(other, tmp_path)
    (pkg / "layers.py").write_text("K = 5\n")
    k1, o1 = keys(page, tmp_path), keys(other, tmp_path)
    (tmp_path / "helper.py").write_text("A = 2\n")
    k2 = keys(page, tmp_path)
    assert k0 != k1 != k2 and k0 != k2
    assert o0 == o1  # a block that does not import the project is unaffected


def test_imported_modules():
    assert imported_modules("import a.b\nfrom c.d import e\nfrom . import f\nimport g as h\n") == {"a", "c", "g"}
    assert imported_modules("def broken(:\n") == set()


def test_put_get_roundtrip(tmp_path):
    cache = ResultCache(tmp_path)
    results = [BlockResult(stdout="hi\n"), BlockResult(stdout="there\n")]
    cache.put("ab" + "0" * 62, results)
    assert cache.get("ab" + "0" * 62) == results
    assert cache.get("cd" + "0" * 62) is None


@pytest.mark.parametrize("garbage", [b"", b"garbage\x00\x01", pickle.dumps(["not results"]), pickle.dumps({"a": 1}),
                                     b"\x80\x05\x95"])
def test_corrupt_entry_is_a_miss(tmp_path, garbage):
    cache = ResultCache(tmp_path)
    key = "ef" + "1" * 62
    cache.put(key, [BlockResult(stdout="x")])
    path = next(tmp_path.rglob("*.pickle"))
    path.write_bytes(garbage)
    assert cache.get(key) is None
    cache.put(key, [BlockResult(stdout="y")])  # re-run result replaces it
    assert cache.get(key) == [BlockResult(stdout="y")]


def test_engine_source_is_in_the_key(tmp_path, monkeypatch):
    """Changing how the engine captures or runs must not keep serving old results."""
    before = keys(PAGE, tmp_path)
    real = cache_mod.engine_digest
    monkeypatch.setattr(cache_mod, "engine_digest", lambda: "another engine")
    assert keys(PAGE, tmp_path) != before
    monkeypatch.setattr(cache_mod, "engine_digest", real)
    engine = tmp_path / "engine"
    engine.mkdir()
    for name in ("model.py", "run/capture.py", "run/zygote.py", "render/page.py", "check/compare.py"):
        (engine / name).parent.mkdir(parents=True, exist_ok=True)
        (engine / name).write_text("A = 1\n")
    monkeypatch.setattr(cache_mod, "ENGINE_DIR", engine)
    first = cache_mod.engine_digest.__wrapped__()
    (engine / "render/page.py").write_text("A = 2\n")  # rendering never changes a result
    (engine / "check/compare.py").write_text("A = 2\n")  # nor does comparing it
    assert cache_mod.engine_digest.__wrapped__() == first
    (engine / "run/capture.py").write_text("A = 2\n")
    second = cache_mod.engine_digest.__wrapped__()
    assert second != first
    (engine / "run/schedule.py").write_text("A = 1\n")  # a new module of the run stage counts too
    assert cache_mod.engine_digest.__wrapped__() != second


def test_package_versions_are_in_the_key(tmp_path, monkeypatch):
    before = keys(PAGE, tmp_path)
    real = cache_mod.package_versions
    monkeypatch.setattr(cache_mod, "package_versions", lambda: {**real(), "torch": "9.9.9"})
    assert keys(PAGE, tmp_path) != before


def test_thread_count_is_in_the_key(tmp_path):
    (chain,) = chains(parse_page(PAGE, "p.md"))[:1]
    sources = ProjectSources([tmp_path])
    assert chain_key(chain, sources, "cpu", 1) != chain_key(chain, sources, "cpu", 4)


def test_device_guess_honours_env(monkeypatch):
    monkeypatch.setenv("EXECDOCS_DEVICE", "mps")
    assert guess_device_kind() == "mps"
