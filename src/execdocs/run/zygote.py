"""A warm process that has imported torch once and forks one child per chain.

Started by :class:`execdocs.run.execute.Zygote` as ``python -m execdocs.run.zygote ADDRESS``.
Each connection to ADDRESS gets its own forked child, which receives a chain, answers
with its pid, waits for the parent's go-ahead (so the parent holds a pidfd before the
child can exit) and then streams one result per block.  Each child leads its own
process group (the parent kills a chain with whatever it started) and dies with the
zygote (``PR_SET_PDEATHSIG``).  The zygote exits, killing its children and removing
the directory holding ADDRESS, when its standard input closes (the parent ended or
died) or on SIGTERM, so no chain, socket or temp dir outlives the build.
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import sys
import threading
import time
from multiprocessing.connection import Listener

from . import procs
from .landlock import forbid_writes
from .runner import preload, run_chain

PR_SET_PDEATHSIG = 1
_children: set[int] = set()  # forked chains not yet reaped (their pids cannot be reused)
_children_lock = threading.RLock()  # re-entrant: the SIGTERM handler may run while main holds it


def _reap() -> None:
    """Reap exited chains on a thread (a SIGCHLD handler could run inside the lock it needs).

    The main thread holds the lock from before a fork until the pid is registered, so a
    chain that exits at once is still removed after it was added, never before."""
    while True:
        try:
            pid, _ = os.waitpid(-1, 0)
        except ChildProcessError:  # no children right now
            time.sleep(0.05)
            continue
        with _children_lock:
            _children.discard(pid)
            _end_adopted()


def _end_adopted() -> None:
    """Processes a dead chain orphaned were re-parented to us (a subreaper): end them."""
    for child in procs.children(os.getpid()):
        if child not in _children:
            procs.kill_tree(child)


def _shutdown(directory: str) -> None:
    """Kill every live chain's process group, remove our directory, exit."""
    with _children_lock:
        for pid in _children:
            procs.kill_tree(pid)  # the chain and everything it started, in any session
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        _end_adopted()
    shutil.rmtree(directory, ignore_errors=True)
    os._exit(0)


def _shutdown_at_eof(directory: str) -> None:
    """The parent closes our stdin when it is done with us (or dies): shut down then."""
    sys.stdin.read()
    _shutdown(directory)


def _die_with_parent() -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the parent's kill on exit still applies
        pass


def _stdin_from_devnull() -> None:
    """A block that reads standard input gets end-of-file at once.

    Why: the zygote's stdin is the build's pipe, which stays open, so ``input()`` used to wait
    for the block's time limit.  The inherited ``sys.stdin`` object is not touched (its lock
    may be held by the zygote's watcher thread, forever in this child); ``sys.__stdin__`` keeps
    it alive, so it is never finalised either."""
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    sys.stdin = open(0, closefd=False)  # the process's stdin for its lifetime


def _child(conn, zygote_pid: int) -> None:
    os.setpgid(0, 0)
    _die_with_parent()
    procs.become_subreaper()  # what the chain's processes orphan stays ours to end
    if os.getppid() != zygote_pid:  # the zygote died before prctl took effect
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _stdin_from_devnull()
    try:
        chain, docs_dir, sys_path, threads, run_dir, guarded = conn.recv()
        sys.path[:] = sys_path
        if guarded:  # this child only: everything but its run dir becomes read-only to it
            forbid_writes([run_dir])
        conn.send(("pid", os.getpid()))
        if conn.recv() == "go":
            run_chain(chain, conn.send, docs_dir, run_dir, threads)  # the count the cache key has
            # stay alive until the parent has ended our descendants (it closes the connection
            # after): an exited chain could no longer collect what its processes orphan
            with contextlib.suppress(EOFError, OSError):
                conn.recv()
    finally:
        conn.close()
        os._exit(0)


def _fork_child(conn, listener) -> None:
    """Fork a chain's child and register it before the reaper can see it exit."""
    zygote_pid = os.getpid()
    with _children_lock:
        pid = os.fork()
        if pid == 0:
            listener.close()
            _child(conn, zygote_pid)
        _children.add(pid)
    conn.close()


def serve(address: str) -> None:
    directory = os.path.dirname(address)
    procs.become_subreaper()  # a chain that dies early orphans its processes to us, not init
    try:
        preload()
    except Exception:  # noqa: BLE001 - a chain that needs the module re-imports it and reports the error
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, lambda *_: _shutdown(directory))
    listener = Listener(address, family="AF_UNIX")
    threading.Thread(target=_reap, daemon=True).start()
    threading.Thread(target=_shutdown_at_eof, args=(directory,), daemon=True).start()
    print("ready", flush=True)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # nobody reads our stdout after "ready": never let a write block on it
    os.close(devnull)
    while True:
        _fork_child(listener.accept(), listener)


if __name__ == "__main__":
    serve(sys.argv[1])
