"""skipif conditions, evaluated in a worker under the block's time limit (not in the build process).

Why: a condition is author code.  Evaluated while parsing, ``__import__('time').sleep(8)`` stalled
the whole build with no limit, and anything it did happened inside the build process.  Each
condition now runs as a one-line probe chain forked from the zygote like any block, with the
block's ``timeout``; a condition that fails or times out is a marker error at the block, which
is then not run.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable

from ..model import Block, BlockResult, Chain, Page
from ..parse.markers import skipif_condition
from ..problem import Problem

PROBE = ("import os, sys, platform\n"
         "print(bool(eval({source!r}, {{'os': os, 'sys': sys, 'platform': platform}})))\n")
RunChains = Callable[[list[Chain]], dict[Chain, list[BlockResult]]]


def conditions(block: Block) -> list[str]:
    return [c for m in block.marks if m.startswith("pytest.mark.skipif") and (c := skipif_condition(m))]


def _probes(pages: dict[str, Page]) -> dict[Chain, tuple[Block, str]]:
    probes = {}
    for page in pages.values():
        for block in page.blocks:
            for source in conditions(block):
                probe = dataclasses.replace(block, code=PROBE.format(source=source), marks=(), cont=False,
                                            expected_output=None, skip=False)
                probes[Chain((probe,))] = (block, source)
    return probes


def _failure(result: BlockResult) -> str | None:
    if result.failure:
        return result.failure
    if result.exception is not None:
        return f"{result.exception.type}: {result.exception.message}"
    return None


def resolve(pages: dict[str, Page], run: RunChains) -> list[Problem]:
    """Decide every skipif in a worker; mark the blocks to skip in ``pages`` (replaced in place).

    Returns the problems of conditions that could not be evaluated (their blocks are skipped)."""
    probes = _probes(pages)
    if not probes:
        return []
    skipped, problems = set(), []
    for chain, results in run(list(probes)).items():
        block, source = probes[chain]
        reason = _failure(results[0]) if results else "no result"
        if reason:
            skipped.add(block.key)
            problems.append(Problem(block.page, block.line, "marker error",
                                    f"{block.where}: skipif condition {source!r} could not be evaluated in the "
                                    f"worker: {reason}", code=block.code))
        elif results[0].stdout.strip() == "True":
            skipped.add(block.key)
    for name, page in pages.items():
        if any(b.key in skipped for b in page.blocks):
            blocks = tuple(dataclasses.replace(b, skip=True) if b.key in skipped else b for b in page.blocks)
            pages[name] = dataclasses.replace(page, blocks=blocks)
    return problems
