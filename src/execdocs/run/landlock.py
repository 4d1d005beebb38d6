"""A chain may write only in its own run dir: the project, $HOME and the rest read-only (Landlock).

Why: a block runs with the author's permissions.  Making only ``docs/`` and ``records/``
read-only still let a block create ``hooks/x.py`` (run by the next build), delete files in
``src/``, append to ``mkdocs.yml``, drop a hook into ``.git/``, write into ``$HOME`` and append
to the target of a symlinked page.  Now a chain's process keeps write rights beneath exactly
two places: its run dir (its working directory, ``TMPDIR`` and ``$EXECDOCS_ARTIFACTS`` all live
there, and the parent removes it) and ``/dev`` (``/dev/null``, ``/dev/shm`` for shared memory;
device permissions still apply).  Every other write fails where it happens, as a
``PermissionError`` at the block's line; Landlock checks the file a path resolves to, so a
link does not lead out.  Reading and executing are never restricted.

Landlock (Linux 5.13 and later, no privileges needed) only grants: a ruleset names the
write-type rights it handles, and the process keeps them beneath the paths a rule names.
Where Landlock is missing (another OS, an older kernel, a container that filters the calls),
:func:`forbid_writes` does nothing and returns False; the build says so and
``check.tree_guard`` reports what blocks changed in the project instead.

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


WRITABLE_SYSTEM = ("/dev",)  # besides the run dir: /dev/null, /dev/shm, a GPU's device files


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


def available() -> bool:
    """Whether chains can be confined on this machine (the build reports it when not)."""
    return abi_version() >= 1


def forbid_writes(writable: list[str]) -> bool:
    """Refuse this process, and every process it starts, any write outside ``writable`` (and
    :data:`WRITABLE_SYSTEM`).

    Irreversible for the process: call it in a chain's own child, never in the zygote or the
    build.  Returns whether the restriction is in force."""
    abi = abi_version()
    if abi < 1:
        return False
    libc = _libc()
    handled = WRITE_FILE | REMOVE_DIR | REMOVE_FILE | MAKE_ANY | (REFER if abi >= 2 else 0) \
        | (TRUNCATE if abi >= 3 else 0)
    attr = _Ruleset(handled)
    ruleset = libc.syscall(CREATE_RULESET, ctypes.byref(attr), ctypes.sizeof(attr), 0)
    if ruleset < 0:
        return False
    try:
        for path in (*writable, *WRITABLE_SYSTEM):
            _allow(libc, ruleset, os.path.realpath(path), handled)
        if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            return False
        return libc.syscall(RESTRICT_SELF, ruleset, 0) == 0
    finally:
        os.close(ruleset)
