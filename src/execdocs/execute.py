"""Execute, parent side: run chains in parallel, each in a process forked from a warm zygote.

The zygote (``execdocs.zygote``) imports torch once; each chain is then a cheap fork
of it.  A thread per concurrent chain waits on that chain's connection with the
block's time limit, so a hang, ``os._exit`` or a signal costs one chain, is reported
against its block, and never stalls the pool.
"""
from __future__ import annotations

import atexit
import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Client
from typing import Callable, Iterable

from .model import BlockResult, Chain
from .runner import WORKDIR_PREFIX, thread_count

_zygote: tuple[subprocess.Popen, str] | None = None
_zygote_lock = threading.Lock()
_live: set[int] = set()  # pids of chains running now


def zygote_address() -> str:
    """Start the zygote on first use (only when something must run) and return its socket."""
    global _zygote
    with _zygote_lock:
        if _zygote is not None and _zygote[0].poll() is None:
            return _zygote[1]
        address = os.path.join(tempfile.mkdtemp(prefix="execdocs-zygote-"), "socket")
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        process = subprocess.Popen([sys.executable, "-m", "execdocs.zygote", address],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
                                   start_new_session=True)
        if process.stdout.readline().strip() != b"ready":
            raise RuntimeError(f"the execution zygote failed to start (exit code {process.poll()})")
        _zygote = (process, address)
        atexit.register(stop_zygote)
        return address


def stop_zygote() -> None:
    global _zygote
    if _zygote is not None:
        process = _zygote[0]
        process.stdin.close()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
        _zygote = None


def default_jobs() -> int:
    """One chain per core; ``EXECDOCS_JOBS`` overrides (``1`` to serialise GPU work)."""
    if os.environ.get("EXECDOCS_JOBS"):
        return max(1, int(os.environ["EXECDOCS_JOBS"]))
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _failed(reason: str, device: str = "?") -> BlockResult:
    return BlockResult(failure=reason, device=device)


def run_one(chain: Chain, docs_dir: str) -> list[BlockResult]:
    """Run a chain to completion, a timeout or a crash; one result per block run."""
    try:
        conn = Client(zygote_address(), family="AF_UNIX")
        conn.send((chain, docs_dir, list(sys.path), thread_count()))
        pid = conn.recv()[1]
    except (OSError, EOFError, RuntimeError) as err:
        return [_failed(f"could not start a worker process: {err}")]
    _live.add(pid)
    results: list[BlockResult] = []
    try:
        for block in chain.blocks:
            if not conn.poll(block.options.timeout):
                results.append(_failed(f"timed out after {block.options.timeout:g} s (the time limit; "
                                       "raise it with <!--exec: timeout=SECONDS-->)"))
                break
            try:
                result = conn.recv()
            except (EOFError, OSError):
                results.append(_failed(_crash_reason(pid)))
                break
            results.append(result)
            if result.exception is not None or result.failure is not None:
                break
    finally:
        _kill(pid)
        _live.discard(pid)
        conn.close()
    return results


def _kill(pid: int) -> None:
    """Kill a chain's process and remove the working directory it can no longer clean."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    for leftover in glob.glob(os.path.join(tempfile.gettempdir(), f"{WORKDIR_PREFIX}{pid}-*")):
        shutil.rmtree(leftover, ignore_errors=True)


def _crash_reason(pid: int) -> str:
    return (f"the worker process (pid {pid}) died while running this block "
            "(os._exit, a signal, or a crash in native code); the other blocks are unaffected")


def run_chains(chains: Iterable[Chain], docs_dir: str, jobs: int | None = None,
               on_done: Callable[[Chain, list[BlockResult]], None] | None = None
               ) -> dict[Chain, list[BlockResult]]:
    """Run every chain, ``jobs`` at a time, longest-known first is the caller's choice of order."""
    chains = list(chains)
    results: dict[Chain, list[BlockResult]] = {}
    if not chains:
        return results

    def work(chain: Chain) -> None:
        outcome = run_one(chain, docs_dir)
        results[chain] = outcome
        if on_done is not None:
            on_done(chain, outcome)

    pool = ThreadPoolExecutor(max_workers=jobs or default_jobs())
    try:
        list(pool.map(work, chains))
    except KeyboardInterrupt:
        for pid in list(_live):  # stop now, not when the running blocks finish
            _kill(pid)
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return results
