"""Processes a block forks with ``os.fork()`` and that run on past the block's end.

Why: after ``os.fork()`` without ``os._exit`` the child returned from the block into the
runner, sent its own result over the chain's connection and exited; the parent's result,
with everything printed before the fork, was lost and ``make accept`` recorded empty output
without a word.  Now a forked child that reaches the end of the block exits there, silently
for the connection, after telling the block's process through a pipe only fork children
hold (the pipe is close-on-exec: subprocesses never see it).  The block's process then
reports every such child, and one still running when the block ends, as a failure.
"""
from __future__ import annotations

import os
import select
import time

GRACE_S = 2.0  # how long a block's process waits for its forked children to end


class ForkWatch:
    """Created before a block runs, in the block's process; every ``os.fork()`` child inherits it."""

    def __init__(self) -> None:
        self.owner = os.getpid()
        self._read, self._write = os.pipe()

    def in_fork(self) -> bool:
        """True in a child the block forked that has come back out of the block."""
        return os.getpid() != self.owner

    def leave(self, exited: bool = False, code: object = 0) -> None:
        """In such a child: exit at once, never touching the chain's connection; say so unless it
        ended itself inside the block (``sys.exit`` in the child is a normal way to end it)."""
        try:
            if not exited:
                os.write(self._write, f"{os.getpid()}\n".encode())
        finally:
            os._exit(code if isinstance(code, int) else 0 if code is None else 1)

    def outlived(self) -> str | None:
        """In the block's process: a failure naming the forked children that outlived the block."""
        os.close(self._write)
        pids, data, deadline = [], b"", time.monotonic() + GRACE_S
        while (left := deadline - time.monotonic()) > 0 and select.select([self._read], [], [], left)[0]:
            chunk = os.read(self._read, 4096)
            if not chunk:
                break
            data += chunk
        else:
            pids.append("one still running")
        os.close(self._read)
        pids[:0] = data.decode().split()
        if not pids:
            return None
        return (f"a process the block forked with os.fork() ran past the end of the block ({', '.join(pids)}): "
                "end a forked child with os._exit(0) inside the block (or use subprocess or multiprocessing and "
                "wait for it); its output would otherwise replace the block's")
