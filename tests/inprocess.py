"""`mkdocs build` in this interpreter: the project's hooks, and the process's shared zygote.

An end-to-end test is about what the hooks do with a page, not about how long a process lives,
so it need not pay for a fresh interpreter and a fresh zygote (torch imported again, 7-15 s)
per build.  :func:`mkdocs_build` does what ``python -m mkdocs build`` does (load the config,
``on_startup``, build, ``on_shutdown``), logs to a string the way the command line prints
(``LEVEL   -  message``), and returns what the tests read from a finished process: the exit
code and the log.  The workspace the hooks use runs its chains in ``execute.shared_zygote()``,
started once for the whole test session.  Tests about process lifetime (Ctrl-C, SIGKILL,
leaks) start real processes instead (tests/test_leaks.py, tests/test_reliability.py).
"""
from __future__ import annotations

import contextlib
import io
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from execdocs import workspace
from execdocs.run.execute import Zygote, shared_zygote

# What the tests' own shell may have set and a build must not inherit unless asked.
CLEARED = ("EXECDOCS_ACCEPT", "EXECDOCS_ACCEPT_PAGES", "EXECDOCS_DISABLE", "E2E_DOCS_DIR")


@dataclass
class Finished:
    """The parts of a finished ``mkdocs build`` process the tests read."""

    returncode: int
    stderr: str


class _CommandLineFormat(logging.Formatter):
    """MkDocs' command-line layout without colours: ``ERROR   -  message``."""

    def format(self, record: logging.LogRecord) -> str:
        return f"{record.levelname:<8}-  {super().format(record)}"


@contextlib.contextmanager
def environment(values: dict[str, str]):
    """Set ``values`` (and clear :data:`CLEARED`) for the build; restore everything after."""
    saved = dict(os.environ)
    for name in CLEARED:
        os.environ.pop(name, None)
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def captured_log():
    """The 'mkdocs' logger (the hooks log under it) at INFO, written to a string."""
    logger, stream = logging.getLogger("mkdocs"), io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_CommandLineFormat())
    level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def mkdocs_build(config: Path, site: Path, strict: bool = True, **env: str) -> Finished:
    """``mkdocs build [-s] -f CONFIG -d SITE`` with ``env`` set, in this process."""
    with environment({"NO_MKDOCS_2_WARNING": "1", "EXECDOCS_JOBS": "2", **env}), captured_log() as log:
        cfg = load_config(config_file=str(config), site_dir=str(site), strict=strict)
        ws = workspace.workspace(cfg.config_file_path)
        ws.zygote = shared_zygote()
        code = 0
        try:
            cfg.plugins.on_startup(command="build", dirty=False)
            build(cfg)
        except Abort as err:
            log.write(f"{err}\n")
            code = 1
        finally:
            ws.zygote = Zygote()  # not started: the shutdown below must not stop the shared one
            cfg.plugins.on_shutdown()
    return Finished(code, log.getvalue())
