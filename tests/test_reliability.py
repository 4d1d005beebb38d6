"""Bad input through the real engine: each case gets a clear problem naming page:line and loses nothing.

All case pages are built together in ONE build (one zygote, two jobs), like a real site with many
broken pages; each test then checks its own page, that the build's other blocks still ran, and that
the problems list names the case.  Cases that need their own build (cache, record, concurrency,
interruption) follow the table.
"""
from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import markdown as md
import pytest

from enginekit import ROOT, build, py, write_site
from execdocs.store.lock import BuildLock

AFTER = py('print("after: still running")')


def page(body: str, tail: str = AFTER) -> str:
    return "# Case\n\n" + body + "\n" + tail


STATE_CHANGES = py("""
    import os, sys, random
    import matplotlib as mpl
    import numpy as np
    import torch
    mpl.rcParams["lines.linewidth"] = 9.0
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(2)
    random.seed(123); np.random.seed(123); torch.manual_seed(123)
    os.makedirs("elsewhere", exist_ok=True)
    os.chdir("elsewhere")
    sys.path.append("/polluted")
    os.environ["X"] = "1"
    print("changed")
    """)
STATE_PROBE = py("""
    import os, sys, random
    import matplotlib as mpl
    import numpy as np
    import torch
    print("linewidth", mpl.rcParams["lines.linewidth"])
    print("dtype", torch.get_default_dtype())
    print("threads", torch.get_num_threads())
    print("random", random.random())
    print("numpy", np.random.rand())
    print("torch", torch.rand(1).item())
    print("cwd", os.path.basename(os.getcwd()).startswith("execdocs-"), "elsewhere" in os.getcwd())
    print("sys.path", "/polluted" in sys.path)
    print("X", os.environ.get("X"))
    """)

CASES = {
    "syntax.md": page(py("def broken(:\n    pass")),
    "exception.md": page(py("x = 1\ny = 2\nraise ValueError('boom at line 6')")),
    "loop.md": page(py("while True:\n    pass", "<!--exec: timeout=2-->")),
    "exit0.md": page(py("import sys\nsys.exit(0)")),
    "exit3.md": page(py("import sys\nsys.exit(3)")),
    "os_exit.md": page(py("import os\nos._exit(1)")),
    "sigkill.md": page(py("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")),
    "huge.md": page(py("for i in range(10 * 1024):\n    print('y' * 1023)")),
    "html.md": page(py("print('<script>alert(1)</script>')\nprint('<b>bold</b> **strong** # heading')\n"
                       "print('| a | b |')\nprint('|---|---|')\nprint('```')")),
    "files.md": page(py("import os\nopen('out.txt', 'w').write('x')\nos.makedirs('sub/dir')\n"
                        "open('sub/dir/f.txt', 'w').write('y')\nprint(sorted(os.listdir('.')))")),
    "state.md": page(STATE_CHANGES + "\n" + STATE_PROBE),
    "marker.md": page(py("print(1)", "<!--pytest-codeblocks:expectedoutput-->")),
    "no_fence.md": page(py("print(1)"), AFTER + "\n<!--pytest-codeblocks:expected-output-->\n\nprose, no fence\n"),
    "xfail_quiet.md": page(py("print('no error')", "<!--pytest.mark.xfail-->")),
    "below_python.md": page(py("import os, subprocess, sys\nos.system('echo from the shell')\n"
                               "subprocess.run([sys.executable, '-c', \"print('x' * 200000)\"])\n"
                               "os.write(2, b'raw stderr\\n')", "<!--exec: timeout=30-->")),
    "cont_after_fail.md": page(py("raise KeyError('k')") + "\n"
                               + py("print('never')", "<!--pytest-codeblocks:cont-->")),
}


def fence_line(name: str, n: int = 0) -> int:
    lines = [i for i, l in enumerate(CASES[name].splitlines(), 1) if l.strip() == "```python"]
    return lines[n]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("reliability")
    settings = write_site(root, CASES)
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    logs: list[str] = []
    started = time.perf_counter()
    session = build(settings, accept=True, logs=logs)
    return {"session": session, "root": root, "settings": settings, "before": before, "logs": logs,
            "seconds": time.perf_counter() - started}


def problems_for(session, page_name):
    return [p for p in session.problems if p.page == page_name]


def result(session, page_name, index=0):
    return session.results[(page_name, index)]


def assert_after_block_ran(session, page_name):
    blocks = session.pages[page_name].blocks
    last = blocks[-1]
    r = session.results[(page_name, last.index)]
    assert r.ok and r.exception is None and r.stdout == "after: still running\n"


def assert_problem(session, page_name, line, *needles):
    found = problems_for(session, page_name)
    assert session.problems, "the build's problem list is empty"
    wheres = [p.where for p in found]
    assert f"{page_name}:{line}" in wheres, f"no problem at {page_name}:{line}; got {wheres}"
    problem = next(p for p in found if p.where == f"{page_name}:{line}")
    for needle in needles:
        assert needle in problem.detail, f"{needle!r} not in:\n{problem.detail}"
    # what the hook logs (title, then detail) must name page:line for the author
    assert f"{page_name}:{line}" in problem.title + "\n" + problem.detail.split("\n", 1)[0]
    return problem


def test_syntax_error(built):
    s = built["session"]
    line = fence_line("syntax.md")
    p = assert_problem(s, "syntax.md", line, "unexpected SyntaxError", "def broken(:")
    assert f'syntax.md", line {line + 1}' in p.detail  # the traceback points into the page
    assert_after_block_ran(s, "syntax.md")


def test_unexpected_exception_traceback_names_page_and_line(built):
    s = built["session"]
    line = fence_line("exception.md")
    p = assert_problem(s, "exception.md", line, "unexpected ValueError: boom at line 6")
    assert f'exception.md", line {line + 3}, in <module>' in p.detail
    assert "raise ValueError('boom at line 6')" in p.detail  # source line shown in the traceback
    assert "runner.py" not in p.detail  # the engine's own frames are hidden
    assert_after_block_ran(s, "exception.md")


def test_infinite_loop_times_out(built):
    s = built["session"]
    r = result(s, "loop.md")
    assert not r.ok and "timed out after 2 s" in r.failure
    assert_problem(s, "loop.md", fence_line("loop.md"), "timed out after 2 s", "timeout=SECONDS")
    assert_after_block_ran(s, "loop.md")


@pytest.mark.parametrize("name, code", [("exit0.md", "0"), ("exit3.md", "3")])
def test_sys_exit(built, name, code):
    s = built["session"]
    assert_problem(s, name, fence_line(name), f"sys.exit({code})")
    assert_after_block_ran(s, name)


@pytest.mark.parametrize("name", ["os_exit.md", "sigkill.md"])
def test_crashed_worker_pool_keeps_working(built, name):
    s = built["session"]
    assert_problem(s, name, fence_line(name), "worker process", "died")
    assert_after_block_ran(s, name)  # a later block (another fork) succeeds


def test_megabytes_of_output_truncated_with_note(built):
    s, root = built["session"], built["root"]
    r = result(s, "huge.md")
    assert r.truncated and r.ok
    assert "[output truncated:" in r.stdout and len(r.stdout) < 200_000
    record = root / "records" / "huge.json"
    assert record.stat().st_size < 200_000
    assert "output truncated" in record.read_text()
    rendered = s.render("huge.md")
    assert len(rendered) < 200_000 and "output truncated" in rendered
    assert problems_for(s, "huge.md") == []
    assert_after_block_ran(s, "huge.md")


def test_output_below_python_is_shown_and_a_flood_cannot_hang_the_build(built):
    """A subprocess printing more than a pipe holds used to block until the time limit."""
    s = built["session"]
    r = result(s, "below_python.md")
    assert r.ok and r.exception is None, r
    assert r.stdout.startswith("from the shell\nxxxx") and "[output truncated:" in r.stdout and r.truncated
    assert r.stderr == "raw stderr\n"
    assert problems_for(s, "below_python.md") == []
    rendered = s.render("below_python.md")
    assert "from the shell" in rendered and "raw stderr" in rendered


def test_html_and_markdown_in_output_rendered_literally(built):
    s = built["session"]
    rendered = s.render("html.md")
    html = md.markdown(rendered, extensions=["attr_list", "md_in_html", "tables", "admonition",
                                             "pymdownx.superfences", "pymdownx.highlight"])
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    output = html.split("Case</h1>", 1)[1].split('class="exec-provenance"', 1)[0]
    assert "<b>bold</b>" not in output and "&lt;b&gt;bold&lt;/b&gt; **strong** # heading" in output
    assert "<strong>" not in output and "<table" not in output and "<h1" not in output
    assert_after_block_ran(s, "html.md")


def test_files_written_by_a_block_stay_out_of_the_tree(built):
    s, root = built["session"], built["root"]
    r = result(s, "files.md")
    assert r.ok and "out.txt" in r.stdout and "sub" in r.stdout
    leaked = [p for p in root.rglob("*") if p.name in ("out.txt", "f.txt", "sub")]
    assert leaked == []
    assert not (ROOT / "out.txt").exists() and not (ROOT / "docs" / "out.txt").exists()
    assert not (Path.cwd() / "out.txt").exists()


def test_global_state_does_not_leak_to_the_next_block(built):
    s = built["session"]
    assert result(s, "state.md", 0).stdout == "changed\n"
    probe = result(s, "state.md", 1)
    assert probe.ok and probe.exception is None, probe
    values = dict(line.split(" ", 1) for line in probe.stdout.splitlines())
    # first draws after seeding 0 (random.seed(0), np.random.seed(0), torch.manual_seed(0))
    assert values == {
        "linewidth": "1.5", "dtype": "torch.float32", "threads": "1",
        "random": "0.8444218515250481", "numpy": "0.5488135039273248", "torch": "0.49625658988952637",
        "cwd": "True False", "sys.path": "False", "X": "None",
    }


def test_unknown_marker(built):
    s = built["session"]
    marker_line = fence_line("marker.md") - 1
    assert_problem(s, "marker.md", marker_line, "unknown marker", "expectedoutput")
    # the rest of the build was not lost
    assert_after_block_ran(s, "exception.md")


def test_expected_output_marker_with_no_fence(built):
    s = built["session"]
    found = problems_for(s, "no_fence.md")
    assert len(found) == 1 and "no fence" in found[0].detail
    last = len(CASES["no_fence.md"].splitlines())
    assert_problem(s, "no_fence.md", last, "no fence")
    assert_after_block_ran(s, "exception.md")


def test_xfail_block_that_does_not_raise(built):
    s = built["session"]
    assert_problem(s, "xfail_quiet.md", fence_line("xfail_quiet.md"), "raised nothing")


def test_cont_block_after_a_failure_is_reported_not_run(built):
    s = built["session"]
    assert_problem(s, "cont_after_fail.md", fence_line("cont_after_fail.md", 0), "unexpected KeyError")
    assert_problem(s, "cont_after_fail.md", fence_line("cont_after_fail.md", 1), "earlier block")
    assert_after_block_ran(s, "cont_after_fail.md")


def test_failed_chains_are_not_cached_successful_ones_are(built):
    s, settings = built["session"], built["settings"]
    entries = list((settings.cache_dir / "results").rglob("*.pickle"))
    for path in entries:  # every entry loads
        with open(path, "rb") as handle:
            assert isinstance(pickle.load(handle), list)
    # the failing/timeout/crash chains must be re-run next time, so they are not cached
    logs: list[str] = []
    again = build(settings, accept=True, logs=logs)
    assert again.results[("loop.md", 0)].failure and "timed out" in again.results[("loop.md", 0)].failure
    assert again.stats["ran"] > 0 and again.stats["cached"] > 0
    assert again.results[("huge.md", 0)].stdout == s.results[("huge.md", 0)].stdout


# -- cases that need a build of their own ---------------------------------------------------------------
SMALL = {"one.md": "# One\n\n" + py("print('one', 6 * 7)") + "\n" + py("print('two')")}


def test_corrupted_cache_entry_is_rerun(tmp_path):
    settings = write_site(tmp_path, SMALL)
    first = build(settings, accept=True)
    assert first.stats == {"ran": 2, "cached": 0, "skipped": 0}
    entries = list((settings.cache_dir / "results").rglob("*.pickle"))
    assert len(entries) == 2
    entries[0].write_bytes(b"garbage, not a pickle")
    second = build(settings, accept=True)
    assert second.stats == {"ran": 1, "cached": 1, "skipped": 0}
    assert second.problems == []
    assert {r.stdout for r in second.results.values()} == {"one 42\n", "two\n"}
    with open(entries[0], "rb") as handle:
        assert isinstance(pickle.load(handle), list)  # rewritten whole


def test_truncated_record_is_a_clear_error(tmp_path):
    settings = write_site(tmp_path, SMALL)
    build(settings, accept=True)
    assert build(settings).problems == []  # strict compare passes right after accept
    record = settings.records_dir / "one.json"
    record.write_text(record.read_text()[:40])
    session = build(settings)
    assert len(session.problems) == 2
    for p in session.problems:
        assert p.where.startswith("one.md:") and "cannot be read" in p.detail and "one.json" in p.detail
        assert "make accept" in p.detail


def test_two_builds_at_once_on_the_same_tree(tmp_path):
    pages = {f"p{n}.md": "# P\n\n" + py(f"import time\ntime.sleep(0.3)\nprint({n} * 11)") for n in range(4)}
    settings = write_site(tmp_path, pages)
    sessions, errors = [], []

    def one():
        try:
            sessions.append(build(type(settings)(**vars(settings)), accept=False))
        except BaseException as err:  # noqa: BLE001
            errors.append(err)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [] and len(sessions) == 2
    for s in sessions:
        assert {k: r.stdout for k, r in s.results.items()} == {(f"p{n}.md", 0): f"{n * 11}\n" for n in range(4)}
    for path in (settings.cache_dir / "results").rglob("*"):
        assert not path.name.startswith(".tmp-")
        if path.is_file():
            with open(path, "rb") as handle:
                pickle.load(handle)


LOCK_HOLDER = """
import sys, time
sys.path.insert(0, {src!r})
from execdocs.store.lock import BuildLock
held = BuildLock({cache!r})
held.acquire(print)
print("held", flush=True)
time.sleep(1.5)
"""


def test_lock_serialises_two_builds(tmp_path):
    cache = tmp_path / "cache"
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER.format(src=str(ROOT / "src"), cache=str(cache))],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        logs: list[str] = []
        started = time.perf_counter()
        lock = BuildLock(cache)
        lock.acquire(logs.append)
        waited = time.perf_counter() - started
        lock.release()
    finally:
        holder.wait(10)
    assert any("another build" in m for m in logs)
    assert waited > 0.5


INTERRUPTED = """
import sys
sys.path.insert(0, {src!r})
from pathlib import Path
from execdocs.build import prepare
from execdocs.settings import Settings
root = Path({root!r})
prepare(Settings(docs_dir=root / "docs", project_root=root, records_dir=root / "records",
                 cache_dir=root / ".cache" / "execdocs", accept=True, jobs=2), lambda m: print(m, flush=True))
print("FINISHED", flush=True)
"""


def test_interrupted_build_then_rerun_completes(tmp_path):
    pages = {"fast.md": "# F\n\n" + py("print('fast')"),
             "slow.md": "# S\n\n" + py("import time\ntime.sleep(40)\nprint('slow')", "<!--exec: timeout=60-->")}
    settings = write_site(tmp_path, pages)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    child = subprocess.Popen([sys.executable, "-c", INTERRUPTED.format(src=str(ROOT / "src"), root=str(tmp_path))],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        seen = []
        for line in child.stdout:  # wait until the fast chain has finished: the slow one is mid-run
            seen.append(line)
            if "fast.md" in line and line.startswith("["):
                break
        else:
            pytest.fail("build never got going:\n" + "".join(seen))
        child.send_signal(signal.SIGINT)
        interrupted = time.perf_counter()
        rest, _ = child.communicate(timeout=60)
        stopped_after = time.perf_counter() - interrupted
    finally:
        if child.poll() is None:
            child.kill()
    assert "FINISHED" not in rest and child.returncode != 0
    # Ctrl-C must stop the build promptly, not wait for the running block (up to its time limit)
    # (the block sleeps 40 s; 15 s leaves room for a machine under heavy load)
    assert stopped_after < 15, f"the build took {stopped_after:.1f} s to stop after Ctrl-C"
    for path in settings.cache_dir.rglob("*"):
        assert not path.name.startswith(".tmp-"), "partial cache entry left behind"
        if path.suffix == ".pickle":
            with open(path, "rb") as handle:
                assert isinstance(pickle.load(handle), list)
    # shorten the slow block so the re-run is quick; the fast one may come from the cache
    (settings.docs_dir / "slow.md").write_text("# S\n\n" + py("print('slow')"))
    session = build(settings, accept=True)
    assert session.problems == []
    assert session.results[("fast.md", 0)].stdout == "fast\n"
    assert session.results[("slow.md", 0)].stdout == "slow\n"
