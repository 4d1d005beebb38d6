"""Folders of zygotes that died without cleaning up, removed by the next build.

Why: a zygote removes its folder (socket, the chains' run dirs and what blocks wrote there)
when it ends, but a build killed with the zygote (SIGKILL to both, the OOM killer, a
machine that lost power) left ``execdocs-zygote-*`` in the temporary folder for good.
Each zygote's folder holds ``lock``, flock-ed by the parent and handed to the zygote (and so
to every chain it forks), so the lock is free exactly when none of them is left.  Folders of an older
engine have no lock: they are stale when their socket refuses connections, or when they
have no socket and are older than :data:`UNSTARTED_S`.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import socket
import time

LOCK = "lock"
UNSTARTED_S = 600.0  # a folder whose zygote never bound its socket in this long never will


def hold_lock(directory: str) -> int:
    """Create and lock the folder's lock file; the descriptor must stay open (and be inherited by
    the zygote) for the folder's lifetime."""
    fd = os.open(os.path.join(directory, LOCK), os.O_CREAT | os.O_RDWR, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


def _locked(path: str) -> bool:
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return True  # cannot tell: keep it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


def _socket_dead(path: str) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)  # a live zygote with a full backlog makes connect wait: keep it
        try:
            probe.connect(path)
            return False
        except OSError as err:
            return err.errno == errno.ECONNREFUSED


def stale(folder: str) -> bool:
    """No process of the build that made ``folder`` is alive."""
    if os.path.exists(os.path.join(folder, LOCK)):
        return not _locked(os.path.join(folder, LOCK))
    sock = os.path.join(folder, "socket")
    if os.path.exists(sock):
        return _socket_dead(sock)
    with contextlib.suppress(OSError):
        return time.time() - os.stat(folder).st_mtime > UNSTARTED_S
    return False


def remove_stale(base: str, prefix: str) -> list[str]:
    """Remove the stale zygote folders of ``base`` (only our own user's); return their paths."""
    removed: list[str] = []
    try:
        names = [n for n in os.listdir(base) if n.startswith(prefix)]
    except OSError:
        return removed
    for name in names:
        folder = os.path.join(base, name)
        with contextlib.suppress(OSError):
            if os.lstat(folder).st_uid == os.getuid() and os.path.isdir(folder) and stale(folder):
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
    return removed
