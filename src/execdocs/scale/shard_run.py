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

from ..render import notebooks
from ..build import page_files
from ..store.cache import chain_key
from ..check.checks import block_errors
from ..store.durations import chain_seconds, load_durations
from ..store.lock import BuildLock
from ..model import Chain
from ..session import Session, Settings
from .shard import Work, chain_id, estimate, mine, parse_gpu_shards, parse_spec
from ..workspace import settings_from_env

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
    """Execute shard ``spec`` ("k/N") of the site configured in ``config_file``; 1 if one of
    its own blocks failed (or did not run because an earlier one failed), else 0."""
    config_file = Path(config_file).resolve()
    settings = settings_from_env(docs_dir_of(config_file), config_file)
    lock = BuildLock(settings.cache_dir)
    lock.acquire(log)
    try:
        session = collect(settings, log)
        chains = own_chains(session, spec, log)
        keys = {c: chain_key(c, session.sources, session.device) for c in chains}
        before = {key for key in keys.values() if session.cache.has(key)}
        session.execute(select=lambda chain: chain in keys)
        for chain, key in keys.items():
            seconds = chain_seconds(chain, session.results)
            if key not in before and seconds is not None and session.cache.has(key):
                session.cache.put_origin(key, spec.strip(), seconds)  # the timing page names the shard
    finally:
        lock.release()
    problems = [str(err) for c in chains for b in c.blocks if b.key in session.results
                for err in block_errors(b, session.results[b.key])]
    problems += [f"{b.where}: not run because an earlier block in its cont chain failed"
                 for c in chains for b in c.blocks if b.key not in session.results]
    for problem in problems:
        log(f"ERROR {problem}")
    log(f"shard {spec}: {session.stats['ran']} block(s) executed, {session.stats['cached']} from cache, "
        f"{len(problems)} problem(s); cache {settings.cache_dir}")
    return 1 if problems else 0


def own_chains(session: Session, spec: str, log: Callable[[str], None]) -> list[Chain]:
    """The chains shard ``spec`` runs, planned from the committed durations."""
    _, n = parse_spec(spec)
    work = site_work(session, load_durations(session.settings.records_dir))
    own = mine(list(work.values()), spec, parse_gpu_shards(os.environ.get("EXECDOCS_GPU_SHARDS", ""), n))
    log(f"shard {spec}: {len(own)} of {len(work)} distinct chain(s), "
        f"{sum(work[cid].seconds for cid in own):.1f} s recorded")
    return [c for p in session.pages.values() for c in p.chains
            if not c.skip and chain_id(b.code for b in c.blocks) in own]
