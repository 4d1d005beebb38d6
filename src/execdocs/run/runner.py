"""Execute, worker side: run one chain of blocks in a fresh, seeded, sandboxed process.

Each chain runs in its own process forked from a warm server that has already
imported torch, numpy and matplotlib (``preload``).  Forking gives every chain a clean
copy of the interpreter for ~tens of milliseconds, so global state a block changes
(rcParams, default dtype, thread count, seeds, cwd, sys.path, environment variables)
dies with it, and a block that crashes or hangs takes down only its own process.
Results are sent block by block, so a hang in block 3 keeps blocks 1-2's results.
"""
from __future__ import annotations

import dataclasses
import linecache
import os
import random
import shutil
import sys
import tempfile
import time
import traceback

from ..lines import split_keepends
from ..model import Block, BlockResult, Chain, ExceptionInfo
from .capture import ArtifactDir, captured_streams, scrape_figures
from .figure_save import FigureTooLarge
from .forks import ForkWatch

SEED = 0


ARTIFACTS_ENV = "EXECDOCS_ARTIFACTS"  # an empty per-chain directory blocks may write files into


def preload() -> None:
    """Imported once in the fork server: the expensive imports every block needs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401
    import numpy  # noqa: F401
    import torch  # noqa: F401
    import torchvision  # noqa: F401


def device_kind() -> str:
    """The device blocks will use, CUDA > MPS > CPU (cnnlab.pick_device agrees)."""
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return "mps"
    return "cpu"


def reset_state(threads: int = 1) -> None:
    """Seed every RNG and put numeric libraries in a known configuration.

    (String hashes are fixed by PYTHONHASHSEED in the zygote's environment: an interpreter
    reads it only when it starts, so setting it here would change nothing.)"""
    random.seed(SEED)
    os.environ.setdefault("MPLBACKEND", "Agg")
    import matplotlib
    import matplotlib.pyplot as plt
    import numpy as np
    import torch

    np.random.seed(SEED)
    torch.manual_seed(SEED)
    torch.set_num_threads(threads)
    matplotlib.rcdefaults()
    matplotlib.use("Agg")
    plt.close("all")


def _compile(block: Block, filename: str):
    """Compile with line numbers of the Markdown file, so tracebacks say page:line."""
    padded = "\n" * block.line + block.code
    entry = linecache.cache.get(filename)
    lines: list[str] = list(entry[2]) if entry is not None and len(entry) > 2 else []
    wanted = split_keepends(padded)
    merged = [new if new.strip() else (lines[k] if k < len(lines) else new)
              for k, new in enumerate(wanted)] + lines[len(wanted):]
    linecache.cache[filename] = (len(padded), None, merged, filename)
    return compile(padded, filename, "exec")


def _exception_info(exc: BaseException) -> ExceptionInfo:
    tb = exc.__traceback__.tb_next if exc.__traceback__ else None  # drop the runner's frame
    formatted = "".join(traceback.format_exception(type(exc), exc, tb))
    return ExceptionInfo(type=type(exc).__name__, message=str(exc), traceback=formatted)


def _threads_changed(threads: int | None) -> str | None:
    """A block that changes torch's thread count changes its numbers (and every later block's)."""
    if threads is None or "torch" not in sys.modules:  # not in a chain's process, or no torch to ask
        return None
    import torch

    now = torch.get_num_threads()
    if now == threads:
        return None
    torch.set_num_threads(threads)
    return (f"the block set torch's thread count to {now} (torch.set_num_threads); the build runs every chain "
            f"with {threads} thread(s) because the count changes the numbers a block prints: remove the call")


def run_block(block: Block, namespace: dict, filename: str, device: str, threads: int | None = None) -> BlockResult:
    """Run one block; never raises: every outcome becomes a BlockResult.

    A ``KeyboardInterrupt`` here is the block's own (``raise KeyboardInterrupt``): the build's
    Ctrl-C kills this process with the default SIGINT action, so it is an exception like any other."""
    start = time.perf_counter()
    exception = failure = exit_code = None
    forks = ForkWatch()
    with captured_streams() as (out, err):
        try:
            exec(_compile(block, filename), namespace)
        except SystemExit as exc:
            exit_code = exc.code
            failure = f"the block called sys.exit({exc.code!r}); blocks must not exit the interpreter"
        except BaseException as exc:  # noqa: BLE001 - every error is a result
            exception = _exception_info(exc)
        if forks.in_fork():  # a child of os.fork(): it must not report, nor run the next blocks
            forks.leave(exited=failure is not None, code=exit_code)
        failure = forks.outlived() or failure or _threads_changed(threads)
        try:
            figures = scrape_figures()
        except FigureTooLarge as exc:
            figures, failure = (), failure or str(exc)
    return BlockResult(stdout=out.getvalue(), stderr=err.getvalue(), figures=figures,
                       exception=exception, duration=time.perf_counter() - start,
                       device=device, truncated=bool(out.dropped or err.dropped), failure=failure)


SANDBOX_DEPTH = 6  # folders between run_dir and the block's folders (see run_chain)


def sandbox(run_dir: str) -> str:
    """Where a chain's working and artifacts folders live: SANDBOX_DEPTH folders below ``run_dir``,
    so a path that climbs out of them (``$EXECDOCS_ARTIFACTS/../../x``) still lands inside the
    run dir, which the parent removes, and is reported by :func:`stray_files`."""
    return os.path.join(run_dir, *["execdocs-sandbox"] * SANDBOX_DEPTH)


def stray_files(run_dir: str, kept: tuple[str, ...]) -> list[str]:
    """Files or folders in the run dir's sandbox levels other than the sandbox itself and ``kept``."""
    stray, folder = [], run_dir
    for _ in range(SANDBOX_DEPTH + 1):
        allowed = {"execdocs-sandbox"} if folder != sandbox(run_dir) else set(kept)
        stray += [os.path.join(folder, name) for name in sorted(os.listdir(folder)) if name not in allowed]
        folder = os.path.join(folder, "execdocs-sandbox")
    return stray


def _stray_failure(run_dir: str, artifacts: str) -> str | None:
    stray = stray_files(run_dir, ("execdocs-work", "execdocs-artifacts"))
    if not stray:
        return None
    shown = ", ".join(os.path.relpath(p, artifacts) for p in stray)
    for path in stray:  # reported once, then gone
        shutil.rmtree(path, ignore_errors=True) if os.path.isdir(path) else os.unlink(path)
    return (f"the block wrote outside $EXECDOCS_ARTIFACTS ({shown}, relative to it); such files are "
            "neither published nor kept: write into $EXECDOCS_ARTIFACTS itself")


def run_chain(chain: Chain, send, docs_dir: str, run_dir: str, threads: int = 1) -> None:
    """Child entry point: run each block and ``send`` its result as soon as it exists.

    ``run_dir`` belongs to the parent, which removes it whatever happens to this process:
    blocks run in ``<sandbox>/execdocs-work`` and publish files in ``<sandbox>/execdocs-artifacts``.
    """
    workdir = os.path.join(sandbox(run_dir), "execdocs-work")
    artifacts = ArtifactDir(os.path.join(sandbox(run_dir), "execdocs-artifacts"))
    os.makedirs(workdir)
    os.makedirs(artifacts.path)
    os.environ[ARTIFACTS_ENV] = artifacts.path
    os.environ["TMPDIR"] = tempfile.tempdir = workdir  # temporary files go where the parent cleans up
    os.chdir(workdir)
    reset_state(threads)
    device = device_kind()
    namespace = {"__MODULE__": "__main__"}  # what pytest-codeblocks gives a block
    filename = os.path.normpath(os.path.join(docs_dir, chain.page))
    for block in chain.blocks:
        result = run_block(block, namespace, filename, device, threads)
        written, problem = artifacts.collect()
        problem = problem or _stray_failure(run_dir, artifacts.path)
        result = dataclasses.replace(result, artifacts=written, failure=result.failure or problem)
        send(result)
        # a block meant to raise does not end its chain: a notebook's raises-exception cell sits
        # between cells that share its namespace, as in a kernel
        if result.failure is not None or (result.exception is not None and not block.expects_exception):
            break
