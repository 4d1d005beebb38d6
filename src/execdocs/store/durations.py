"""Recorded durations per chain (``records/durations.json``): what shards are planned from.

Written by ``make accept`` (only the accepted pages' chains when ``PAGES`` is given), read
by every shard, so all shards compute the same plan without talking to each other.  A
chain is named by its code (``Chain.id``), so prose edits and moved lines keep its
history; values are rounded and kept when within 25% of the recorded one, so accepting
again does not churn the file with timing noise.
"""
from __future__ import annotations

import json
from pathlib import Path

from .files import write_atomic

DURATIONS = "durations.json"  # in records/: chain id -> {"page", "where", "seconds"}


def load_durations(records_dir: Path) -> dict[str, float]:
    """Recorded seconds per chain id; a missing or unreadable file means "no history"."""
    try:
        data = json.loads((Path(records_dir) / DURATIONS).read_text())
        return {k: float(v["seconds"]) for k, v in data.get("chains", {}).items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def chain_seconds(chain, results) -> float | None:
    """Seconds a chain's blocks took, or None when one of them has no result."""
    found = [results.get(b.key) for b in chain.blocks]
    if any(r is None for r in found):
        return None
    return sum(r.duration for r in found)


def save_durations(records_dir: Path, pages, results, only: set[str] | frozenset[str] | None = None) -> bool:
    """Record the chains' durations of ``pages`` (Page values), only those named in ``only``
    when given; returns True when the file changed."""
    path = Path(records_dir) / DURATIONS
    try:
        old = json.loads(path.read_text()).get("chains", {})
    except (OSError, ValueError, AttributeError):
        old = {}
    chains = {k: v for k, v in old.items() if only is not None and v.get("page") not in only}
    for page in pages:
        if only is not None and page.name not in only:
            continue
        for chain in page.chains:
            seconds = chain_seconds(chain, results)
            if seconds is None:
                continue
            cid = chain.id
            previous = old.get(cid, {}).get("seconds")
            keep = previous is not None and abs(seconds - previous) <= 0.25 * max(previous, 0.2)
            chains[cid] = {"page": page.name, "where": chain.head.where,
                           "seconds": previous if keep else round(seconds, 1)}
    text = json.dumps({"chains": dict(sorted(chains.items()))}, indent=1, sort_keys=True) + "\n"
    if path.exists() and path.read_text() == text:
        return False
    write_atomic(path, text.encode())
    return True
