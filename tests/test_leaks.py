"""Leaks: after a build, a test session, a timed-out block, a SIGKILLed zygote, a killed build
and a Ctrl-C'd `mkdocs serve`, no engine temp dir, socket or process remains.

Each case runs in a child process with a private TMPDIR made by the test, so the check
("nothing named execdocs-* in TMPDIR, no process whose environment has this TMPDIR") cannot
be confused by other people's builds on the same machine.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

from enginekit import ROOT, py, write_site

SLOW_AND_MESSY = {
    "a.md": "# A\n\n" + py("print('fine')") + "\n"
            + py("import subprocess\nsubprocess.Popen(['sleep', '300'])\nprint('left a child behind')",
                 "<!--exec: warnings=expected-->") + "\n"  # Python warns: the child still runs
            + py("import time\ntime.sleep(60)", "<!--exec: timeout=1-->"),
}


@pytest.fixture
def env():
    """The environment of the case's child process: a private TMPDIR, short, under /tmp.

    Short because the zygote's socket lives in TMPDIR when the path fits AF_UNIX's limit
    (pytest's own temp dirs are deep under pytest-xdist); a deeper one would send the zygote
    to /tmp, where this test's checks would not look."""
    tmp = tempfile.mkdtemp(prefix="leaks-", dir="/tmp")
    environ = dict(os.environ, TMPDIR=tmp, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT / "tests")]),
                   NO_MKDOCS_2_WARNING="1", MPLBACKEND="Agg", EXECDOCS_JOBS="2")
    environ.pop("EXECDOCS_ACCEPT", None)
    yield environ
    shutil.rmtree(tmp, ignore_errors=True)


def processes_with(env: dict) -> list[str]:
    """Command lines of live processes whose environment carries this test's TMPDIR."""
    needle = f"TMPDIR={env['TMPDIR']}".encode() + b"\0"
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "environ").read_bytes():
                status = (entry / "status").read_text()
                if "\nState:\tZ" not in status:  # a zombie is already dead, its parent reaps it
                    found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, PermissionError):
            continue
    return found


def assert_nothing_left(env: dict, wait: float = 10.0) -> None:
    deadline = time.monotonic() + wait
    while True:
        dirs = sorted(p.name for p in Path(env["TMPDIR"]).iterdir() if p.name.startswith("execdocs-"))
        procs = processes_with(env)
        if (not dirs and not procs) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert dirs == [], f"engine temp dirs left behind: {dirs}"
    assert procs == [], f"processes left behind: {procs}"


BUILD = """
import sys
from pathlib import Path
from enginekit import build, site_settings
root = Path(sys.argv[1])
settings = site_settings(root)
session = build(settings, accept=True, logs=None)
print("problems:", [p.where for p in session.problems], flush=True)
"""


def run_build(root: Path, env: dict, extra: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", BUILD + extra, str(root)], env=env, capture_output=True,
                          text=True, timeout=300)


def test_build_with_a_timeout_and_a_background_child_leaves_nothing(tmp_path, env):
    write_site(tmp_path / "site", SLOW_AND_MESSY)
    done = run_build(tmp_path / "site", env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "problems: ['a.md:15']" in done.stdout  # the timed-out block, nothing else
    assert_nothing_left(env)


def test_sigkilled_zygote_is_replaced_and_cleaned_up(tmp_path, env):
    write_site(tmp_path / "site", {"a.md": "# A\n\n" + py("print('fine')")})
    extra = textwrap.dedent("""
        import os, signal, time
        from execdocs.run.execute import shared_zygote
        zygote = shared_zygote()
        first = zygote.directory
        os.killpg(zygote.process.pid, signal.SIGKILL)
        (root / "docs" / "a.md").write_text("# A\\n\\n```python\\nprint('again')\\n```\\n")
        session = build(settings, accept=True)
        assert session.results[("a.md", 0)].stdout == "again\\n", session.problems
        assert zygote.directory != first and not os.path.exists(first), "the dead zygote's dir was not removed"
        print("replaced", flush=True)
        """)
    done = run_build(tmp_path / "site", env, extra)
    assert done.returncode == 0 and "replaced" in done.stdout, done.stderr[-2000:]
    assert_nothing_left(env)


def test_build_killed_mid_run_leaves_nothing(tmp_path, env):
    """SIGKILL of the build: the zygote sees its stdin close, kills the chains and removes its dir."""
    write_site(tmp_path / "site", {"a.md": "# A\n\n" + py("import time\nprint('start', flush=True)\ntime.sleep(120)",
                                                           "<!--exec: timeout=200-->")})
    child = subprocess.Popen([sys.executable, "-c", BUILD, str(tmp_path / "site")], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        while not any("execdocs-run-" in p.name for d in Path(env["TMPDIR"]).glob("execdocs-zygote-*")
                      for p in d.iterdir()):
            assert time.monotonic() < deadline and child.poll() is None, "the chain never started"
            time.sleep(0.2)
        child.kill()
        child.wait(30)
    finally:
        if child.poll() is None:
            child.kill()
    assert_nothing_left(env)


def test_a_test_session_leaves_nothing(tmp_path, env):
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(ROOT / "tests" / "test_execute.py"), "-k", "fresh or parallel"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:]
    assert_nothing_left(env)


def free_port() -> int:
    for port in range(8351, 8399):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip("no free port in 8351-8398")


def test_ctrl_c_on_mkdocs_serve_leaves_nothing(tmp_path, env):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Index\n\n" + py("print('served')"))
    env.update(E2E_DOCS_DIR=str(docs), EXECDOCS_CACHE=str(tmp_path / "cache"),
               EXECDOCS_RECORDS=str(tmp_path / "records"))
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-f", str(ROOT / "tests" / "e2e" / "mkdocs.yml"),
                               "-a", f"127.0.0.1:{port}", "--no-livereload"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline, body = time.monotonic() + 180, ""
        while "served" not in body:
            assert time.monotonic() < deadline and server.poll() is None, "mkdocs serve never served the page"
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=5).read().decode()
            except OSError:
                time.sleep(0.3)
        server.send_signal(signal.SIGINT)
        server.wait(60)
    finally:
        if server.poll() is None:
            server.kill()
    assert_nothing_left(env)
