"""A warm process that has imported torch once and forks one child per chain.

Started by the build as ``python -m execdocs.zygote ADDRESS``.  Each connection to
ADDRESS gets its own forked child, which receives a chain, answers with its pid (so
the parent can kill it on a timeout) and then streams one result per block.  The
zygote exits when its standard input closes, i.e. when the build that started it ends.
"""
from __future__ import annotations

import os
import signal
import sys
import threading
from multiprocessing.connection import Listener

from .runner import preload, run_chain


def _exit_when_parent_goes() -> None:
    sys.stdin.read()
    os._exit(0)


def _child(conn) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # blocks may use subprocess
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        chain, docs_dir, sys_path, threads = conn.recv()
        sys.path[:] = sys_path
        os.environ["EXECDOCS_THREADS"] = str(threads)  # the count the cache key was computed with
        conn.send(("pid", os.getpid()))
        run_chain(chain, conn.send, docs_dir)
    finally:
        conn.close()
        os._exit(0)


def serve(address: str) -> None:
    preload()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    listener = Listener(address, family="AF_UNIX")
    threading.Thread(target=_exit_when_parent_goes, daemon=True).start()
    print("ready", flush=True)
    while True:
        conn = listener.accept()
        if os.fork() == 0:
            listener.close()
            _child(conn)
        conn.close()


if __name__ == "__main__":
    serve(sys.argv[1])
