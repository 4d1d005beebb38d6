"""Build measures: warm rebuild vs execution off [1], cold build vs standalone [2], one block edit [3].

All three time plain `mkdocs build` runs of the snapshot tree through benchlib.build, so the
figures differ only in what the engine is asked to do (cache warm, cache empty, one block
changed), which is what the quality bars in PRODUCT.md compare.
"""
from __future__ import annotations

import io
import json
import pickle
import re
import statistics
import subprocess
import tokenize
from pathlib import Path

from benchlib import PY, ROOT, BenchError, build, describe, env_for, results, row, say, site_chains


# -- 1. warm rebuild vs execution off -----------------------------------------------------------
def _warm_vs_off(root: Path, tmp: Path, runs: int) -> tuple[list, list, list, list]:
    """Wall and CPU seconds of ``runs`` warm and execution-off builds, interleaved so that drift
    in machine load hits both alike."""
    warm, off, warm_cpu, off_cpu = [], [], [], []
    for k in range(runs):
        w = build(root, tmp / f"site-warm{k}", "warm")
        o = build(root, tmp / f"site-off{k}", "execution off", EXECDOCS_DISABLE="1")
        warm.append(w["seconds"])
        off.append(o["seconds"])
        warm_cpu.append(w["cpu"])
        off_cpu.append(o["cpu"])
        say(f"  run {k + 1}: warm {w['seconds']:.2f} s (cpu {w['cpu']:.2f} s; {describe(w['counts'])}), "
            f"off {o['seconds']:.2f} s (cpu {o['cpu']:.2f} s)")
        if w["counts"] and w["counts"]["ran"]:
            results["notes"].append(f"warm run {k + 1} executed {w['counts']['ran']} block(s) (cache not warm?)")
    return warm, off, warm_cpu, off_cpu


def bench_warm(root: Path, tmp: Path, runs: int = 3) -> None:
    """[1] What a warm cache costs over no execution at all: the bar is 1.25x, wall and CPU."""
    say("\n[1] warm rebuild (nothing changed) vs the same build with execution off")
    warmup = build(root, tmp / "site-warmup", "warm-up")
    say(f"  warm-up build (untimed): {warmup['seconds']:.1f} s, {describe(warmup['counts'])}")
    if warmup["counts"] and warmup["counts"]["ran"]:
        results["notes"].append(f"the warm-up build ran {warmup['counts']['ran']} block(s): pages changed "
                                "since the last `make site`")
    warm, off, warm_cpu, off_cpu = _warm_vs_off(root, tmp, runs)
    mw, mo = statistics.median(warm), statistics.median(off)
    ratio = mw / mo
    cw, co = statistics.median(warm_cpu), statistics.median(off_cpu)
    results["figures"]["warm_rebuild"] = {"warm_s": warm, "off_s": off, "warm_median_s": mw,
                                          "off_median_s": mo, "ratio": ratio, "goal": 1.25,
                                          "warm_cpu_s": warm_cpu, "off_cpu_s": off_cpu, "cpu_ratio": cw / co,
                                          "min_ratio": min(warm) / min(off)}
    row("1 warm rebuild / execution off", f"{ratio:.2f}x ({mw:.2f} s vs {mo:.2f} s, median of {runs})",
        "<= 1.25x", ratio <= 1.25)
    row("1 same, CPU seconds (load-proof)", f"{cw / co:.2f}x ({cw:.2f} s vs {co:.2f} s, median)",
        "<= 1.25x", cw / co <= 1.25)


# -- 2. cold build vs standalone ------------------------------------------------------------
def _run_standalone(root: Path, tmp: Path) -> list[dict]:
    """The site's chains run by hand (benchmarks/standalone.py, one warm interpreter): the
    baseline a cold build is held against."""
    chains, _ = site_chains(root)
    chains_file = tmp / "chains.pickle"
    chains_file.write_bytes(pickle.dumps(chains))
    out_file = tmp / "standalone.json"
    run_dir = tmp / "standalone-cwd"
    run_dir.mkdir()
    proc = subprocess.run([PY, str(ROOT / "benchmarks" / "standalone.py"), str(chains_file), str(out_file)],
                          cwd=run_dir, env=env_for(root), capture_output=True, text=True)
    if proc.returncode != 0 or not out_file.exists():
        raise BenchError(f"the standalone runner failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(out_file.read_text())


def bench_cold(root: Path, tmp: Path) -> dict:
    """[2] Cold ratio: a cold build over running the same chains by hand, one after another.

    Goal 0.6x: the build runs chains in parallel and executes each distinct chain once (a
    page and a snippet that share a chain pay for it once), so it must beat the by-hand sum."""
    say("\n[2] cold build (empty cache) vs the summed standalone run time of the same code")
    cold = build(root, tmp / "site-cold", "cold", EXECDOCS_CACHE=str(tmp / "cold-cache"))
    engine_sum = sum(s for _, _, s in cold["chains"])
    say(f"  cold build: {cold['seconds']:.1f} s ({describe(cold['counts'])}; "
        f"engine-measured block time {engine_sum:.1f} s in {len(cold['chains'])} chain(s))")
    standalone = _run_standalone(root, tmp)
    total = sum(r["seconds"] for r in standalone)
    total_cpu = sum(r.get("cpu", 0.0) for r in standalone)
    failed = [f"{r['where']} ({r['status']})" for r in standalone if r["status"] != "ok"]
    say(f"  standalone: {total:.1f} s summed over {len(standalone)} chain(s) (cpu {total_cpu:.1f} s)"
        + (f"; stopped early (exception, as the engine does): {', '.join(failed)}" if failed else ""))
    ratio = cold["seconds"] / total if total else float("inf")
    top = sorted(standalone, key=lambda r: -r["seconds"])[:5]
    distinct = _distinct_chains(root)
    executed = len(cold["chains"])
    results["figures"]["cold_build"] = {
        "cold_s": cold["seconds"], "standalone_sum_s": total, "standalone_cpu_s": total_cpu, "ratio": ratio, "goal": 0.6,
        "chains_executed": executed, "distinct_chains": distinct,
        "engine_block_sum_s": engine_sum, "counts": cold["counts"], "chains": len(standalone),
        "slowest_chains": top, "stopped_early": failed}
    row("2 cold ratio: cold build / standalone sum", f"{ratio:.2f}x ({cold['seconds']:.1f} s vs {total:.1f} s)",
        "<= 0.6x", ratio <= 0.6)
    row("2 chains executed in the cold build", f"{executed} ({distinct} distinct, {len(standalone)} in all)",
        f"= {distinct} (nothing twice)", executed == distinct)
    row("2 cold build, absolute (2 cores)", f"{cold['seconds']:.1f} s", "a few minutes (<= 300 s)",
        cold["seconds"] <= 300)
    if total:
        say(f"  (engine-measured block time / standalone: {engine_sum / total:.2f}x; the rest of the "
            "cold build is MkDocs, the zygote start and parallelism on 2 cores)")
    return cold


def simulate(seconds: list[float], workers: int) -> float:
    """Makespan of running chains in the given order, each on the first worker to come free."""
    free = [0.0] * workers
    for s in seconds:
        free[free.index(min(free))] += s
    return max(free)


def bench_schedule(root: Path, workers: int = 2) -> None:
    """[7] The local build's order on 2 workers, simulated with the recorded durations."""
    from execdocs.build import longest_first
    from execdocs.store.durations import load_durations

    say(f"\n[7] chain order on {workers} workers, simulated from records/durations.json")
    durations = load_durations(root / "records")
    chains, _ = site_chains(root)
    distinct = list({c.id: c for c in chains}.values())
    by_blocks = sorted(distinct, key=lambda c: -len(c.blocks))  # the order before the planner's
    ours = longest_first(distinct, durations)
    known = [durations.get(c.id) for c in distinct]
    fallback = sorted(s for s in known if s is not None)
    median = fallback[len(fallback) // 2] if fallback else 1.0
    old = simulate([durations.get(c.id, median) for c in by_blocks], workers)
    new = simulate([durations.get(c.id, median) for c in ours], workers)
    longest = max(distinct, key=lambda c: durations.get(c.id, median), default=None)
    rank = by_blocks.index(longest) + 1 if longest else 0
    results["figures"]["schedule"] = {"most_blocks_first_s": old, "longest_first_s": new, "workers": workers,
                                      "longest_chain": longest.head.where if longest else None,
                                      "its_rank_by_blocks": rank}
    say(f"  the longest chain ({longest.head.where if longest else '-'}) starts {rank}. by block count")
    row(f"7 simulated {workers}-worker build: longest-first / most-blocks-first",
        f"{new:.1f} s vs {old:.1f} s", "<= 1.0x", new <= old + 1e-9)


def _distinct_chains(root: Path) -> int:
    """Chains with different code (identical chains, e.g. a page's and a snippet's, count once)."""
    from execdocs.scale.shard import chain_id

    chains, _ = site_chains(root)
    return len({chain_id(b.code for b in chain.blocks) for chain in chains})


# -- 3. edit one block ----------------------------------------------------------------------
def _string_with_digit(line: str) -> tuple[str, str] | None:
    """A string literal of ``line`` holding a digit, and that literal with one digit changed.

    Editing inside a string keeps the code valid and runnable, so the rebuild measures the
    cache's invalidation, not a new failure."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(line.strip() + "\n").readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    for tok in tokens:
        if tok.type == tokenize.STRING and (m := re.search(r"\d", tok.string)):
            d = m.group()
            new = tok.string[:m.start()] + str((int(d) + 1) % 10) + tok.string[m.end():]
            return tok.string, new
    return None


def _candidates(pages: dict, strict: bool) -> list[tuple]:
    """Editable blocks, one line each.  ``strict``: Markdown pages only, no blocks expected to
    raise or marked skip, and only print lines (an edit whose effect shows on the page)."""
    from execdocs.parse.page import chains

    found = []
    for page, blocks in pages.items():
        if strict and not page.endswith(".md"):
            continue
        for chain in chains(blocks):
            for block in chain.blocks:
                if strict and (block.expects_exception
                               or any(m.startswith("pytest.mark.skip") for m in block.marks)):
                    continue
                for k, line in enumerate(block.code.splitlines()):
                    if (not strict or "print(" in line) and (hit := _string_with_digit(line)):
                        found.append((len(chain.blocks), len(block.code), block, k, hit, chain))
                        break
    return found


def pick_block(pages: dict):
    """A block of a Markdown page with a print of a string holding a digit; shortest chain first."""
    # no print with a digit: any literal with a digit
    candidates = _candidates(pages, strict=True) or _candidates(pages, strict=False)
    if not candidates:
        return None
    candidates.sort(key=lambda c: (c[0], c[1]))
    return candidates[0]


def bench_edit(root: Path, tmp: Path) -> None:
    """[3] A one-block edit must re-run exactly that block's chain, no more (cache precision)."""
    say("\n[3] edit one number in one block, rebuild, count blocks re-run")
    _, pages = site_chains(root)
    picked = pick_block(pages)
    if picked is None:
        row("3 blocks re-run after a block edit", "no block with a digit to edit", "= chain length", None)
        return
    chain_len, _, block, k, (old, new), chain = picked
    path = root / "docs" / block.page
    lines = path.read_text().split("\n")
    index = block.line + k  # block.line is the 1-based fence line; code line k is 0-based after it
    if old not in lines[index]:
        raise BenchError(f"could not locate the code line to edit at {block.page}:{index + 1}")
    original = path.read_text()
    lines[index] = lines[index].replace(old, new, 1)
    path.write_text("\n".join(lines))
    try:
        after = build(root, tmp / "site-edit", "after a block edit")
    finally:
        path.write_text(original)
    ran = after["counts"]["ran"] if after["counts"] else -1
    say(f"  edited {block.page}:{index + 1}: {old} -> {new} (block at {block.where}, chain of {chain_len} "
        f"block(s) headed by {chain.head.where})")
    say(f"  rebuild: {after['seconds']:.1f} s, {describe(after['counts'])}")
    results["figures"]["block_edit"] = {"edited": f"{block.page}:{index + 1}", "block": block.where,
                                        "chain_head": chain.head.where, "chain_length": chain_len,
                                        "blocks_rerun": ran, "rebuild_s": after["seconds"]}
    row("3 blocks re-run after a block edit", f"{ran} (chain length {chain_len}, {block.where})",
        f"= {chain_len}", ran == chain_len)


# -- profile -------------------------------------------------------------------------------
def profile_warm(root: Path, tmp: Path) -> None:
    """pyinstrument of one warm rebuild, text report in .bench/profile-warm.txt (where [1]'s time goes)."""
    out = ROOT / ".bench" / "profile-warm.txt"
    proc = subprocess.run([PY, "-m", "pyinstrument", "-o", str(out), "-m", "mkdocs", "build", "-d",
                           str(tmp / "site-profile")], cwd=root, env=env_for(root), capture_output=True, text=True)
    say(f"\n[profile] warm rebuild profile: {out}" if proc.returncode == 0 else
        f"\n[profile] pyinstrument failed (pip install pyinstrument into .venv): {proc.stderr[-300:]}")
