"""Hardening (issue 19, part 3): nothing a block does escapes it.

Artifacts are regular files only (a link's target is never published); a path through
``$EXECDOCS_ARTIFACTS/..`` leaves nothing behind; every descendant process ends with its
chain, including one started in a new session; a block that kills the zygote does not fail
an innocent chain; a ``skipif`` condition runs in the worker under the block's time limit;
a block that writes into ``docs/`` or ``records/`` is reported.
"""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from execdocs.run import landlock
from enginekit import build, py, write_site


def alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def test_artifact_symlink_target_is_never_published(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT\n")
    code = f"import os\nos.symlink({str(secret)!r}, os.path.join(os.environ['EXECDOCS_ARTIFACTS'], 'x.txt'))"
    settings = write_site(tmp_path, {"a.md": "# A\n\n" + py(code)})
    session = build(settings, accept=True)
    assert all(b"TOP-SECRET" not in data for data in session.artifacts.values())
    assert [p.where for p in session.problems] == ["a.md:3"]
    assert "regular file" in session.problems[0].detail and "x.txt" in session.problems[0].detail


def test_artifact_size_is_what_is_read_not_what_stat_says(tmp_path):
    """A /proc file stats as 0 bytes; a link to it must not slip under the cap (links are refused)."""
    code = ("import os\nos.symlink('/proc/self/environ', os.path.join(os.environ['EXECDOCS_ARTIFACTS'], 'env.txt'))")
    settings = write_site(tmp_path, {"a.md": "# A\n\n" + py(code)})
    session = build(settings, accept=True)
    assert session.artifacts == {}
    assert [p.where for p in session.problems] == ["a.md:3"]


def test_artifact_cap_counts_bytes_read(tmp_path, monkeypatch):
    from execdocs.run import capture

    folder = tmp_path / "art"
    folder.mkdir()
    (folder / "a.bin").write_bytes(b"x" * 100)
    monkeypatch.setattr(os.path, "getsize", lambda _p: 0)  # what a /proc file would report
    written, problem = capture.ArtifactDir(str(folder), limit=50).collect()
    assert written == () and problem and "limit" in problem


def test_artifacts_dotdot_leaves_nothing_outside(tmp_path):
    code = ("import os\nfor n in range(1, 5):\n"
            "    path = os.path.join(os.environ['EXECDOCS_ARTIFACTS'], *(['..'] * n), 'escaped-hardening-test.txt')\n"
            "    open(path, 'w').write('x')\n"
            "    print(os.path.realpath(path))")
    settings = write_site(tmp_path, {"a.md": "# A\n\n" + py(code)})
    session = build(settings, accept=True)
    paths = sorted(set(session.results[("a.md", 0)].stdout.split()))
    left = [p for p in paths if os.path.exists(p)]
    for p in left:
        os.unlink(p)
    assert left == []
    assert [p.where for p in session.problems] == ["a.md:3"]
    assert "outside $EXECDOCS_ARTIFACTS" in session.problems[0].detail


def test_grandchild_in_a_new_session_ends_with_its_chain(tmp_path):
    code = ("import subprocess\np = subprocess.Popen(['sleep', '300'], start_new_session=True)\nprint(p.pid)")
    settings = write_site(tmp_path, {"a.md": "# A\n\n" + py(code)})
    session = build(settings, accept=True)
    pid = int(session.results[("a.md", 0)].stdout)
    deadline = time.monotonic() + 5
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    still = alive(pid)
    if still:
        os.kill(pid, signal.SIGKILL)
    assert not still, "a process started with start_new_session=True outlived its chain"


def test_block_killing_the_zygote_does_not_fail_an_innocent_chain(tmp_path):
    pages = {"killer.md": "# K\n\n" + py("import os, signal, time\ntime.sleep(0.5)\nos.kill(os.getppid(), signal.SIGKILL)\ntime.sleep(5)"),
             "innocent.md": "# I\n\n" + py("import time\ntime.sleep(2)\nprint('innocent done')")}
    settings = write_site(tmp_path, pages)
    session = build(settings, accept=True)
    assert session.results[("innocent.md", 0)].stdout == "innocent done\n"
    assert [p.where for p in session.problems] == ["killer.md:3"]
    detail = session.problems[0].detail
    assert "unaffected" not in detail and "zygote" in detail


def test_skipif_condition_runs_under_the_block_time_limit(tmp_path):
    marker = "<!--pytest.mark.skipif(\"__import__('time').sleep(8)\", reason='slow')-->\n<!--exec: timeout=1-->"
    settings = write_site(tmp_path, {"a.md": "# A\n\n" + py("print(1)", marker)})
    from execdocs.parse.page import parse

    started = time.monotonic()
    parse((settings.docs_dir / "a.md").read_text(), "a.md")
    assert time.monotonic() - started < 2, "parsing evaluated the skipif condition"
    session = build(settings, accept=True)
    assert [p.where for p in session.problems] == ["a.md:5"]
    detail = session.problems[0].detail
    assert "timed out after 1 s" in detail and "skipif" in detail


def test_skipif_condition_still_decides_in_the_worker(tmp_path):
    marker = "<!--pytest.mark.skipif(\"os.environ.get('EXECDOCS_ARTIFACTS') is not None\", reason='in a worker')-->"
    pages = {"a.md": "# A\n\n" + py("raise SystemExit('must not run')", marker) + "\n" + py("print('runs')")}
    settings = write_site(tmp_path, pages)
    session = build(settings, accept=True)
    assert session.problems == []
    assert ("a.md", 0) not in session.results and session.results[("a.md", 1)].stdout == "runs\n"


def test_block_writing_into_docs_or_records_is_refused_or_reported(tmp_path):
    """Where Landlock exists the writes fail in the block (PermissionError) and nothing lands;
    elsewhere the build reports them.  Writing into the block's own folder still works."""
    docs, records = tmp_path / "docs", tmp_path / "records"
    records.mkdir(exist_ok=True)
    code = (f"for path in [{str(docs / 'sneaky.md')!r}, {str(records / 'x.json')!r}, 'here.txt']:\n"
            "    try:\n        with open(path, 'w') as f:\n            f.write('{}')\n        print('wrote', os.path.basename(path))\n"
            "    except PermissionError:\n        print('refused', os.path.basename(path))\n")
    settings = write_site(tmp_path, {"a.md": "# A\n\n" + py("import os\n" + code)})
    session = build(settings, accept=True)
    if landlock.abi_version() >= 1:
        assert session.results[("a.md", 0)].stdout == "refused sneaky.md\nrefused x.json\nwrote here.txt\n"
        assert not (docs / "sneaky.md").exists() and not (records / "x.json").exists()
        assert session.problems == []
    else:
        kinds = sorted((p.kind, p.page) for p in session.problems)
        assert ("block wrote into the source tree", "a.md") in kinds
        detail = " ".join(p.detail for p in session.problems)
        assert "docs/sneaky.md" in detail and "records/x.json" in detail

def test_block_reading_stdin_gets_end_of_file_at_once(tmp_path):
    """The zygote's stdin is the build's open pipe: a read used to wait for the time limit."""
    code = "import sys, subprocess\nprint(repr(sys.stdin.read()))\n" \
           "print(subprocess.run(['cat'], capture_output=True, text=True, timeout=5).returncode)\n" \
           "try:\n    input('name? ')\nexcept EOFError:\n    print('EOFError')"
    settings = write_site(tmp_path, {"a.md": "# A\n\n" + py(code, "<!--exec: timeout=20-->")})
    started = time.monotonic()
    session = build(settings, accept=True)
    assert session.results[("a.md", 0)].stdout == "''\n0\nname? EOFError\n", session.problems
    assert time.monotonic() - started < 15
