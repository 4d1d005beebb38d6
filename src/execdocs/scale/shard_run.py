"""Execute one shard of a site (``make site SHARD=k/N``) into the content-hash cache.

Each CI shard parses every page (cheap), plans the shards from the committed durations
in ``records/durations.json`` (see ``durations``) (so every shard computes the same plan), executes only its
own chains and leaves their results in the cache (``Settings.cache_dir``).  It renders nothing.  The
cache entries are content-addressed, so the shards' folders merge by plain copy, and a
``make site`` over the merged folder executes nothing.  Beside each entry it writes a
small ``.origin.json`` (shard, seconds) that the timing page shows.  Exit status: 1 when
one of the shard's own chains failed, else 0.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..build import Build
from ..check.checks import block_errors
from ..model import Chain
from ..settings import read_settings
from ..store.durations import chain_seconds, load_durations
from ..store.lock import BuildLock
from .shard import Work, estimate, mine, parse_gpu_shards, parse_spec


def site_work(build: Build, durations: dict[str, float]) -> dict[str, Work]:
    """One Work per distinct chain (identical chains share an id and execute once)."""
    work: dict[str, Work] = {}
    for chain in build.chains():
        if not chain.skip:
            gpu = any(b.options.per_device for b in chain.blocks)
            work.setdefault(chain.id, Work(chain.id, estimate(chain.id, durations), gpu))
    return work


# --------------------------------------------------------------------------- run

def run_shard(spec: str, config_file: str | Path = "mkdocs.yml", log: Callable[[str], None] = print) -> int:
    """Execute shard ``spec`` ("k/N") of the site configured in ``config_file``; 1 if one of
    its own blocks failed (or did not run because an earlier one failed), else 0."""
    settings = read_settings(config_file)
    lock = BuildLock(settings.cache_dir)
    lock.acquire(log)
    try:
        build = Build(settings, log)
        build.plan()
        chains = own_chains(build, spec, log)
        keys = {c: build.key(c) for c in chains}
        before = {key for key in keys.values() if build.cache.has(key)}
        build.execute(select=lambda chain: chain in keys)
        for chain, key in keys.items():
            seconds = chain_seconds(chain, build.results)
            if key not in before and seconds is not None and build.cache.has(key):
                build.cache.put_origin(key, spec.strip(), seconds)  # the timing page names the shard
    finally:
        lock.release()
    problems = shard_problems(build, chains)
    for problem in problems:
        log(f"ERROR {problem}")
    log(f"shard {spec}: {build.stats['ran']} block(s) executed, {build.stats['cached']} from cache, "
        f"{len(problems)} problem(s); cache {settings.cache_dir}")
    return 1 if problems else 0


def shard_problems(build: Build, chains: list[Chain]) -> list[str]:
    """The shard's own failures: a block that failed, or one not run after an earlier failure."""
    problems = [str(err) for c in chains for b in c.blocks if b.key in build.results
                for err in block_errors(b, build.results[b.key])]
    return problems + [f"{b.where}: not run because an earlier block in its cont chain failed"
                       for c in chains for b in c.blocks if b.key not in build.results]


def own_chains(build: Build, spec: str, log: Callable[[str], None]) -> list[Chain]:
    """The chains shard ``spec`` runs, planned from the committed durations."""
    _, n = parse_spec(spec)
    work = site_work(build, load_durations(build.settings.records_dir))
    own = mine(list(work.values()), spec, parse_gpu_shards(build.settings.gpu_shards, n))
    log(f"shard {spec}: {len(own)} of {len(work)} distinct chain(s), "
        f"{sum(work[cid].seconds for cid in own):.1f} s recorded")
    return [c for c in build.chains() if not c.skip and c.id in own]
