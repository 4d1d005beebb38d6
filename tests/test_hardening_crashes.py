"""Hardening (issue 19, part 2): inputs that used to abort the whole build with a raw traceback.

Each becomes a problem naming ``page:line`` (or the folder), and the build goes on to run
and report every other page: a page that is not UTF-8, marker values that crashed the
executor or the comparison, a full disk under the cache or the records, and ``make accept``
on a malformed record (which the strict build itself tells the author to run).
"""
from __future__ import annotations

import errno
import json
import os
import tempfile

from enginekit import build, py, write_site

GOOD = {"good.md": "# Good\n\n" + py("print('still built')")}


def where(session) -> list[str]:
    return sorted(p.where for p in session.problems)


def test_page_that_is_not_utf8_is_a_problem_and_the_build_goes_on(tmp_path):
    settings = write_site(tmp_path, GOOD)
    (settings.docs_dir / "latin1.md").write_bytes(b"# Caf\xe9\n\nline two\n")
    session = build(settings, accept=True)
    assert where(session) == ["latin1.md:1"]
    problem = session.problems[0]
    assert "UTF-8" in problem.detail and "0xe9" in problem.detail
    assert session.results[("good.md", 0)].stdout == "still built\n"


def test_nan_timeout_and_negative_rtol_do_not_crash_the_build(tmp_path):
    pages = dict(GOOD)
    pages["nan.md"] = "# N\n\n" + py("print(1)", "<!--exec: timeout=nan-->")
    pages["inf.md"] = "# I\n\n" + py("print(1)", "<!--exec: timeout=inf-->")
    pages["rtol.md"] = ("# R\n\n" + py("print(1.5)", "<!--exec: rtol=-1-->")
                        + "\n<!--pytest-codeblocks:expected-output-->\n```text\n1.25\n```\n")
    settings = write_site(tmp_path, pages)
    session = build(settings, accept=True)
    assert where(session) == ["inf.md:3", "nan.md:3", "rtol.md:3"]
    assert all(p.kind == "marker error" for p in session.problems)
    assert session.results[("good.md", 0)].stdout == "still built\n"


def enospc_under(folder, monkeypatch):
    """Make every temporary file created under ``folder`` fail like a full disk."""
    real = tempfile.mkstemp

    def full(*args, **kwargs):
        target = str(kwargs.get("dir") or (args[2] if len(args) > 2 else ""))
        if target.startswith(str(folder)):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", full)


def test_full_disk_under_the_cache_is_reported_and_the_build_goes_on(tmp_path, monkeypatch):
    settings = write_site(tmp_path, GOOD)
    enospc_under(settings.cache_dir, monkeypatch)
    session = build(settings, accept=True)
    assert session.results[("good.md", 0)].stdout == "still built\n"
    assert [p.kind for p in session.problems] == ["cache not written"]
    assert str(settings.cache_dir) in session.problems[0].detail
    assert "No space left on device" in session.problems[0].detail


def test_full_disk_under_the_records_is_reported(tmp_path, monkeypatch):
    settings = write_site(tmp_path, GOOD)
    enospc_under(settings.records_dir, monkeypatch)
    session = build(settings, accept=True)
    kinds = [p.kind for p in session.problems]
    assert kinds and set(kinds) == {"record not written"}
    assert "No space left on device" in session.problems[0].detail
    assert str(settings.records_dir) in session.problems[0].detail


def test_accept_rewrites_a_malformed_record_instead_of_crashing(tmp_path):
    pages = {"a.md": "# A\n\n" + py("print('a')"), "b.md": "# B\n\n" + py("print('b')")}
    settings = write_site(tmp_path, pages)
    assert build(settings, accept=True).problems == []
    record = settings.records_dir / "a.json"
    data = json.loads(record.read_text())
    data["blocks"] = ["junk"]
    record.write_text(json.dumps(data))
    strict = build(settings)
    assert [p.where for p in strict.problems] == ["a.md:3"]
    assert "make accept" in strict.problems[0].detail
    accepted = build(settings, accept=True)  # what the message tells the author to do
    assert accepted.problems == []
    assert build(settings).problems == []


def test_accept_validates_every_record_before_rewriting_any(tmp_path):
    pages = {"a.md": "# A\n\n" + py("print('a')"), "b.md": "# B\n\n" + py("print('b')")}
    settings = write_site(tmp_path, pages)
    assert build(settings, accept=True).problems == []
    (settings.docs_dir / "a.md").write_text("# A\n\n" + py("print('a changed')"))
    (settings.records_dir / "b.json").write_text('{"blocks": ["junk"], "page": 3}')
    before = (settings.records_dir / "a.json").read_bytes()
    session = build(settings, accept=True)
    assert session.problems == []  # the malformed record is rewritten, never a crash
    assert (settings.records_dir / "a.json").read_bytes() != before
    assert json.loads((settings.records_dir / "b.json").read_text())["blocks"][0]["outputs"]


def test_shard_planning_reads_a_non_utf8_page_without_crashing(tmp_path):
    from execdocs.build import Build  # what a shard plans from (scale/shard_run.py)

    settings = write_site(tmp_path, GOOD)
    (settings.docs_dir / "latin1.md").write_bytes(b"# Caf\xe9\n")
    session = Build(settings, lambda _m: None)
    session.plan()
    assert [str(e) for e in session.pages["latin1.md"].errors][0].startswith("latin1.md:1: the file is not UTF-8")
