"""files: the one atomic write helper (cache entries, records, notebooks)."""
from __future__ import annotations

import pytest

from execdocs.store import files
from execdocs.store.files import write_atomic


def test_writes_only_real_changes(tmp_path):
    target = tmp_path / "sub" / "f.txt"
    assert write_atomic(target, b"a")
    mtime = target.stat().st_mtime_ns
    assert not write_atomic(target, b"a") and target.stat().st_mtime_ns == mtime
    assert write_atomic(target, b"b") and target.read_bytes() == b"b"
    assert [p.name for p in target.parent.iterdir()] == ["f.txt"]


def test_interrupted_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "entry.pickle"
    write_atomic(target, b"old")

    def interrupted(fd):
        raise KeyboardInterrupt  # Ctrl-C in the middle of writing

    monkeypatch.setattr(files.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new, half written")
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir()] == ["entry.pickle"]
    assert target.read_bytes() == b"old"
