"""Render: pure functions from results to the Markdown inserted under each block.

Output text goes into a fence (never raw HTML), so ``<script>`` or Markdown syntax a
block prints is shown literally.  Nothing here runs code or touches the disk.
"""
from __future__ import annotations

import re
from typing import Callable

from .model import Block, BlockResult, Edit, Figure

FigureUrl = Callable[[Figure], str]


def _fence(text: str, classes: str, title: str | None = None) -> str:
    """A fence long enough that backticks inside the text cannot close it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    attrs = f' title="{title}"' if title else ""
    return f"{ticks}{{ {classes}{attrs} }}\n{text.rstrip(chr(10))}\n{ticks}"


def _alt(text: str) -> str:
    return re.sub(r"[\[\]\n]", " ", text).strip()


def figure_markdown(figure: Figure, url: str) -> str:
    return f'![{_alt(figure.alt)}]({url}){{ .exec-figure loading=lazy width="{figure.width}" }}'


def result_markdown(block: Block, result: BlockResult, figure_url: FigureUrl) -> str:
    """Everything one block showed: stdout, warnings, an intended exception, figures."""
    parts = []
    if result.stdout.strip() and block.expected_output is None:
        if block.options.output == "markdown":
            parts.append(result.stdout.strip("\n"))
        else:
            parts.append(_fence(result.stdout, ".text .exec-output", "Output"))
    if result.stderr.strip():
        parts.append(_fence(result.stderr, ".text .exec-stderr", "Warnings and stderr"))
    if result.exception is not None and block.expects_exception:
        text = f"{result.exception.type}: {result.exception.message}"
        parts.append(_fence(text, ".text .exec-exception", f"Raises {result.exception.type}"))
    parts.extend(figure_markdown(f, figure_url(f)) for f in result.figures)
    return "\n\n".join(parts)


def problem_markdown(title: str, detail: str, kind: str = "failure") -> str:
    """An admonition shown on the page (``make serve``) instead of stopping the server."""
    body = _fence(detail, ".text .exec-error")
    indented = "\n".join(("    " + line) if line else "" for line in body.splitlines())
    return f'!!! {kind} "{_alt(title)}"\n\n{indented}'


def collapsed(text: str, title: str) -> str:
    """Wrap output in a closed details block (quiz answers stay hidden until asked for)."""
    body = "\n".join(("    " + line) if line.strip() else "" for line in text.splitlines())
    return f'??? example "{_alt(title)}"\n\n{body}'


def indent_block(text: str, indent: str) -> str:
    return "\n".join((indent + line) if line.strip() else line for line in text.splitlines())


def insertion_edit(block: Block, text: str) -> Edit | None:
    """Insert ``text`` after the block (after its expected-output fence, if any)."""
    if not text:
        return None
    anchor = block.end_line
    body = "\n" + indent_block(text, block.indent) + "\n"
    return Edit(line=anchor + 1, remove=0, text=body)


def provenance_markdown(device: str, versions: dict, recorded: str | None) -> str:
    when = f"record of {recorded}" if recorded else "not yet recorded"
    return (f'\n<p class="exec-provenance">Outputs on this page were produced by running its code on '
            f'<strong>{device}</strong> with torch {versions.get("torch", "?")}, torchvision '
            f'{versions.get("torchvision", "?")}, Python {versions.get("python", "?")} '
            f'(checked against the {when}).</p>\n')


def timing_table(rows: list[dict]) -> str:
    """sphinx-gallery-style execution times, slowest first."""
    total = sum(r["seconds"] for r in rows)
    lines = ["# Execution times", "",
             f"{len(rows)} blocks, {total:.1f} s of execution in total "
             f"({sum(1 for r in rows if r['cached'])} reused from the cache in this build).", "",
             "| block | seconds | source | status |", "|---|---:|---|---|"]
    for r in sorted(rows, key=lambda r: -r["seconds"]):
        source = "cache" if r["cached"] else "ran"
        lines.append(f"| `{r['where']}` | {r['seconds']:.2f} | {source} | {r['status']} |")
    return "\n".join(lines) + "\n"
