"""Execute, parent side: run chains in parallel, each in a process forked from a warm zygote.

The zygote (``execdocs.run.zygote``) imports torch once; each chain is then a cheap fork
of it.  :class:`Zygote` is a resource the parent owns: a context manager whose exit
(also on Ctrl-C, and at interpreter exit) kills the zygote's process group and every
running chain's group and removes its directory (socket and the chains' run dirs);
the zygote does the same itself when the parent dies.  A thread per concurrent chain
waits on that chain's connection with the block's time limit, so a hang, ``os._exit``
or a signal costs one chain, is reported against its block, and never stalls the pool.
"""
from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Client

from ..model import BlockResult, Chain
from . import leftovers, memory, procs
from .runner import SEED

ZYGOTE_PREFIX = "execdocs-zygote-"
RUN_PREFIX = "execdocs-run-"
SOCKET_PATH_MAX = 100  # bytes: AF_UNIX socket paths hold 107 on Linux, 103 on macOS


def zygote_directory() -> str:
    """A fresh private folder for the zygote's socket and its chains' run dirs.

    Why not always TMPDIR: a socket path longer than AF_UNIX allows cannot be bound, and a
    deep TMPDIR (pytest's nested temp dirs, a CI workspace) would fail every block.  The
    system's /tmp is the fallback; the folder is removed with the zygote either way."""
    for base in dict.fromkeys((tempfile.gettempdir(), "/tmp")):
        fits = len(os.path.join(base, ZYGOTE_PREFIX + "12345678", "socket").encode()) <= SOCKET_PATH_MAX
        if fits and os.access(base, os.W_OK | os.X_OK):
            leftovers.remove_stale(base, ZYGOTE_PREFIX)  # a killed build's folders
            return tempfile.mkdtemp(prefix=ZYGOTE_PREFIX, dir=base)
    raise RuntimeError(f"no writable temporary folder gives a socket path under {SOCKET_PATH_MAX} bytes "
                       f"(TMPDIR is {tempfile.gettempdir()!r}): set TMPDIR to a shorter folder")


class Zygote:
    """The warm fork server, started on first use and owned until :meth:`close`."""

    def __init__(self, env: dict[str, str] | None = None):
        self.env = dict(env or {})  # a numeric variant's variables (run.variants), read when torch imports
        self.process: subprocess.Popen | None = None
        self.directory: str | None = None
        self._lock = threading.Lock()
        self._live: dict[int, int] = {}  # chain pid -> pidfd (signals never reach a reused pid)
        self.generation = 0  # how many zygotes were started: a chain sees whether its one died
        self.retry_lock = threading.Lock()  # chains re-run after a zygote death run one at a time
        atexit.register(self.close)

    def __enter__(self) -> Zygote:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def address(self) -> str:
        """The zygote's socket, starting it (or a fresh one after it died) when needed."""
        with self._lock:
            directory = self.directory
            if directory is None or self.process is None or self.process.poll() is not None:
                self._discard()
                directory = self._start()
            return os.path.join(directory, "socket")

    def died_since(self, generation: int, wait: float = 0.5) -> bool:
        """Whether the zygote of that generation is gone.  Waits briefly: a chain killed by its
        zygote's death (PR_SET_PDEATHSIG) is signalled before the zygote has finished exiting."""
        with self._lock:
            if self.generation != generation or self.process is None:
                return True
            process = self.process
        try:
            process.wait(wait)
            return True
        except subprocess.TimeoutExpired:
            return False

    def _start(self) -> str:
        """Start the zygote in a fresh directory (returned) and wait for it to say ready."""
        self.generation += 1
        self.directory = directory = zygote_directory()
        lock = leftovers.hold_lock(directory)  # inherited by the zygote: free once it is gone
        # PYTHONHASHSEED is read once, when an interpreter starts: set in the zygote's own
        # environment, it fixes str hashes (set iteration order) for every chain forked from it.
        path = os.pathsep.join(p for p in sys.path if p)
        env = dict(os.environ, **self.env, PYTHONPATH=path, PYTHONHASHSEED=str(SEED))
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "execdocs.run.zygote", os.path.join(directory, "socket")],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, start_new_session=True, pass_fds=(lock,))
        finally:
            os.close(lock)  # the zygote's copy holds the lock for as long as the zygote lives
        stdout = self.process.stdout
        if stdout is None or not any(line.strip() == b"ready" for line in iter(stdout.readline, b"")):
            code = self.process.wait()
            self._discard()
            raise RuntimeError(f"the execution zygote failed to start (exit code {code})")
        stdout.close()
        return directory

    def warm_up(self) -> None:
        """Start the zygote in the background now (``mkdocs serve``: the first edit finds it warm)."""
        def start() -> None:
            try:
                _ = self.address  # starts the zygote
            except RuntimeError:
                pass  # reported when a chain needs it
        threading.Thread(target=start, daemon=True).start()

    def start_chain(self, chain: Chain, docs_dir: str, threads: int = 1, guarded: tuple[str, ...] = ()):
        """Fork a child for ``chain``: (connection, pid, run dir); with ``guarded`` (the folders the
        build watches) the child may write only in its run dir (``run.landlock``).  A zygote found
        dead (killed, crashed) is replaced once before giving up."""
        for attempt in (1, 2):
            try:
                conn = Client(self.address, family="AF_UNIX")
                run_dir = tempfile.mkdtemp(prefix=RUN_PREFIX, dir=self.directory)
                conn.send((chain, docs_dir, list(sys.path), threads, run_dir, guarded))
                pid = conn.recv()[1]
                self._live[pid] = os.pidfd_open(pid)
                conn.send("go")
                return conn, pid, run_dir
            except (OSError, EOFError):
                if attempt == 2 or self.process is None:
                    raise
                try:
                    self.process.wait(2)  # a zygote that is going away; the next address starts another
                except subprocess.TimeoutExpired:
                    raise

    def stop_chain(self, pid: int) -> None:
        """Kill a chain and every process it started: its descendants in any session or group
        (the chain, stopped first, is their subreaper), then the chain and its process group."""
        pidfd = self._live.pop(pid, None)
        if pidfd is None:
            return
        try:
            signal.pidfd_send_signal(pidfd, signal.SIGSTOP)
            procs.kill_descendants(pid)
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
        except ProcessLookupError:
            pass
        finally:
            os.close(pidfd)
        try:
            os.killpg(pid, signal.SIGKILL)  # what the chain started (group outlives its leader)
        except (ProcessLookupError, PermissionError):
            pass

    def stop_all_chains(self) -> None:
        for pid in list(self._live):
            self.stop_chain(pid)

    def _discard(self) -> None:
        """Kill the zygote's group and remove its directory (it may be dead already)."""
        if self.process is not None:
            if self.process.stdin and not self.process.stdin.closed:
                self.process.stdin.close()  # the zygote kills its chains and cleans up
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.process.wait()
        if self.directory:
            shutil.rmtree(self.directory, ignore_errors=True)
        self.process = self.directory = None

    def close(self) -> None:
        self.stop_all_chains()
        with self._lock:
            self._discard()


_shared: Zygote | None = None


def shared_zygote() -> Zygote:
    """One zygote per process for callers that pass none (tests, scripts); closed at exit."""
    global _shared
    if _shared is None:
        _shared = Zygote()
    return _shared


def default_jobs() -> int:
    """One chain per core (``Settings.jobs`` overrides: ``1`` serialises GPU work)."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _failed(reason: str, device: str = "?") -> BlockResult:
    return BlockResult(failure=reason, device=device)


KILLED_ZYGOTE = ("the worker process died together with the execution zygote (the process that "
                 "forks every chain) twice, the second time running alone: a block here ends its parent "
                 "process (os.kill(os.getppid(), ...) or similar); blocks must not signal the processes "
                 "that run them")


def run_one(chain: Chain, docs_dir: str, zygote: Zygote | None = None, threads: int = 1,
            guarded: tuple[str, ...] = ()) -> list[BlockResult]:
    """Run a chain to completion, a timeout or a crash; one result per block run.

    When the zygote died while the chain ran (a block of *some* chain killed it, and every
    running chain died with it), the chain runs again, one such retry at a time: an innocent
    chain then succeeds, and the one that kills the zygote is named by its second death."""
    zygote = zygote or shared_zygote()
    results, zygote_died = _run_once(chain, docs_dir, zygote, threads, guarded)
    if zygote_died:
        with zygote.retry_lock:
            results, zygote_died = _run_once(chain, docs_dir, zygote, threads, guarded)
        if zygote_died:
            results[-1] = _failed(KILLED_ZYGOTE)
    return results


def _run_once(chain: Chain, docs_dir: str, zygote: Zygote, threads: int,
              guarded: tuple[str, ...]) -> tuple[list[BlockResult], bool]:
    """(results, whether the zygote died while the chain's worker died)."""
    try:
        conn, pid, run_dir = zygote.start_chain(chain, docs_dir, threads, guarded)
    except (OSError, EOFError, RuntimeError, subprocess.TimeoutExpired) as err:
        return [_failed(f"could not start a worker process: {err}")], False
    generation = zygote.generation
    try:
        results, died = _collect(chain, conn, pid)
        return results, died and zygote.died_since(generation)
    finally:
        zygote.stop_chain(pid)
        conn.close()
        shutil.rmtree(run_dir, ignore_errors=True)


def _wait(conn, pid: int, block) -> str | None:
    """Wait for the block's result within its time and memory limits; why it was stopped, or None."""
    deadline = time.monotonic() + block.options.timeout
    while not conn.poll(max(0.0, min(memory.POLL_S, deadline - time.monotonic()))):
        if time.monotonic() >= deadline:
            return (f"timed out after {block.options.timeout:g} s (the time limit; "
                    "raise it with <!--exec: timeout=SECONDS-->)")
        if (over := memory.over_limit(pid, block.options.memory)) is not None:
            return over
    return None


def _collect(chain: Chain, conn, pid: int) -> tuple[list[BlockResult], bool]:
    """The chain's results, and whether its worker died (rather than timed out or finished)."""
    results: list[BlockResult] = []
    for block in chain.blocks:
        if (stopped := _wait(conn, pid, block)) is not None:
            results.append(_failed(stopped))
            break
        try:
            result = conn.recv()
        except (EOFError, OSError):
            results.append(_failed(f"the worker process (pid {pid}) died while running this block "
                                   "(os._exit, a signal, or a crash in native code); "
                                   "the other blocks are unaffected"))
            return results, True
        results.append(result)
        if result.failure is not None or (result.exception is not None and not block.expects_exception):
            break  # the worker stops there too (runner.run_chain); a block meant to raise goes on
    return results, False


def run_chains(chains: Iterable[Chain], docs_dir: str, jobs: int | None = None,
               on_done: Callable[[Chain, list[BlockResult]], None] | None = None,
               zygote: Zygote | None = None, threads: int = 1,
               guarded: tuple[str, ...] = ()) -> dict[Chain, list[BlockResult]]:
    """Run every chain, ``jobs`` at a time, in the order given (longest first is the caller's choice);
    with ``guarded`` (docs/, records/) given, a chain may write only in its own run dir."""
    chains = list(chains)
    zygote = zygote or shared_zygote()
    results: dict[Chain, list[BlockResult]] = {}
    if not chains:
        return results

    def work(chain: Chain) -> None:
        results[chain] = run_one(chain, docs_dir, zygote, threads, guarded)
        if on_done is not None:
            on_done(chain, results[chain])

    pool = ThreadPoolExecutor(max_workers=jobs or default_jobs())
    futures = [pool.submit(work, chain) for chain in chains]
    try:
        for future in futures:
            future.result()
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)
        _stop_running(zygote, futures)
        raise
    pool.shutdown()
    return results


def _stop_running(zygote: Zygote, futures: list, patience: float = 10.0) -> None:
    """Ctrl-C: stop the running chains now, not when their blocks finish.  A chain whose fork
    was still being set up when the signal came is registered a moment later, so keep stopping
    until every worker has returned (the interpreter waits for them at exit)."""
    deadline = time.monotonic() + patience
    while True:
        zygote.stop_all_chains()
        if all(future.done() for future in futures) or time.monotonic() > deadline:
            return
        time.sleep(0.05)
