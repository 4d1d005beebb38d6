"""Shard planning: split a site's chains over N machines so they finish together.

Pure: chains and their recorded durations in, N lists of chain ids out; no I/O, no
engine state.  Every shard computes the same plan from the same committed durations,
so shard k of N knows which chains are its own without talking to the others.

The rule is the classic longest-processing-time-first: chains sorted by duration
(longest first, ties by id so the plan is deterministic), each put onto the shard that
is least loaded so far.  Its makespan is at most the perfect share plus one chain,
and within 4/3 of the optimum.  Chains recorded per device (training curves a GPU
changes) are pinned to the shards declared to have a GPU, when any is declared.
``python -m execdocs shard run k/N`` executes one shard (``shard_run``); this module imports
nothing of the engine but the chain id, so the planner is testable alone.
"""
from __future__ import annotations

import math
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from ..model import chain_id

__all__ = ["DEFAULT_SECONDS", "ShardSpecError", "Work", "chain_id", "estimate", "mine", "parse_gpu_shards",
           "parse_spec", "plan", "priority"]

DEFAULT_SECONDS = 1.0  # a chain never timed before: a guess, replaced once it is recorded


class ShardSpecError(ValueError):
    """``SHARD=k/N`` that names no shard (k outside 1..N, N < 1, not two integers)."""


@dataclass(frozen=True)
class Work:
    """One chain to place: its id, how long it took last time, whether it wants a GPU."""

    chain_id: str
    seconds: float
    gpu: bool = False


def parse_spec(spec: str) -> tuple[int, int]:
    """``"2/3"`` -> ``(2, 3)``; shards are numbered from 1 as in a CI matrix."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", spec or "")
    if not match:
        raise ShardSpecError(f"SHARD={spec!r}: expected k/N, e.g. SHARD=2/3")
    k, n = int(match[1]), int(match[2])
    if n < 1 or not 1 <= k <= n:
        raise ShardSpecError(f"SHARD={spec}: k must be between 1 and N (N >= 1)")
    return k, n


def parse_gpu_shards(text: str, shards: int) -> frozenset[int]:
    """``"1,3"`` -> {1, 3}: the shards that run on a machine with a GPU."""
    found = frozenset(int(t) for t in re.split(r"[\s,]+", text.strip()) if t) if text else frozenset()
    if any(not 1 <= k <= shards for k in found):
        raise ShardSpecError(f"GPU shards {sorted(found)} are not all between 1 and {shards}")
    return found


def plan(work: Sequence[Work], shards: int, gpu_shards: Collection[int] = ()) -> list[list[str]]:
    """Chain ids per shard (index 0 is shard 1), longest first onto the least-loaded shard.

    With ``gpu_shards`` declared, GPU chains go only to those shards (least loaded among
    them); the other chains go to the least-loaded shard of all.  Duplicate ids are placed
    once (identical chains execute once per build).
    """
    if shards < 1:
        raise ShardSpecError("at least one shard is needed")
    gpu_index = sorted(k - 1 for k in gpu_shards)
    loads = [0.0] * shards
    out: list[list[str]] = [[] for _ in range(shards)]
    seen: set[str] = set()
    for item in sorted(work, key=priority):
        if item.chain_id in seen:
            continue
        seen.add(item.chain_id)
        candidates = gpu_index if item.gpu and gpu_index else range(shards)
        target = min(candidates, key=lambda k: (loads[k], k))
        loads[target] += _seconds(item)
        out[target].append(item.chain_id)
    return out


def priority(item: Work) -> tuple[float, str]:
    """The planner's order: longest first, ties by id (the local build runs chains in it too)."""
    return -_seconds(item), item.chain_id


def _seconds(item: Work) -> float:
    """Negative or non-finite durations (a corrupt timing file) count as unknown."""
    return item.seconds if math.isfinite(item.seconds) and item.seconds >= 0 else DEFAULT_SECONDS


def mine(work: Sequence[Work], spec: str, gpu_shards: Collection[int] = ()) -> set[str]:
    """The chain ids shard ``spec`` (``"k/N"``) must execute."""
    k, n = parse_spec(spec)
    return set(plan(work, n, gpu_shards)[k - 1])


def estimate(chain: str, durations: dict[str, float], fallback: float | None = None) -> float:
    """Recorded seconds for a chain; unknown chains get the median of the known ones."""
    if chain in durations:
        return durations[chain]
    if fallback is not None:
        return fallback
    known = sorted(durations.values())
    return known[len(known) // 2] if known else DEFAULT_SECONDS
