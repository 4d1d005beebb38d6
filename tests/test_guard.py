"""Guard: every python-looking fence in docs/ is one pytest-codeblocks actually collects."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from pytest_codeblocks.main import extract_from_file

from execdocs.parse.page import chains, parse_page, uncollected_python_fences

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
OPENING = re.compile(r"^(\s*)(`{3,})\s*(.*?)\s*$")


def python_fence_lines(text: str) -> list[int]:
    """Opening lines of ```python fences, by a plain scan (skipping fence bodies)."""
    found, lines, i = [], text.splitlines(), 0
    while i < len(lines):
        m = OPENING.match(lines[i])
        if not m:
            i += 1
            continue
        ticks, info = m.group(2), m.group(3)
        if info == "python":
            found.append(i + 1)
        i += 1
        while i < len(lines) and not lines[i].lstrip().startswith(ticks):
            i += 1
        i += 1
    return found


@pytest.mark.parametrize("spelling", ["```py", "```python3", '```python title="x.py"', "```{.python}",
                                      "```pycon", "```ipython3", "    ```py", "````python hl_lines=\"1\""])
def test_detector_flags_every_forbidden_spelling(spelling):
    ticks = spelling.strip()[:4].count("`") * "`"
    text = f"# t\n\n{spelling}\nprint(1)\n{ticks}\n"
    assert uncollected_python_fences(text) == [3]
    # and pytest-codeblocks would indeed not run it as python:
    assert all(b.syntax != "python" for b in parse_like_codeblocks(text))


@pytest.mark.parametrize("spelling", ["```python", "    ```python", "```text", "```console", "```"])
def test_detector_accepts_allowed_fences(spelling):
    assert uncollected_python_fences(f"{spelling}\nx\n```\n") == []


def parse_like_codeblocks(text: str):
    import io
    from pytest_codeblocks.main import extract_from_buffer
    return extract_from_buffer(io.StringIO(text))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_no_uncollected_python_fences(path):
    bad = uncollected_python_fences(path.read_text())
    assert bad == [], f"{path.name}: python-like fences pytest-codeblocks ignores at lines {bad}; use ```python"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_every_python_fence_is_collected(path):
    text = path.read_text()
    fences = python_fence_lines(text)
    collected = [b for b in extract_from_file(path) if b.syntax == "python"]
    blocks = parse_page(text, path.name)
    # cont blocks are merged into their chain head by pytest-codeblocks: count them there
    assert len(fences) == len(blocks), "the engine missed or invented a ```python fence"
    assert sorted(b.line for b in blocks) == fences
    assert len(collected) == len(chains(blocks)) == len(fences) - sum(b.cont for b in blocks)
    assert [b.lineno for b in collected] == [c.head.line for c in chains(blocks)]


def test_codeblocks_runs_get_a_temporary_artifacts_dir_removed_at_the_end(tmp_path):
    """The root conftest points EXECDOCS_ARTIFACTS outside the repository for pytest --codeblocks."""
    import os
    import subprocess
    import sys

    root = DOCS.parent
    seen = tmp_path / "seen.txt"
    page = tmp_path / "page.md"
    page.write_text("```python\nimport os, pathlib\nout = pathlib.Path(os.environ['EXECDOCS_ARTIFACTS'])\n"
                    f"(out / 'a.txt').write_text('x')\npathlib.Path({str(seen)!r}).write_text(str(out))\n```\n")
    env = {k: v for k, v in os.environ.items() if k != "EXECDOCS_ARTIFACTS"}
    env["PYTHONPATH"] = os.pathsep.join([str(root), str(root / "src")])
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "conftest", "--codeblocks", str(page)],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    used = Path(seen.read_text())
    assert used.is_absolute() and root not in used.parents and not used.exists()
