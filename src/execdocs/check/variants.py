"""Fragile outputs: what holds under one numeric variant of the machine and not another.

Why: a claim ("validation accuracy moves within the noise") that holds on the recording
machine but fails under another kernel path will fail on some reader's laptop or CI runner.
At accept every chain also runs under the variants of ``run.variants``; a block that passes
in the published (host) run but fails in a variant, or prints different *text* (not just
different numbers), is refused here, naming the variant and what it measured.
"""
from __future__ import annotations

from collections.abc import Mapping

from ..errors import Drift
from ..lines import output_lines
from ..model import Block, BlockKey, BlockResult, Page
from ..problem import Problem
from .checks import block_errors
from .claims import CLAIM_MARK
from .compare import text_diff
from .noise import measure, without_ticks

Results = Mapping[BlockKey, BlockResult]


def fragile_problems(page: Page, host: Results, variants: Mapping[str, Results],
                     envs: Mapping[str, Mapping[str, str]]) -> list[Problem]:
    """One problem per block and variant that disagrees with the host beyond numeric noise."""
    problems = []
    for block in page.blocks:
        mine = host.get(block.key)
        if mine is None or block_errors(block, mine):
            continue  # the host run's own problem is reported by check_page
        for name, results in variants.items():
            theirs = results.get(block.key)
            why = _disagreement(block, mine, theirs) if theirs is not None else None
            if why is not None:
                env = " ".join(f"{k}={v}" for k, v in envs.get(name, {}).items()) or "no variables"
                what = (f"fragile: holds in the host run but not under the numeric variant {name!r} ({env}); "
                        "state only what holds on every machine, then `make accept` again")
                problems.append(Problem.of(Drift(block.page, block.line, what, why), block, page))
    return problems


def _disagreement(block: Block, mine: BlockResult, theirs: BlockResult) -> str | None:
    """What differs beyond numbers between the host's result and a variant's, or None."""
    if errors := block_errors(block, theirs):
        return "under this variant: " + "; ".join(str(e) for e in errors)
    for stream in ("stdout", "stderr"):
        a, b = ("\n".join(output_lines(getattr(r, stream))) for r in (mine, theirs))
        if measure([a, b]) is None:
            return text_diff(a, b, "host", "variant")
    if len(mine.figures) != len(theirs.figures):
        return f"host drew {len(mine.figures)} figure(s), the variant {len(theirs.figures)}"
    for n, (f, g) in enumerate(zip(mine.figures, theirs.figures, strict=True)):
        if measure([without_ticks("\n".join(f.text)), without_ticks("\n".join(g.text))]) is None:
            return f"figure {n + 1}'s text:\n" + text_diff("\n".join(f.text), "\n".join(g.text), "host", "variant")
    return None


def claimed(results: list[BlockResult]) -> bool:
    """The chain printed a claim (``cnnlab.claims.claim``'s success line)."""
    return any(line.startswith(CLAIM_MARK) for r in results for line in output_lines(r.stdout))


def unrepeatable_problems(page: Page, host: Results, again: Results) -> list[Problem]:
    """Claims whose outcome or measurement changes between two identical runs on one machine.

    Why: a claim on unseeded random data can hold in every numeric variant at accept (by luck)
    and fail on the next cold cache.  Two runs with the same seed, kernels and thread count
    print the same bits, so any difference between them is randomness the page does not control."""
    problems = []
    for block in page.blocks:
        mine, theirs = host.get(block.key), again.get(block.key)
        if mine is None or theirs is None or block_errors(block, mine):
            continue
        errors = block_errors(block, theirs)
        first, second = ([ln for ln in output_lines(r.stdout) if ln.startswith(CLAIM_MARK)] for r in (mine, theirs))
        if not errors and first == second:
            continue
        why = ("; ".join(str(e) for e in errors) if errors
               else text_diff("\n".join(first), "\n".join(second), "first run", "second run"))
        what = ("not reproducible: a claim changed between two identical runs on this machine (random data "
                "without a seed?); seed it (torch.manual_seed, np.random.default_rng(0)) or claim only what "
                "holds for every draw, then `make accept` again")
        problems.append(Problem.of(Drift(block.page, block.line, what, why), block, page))
    return problems
