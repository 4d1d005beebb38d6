"""Every process a chain started, found and ended: process groups and sessions are not enough.

Why: a block can start a process in a new session (``start_new_session=True``, ``setsid``,
a daemon's double fork); killing the chain's process group never reaches it, and it used to
keep running after the build.  A chain's process is a *child subreaper*, so whatever its
descendants orphan is re-parented to it instead of init, and the parent ends the whole tree
(found by walking ``/proc``) before the chain process itself.  Linux only; elsewhere these
functions do nothing and the process-group kill still applies.
"""
from __future__ import annotations

import ctypes
import os
import signal

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> None:
    """Orphaned descendants of this process become its children (not init's)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _parents() -> dict[int, int]:
    """pid -> parent pid of every live (not zombie) process we can see."""
    parents: dict[int, int] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return parents
    for name in entries:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields and fields[0] != b"Z":
            parents[int(name)] = int(fields[1])
    return parents


def children(pid: int) -> list[int]:
    """Live direct children of ``pid``."""
    return [child for child, parent in _parents().items() if parent == pid]


def descendants(pid: int) -> list[int]:
    """Live descendants of ``pid`` (children first), from one reading of /proc."""
    children: dict[int, list[int]] = {}
    for child, parent in _parents().items():
        children.setdefault(parent, []).append(child)
    found, todo = [], list(children.get(pid, []))
    while todo:
        child = todo.pop(0)
        found.append(child)
        todo.extend(children.get(child, []))
    return found


def kill_descendants(pid: int, rounds: int = 50) -> None:
    """SIGKILL every descendant of ``pid``, reading /proc again until none is left (a process
    forked while we killed is found on the next round).  ``pid`` itself should be alive and
    stopped meanwhile: as the subreaper it collects the orphans of what we kill."""
    for _ in range(rounds):
        found = descendants(pid)
        if not found:
            return
        for child in found:
            _signal(child, signal.SIGKILL)


def kill_tree(pid: int) -> None:
    """Stop ``pid``, end all its descendants, then ``pid`` (only for our own children: their pids
    cannot be reused while unreaped)."""
    _signal(pid, signal.SIGSTOP)
    kill_descendants(pid)
    _signal(pid, signal.SIGKILL)


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
