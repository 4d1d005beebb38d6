"""Outside anchor [5]: the same pages built under markdown-exec, cold and warm.

The quality bars are ratios against our own builds; this gives a figure against another tool
that runs the same code (in-process, no cache), so the numbers have an outside reference.
The pages are converted into a separate tree with its own mkdocs.yml, leaving the snapshot alone.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

from benchlib import PY, BenchError, env_for, results, row, say, site_chains

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


def ensure_markdown_exec() -> bool:
    """Install markdown-exec on demand: it is only a yardstick, so it stays out of requirements.lock."""
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


def _convert_page(root: Path, dest: Path, page: str, blocks: list) -> None:
    """Write ``page`` to ``dest`` with each fence of a chain the engine runs turned into a
    markdown-exec fence, one session per chain (so shared state matches ours)."""
    from execdocs.parse.page import chains

    lines = (root / "docs" / page).read_text().split("\n")
    stem = re.sub(r"\W", "_", page[:-3])
    for ci, chain in enumerate(chains(blocks)):
        run = not chain.skip
        for block in chain.blocks:
            i = block.line - 1
            ticks = re.match(r"\s*(`+)", lines[i]).group(1)
            if run:
                lines[i] = (f'{block.indent}{ticks}python exec="on" session="{stem}-{ci}" '
                            f'source="above" result="text"')
    out = dest / "docs" / page
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines))


def _convert_snippet(path: Path, dest: Path) -> None:
    """A snippet (percent-format .py) as a Markdown page of markdown-exec fences, one session."""
    from execdocs.render import notebooks

    parts = [f"# {path.stem}\n"]
    for kind, _, text in notebooks.parse_cells(path.read_text()):
        if kind == "markdown":
            parts.append(text + "\n")
        else:
            parts.append(f'```python exec="on" session="snippet-{path.stem}" source="above" '
                         f'result="text"\n{text}\n```\n')
    (dest / "docs" / f"snippet_{path.stem}.md").write_text("\n".join(parts))


def make_mdexec_tree(root: Path, dest: Path, pages: dict) -> list[str]:
    """docs/ with every executed ```python fence turned into a markdown-exec fence; snippets as pages."""
    (dest / "docs").mkdir(parents=True)
    shutil.copytree(root / "docs" / "assets", dest / "docs" / "assets")
    (dest / "mkdocs.yml").write_text(MDEXEC_YML)
    converted = []
    for page, blocks in pages.items():
        if page.startswith("../snippets/"):
            continue
        _convert_page(root, dest, page, blocks)
        converted.append(page)
    for path in sorted((root / "snippets").glob("*.py")):
        _convert_snippet(path, dest)
        converted.append(f"snippets/{path.name}")
    return converted


def check_conversion(root: Path, tmp: Path) -> None:
    """[5, quick] Convert the pages as the anchor would, without installing or running
    markdown-exec: the conversion uses the engine's parser, so an engine change that breaks
    it fails here, in `make test`, rather than in the next full `make bench`."""
    say("\n[5] outside anchor, quick: pages converted to markdown-exec fences (not built)")
    _, pages = site_chains(root)
    converted = make_mdexec_tree(root, tmp / "mdexec-quick", pages)
    fences = sum((tmp / "mdexec-quick" / "docs" / p).read_text().count('exec="on"')
                 for p in converted if p.endswith(".md"))
    results["figures"]["anchor_conversion"] = {"pages": len(converted), "exec_fences": fences}
    row("5 anchor pages converted (quick)", f"{len(converted)} pages, {fences} exec fences", "> 0", fences > 0)


def _mdexec_build(root: Path, anchor: Path, site: Path) -> tuple[float, int]:
    """One markdown-exec build of ``anchor``: wall seconds and how many blocks raised."""
    start = time.perf_counter()
    proc = subprocess.run([PY, "-m", "mkdocs", "build", "-d", str(site)], cwd=anchor,
                          env=env_for(root, PYTHONPATH=str(root / "src")), capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise BenchError(f"markdown-exec build exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    return seconds, len(re.findall(r"Execution of python code block exited with", proc.stderr))


def bench_anchor(root: Path, tmp: Path, ours_cold: float | None, ours_warm: float | None,
                 deadline: float = float("inf")) -> None:
    """[5] Our cold and warm builds against markdown-exec's; the warm one is skipped past ``deadline``."""
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
        seconds, errors = _mdexec_build(root, anchor, tmp / f"site-mdexec-{label}")
        times.append(seconds)
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
