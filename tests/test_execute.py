"""runner (in-process), zygote and execute (forked children): streaming, isolation, limits."""
from __future__ import annotations

import os
import shutil
import tempfile
import time

import pytest

from execdocs.run.execute import run_chains, run_one, zygote_directory
from execdocs.model import Block, Chain, Options
from execdocs.parse.page import chains, parse_page
from execdocs.run.runner import run_block


def blk(code, index=0, line=3, cont=False, page="p.md", **options):
    return Block(page=page, index=index, line=line, end_line=line + code.count("\n") + 1, code=code,
                 cont=cont, options=Options(**options))


# -- runner, in this process ---------------------------------------------------------------------------
def test_run_block_captures_stdout_and_namespace():
    ns = {}
    r = run_block(blk("x = 6 * 7\nprint(x)\n"), ns, "/docs/p.md", "cpu")
    assert r.stdout == "42\n" and r.ok and r.exception is None and ns["x"] == 42 and r.device == "cpu"


def test_run_block_exception_traceback_points_at_page_line():
    r = run_block(blk("a = 1\nb = 2\n1 / 0\n", line=10), {}, "/docs/p.md", "cpu")
    assert r.exception.type == "ZeroDivisionError"
    assert 'File "/docs/p.md", line 13, in <module>' in r.exception.traceback
    assert "runner.py" not in r.exception.traceback
    assert r.ok  # an exception is a result, not an engine failure


def test_run_block_syntax_error_is_an_exception_with_line():
    r = run_block(blk("x = (\n", line=5), {}, "/docs/p.md", "cpu")
    assert r.exception.type == "SyntaxError" and "line 6" in r.exception.traceback


@pytest.mark.parametrize("code, shown", [("import sys\nsys.exit(0)\n", "sys.exit(0)"),
                                         ("raise SystemExit('bye')\n", "sys.exit('bye')")])
def test_run_block_sys_exit_is_a_failure(code, shown):
    r = run_block(blk(code), {}, "/docs/p.md", "cpu")
    assert not r.ok and shown in r.failure and r.exception is None


# -- zygote + execute -----------------------------------------------------------------------------------
PAGE = """# P

```python
a = 1
print("first", a)
```

<!--pytest-codeblocks:cont-->
```python
a += 1
print("second", a)
```

<!--pytest-codeblocks:cont-->
<!--exec: timeout=1.5-->
```python
import time
time.sleep(60)
```

```python
print("fresh", "a" in dir())
```
"""


@pytest.fixture(scope="module")
def page_chains(tmp_path_factory):
    from execdocs.run.execute import shared_zygote
    shared_zygote().address  # start (or reuse) the shared fork server outside the timed tests
    docs = tmp_path_factory.mktemp("docs")
    (docs / "p.md").write_text(PAGE)
    return chains(parse_page(PAGE, "p.md")), str(docs)


def test_cont_chain_shares_namespace_and_a_hang_keeps_earlier_results(page_chains):
    groups, docs = page_chains
    started = time.perf_counter()
    results = run_one(groups[0], docs)
    assert time.perf_counter() - started < 20
    assert [r.stdout for r in results[:2]] == ["first 1\n", "second 2\n"]
    assert len(results) == 3 and "timed out after 1.5 s" in results[2].failure


def test_separate_blocks_get_fresh_namespaces(page_chains):
    groups, docs = page_chains
    assert run_one(groups[1], docs)[0].stdout == "fresh False\n"


def test_chains_run_in_parallel_and_report_each_when_done(tmp_path):
    """Two sleeping chains with jobs=2 overlap in time (checked from their own clocks)."""
    page = "".join("```python\nimport time\nstart = time.time()\ntime.sleep(1)\n"
                   "print(start, time.time())\n```\n\n" for n in range(2))
    (tmp_path / "q.md").write_text(page)
    groups = chains(parse_page(page, "q.md"))
    run_one(groups[0], str(tmp_path))  # warm the zygote
    done = []
    results = run_chains(groups, str(tmp_path), jobs=2, on_done=lambda c, r: done.append(c.head.line))
    assert sorted(done) == sorted(c.head.line for c in groups)
    (s1, e1), (s2, e2) = (map(float, r[0].stdout.split()) for r in results.values())
    assert s1 < e2 and s2 < e1, "the two chains did not run at the same time"


def test_worker_runs_in_temp_dir_with_engine_defaults(tmp_path):
    code = ("import os, torch, matplotlib\nprint(os.path.basename(os.getcwd()).startswith('execdocs-'))\n"
            "print(torch.get_num_threads(), matplotlib.get_backend().lower(), __name__)\n")
    (tmp_path / "r.md").write_text(f"```python\n{code}```\n")
    r = run_one(Chain((blk(code, line=1, page="r.md"),)), str(tmp_path))[0]
    assert r.stdout.startswith("True\n1 agg"), r


def test_figures_come_back_from_the_worker(tmp_path):
    code = ("import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2, 3])\n"
            "ax.set_title('line')\n")
    r = run_one(Chain((blk(code, line=1, page="f.md"),)), str(tmp_path))[0]
    assert len(r.figures) == 1 and r.figures[0].alt.startswith("Figure: “line”: a line goes from 1 to 3") and r.figures[0].png[:4] == b"\x89PNG"


# -- PYTHONHASHSEED: set where the zygote starts, so string-set order is the same in every build --------
def test_string_set_order_is_the_one_of_hash_seed_0(tmp_path, monkeypatch):
    """Two builds are two zygotes (two interpreters).  Each reads PYTHONHASHSEED when it starts;
    setting it inside a running worker changes nothing, so the seed must be in the zygote's
    environment.  A fresh zygote must print what every interpreter with seed 0 prints: the
    64-bit ``hash('execdocs')`` matches only when the seed is the same, so one zygote proves it."""
    import subprocess
    import sys

    from execdocs.run.execute import Zygote

    monkeypatch.delenv("PYTHONHASHSEED", raising=False)  # as in a shell that never set it
    code = "print(list({'alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'}), hash('execdocs'))\n"
    (tmp_path / "p.md").write_text("")
    with Zygote() as zygote:
        (result,) = run_one(Chain((blk(code),)), str(tmp_path), zygote)
    unseeded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                              env={"PATH": "/usr/bin:/bin"}).stdout
    seeded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={"PYTHONHASHSEED": "0", "PATH": "/usr/bin:/bin"}).stdout
    assert result.stdout == seeded != unseeded  # (an unseeded interpreter's hashes are random)


# -- the zygote's folder: its socket path must fit AF_UNIX whatever TMPDIR is --------------------------
def _bind_socket_in(directory: str) -> None:
    from multiprocessing.connection import Listener

    Listener(os.path.join(directory, "socket"), family="AF_UNIX").close()


def test_zygote_folder_is_in_a_short_tmpdir(tmp_path, monkeypatch):
    short = tempfile.mkdtemp(prefix="zy-", dir="/tmp")
    monkeypatch.setattr(tempfile, "tempdir", short)
    try:
        directory = zygote_directory()
        assert os.path.dirname(directory) == short
        _bind_socket_in(directory)
    finally:
        shutil.rmtree(short)


def test_zygote_folder_falls_back_when_tmpdir_is_too_deep_for_a_socket(tmp_path, monkeypatch):
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(deep))
    with pytest.raises(OSError, match="too long"):  # the failure the fallback avoids
        _bind_socket_in(tempfile.mkdtemp(dir=deep))
    directory = zygote_directory()
    try:
        assert not directory.startswith(str(deep))
        _bind_socket_in(directory)
    finally:
        shutil.rmtree(directory)
