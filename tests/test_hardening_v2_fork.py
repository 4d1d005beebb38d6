"""Hardening v2 (issue 28, case 3): a block that forks keeps its output, and an outliving child is named.

After ``os.fork()`` without ``os._exit`` the child used to come back out of the block, send its
own (empty) result over the chain's connection and exit: everything printed before the fork was
lost and ``make accept`` recorded empty stdout with no problem.
"""
from __future__ import annotations

import time

from enginekit import build, py, write_site


def only(session, page: str):
    return [(p.where, p.detail) for p in session.problems if p.page == page]


def test_fork_without_exit_keeps_the_output_and_names_the_block(tmp_path):
    code = "import os\nprint('before the fork', flush=True)\nos.fork()\nprint('after')"
    settings = write_site(tmp_path, {"f.md": "# F\n\n" + py(code)})
    session = build(settings, accept=True)
    problems = only(session, "f.md")
    assert [where for where, _ in problems] == ["f.md:3"]
    assert "os.fork()" in problems[0][1] and "ran past the end of the block" in problems[0][1]
    (result,) = session.results.values()
    assert result.stdout.startswith("before the fork\n")
    assert not (settings.records_dir / "f.json").exists()


def test_a_child_still_running_after_its_block_is_a_problem(tmp_path):
    code = "import os, time\nif os.fork() == 0:\n    time.sleep(60)\n    os._exit(0)\nprint('parent done')"
    settings = write_site(tmp_path, {"s.md": "# S\n\n" + py(code)})
    started = time.monotonic()
    problems = only(build(settings, accept=True), "s.md")
    assert time.monotonic() - started < 30
    assert [where for where, _ in problems] == ["s.md:3"]
    assert "one still running" in problems[0][1]


def test_a_fork_that_exits_inside_the_block_is_fine(tmp_path):
    code = ("import os, sys\npid = os.fork()\nif pid == 0:\n    os._exit(0)\nos.waitpid(pid, 0)\n"
            "pid = os.fork()\nif pid == 0:\n    sys.exit(0)\nos.waitpid(pid, 0)\nprint('waited')")
    settings = write_site(tmp_path, {"ok.md": "# OK\n\n" + py(code) + "\n" + py("print('next')")})
    session = build(settings, accept=True)
    assert session.problems == []
    assert [r.stdout for r in session.results.values()] == ["waited\n", "next\n"]
