"""Execute one shard of a site (``make site SHARD=k/N``) into the content-hash cache.

Each CI shard parses every page (cheap), plans the shards from the committed durations
in ``records/durations.json`` (see ``durations``) (so every shard computes the same plan), executes only its
own chains and leaves their results in ``$EXECDOCS_CACHE``.  It renders nothing.  The
cache entries are content-addressed, so the shards' folders merge by plain copy, and a
``make site`` over the merged folder executes nothing.  Beside each entry it writes a
small ``.origin.json`` (shard, seconds) that the timing page shows.  Exit status: 1 when
one of the shard's own chains failed, else 0.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

import yaml

from . import notebooks
from .build import page_files
from .cache import chain_key
from .checks import block_errors
from .durations import chain_seconds, load_durations
from .lock import BuildLock
from .model import Chain
from .session import Session, Settings
from .shard import Work, chain_id, estimate, mine, parse_gpu_shards, parse_spec
from .workspace import settings_from_env

# --------------------------------------------------------------------------- the plan

def collect(settings: Settings, log: Callable[[str], None]) -> Session:
    """Every page and snippet parsed into a session, nothing executed."""
    session = Session(settings, log)
    for path in page_files(settings.docs_dir):
        session.add_page(path.relative_to(settings.docs_dir).as_posix(), path.read_text())
    for path in sorted((settings.project_root / "snippets").glob("*.py")):
        session.add_page(notebooks.snippet_page(path), path.read_text(), notebooks.snippet_blocks(path))
    return session


def site_work(session: Session, durations: dict[str, float]) -> dict[str, Work]:
    """One Work per distinct chain (identical chains share an id and execute once)."""
    work: dict[str, Work] = {}
    for page in session.pages.values():
        for chain in page.chains:
            if chain.skip:
                continue
            cid = chain_id(b.code for b in chain.blocks)
            gpu = any(b.options.per_device for b in chain.blocks)
            work.setdefault(cid, Work(cid, estimate(cid, durations), gpu))
    return work


def docs_dir_of(config_file: Path) -> Path:
    """``docs_dir`` from mkdocs.yml without MkDocs (``!ENV [NAME, default]`` honoured)."""
    class Loader(yaml.SafeLoader):
        pass

    def env(loader, node):
        names = loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode) else [loader.construct_scalar(node)]
        return next((os.environ[n] for n in names[:-1] if n in os.environ), names[-1])

    Loader.add_constructor("!ENV", env)
    Loader.add_multi_constructor("", lambda loader, suffix, node: None)  # other tags: irrelevant here
    config = yaml.load(config_file.read_text(), Loader=Loader) or {}
    return (config_file.parent / (config.get("docs_dir") or "docs")).resolve()


# --------------------------------------------------------------------------- run

def run_shard(spec: str, config_file: str | Path = "mkdocs.yml", log: Callable[[str], None] = print) -> int:
    k, n = parse_spec(spec)
    config_file = Path(config_file).resolve()
    settings = settings_from_env(docs_dir_of(config_file), config_file)
    lock = BuildLock(settings.cache_dir)
    lock.acquire(log)
    try:
        session = collect(settings, log)
        work = site_work(session, load_durations(settings.records_dir))
        gpu = parse_gpu_shards(os.environ.get("EXECDOCS_GPU_SHARDS", ""), n)
        own = mine(list(work.values()), spec, gpu)
        chains = [c for p in session.pages.values() for c in p.chains
                  if not c.skip and chain_id(b.code for b in c.blocks) in own]
        keys = {c: chain_key(c, session.sources, session.device) for c in chains}
        before = {key for key in keys.values() if session.cache.get(key) is not None}
        planned = sum(work[cid].seconds for cid in own)
        log(f"shard {k}/{n}: {len(own)} of {len(work)} distinct chain(s), {planned:.1f} s recorded")
        session.execute(select=lambda chain: chain in keys)
        mark_origin(session, keys, before, f"{k}/{n}")
        failed = [err for c in chains for b in c.blocks if b.key in session.results
                  for err in block_errors(b, session.results[b.key])]
        not_run = [b.where for c in chains for b in c.blocks if b.key not in session.results]
    finally:
        lock.release()
    for err in failed:
        log(f"ERROR {err}")
    for where in not_run:
        log(f"ERROR {where}: not run because an earlier block in its cont chain failed")
    stats = session.stats
    log(f"shard {k}/{n}: {stats['ran']} block(s) executed, {stats['cached']} from cache, "
        f"{len(failed)} failed; cache {settings.cache_dir}")
    return 1 if failed or not_run else 0


def mark_origin(session: Session, keys: dict[Chain, str], before: set[str], shard: str) -> None:
    """Beside each entry this shard executed: which shard, how long (the timing page shows it)."""
    for chain, key in keys.items():
        seconds = chain_seconds(chain, session.results)
        if key not in before and seconds is not None and session.cache.get(key) is not None:
            session.cache.put_origin(key, shard, seconds)
