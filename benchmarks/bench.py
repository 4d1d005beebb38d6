"""Benchmarks of the execdocs engine against the quality bars in PRODUCT.md.

    make bench                                   # after `make site` (needs site/ and a warm cache)
    PYTHONPATH=src .venv/bin/python benchmarks/bench.py [--with-tests] [--skip-anchor] [--profile]

Everything runs side by side in one run, on a snapshot of the project copied to a
temporary directory (docs/, snippets/, src/, hooks/, mkdocs.yml, records/ and the warm
cache .cache/execdocs/results), so builds of the real tree going on at the same time
neither disturb the figures nor get disturbed.  Builds are non-strict: a page whose
blocks fail is still measured.

 1. warm rebuild, nothing changed, vs the same build with EXECDOCS_DISABLE=1 (median of 3)
 2. cold build (empty cache) vs the summed standalone run time of the same chains
    (benchmarks/standalone.py: one warm interpreter, fresh namespace per chain)
 3. edit one number in one block: blocks re-run must equal the block's chain length
 4. prose edit under `mkdocs serve --livereload`: 0 blocks re-run, seconds until the page shows it
 5. outside anchor: the same pages under markdown-exec (no cache), cold and warm
 6. (--with-tests) wall time of the two pytest commands of `make test`

Results are printed as a table (figure, goal, MET/NOT MET) and written to .bench/results.json.
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tokenize
import io
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SUMMARY = re.compile(r"(\d+) block\(s\) executed, (\d+) from cache, (\d+) skipped, (\d+) problem\(s\)")
CHAIN_DONE = re.compile(r"\[\d+/\d+\] (\S+) \((\d+) block\(s\), ([\d.]+) s\)")
TREE = ("docs", "snippets", "src", "hooks", "mkdocs.yml", "records")
IGNORE = shutil.ignore_patterns("__pycache__", "*.egg-info", "notebooks", ".pytest_cache")

results: dict = {"figures": {}, "notes": []}
rows: list[tuple[str, str, str, str]] = []  # figure, measured, goal, verdict


class BenchError(SystemExit):
    def __init__(self, message: str):
        super().__init__(f"bench: error: {message}")


def say(text: str) -> None:
    print(text, flush=True)


def row(name: str, measured: str, goal: str, met: bool | None) -> None:
    verdict = "" if met is None else ("MET" if met else "NOT MET")
    rows.append((name, measured, goal, verdict))
    say(f"  -> {name}: {measured}   goal {goal}   {verdict}")


# -- environment ---------------------------------------------------------------------------
def env_for(root: Path, **extra: str) -> dict:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(root / "src"), MPLBACKEND="Agg")
    for key in ("EXECDOCS_DISABLE", "EXECDOCS_CACHE", "EXECDOCS_ACCEPT"):
        env.pop(key, None)
    env.update(extra)
    return env


def preflight() -> None:
    if not (ROOT / "site" / "index.html").exists():
        raise BenchError(f"{ROOT / 'site'} is missing: run `make site` first (make bench does it)")
    results_dir = ROOT / ".cache" / "execdocs" / "results"
    if not results_dir.is_dir() or not any(results_dir.rglob("*.pickle")):
        raise BenchError(f"the execution cache {results_dir} is missing or empty: run `make site` first, "
                         "the warm-rebuild figures need a warm cache")
    try:
        import mkdocs  # noqa: F401
        import execdocs  # noqa: F401
    except ImportError as err:
        raise BenchError(f"{err}: run with the project's environment: PYTHONPATH=src .venv/bin/python "
                         "benchmarks/bench.py") from None


def snapshot(dest: Path, with_cache: bool = True) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in TREE:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=IGNORE)
        elif src.is_file():
            shutil.copy2(src, dest / name)
    if with_cache:
        shutil.copytree(ROOT / ".cache" / "execdocs" / "results", dest / ".cache" / "execdocs" / "results",
                        ignore=shutil.ignore_patterns(".tmp-*"))
    return dest


def build(root: Path, site: Path, label: str, **extra: str) -> dict:
    """One `mkdocs build` (non-strict) in ``root``; wall seconds and the engine's counts."""
    cmd = [PY, "-m", "mkdocs", "build", "-d", str(site)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=root, env=env_for(root, **extra), capture_output=True, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    log = proc.stdout + proc.stderr
    if proc.returncode != 0:
        tail = "\n".join(log.splitlines()[-25:])
        raise BenchError(f"`mkdocs build` ({label}) exited {proc.returncode} in {root}:\n{tail}")
    counts = None
    if found := SUMMARY.findall(log):
        ran, cached, skipped, problems = map(int, found[-1])
        counts = {"ran": ran, "cached": cached, "skipped": skipped, "problems": problems}
    chains = [(w, int(n), float(s)) for w, n, s in CHAIN_DONE.findall(log)]
    # cpu: the build process and what it waited for (not the zygote's forked chains)
    return {"seconds": seconds, "cpu": cpu, "counts": counts, "chains": chains, "log": log}


def describe(counts: dict | None) -> str:
    if counts is None:
        return "no execdocs summary in the log"
    return (f"{counts['ran']} executed, {counts['cached']} from cache, {counts['skipped']} skipped, "
            f"{counts['problems']} problem(s)")


# -- pages --------------------------------------------------------------------------------
def site_chains(root: Path) -> tuple[list, dict]:
    """Every runnable chain of the pages and snippets (as the engine groups them); skipped ones left out."""
    sys.path.insert(0, str(root / "src"))
    from execdocs import notebooks
    from execdocs.build import page_files
    from execdocs.errors import MarkerError
    from execdocs.parse import chains, parse_page
    from execdocs.session import Session

    out, pages = [], {}
    docs = root / "docs"
    for path in page_files(docs):
        page = path.relative_to(docs).as_posix()
        try:
            blocks = parse_page(path.read_text(), page)
        except MarkerError as err:
            results["notes"].append(f"{page}: marker error, left out of the standalone sum: {err}")
            continue
        pages[page] = blocks
    for path in sorted((root / "snippets").glob("*.py")):
        pages[notebooks.snippet_page(path)] = notebooks.snippet_blocks(path)
    for page, blocks in pages.items():
        for chain in chains(blocks):
            if not Session._skipped(None, chain):
                out.append(chain)
    return out, pages


# -- 1. warm rebuild vs execution off -----------------------------------------------------------
def bench_warm(root: Path, tmp: Path, runs: int = 3) -> None:
    say("\n[1] warm rebuild (nothing changed) vs the same build with execution off")
    warmup = build(root, tmp / "site-warmup", "warm-up")
    say(f"  warm-up build (untimed): {warmup['seconds']:.1f} s, {describe(warmup['counts'])}")
    if warmup["counts"] and warmup["counts"]["ran"]:
        results["notes"].append(f"the warm-up build ran {warmup['counts']['ran']} block(s): pages changed "
                                "since the last `make site`")
    warm, off, warm_cpu, off_cpu = [], [], [], []
    for k in range(runs):  # interleaved, so drift in machine load hits both alike
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
def bench_cold(root: Path, tmp: Path) -> dict:
    say("\n[2] cold build (empty cache) vs the summed standalone run time of the same code")
    cold = build(root, tmp / "site-cold", "cold", EXECDOCS_CACHE=str(tmp / "cold-cache"))
    engine_sum = sum(s for _, _, s in cold["chains"])
    say(f"  cold build: {cold['seconds']:.1f} s ({describe(cold['counts'])}; "
        f"engine-measured block time {engine_sum:.1f} s in {len(cold['chains'])} chain(s))")
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
    standalone = json.loads(out_file.read_text())
    total = sum(r["seconds"] for r in standalone)
    total_cpu = sum(r.get("cpu", 0.0) for r in standalone)
    failed = [f"{r['where']} ({r['status']})" for r in standalone if r["status"] != "ok"]
    say(f"  standalone: {total:.1f} s summed over {len(standalone)} chain(s) (cpu {total_cpu:.1f} s)"
        + (f"; stopped early (exception, as the engine does): {', '.join(failed)}" if failed else ""))
    ratio = cold["seconds"] / total if total else float("inf")
    top = sorted(standalone, key=lambda r: -r["seconds"])[:5]
    results["figures"]["cold_build"] = {
        "cold_s": cold["seconds"], "standalone_sum_s": total, "standalone_cpu_s": total_cpu, "ratio": ratio, "goal": 1.3,
        "engine_block_sum_s": engine_sum, "counts": cold["counts"], "chains": len(standalone),
        "slowest_chains": top, "stopped_early": failed}
    row("2 cold build / standalone sum", f"{ratio:.2f}x ({cold['seconds']:.1f} s vs {total:.1f} s)",
        "<= 1.3x", ratio <= 1.3)
    row("2 cold build, absolute (2 cores)", f"{cold['seconds']:.1f} s", "a few minutes (<= 300 s)",
        cold["seconds"] <= 300)
    if total:
        say(f"  (engine-measured block time / standalone: {engine_sum / total:.2f}x; the rest of the "
            "cold build is MkDocs, the zygote start and parallelism on 2 cores)")
    return cold


# -- 3. edit one block ----------------------------------------------------------------------
def _string_with_digit(line: str) -> tuple[str, str] | None:
    """A string literal of ``line`` holding a digit, and that literal with one digit changed."""
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


def pick_block(pages: dict):
    """A block of a Markdown page with a print of a string holding a digit; shortest chain first."""
    from execdocs.parse import chains

    candidates = []
    for page, blocks in pages.items():
        if not page.endswith(".md"):
            continue
        for chain in chains(blocks):
            for block in chain.blocks:
                if block.expects_exception or any(m.startswith("pytest.mark.skip") for m in block.marks):
                    continue
                for k, line in enumerate(block.code.splitlines()):
                    if "print(" in line and (hit := _string_with_digit(line)):
                        candidates.append((len(chain.blocks), len(block.code), block, k, hit, chain))
                        break
    if not candidates:
        for page, blocks in pages.items():  # no print with a digit: any literal with a digit
            for chain in chains(blocks):
                for block in chain.blocks:
                    for k, line in enumerate(block.code.splitlines()):
                        if hit := _string_with_digit(line):
                            candidates.append((len(chain.blocks), len(block.code), block, k, hit, chain))
                            break
    if not candidates:
        return None
    candidates.sort(key=lambda c: (c[0], c[1]))
    return candidates[0]


def bench_edit(root: Path, tmp: Path) -> None:
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


# -- 4. prose edit under mkdocs serve ---------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - not up yet
        return 0, ""


def pick_prose(pages: dict, root: Path) -> tuple[str, int] | None:
    """A plain paragraph line (outside fences, HTML and lists) of the page with the most blocks."""
    ranked = sorted((p for p in pages if p.endswith(".md")), key=lambda p: -len(pages[p]))
    for page in ranked:
        fence = False
        for n, line in enumerate((root / "docs" / page).read_text().split("\n")):
            s = line.strip()
            if s.startswith(("```", "~~~")):
                fence = not fence
                continue
            if not fence and len(s) > 40 and s[0].isalpha() and not line.startswith((" ", "\t")) \
                    and "|" not in s and "<" not in s:
                return page, n
    return None


def bench_serve(root: Path, tmp: Path, budget: float = 120.0) -> None:
    say("\n[4] prose edit under `mkdocs serve --livereload`")
    _, pages = site_chains(root)
    picked = pick_prose(pages, root)
    if picked is None:
        row("4 prose edit under serve", "no prose line found", "0 blocks", None)
        return
    page, n = picked
    port = _free_port()
    log_path = tmp / "serve.log"
    url = f"http://127.0.0.1:{port}/{page[:-3]}.html"
    with open(log_path, "w") as log:
        server = subprocess.Popen([PY, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", "--livereload"],
                                  cwd=root, env=env_for(root), stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    path = root / "docs" / page
    original = path.read_text()
    try:
        start = time.perf_counter()
        while True:
            status, _ = _get(url)
            if status == 200:
                break
            if server.poll() is not None:
                raise BenchError(f"`mkdocs serve` exited {server.returncode}:\n{log_path.read_text()[-3000:]}")
            if time.perf_counter() - start > budget:
                raise BenchError(f"`mkdocs serve` was not up after {budget:.0f} s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        say(f"  server up after {time.perf_counter() - start:.1f} s (initial build, warm cache)")
        time.sleep(1.0)  # let the watcher settle
        mark = len(log_path.read_text())
        token = f"BENCHPROSE{os.getpid()}X{int(time.time())}"
        lines = original.split("\n")
        lines[n] = lines[n] + f" {token}"
        edited_at = time.perf_counter()
        path.write_text("\n".join(lines))
        seen = None
        while time.perf_counter() - edited_at < budget:
            status, body = _get(url)
            if token in body:
                seen = time.perf_counter() - edited_at
                break
            time.sleep(0.05)
        # the page is written before on_post_build logs the summary: wait for it
        deadline = time.perf_counter() + 30
        counts = None
        while time.perf_counter() < deadline:
            if found := SUMMARY.findall(log_path.read_text()[mark:]):
                ran, cached, skipped, problems = map(int, found[-1])
                counts = {"ran": ran, "cached": cached, "skipped": skipped, "problems": problems}
                break
            time.sleep(0.2)
    finally:
        path.write_text(original)
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(server.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    ran = counts["ran"] if counts else None
    say(f"  edited prose at {page}:{n + 1}; page showed it after "
        f"{'%.2f s' % seen if seen is not None else 'NEVER (budget %.0f s)' % budget}; {describe(counts)}")
    results["figures"]["serve_prose_edit"] = {"page": f"{page}:{n + 1}", "seconds_to_page": seen,
                                              "blocks_rerun": ran, "counts": counts}
    row("4 serve prose edit: blocks re-run", f"{ran}", "0", ran == 0)
    row("4 serve prose edit: seconds to page", f"{seen:.2f} s" if seen is not None else "never",
        "report (no goal)", None)


# -- 5. markdown-exec anchor -------------------------------------------------------------------
def ensure_markdown_exec() -> bool:
    try:
        import markdown_exec  # noqa: F401
        return True
    except ImportError:
        pass
    say("  installing markdown-exec (benchmark only; not in requirements.lock)")
    proc = subprocess.run([PY, "-m", "pip", "install", "-q", "--disable-pip-version-check", "markdown-exec"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        results["notes"].append(f"markdown-exec could not be installed: {proc.stderr[-500:]}")
        return False
    return True


MDEXEC_YML = """\
site_name: markdown-exec anchor
docs_dir: docs
use_directory_urls: false
theme:
  name: material
  font: false
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc:
      permalink: true
  - pymdownx.details
  - pymdownx.highlight
  - pymdownx.inlinehilite
  - pymdownx.superfences   # markdown-exec's plugin adds its custom fences (python, ...) here
  - pymdownx.tabbed:
      alternate_style: true
  - pymdownx.tasklist
plugins:
  - search
  - markdown-exec
"""


def make_mdexec_tree(root: Path, dest: Path, pages: dict) -> list[str]:
    """docs/ with every executed ```python fence turned into a markdown-exec fence; snippets as pages."""
    from execdocs.parse import chains

    (dest / "docs").mkdir(parents=True)
    shutil.copytree(root / "docs" / "assets", dest / "docs" / "assets")
    (dest / "mkdocs.yml").write_text(MDEXEC_YML)
    converted = []
    for page, blocks in pages.items():
        if page.startswith("../snippets/"):
            continue
        lines = (root / "docs" / page).read_text().split("\n")
        stem = re.sub(r"\W", "_", page[:-3])
        for ci, chain in enumerate(chains(blocks)):
            from execdocs.session import Session
            run = not Session._skipped(None, chain)
            for block in chain.blocks:
                i = block.line - 1
                ticks = re.match(r"\s*(`+)", lines[i]).group(1)
                if run:
                    lines[i] = (f'{block.indent}{ticks}python exec="on" session="{stem}-{ci}" '
                                f'source="above" result="text"')
        out = dest / "docs" / page
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("\n".join(lines))
        converted.append(page)
    for path in sorted((root / "snippets").glob("*.py")):
        from execdocs import notebooks

        parts = [f"# {path.stem}\n"]
        for kind, _, text in notebooks.parse_cells(path.read_text()):
            if kind == "markdown":
                parts.append(text + "\n")
            else:
                parts.append(f'```python exec="on" session="snippet-{path.stem}" source="above" '
                             f'result="text"\n{text}\n```\n')
        (dest / "docs" / f"snippet_{path.stem}.md").write_text("\n".join(parts))
        converted.append(f"snippets/{path.name}")
    return converted


def bench_anchor(root: Path, tmp: Path, ours_cold: float | None, ours_warm: float | None,
                 deadline: float = float("inf")) -> None:
    say("\n[5] outside anchor: the same pages under markdown-exec (executes in-process, no cache)")
    if not ensure_markdown_exec():
        row("5 markdown-exec anchor", "not installed", "report", None)
        return
    _, pages = site_chains(root)
    anchor = tmp / "mdexec"
    converted = make_mdexec_tree(root, anchor, pages)
    times, errors = [], None
    for label in ("cold", "warm"):
        if label == "warm" and time.perf_counter() + times[0] > deadline:
            say("  markdown-exec warm: not run (it would take the bench past its 15-minute budget); "
                "markdown-exec has no cache, so warm = cold is assumed")
            results["notes"].append("markdown-exec warm build not run (time budget): warm taken = cold")
            times.append(times[0])
            break
        site = tmp / f"site-mdexec-{label}"
        start = time.perf_counter()
        proc = subprocess.run([PY, "-m", "mkdocs", "build", "-d", str(site)], cwd=anchor,
                              env=env_for(root, PYTHONPATH=str(root / "src")), capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if proc.returncode != 0:
            raise BenchError(f"markdown-exec build exited {proc.returncode}:\n{proc.stderr[-3000:]}")
        times.append(seconds)
        errors = len(re.findall(r"Execution of python code block exited with", proc.stderr))
        say(f"  markdown-exec {label}: {seconds:.1f} s ({errors} block(s) raised: xfail blocks and "
            "anything markdown-exec cannot run the way our engine does)")
    cold, warm = times
    results["figures"]["markdown_exec"] = {"cold_s": cold, "warm_s": warm, "ours_cold_s": ours_cold,
                                           "ours_warm_s": ours_warm, "pages": converted,
                                           "blocks_raised": errors}
    if ours_cold:
        row("5 ours cold / markdown-exec cold", f"{ours_cold / cold:.2f}x ({ours_cold:.1f} s vs {cold:.1f} s)",
            "report", None)
    if ours_warm:
        row("5 ours warm / markdown-exec warm", f"{ours_warm / warm:.2f}x ({ours_warm:.1f} s vs {warm:.1f} s)",
            "report", None)


# -- 6. tests ------------------------------------------------------------------------------
def bench_tests() -> None:
    say("\n[6] `make test` wall time, excluding environment set-up (the two pytest commands)")
    env = env_for(ROOT, PYTHONPATH="src")
    total, parts = 0.0, []
    for args in (["tests"], ["--codeblocks", "docs"]):
        start = time.perf_counter()
        proc = subprocess.run([PY, "-m", "pytest", "-q", *args], cwd=ROOT, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        total += seconds
        last = (proc.stdout.strip().splitlines() or ["?"])[-1]
        failed = [line for line in proc.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
        parts.append({"args": args, "seconds": seconds, "exit": proc.returncode, "result": last,
                      "failed": failed})
        say(f"  pytest -q {' '.join(args)}: {seconds:.1f} s, exit {proc.returncode}: {last}")
        for line in failed:
            say(f"    {line}")
    results["figures"]["tests"] = {"total_s": total, "parts": parts, "goal_s": 900}
    row("6 make test wall time", f"{total / 60:.1f} min", "< 15 min", total < 900)


# -- profile -------------------------------------------------------------------------------
def profile_warm(root: Path, tmp: Path) -> None:
    """pyinstrument of one warm rebuild, text report in .bench/profile-warm.txt."""
    out = ROOT / ".bench" / "profile-warm.txt"
    proc = subprocess.run([PY, "-m", "pyinstrument", "-o", str(out), "-m", "mkdocs", "build", "-d",
                           str(tmp / "site-profile")], cwd=root, env=env_for(root), capture_output=True, text=True)
    say(f"\n[profile] warm rebuild profile: {out}" if proc.returncode == 0 else
        f"\n[profile] pyinstrument failed (pip install pyinstrument into .venv): {proc.stderr[-300:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--with-tests", action="store_true", help="also time the pytest commands of make test")
    parser.add_argument("--skip-anchor", action="store_true", help="skip the markdown-exec comparison")
    parser.add_argument("--profile", action="store_true", help="write a pyinstrument profile of a warm rebuild")
    parser.add_argument("--runs", type=int, default=3, help="runs of each warm/off build (median)")
    parser.add_argument("--budget", type=float, default=14 * 60,
                        help="seconds the bench may take (without --with-tests); the markdown-exec warm build "
                             "is skipped when it would go past")
    parser.add_argument("--keep", action="store_true", help="keep the temporary tree")
    args = parser.parse_args()
    preflight()
    began = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="execdocs-bench-"))
    root = snapshot(tmp / "tree")
    say(f"bench: snapshot of {ROOT} in {root}; {os.cpu_count()} CPU(s), load {os.getloadavg()[0]:.2f}")
    results["cpus"] = os.cpu_count()
    results["load_before"] = os.getloadavg()
    try:
        bench_warm(root, tmp, args.runs)
        bench_edit(root, tmp)
        bench_serve(root, tmp)
        cold = bench_cold(root, tmp)
        if not args.skip_anchor:
            warm = results["figures"]["warm_rebuild"]["warm_median_s"]
            bench_anchor(root, tmp, cold["seconds"], warm, deadline=began + args.budget)
        if args.profile:
            profile_warm(root, tmp)
        if args.with_tests:
            bench_tests()
    finally:
        results["total_s"] = time.perf_counter() - began
        results["load_after"] = os.getloadavg()
        results["table"] = rows
        (ROOT / ".bench").mkdir(exist_ok=True)
        (ROOT / ".bench" / "results.json").write_text(json.dumps(results, indent=1, default=str) + "\n")
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    width = max(len(r[0]) for r in rows) if rows else 10
    mwidth = max(len(r[1]) for r in rows) if rows else 10
    gwidth = max(len(r[2]) for r in rows) if rows else 10
    say(f"\nSummary ({results['total_s']:.0f} s; load average {results['load_before'][0]:.2f} before, "
        f"{results['load_after'][0]:.2f} after)")
    say(f"{'figure'.ljust(width)}  {'measured'.ljust(mwidth)}  {'goal'.ljust(gwidth)}  verdict")
    for name, measured, goal, verdict in rows:
        say(f"{name.ljust(width)}  {measured.ljust(mwidth)}  {goal.ljust(gwidth)}  {verdict}")
    for note in results["notes"]:
        say(f"note: {note}")
    say(f"results: {ROOT / '.bench' / 'results.json'}")


if __name__ == "__main__":
    main()
