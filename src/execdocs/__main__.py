"""``python -m execdocs COMMAND``: the engine's command line.

``shard run k/N [-f mkdocs.yml]`` executes one shard of the site into the cache (CI's
matrix jobs, ``make site SHARD=k/N``).
"""
from __future__ import annotations

import sys

from .scale.shard import ShardSpecError, parse_spec
from .scale.shard_run import run_shard

USAGE = "usage: python -m execdocs shard run k/N [-f mkdocs.yml]"


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


COMMANDS = {"shard": shard_command}


def main(argv: list[str]) -> int:
    command = COMMANDS.get(argv[0]) if argv else None
    if command is None:
        _stderr(USAGE)
        return 2
    return command(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
