"""Serve measure [4]: a prose edit under `mkdocs serve --livereload`.

A writer editing prose should see it on the page fast and re-run no code: this starts a real
server on the snapshot tree, appends a unique token to one paragraph, and times how long until
the served page holds it, then reads the engine's counts for that rebuild from the server log.
"""
from __future__ import annotations

import os
import signal
import socket
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


def _edit_under_serve(root: Path, tmp: Path, page: str, n: int, budget: float) -> tuple[float | None, dict | None]:
    """Serve ``root``, append a token to line ``n`` of ``page``; seconds to show it and the counts.

    The page is restored and the server stopped whatever happens."""
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
        _wait_until_up(url, server, log_path, budget)
        time.sleep(1.0)  # let the watcher settle
        mark = len(log_path.read_text())
        token = f"BENCHPROSE{os.getpid()}X{int(time.time())}"
        lines = original.split("\n")
        lines[n] = lines[n] + f" {token}"
        edited_at = time.perf_counter()
        path.write_text("\n".join(lines))
        seen = _seconds_until_shown(url, token, edited_at, budget)
        counts = _counts_after(log_path, mark)
    finally:
        path.write_text(original)
        _stop(server)
    return seen, counts


def bench_serve(root: Path, tmp: Path, budget: float = 120.0) -> None:
    """[4] A prose edit under serve must re-run 0 blocks; the seconds to the page are reported."""
    say("\n[4] prose edit under `mkdocs serve --livereload`")
    _, pages = site_chains(root)
    picked = pick_prose(pages, root)
    if picked is None:
        row("4 prose edit under serve", "no prose line found", "0 blocks", None)
        return
    page, n = picked
    seen, counts = _edit_under_serve(root, tmp, page, n, budget)
    ran = counts["ran"] if counts else None
    say(f"  edited prose at {page}:{n + 1}; page showed it after "
        f"{'%.2f s' % seen if seen is not None else 'NEVER (budget %.0f s)' % budget}; {describe(counts)}")
    results["figures"]["serve_prose_edit"] = {"page": f"{page}:{n + 1}", "seconds_to_page": seen,
                                              "blocks_rerun": ran, "counts": counts}
    row("4 serve prose edit: blocks re-run", f"{ran}", "0", ran == 0)
    row("4 serve prose edit: seconds to page", f"{seen:.2f} s" if seen is not None else "never",
        "report (no goal)", None)
