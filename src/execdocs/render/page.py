"""Render: a page's Markdown as a pure function of (page, results, problems).

Output text goes into a fence (never raw HTML), so ``<script>`` or Markdown syntax a
block prints is shown literally.  Outputs, figures and warnings go below the block's
expected-output fence when it has one (the reader sees code, its expected output, then
the rest).  Inline values (``{glue}`name```) get the text the page's code printed.  Nothing
here runs code or touches the disk.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping

from ..lines import split
from ..model import Block, BlockKey, BlockResult, Edit, Figure, Page, apply_edits
from ..parse.fences import fence_mask
from ..parse.values import page_values, substitute, without_values
from ..problem import Problem
from .drift_report import figure_markdown as figure_markdown_of_drift
from .notebook_prose import FRONT_MATTER
from .quiz_html import render_badge_edit, render_edits, search_exclude_edits
from .sanitize import safe_markdown, visible

FigureUrl = Callable[[Figure], str]
# Ends every page with python blocks; the guard (site_guard) looks for it in the built HTML.
ENGINE_MARKER = 'class="exec-provenance"'


def _fence(text: str, classes: str, title: str | None = None) -> str:
    """A fence long enough that backticks inside the text cannot close it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    attrs = f' title="{title}"' if title else ""
    return f"{ticks}{{ {classes}{attrs} }}\n{text.rstrip(chr(10))}\n{ticks}"


def _alt(text: str) -> str:
    return re.sub(r"[\[\]\n]", " ", text).strip()


READABLE_PX = 10  # on a narrow screen a figure keeps the width at which its smallest text is this size


def figure_markdown(figure: Figure, url: str) -> str:
    """The figure at its display size (its bitmap is 2x), with its smallest text for the browser tests.

    ``--exec-readable-width``: the width under which its text would shrink below READABLE_PX;
    on a phone the figure keeps it and scrolls sideways in its paragraph (execdocs.css), and
    ``docs/assets/figures.js`` says so under it.  The image is a link to its own bitmap, so a
    reader can tap a figure wider than the screen to open it full size, with or without
    JavaScript.
    """
    attrs = f'.exec-figure loading=lazy width="{figure.width}" height="{figure.height}"'
    if figure.text_px:
        readable = min(figure.width, math.ceil(figure.width * READABLE_PX / figure.text_px))
        attrs += f' data-text-px="{figure.text_px:g}" style="--exec-readable-width: {readable}px"'
    return f'[![{_alt(figure.alt)}]({url}){{ {attrs} }}]({url}){{ .exec-figure-open }}'


def result_markdown(block: Block, result: BlockResult, figure_url: FigureUrl, expected_shown: bool = False) -> str:
    """Everything one block showed: stdout, warnings, an intended exception, figures.

    ``expected_shown``: the block's chain has an expected-output fence, which already shows
    what the chain printed (pytest-codeblocks compares the whole chain's output with it)."""
    parts = []
    stdout = without_values(result.stdout)  # value lines go into the prose, not the output
    if stdout.strip() and block.expected_output is None and not expected_shown:
        if block.options.output == "markdown":
            parts.append(safe_markdown(stdout.strip("\n")))
        else:
            parts.append(_fence(visible(stdout), ".text .exec-output", "Output"))
    if result.stderr.strip():
        parts.append(_fence(visible(result.stderr), ".text .exec-stderr", "Warnings and stderr"))
    if result.exception is not None and block.expects_exception:
        text = visible(f"{result.exception.type}: {result.exception.message}")
        parts.append(_fence(text, ".text .exec-exception", f"Raises {result.exception.type}"))
    parts.extend(figure_markdown(f, figure_url(f)) for f in result.figures)
    return "\n\n".join(parts)


def problem_markdown(title: str, detail: str, kind: str = "failure") -> str:
    """An admonition shown on the page (``make serve``) instead of stopping the server."""
    body = _fence(detail, ".text .exec-error")
    indented = "\n".join(("    " + line) if line else "" for line in split(body))
    return f'!!! {kind} "{_alt(title)}"\n\n{indented}'


def collapsed(text: str, title: str) -> str:
    """Wrap output in a closed details block (quiz answers stay hidden until asked for)."""
    body = "\n".join(("    " + line) if line.strip() else "" for line in split(text))
    return f'??? example "{_alt(title)}"\n\n{body}'


def indent_block(text: str, indent: str) -> str:
    return "\n".join((indent + line) if line.strip() else line for line in split(text.rstrip("\n")))


def insertion_edit(block: Block, text: str) -> Edit | None:
    """Insert ``text`` after the block (after its expected-output fence, if any)."""
    if not text:
        return None
    body = "\n" + indent_block(text, block.indent) + "\n"
    return Edit(line=(block.anchor_line or block.end_line) + 1, remove=0, text=body)


def problem_edit(problem: Problem, lines: list[str]) -> Edit:
    """The problem's admonition above its line, indented like it (inside admonitions and lists)."""
    target = lines[problem.line - 1] if 0 < problem.line <= len(lines) else ""
    indent = target[: len(target) - len(target.lstrip())]
    text = problem_markdown(problem.title, problem.detail)
    if problem.figure is not None:  # recorded / fresh / difference, as in drift-report/index.html
        text += "\n\n" + indent_block(figure_markdown_of_drift(problem.figure), "    ")
    return Edit(line=problem.line, remove=0, text=indent_block(text, indent) + "\n")


def render_page(page: Page, results: Mapping[BlockKey, BlockResult], problems: list[Problem],
                figure_url: FigureUrl, provenance: str = "", header: str = "") -> str:
    """The page's Markdown with outputs, quiz widgets, badges, problems and provenance;
    ``header`` (the download links) goes under the page's title."""
    edits = [render_badge_edit(b) for b in page.badges]
    if header:
        edits.append(header_edit(page.markdown, header))
    edits += [e for quiz in page.quizzes for e in render_edits(quiz)]
    lines = split(page.markdown)
    edits += [e for quiz in page.quizzes for e in search_exclude_edits(quiz, lines)]
    hidden = {b.key for quiz in page.quizzes if quiz.check in ("output", "raises") for b in quiz.blocks}
    expected = {b.key for c in page.chains if c.head.expected_output is not None for b in c.blocks}
    for block in page.blocks:
        result = results.get(block.key)
        text = result_markdown(block, result, figure_url, block.key in expected) if result else ""
        if text and block.key in hidden:
            text = collapsed(text, "Run it: the real output (spoiler)")
        if edit := insertion_edit(block, text):
            edits.append(edit)
    lines = split(page.markdown)
    edits += [problem_edit(p, lines) for p in problems if p.page == page.name]
    values = {name: safe_markdown(text) for name, text in page_values(page, results)[0].items()}  # prose too
    body = substitute(apply_edits(page.markdown, edits), values)
    return body + provenance if page.blocks else body


def header_edit(markdown: str, header: str) -> Edit:
    """Insert ``header`` as a paragraph after the first H1 (after the front matter if none)."""
    lines = markdown.split("\n")
    fenced = fence_mask(lines)
    title = next((n for n, line in enumerate(lines, 1) if line.startswith("# ") and not fenced[n - 1]), None)
    if title is None:
        front = FRONT_MATTER.match(markdown)
        title = front.group(0).count("\n") if front else 0
    return Edit(line=title + 1, remove=0, text=f"\n{header}\n")


def provenance_markdown(device: str, versions: dict, recorded: str | None) -> str:
    when = f"record of {recorded}" if recorded else "not yet recorded"
    return (f'\n<p {ENGINE_MARKER}>Outputs on this page were produced by running its code on '
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
        source = "ran" if not r["cached"] else f"cache (shard {r['shard']})" if r.get("shard") else "cache"
        lines.append(f"| `{r['where']}` | {r['seconds']:.2f} | {source} | {r['status']} |")
    return "\n".join(lines) + "\n"
