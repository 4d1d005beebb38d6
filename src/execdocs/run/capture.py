"""Capture: what a block printed, warned, drew and wrote, turned into plain values.

Capturers run inside the worker process.  Figure scrapers are a registry (a list of
callables) like sphinx-gallery's ``image_scrapers``, so another plotting library can be
added without touching the executor.
"""
from __future__ import annotations

import contextlib
import ctypes
import io
import os
import re
import stat
import sys
import threading
import warnings
from collections.abc import Callable

from ..model import Artifact, Figure
from .figure_alt import alt_text
from .figure_save import FigureTooLarge, oversize, png_size, save_figure  # noqa: F401 - png_size: API

MAX_OUTPUT_BYTES = 50_000  # per stream per block; the page and the record stay small
ARTIFACT_NAME = re.compile(r"[A-Za-z0-9._-]+")
MAX_ARTIFACT_BYTES = 16 * 1024 * 1024  # per chain: artifacts are published with the site


class StreamCapture:
    """Point file descriptor ``fd`` (1 or 2) at a pipe that a thread drains, for one block.

    Capturing the descriptor, not ``sys.stdout``, catches what subprocesses, ``os.system``,
    ``os.write(1, ...)``, threads and C extensions write, as a Jupyter kernel does.  The
    thread keeps the first ``limit`` bytes and counts the rest, so nothing a block writes
    can fill a pipe and block it, and memory stays bounded.
    """

    def __init__(self, fd: int, limit: int = MAX_OUTPUT_BYTES):
        self.fd, self.limit = fd, limit
        self.kept = bytearray()
        self.dropped = 0
        self._lock = threading.Lock()
        read_end, write_end = os.pipe()
        self._saved = os.dup(fd)
        os.dup2(write_end, fd)
        os.close(write_end)
        self._thread = threading.Thread(target=self._drain, args=(read_end,), daemon=True)
        self._thread.start()

    def _drain(self, read_end: int) -> None:
        while chunk := os.read(read_end, 1 << 16):
            with self._lock:
                room = max(0, self.limit - len(self.kept))
                self.kept += chunk[:room]
                self.dropped += len(chunk) - min(room, len(chunk))
        os.close(read_end)

    def finish(self, wait: float = 1.0) -> None:
        """Give ``fd`` back; wait (briefly: a background process may hold the pipe) for the rest."""
        os.dup2(self._saved, self.fd)
        os.close(self._saved)
        self._thread.join(wait)

    def getvalue(self) -> str:
        with self._lock:
            value = bytes(self.kept).decode("utf-8", "replace")
            dropped = self.dropped
        if dropped:
            value += f"\n... [output truncated: {dropped:,} more bytes not shown]\n"
        return value


def _flush_c_stdio() -> None:
    """Flush C's stdio buffers (printf in an extension) into the captured descriptors."""
    try:
        ctypes.CDLL(None).fflush(None)
    except (OSError, AttributeError):  # no C library to ask (not Linux/macOS)
        pass


@contextlib.contextmanager
def captured_streams(limit: int = MAX_OUTPUT_BYTES):
    """Capture file descriptors 1 and 2, with warnings on stderr as ``Category: message``.

    ``sys.stdout``/``sys.stderr`` write straight through to the descriptors, so Python's
    and everything else's output stay in the order they were written.  Warnings are
    formatted without file paths so the record is the same on every machine.
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    _flush_c_stdio()
    out, err = StreamCapture(1, limit), StreamCapture(2, limit)
    text_out, text_err = (io.TextIOWrapper(io.FileIO(fd, "w", closefd=False), encoding="utf-8",
                                           errors="backslashreplace", write_through=True) for fd in (1, 2))

    def show(message, category, filename, lineno, file=None, line=None):
        text_err.write(f"{category.__name__}: {message}\n")

    try:
        with contextlib.redirect_stdout(text_out), contextlib.redirect_stderr(text_err), \
                warnings.catch_warnings():
            warnings.simplefilter("default")
            warnings.showwarning = show
            yield out, err
    finally:
        for stream in (text_out, text_err, sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        _flush_c_stdio()
        out.finish()
        err.finish()


def scrape_matplotlib() -> list[Figure]:
    """Save (2x bitmaps, see figure_save) and close every open matplotlib figure, in creation order."""
    if "matplotlib.pyplot" not in sys.modules:
        return []
    import matplotlib.pyplot as plt

    numbers = plt.get_fignums()
    too_large = [why for n, num in enumerate(numbers, 1) if (why := oversize(plt.figure(num), n))]
    figures = [] if too_large else [save_figure(plt.figure(num), alt_text) for num in numbers]
    plt.close("all")
    if too_large:
        raise FigureTooLarge("; ".join(too_large))
    return figures


def _read_at_most(path: str, limit: int) -> bytes:
    """Up to ``limit`` bytes of a regular file, refusing to follow a link swapped in since ``lstat``."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as handle:
        return handle.read(max(0, limit))


FIGURE_SCRAPERS: list[Callable[[], list[Figure]]] = [scrape_matplotlib]


def scrape_figures() -> tuple[Figure, ...]:
    figures: list[Figure] = []
    for scraper in FIGURE_SCRAPERS:
        figures.extend(scraper())
    return tuple(figures)


class ArtifactDir:
    """A chain's ``$EXECDOCS_ARTIFACTS``: after each block, the files it added or changed.

    Files stay in place for the rest of the chain (a later block may load the model an
    earlier one exported); each block's result holds only what changed during that block.
    """

    def __init__(self, path: str, limit: int = MAX_ARTIFACT_BYTES):
        self.path = path
        self.limit = limit
        self.seen: dict[str, bytes] = {}

    def collect(self) -> tuple[tuple[Artifact, ...], str | None]:
        """(new or changed artifacts, a failure message or None).

        Only regular files are published, never what a link points at (``lstat``, and the file
        is opened with ``O_NOFOLLOW``), and the size limit counts the bytes actually read:
        ``stat`` says 0 for a /proc file however much it holds."""
        names = sorted(os.listdir(self.path))
        bad = [n for n in names if not ARTIFACT_NAME.fullmatch(n)
               or not stat.S_ISREG(os.lstat(os.path.join(self.path, n)).st_mode)]
        if bad:
            return (), (f"$EXECDOCS_ARTIFACTS may only hold plain files (regular files: no links, folders or devices) "
                        f"named [A-Za-z0-9._-]+; found {', '.join(map(repr, bad))}")
        contents, total = {}, 0
        for name in names:
            contents[name] = _read_at_most(os.path.join(self.path, name), self.limit - total + 1)
            total += len(contents[name])
            if total > self.limit:
                return (), (f"the chain's artifacts are over the limit of {self.limit:,} bytes "
                            "(they are published with the site; write smaller files)")
        fresh = []
        for name, data in contents.items():
            if self.seen.get(name) != data:
                self.seen[name] = data
                fresh.append(Artifact(name, data))
        return tuple(fresh), None
