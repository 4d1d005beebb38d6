"""Hardening v2 (issue 28, case 5): no block can exhaust the machine.

A chain has a memory limit (``<!--exec: memory=MIB-->``, 4096 MiB by default) and is stopped
with an error naming the block when it goes over; a figure over 16 in a side is refused before
it is drawn (a 100 x 100 in figure used to take the build past 2 GiB, a 40 x 40 in one published
a 4020 px image); a killed build's ``execdocs-zygote-*`` folders are removed by the next build.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import socket
import tempfile
import time

from enginekit import build, py, write_site
from execdocs.model import Options
from execdocs.run import execute


def problems(session, page: str) -> list[tuple[str, str]]:
    return [(p.where, p.detail) for p in session.problems if p.page == page]


def test_a_chain_over_its_memory_limit_is_stopped_naming_the_block(tmp_path):
    hog = "import time\nprint('allocating')\nheld = b'x' * (400 * 2**20)\ntime.sleep(30)\nprint('never')"
    settings = write_site(tmp_path, {"m.md": "# M\n\n" + py("print('small')") + "\n"
                                     + py(hog, "<!--exec: memory=200-->")})
    started = time.monotonic()
    found = problems(build(settings, accept=True), "m.md")
    assert time.monotonic() - started < 25, "the chain ran on to its sleep instead of being stopped"
    assert [where for where, _ in found] == ["m.md:8"]
    assert "over its memory limit of 200 MiB" in found[0][1] and "<!--exec: memory=MIB-->" in found[0][1]


def test_every_chain_has_a_default_memory_limit():
    assert Options().memory == 4096.0
    assert Options(memory=512).memory == 512.0


def test_a_figure_over_the_size_limit_is_a_problem_at_its_block(tmp_path):
    huge = "import matplotlib.pyplot as plt\nplt.figure(figsize=(100, 100))\nplt.plot([1, 2])"
    large = "import matplotlib.pyplot as plt\nplt.figure(figsize=(40, 40))\nplt.plot([1, 2])"
    settings = write_site(tmp_path, {"f.md": "# F\n\n" + py(huge) + "\n" + py(large) + "\n"
                                     + py("import matplotlib.pyplot as plt\nplt.figure(figsize=(7, 3))\nplt.plot([1])")})
    started = time.monotonic()
    session = build(settings, accept=True)
    assert time.monotonic() - started < 60
    found = problems(session, "f.md")
    assert [where for where, _ in found] == ["f.md:3", "f.md:9"]
    assert "100 x 100 in" in found[0][1] and "over the limit of 16 in a side" in found[0][1]
    assert "40 x 40 in" in found[1][1]
    assert not session.figures or all(len(png) < 5_000_000 for png in session.figures.values())


def _folder(base: str, name: str) -> str:
    path = os.path.join(base, execute.ZYGOTE_PREFIX + name)
    os.makedirs(path)
    return path


def test_a_killed_builds_zygote_folders_are_removed_by_the_next_build():
    base = tempfile.gettempdir()
    tag = f"test28-{os.getpid()}-"
    unlocked = _folder(base, tag + "unlocked")
    open(os.path.join(unlocked, "lock"), "w").close()
    refusing = _folder(base, tag + "refusing")  # an older engine's folder: socket left, no zygote
    with socket.socket(socket.AF_UNIX) as dead:
        dead.bind(os.path.join(refusing, "socket"))
    live = _folder(base, tag + "live")
    holder = os.open(os.path.join(live, "lock"), os.O_CREAT | os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)
    starting = _folder(base, tag + "starting")  # no lock, no socket yet, just made: kept
    fresh = None
    try:
        fresh = execute.zygote_directory()
        assert not os.path.exists(unlocked) and not os.path.exists(refusing)
        assert os.path.isdir(live) and os.path.isdir(starting)
    finally:
        os.close(holder)
        for path in (unlocked, refusing, live, starting, fresh):
            if path:
                shutil.rmtree(path, ignore_errors=True)
