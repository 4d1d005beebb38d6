"""Serve measure [4]: prose and block edits under `mkdocs serve --livereload`.

A writer editing prose should see it on the page fast and re-run no code; a small block edit
should re-run that block only, in the zygote the server keeps warm.  This starts one real server
on the snapshot tree, alternates the two kinds of edit (each a unique token: appended to a
paragraph, or printed by a new line in a small block), and times how long until the served page
holds it; the engine's counts for each rebuild come from the server log.  Rows:
`serve prose edit: seconds to page` (goal <= 1.2 s) and `serve block edit: seconds to page`
(goal <= 2 s), medians, measured under whatever load the machine has (reported).
"""
from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import time
import urllib.request
from pathlib import Path

from benchlib import PY, BenchError, describe, env_for, parse_counts, results, row, say, site_chains


def _free_port() -> int:
    """A port nothing listens on, so the bench's server never clashes with a running `make serve`."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    """Status and body of ``url``; (0, "") while the server is not answering yet."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - not up yet
        return 0, ""


def pick_prose(pages: dict, root: Path) -> tuple[str, int] | None:
    """A plain paragraph line (outside fences, HTML and lists) of the page with the most blocks.

    The page with the most blocks is the one where a needless re-run would cost the most."""
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


def _wait_until_up(url: str, server: subprocess.Popen, log_path: Path, budget: float) -> None:
    """Block until the page answers 200, failing early if the server dies or takes past ``budget``."""
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


def _seconds_until_shown(url: str, token: str, edited_at: float, budget: float) -> float | None:
    """Seconds from the edit until the served page holds ``token``; None if not within ``budget``."""
    while time.perf_counter() - edited_at < budget:
        status, body = _get(url)
        if token in body:
            return time.perf_counter() - edited_at
        time.sleep(0.05)
    return None


def _counts_after(log_path: Path, mark: int) -> dict | None:
    """The engine's counts for the rebuild logged after offset ``mark``: the page is written
    before on_post_build logs the summary, so wait for it (up to 30 s)."""
    deadline = time.perf_counter() + 30
    while time.perf_counter() < deadline:
        if (counts := parse_counts(log_path.read_text()[mark:])) is not None:
            return counts
        time.sleep(0.2)
    return None


def _stop(server: subprocess.Popen) -> None:
    """End the server's whole process group (it forks the engine's workers), hard if it lingers."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(server.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def pick_block(pages: dict) -> tuple[str, int, str] | None:
    """A small, quick, single-block chain of a page (no expected output, not xfail, not skipped):
    (page, line index of its closing fence, indent).  Editing it re-runs one cheap block, so the
    figure measures the engine's overhead, not the block's own run time."""
    for page in sorted(p for p in pages if p.endswith(".md")):
        blocks = pages[page]
        for n, block in enumerate(blocks):
            single = not block.cont and (n + 1 == len(blocks) or not blocks[n + 1].cont)
            if (single and block.expected_output is None and not block.expects_exception and not block.skip
                    and block.code.count("\n") <= 3 and "import torch" not in block.code
                    and block.options.output == "text"):
                return page, block.end_line - 1, block.indent
    return None


def _edit_under_serve(server_root: Path, tmp: Path, edits: list) -> list[tuple[float | None, dict | None]]:
    """Serve ``server_root`` and make each edit in turn: (page, make(original, token) -> text, token).

    Returns, per edit, the seconds until the served page holds the token and the engine's counts.
    Every page is restored and the server stopped whatever happens."""
    port = _free_port()
    log_path = tmp / "serve.log"
    pages = {page for page, _, _ in edits}
    originals = {page: (server_root / "docs" / page).read_text() for page in pages}
    first_url = f"http://127.0.0.1:{port}/{edits[0][0][:-3]}.html"
    with open(log_path, "w") as log:
        server = subprocess.Popen([PY, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", "--livereload"],
                                  cwd=server_root, env=env_for(server_root), stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    outcomes = []
    try:
        _wait_until_up(first_url, server, log_path, 300)
        time.sleep(3.0)  # let the watcher settle and the zygote warm up in the background
        for page, make, token in edits:
            mark = len(log_path.read_text())
            path = server_root / "docs" / page
            edited_at = time.perf_counter()
            path.write_text(make(originals[page], token))
            seen = _seconds_until_shown(f"http://127.0.0.1:{port}/{page[:-3]}.html", token, edited_at, 120)
            outcomes.append((seen, _counts_after(log_path, mark)))
            path.write_text(originals[page])
            time.sleep(2.0)
            _seconds_until_shown(f"http://127.0.0.1:{port}/{page[:-3]}.html", "</html>", time.perf_counter(), 30)
    finally:
        for page, text in originals.items():
            (server_root / "docs" / page).write_text(text)
        _stop(server)
    return outcomes


def _append_to_line(n: int, suffix: str):
    def make(original: str, token: str) -> str:
        lines = original.split("\n")
        lines[n] = lines[n] + suffix.format(token=token)
        return "\n".join(lines)
    return make


def _insert_before_line(n: int, indent: str):
    """A print of the token, split in the source so only the block's *output* can show it whole."""
    def make(original: str, token: str) -> str:
        lines = original.split("\n")
        half = len(token) // 2
        lines.insert(n, f'{indent}print("{token[:half]}" + "{token[half:]}")')
        return "\n".join(lines)
    return make


def bench_serve(root: Path, tmp: Path, rounds: int = 3) -> None:
    """[4] Edits under serve: prose re-runs 0 blocks, a small block edit re-runs its one block;
    seconds until the served page shows each (median of ``rounds``), against the goals."""
    say("\n[4] prose and block edits under `mkdocs serve --livereload` (measured under the machine's load)")
    _, pages = site_chains(root)
    prose, block = pick_prose(pages, root), pick_block(pages)
    if prose is None or block is None:
        row("4 serve edits", "no prose line or small block found", "-", None)
        return
    edits = []
    for n in range(rounds):
        stamp = f"{os.getpid()}X{int(time.time())}X{n}"
        edits.append((prose[0], _append_to_line(prose[1], " {token}"), f"BENCHPROSE{stamp}"))
        edits.append((block[0], _insert_before_line(block[1], block[2]), f"BENCHBLOCK{stamp}"))
    outcomes = _edit_under_serve(root, tmp, edits)
    _report("prose", prose, outcomes[0::2], goal=1.2, blocks=0)
    _report("block", (block[0], block[1] - 1), outcomes[1::2], goal=2.0, blocks=1)


def _report(kind: str, where: tuple, outcomes: list, goal: float, blocks: int) -> None:
    seen = [s for s, _ in outcomes]
    ran = [c["ran"] if c else None for _, c in outcomes]
    median = statistics.median(seen) if None not in seen else None
    say(f"  {kind} edit at {where[0]}:{where[1] + 1}: seconds to page {seen}, blocks re-run {ran}")
    results["figures"][f"serve_{kind}_edit"] = {"page": f"{where[0]}:{where[1] + 1}", "seconds_to_page": seen,
                                                "median_s": median, "blocks_rerun": ran,
                                                "load": os.getloadavg()[0]}
    row(f"serve {kind} edit: blocks re-run", f"{ran}", f"{blocks} each", all(r == blocks for r in ran))
    row(f"serve {kind} edit: seconds to page", f"{median:.2f} s (median of {len(seen)})"
        if median is not None else "never", f"<= {goal:g} s", median is not None and median <= goal)
