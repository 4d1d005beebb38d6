"""``python -m execdocs COMMAND``: the engine's command line.

- ``shard run k/N [-f mkdocs.yml]``: execute one shard of the site into the cache (CI's
  matrix jobs, ``make site SHARD=k/N``).
- ``render --out DIR [-f mkdocs.yml]``: build (execute, check) and write every page's
  executed Markdown and its files into DIR, for a generator without the hooks.
- ``guard SITE_DIR [-f mkdocs.yml]``: fail when a built page with python blocks lacks the
  engine's outputs (a generator that ignored the hooks).

Exit status: 0 when clean, 1 when the build has problems, 2 for bad usage.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .build import Build
from .export import export
from .problem import Problem
from .render.site_guard import unexecuted
from .scale.shard import ShardSpecError, parse_spec
from .scale.shard_run import run_shard
from .settings import read_settings
from .store.lock import BuildLock

USAGE = ("usage: python -m execdocs shard run k/N [-f mkdocs.yml]\n"
         "       python -m execdocs render --out DIR [-f mkdocs.yml]\n"
         "       python -m execdocs guard SITE_DIR [-f mkdocs.yml]")


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def shard_command(argv: list[str]) -> int:
    """``shard run k/N [-f mkdocs.yml]``: execute one shard into the cache (2: bad usage)."""
    config = "mkdocs.yml"
    if len(argv) == 4 and argv[2] in ("-f", "--config-file"):
        config, argv = argv[3], argv[:2]
    if len(argv) != 2 or argv[0] != "run":
        _stderr(USAGE)
        return 2
    try:
        parse_spec(argv[1])
    except ShardSpecError as err:
        _stderr(str(err))
        return 2
    return run_shard(argv[1], config, _stderr)


def _report(problems: list, summary: str) -> int:
    for problem in problems:
        _stderr(f"ERROR {problem.title}\n{problem.detail}")
    _stderr(summary)
    return 1 if problems else 0


def render_command(argv: list[str]) -> int:
    """``render --out DIR``: the executed site as Markdown files; 1 if the build has problems."""
    parser = argparse.ArgumentParser(prog="python -m execdocs render")
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("-f", "--config-file", default="mkdocs.yml")
    args = parser.parse_args(argv)
    settings = read_settings(args.config_file)
    lock = BuildLock(settings.cache_dir)
    lock.acquire(_stderr)
    try:
        build = Build(settings, _stderr).run()
    finally:
        lock.release()
    written = export(build, args.out)
    return _report(build.problems, f"rendered {len(written)} file(s) into {args.out}")


def guard_command(argv: list[str]) -> int:
    """``guard SITE_DIR``: every built page with python blocks shows the engine's outputs."""
    parser = argparse.ArgumentParser(prog="python -m execdocs guard")
    parser.add_argument("site_dir", type=Path)
    parser.add_argument("-f", "--config-file", default="mkdocs.yml")
    args = parser.parse_args(argv)
    build = Build(read_settings(args.config_file), _stderr)
    build.plan()
    own = [Problem.of(err, None, page) for page in build.pages.values() for err in page.errors]
    problems = own + unexecuted(build.pages.values(), args.site_dir)
    return _report(problems, f"guard: {len(problems)} page(s) without the engine's outputs in {args.site_dir}")


COMMANDS = {"shard": shard_command, "render": render_command, "guard": guard_command}


def main(argv: list[str]) -> int:
    command = COMMANDS.get(argv[0]) if argv else None
    if command is None:
        _stderr(USAGE)
        return 2
    return command(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
