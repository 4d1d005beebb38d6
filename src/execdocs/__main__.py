"""``python -m execdocs COMMAND``: the engine's command line.

``shard run k/N [-f mkdocs.yml]`` executes one shard of the site into the cache (CI's
matrix jobs, ``make site SHARD=k/N``).
"""
from __future__ import annotations

import sys

from .scale.shard import main as shard_main

USAGE = "usage: python -m execdocs shard run k/N [-f mkdocs.yml]"


def main(argv: list[str]) -> int:
    if argv[:1] == ["shard"]:
        return shard_main(argv[1:])
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
