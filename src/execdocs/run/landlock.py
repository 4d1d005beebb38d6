"""Make ``docs/`` and ``records/`` read-only to a chain's process (Linux Landlock).

Why: a block runs with the author's permissions.  ``check.tree_guard`` reports a file a block
wrote into the source tree after the fact; here the write fails where it happens, as a
``PermissionError`` at the block's line, so a page cannot publish a file it dropped into
``docs/`` nor change a record behind the drift gate.

Landlock (Linux 5.13 and later, no privileges needed) only grants: a ruleset names the
write-type rights it handles, and the process keeps them beneath the paths a rule names.  So
every entry beside a guarded folder, and beside each of its ancestors, gets the rights; the
guarded folders do not.  What stays refused besides: creating an entry directly in one of
those ancestors (the project root, say), which no block needs; its temporary files go to its
run dir (``TMPDIR``).  Reading and executing are never restricted.  Where Landlock is missing
(another OS, an older kernel, a container that filters the calls), :func:`forbid_writes` does
nothing and returns False; ``tree_guard`` still reports such writes.

Imports only the standard library.
"""
from __future__ import annotations

import ctypes
import os
import stat
import sys

# The calls share one number on every architecture (syscalls added after Linux 5.x).
CREATE_RULESET, ADD_RULE, RESTRICT_SELF = 444, 445, 446
CREATE_RULESET_VERSION = 1
RULE_PATH_BENEATH = 1
PR_SET_NO_NEW_PRIVS = 38

WRITE_FILE, REMOVE_DIR, REMOVE_FILE = 1 << 1, 1 << 4, 1 << 5
MAKE_ANY = sum(1 << bit for bit in range(6, 13))  # char, dir, reg, sock, fifo, block, sym
REFER, TRUNCATE = 1 << 13, 1 << 14  # ABI 2 (moving files between folders), ABI 3
FILE_RIGHTS = WRITE_FILE | TRUNCATE  # the rights a rule on a file (not a folder) may name


class _Ruleset(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def abi_version() -> int:
    """The kernel's Landlock ABI version; 0 where there is none."""
    if not sys.platform.startswith("linux"):
        return 0
    try:
        return max(0, _libc().syscall(CREATE_RULESET, None, 0, CREATE_RULESET_VERSION))
    except (OSError, AttributeError):
        return 0


def writable_around(guarded: list[str]) -> list[str]:
    """The paths that keep write rights: every entry beside a guarded folder or beside one of
    its ancestors, except what resolves (a link, say) to one of those folders or into one."""
    blocked: set[str] = set()  # the guarded folders and their ancestors
    for folder in guarded:
        path = folder
        while path not in blocked:
            blocked.add(path)
            path = os.path.dirname(path)
    inside = tuple(folder + os.sep for folder in guarded)
    keep = []
    for parent in sorted(blocked - set(guarded)):
        try:
            names = sorted(os.listdir(parent))
        except OSError:
            continue
        for name in names:
            path = os.path.join(parent, name)
            real = os.path.realpath(path)
            if path not in blocked and real not in blocked and not real.startswith(inside):
                keep.append(path)
    return keep


def _allow(libc, ruleset: int, path: str, rights: int) -> None:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return  # gone, or a dangling link: nothing to grant
    try:
        if not stat.S_ISDIR(os.fstat(fd).st_mode):
            rights &= FILE_RIGHTS
        if rights:
            libc.syscall(ADD_RULE, ruleset, RULE_PATH_BENEATH, ctypes.byref(_PathBeneath(rights, fd)), 0)
    finally:
        os.close(fd)


def forbid_writes(folders: list[str]) -> bool:
    """Refuse this process, and every process it starts, any write beneath ``folders``.

    Irreversible for the process: call it in a chain's own child, never in the zygote or the
    build.  Returns whether the restriction is in force."""
    guarded = sorted({os.path.realpath(f) for f in folders if os.path.isdir(f)})
    abi = abi_version()
    if not guarded or abi < 1:
        return False
    libc = _libc()
    handled = WRITE_FILE | REMOVE_DIR | REMOVE_FILE | MAKE_ANY | (REFER if abi >= 2 else 0) \
        | (TRUNCATE if abi >= 3 else 0)
    attr = _Ruleset(handled)
    ruleset = libc.syscall(CREATE_RULESET, ctypes.byref(attr), ctypes.sizeof(attr), 0)
    if ruleset < 0:
        return False
    try:
        for path in writable_around(guarded):
            _allow(libc, ruleset, path, handled)
        if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            return False
        return libc.syscall(RESTRICT_SELF, ruleset, 0) == 0
    finally:
        os.close(ruleset)
