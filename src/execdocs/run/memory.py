"""A chain's memory: what its processes hold of their own, watched while each block runs.

Why: nothing bounded a chain, and one block drawing a 100 x 100 inch figure took the build
past 2 GiB in 17 s (a machine with less memory swaps or kills something else).  The parent
measures the chain's process and its descendants four times a second and kills the chain
when it holds more than the block's limit (``<!--exec: memory=MIB-->``, 4096 MiB by default),
naming the block.  What is counted is each process's *private* memory (``smaps_rollup``'s
Private_* and swap): the pages shared with the warm zygote (torch's libraries) cost nothing.
Linux only: elsewhere nothing is measured and the limit does not apply.
"""
from __future__ import annotations

from . import procs

MIB = 1024 * 1024
POLL_S = 0.25  # seconds between two measurements while a block runs (a /proc walk each)
FIELDS = (b"Private_Clean:", b"Private_Dirty:", b"Swap:")


def private_bytes(pid: int) -> int:
    """Memory only this process holds (0 when it is gone or /proc cannot say)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return 0
    return sum(int(line.split()[1]) * 1024 for line in lines if line.startswith(FIELDS))


def chain_bytes(pid: int) -> int:
    """Private memory of a chain's process and of every process it started."""
    return sum(private_bytes(p) for p in (pid, *procs.descendants(pid)))


def over_limit(pid: int, limit_mib: float) -> str | None:
    """A failure message when the chain holds more than ``limit_mib``, else None."""
    used = chain_bytes(pid)
    if used <= limit_mib * MIB:
        return None
    return (f"the chain used {used / MIB:,.0f} MiB, over its memory limit of {limit_mib:,.0f} MiB, while "
            "running this block, and was stopped: use less memory (smaller tensors, figures, batches) or "
            "raise the limit with <!--exec: memory=MIB--> before the fence")
