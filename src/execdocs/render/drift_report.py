"""Drift report: one self-contained HTML page showing everything that disagreed in a build.

Pure: problems in, an HTML string out (``write_report`` puts it in a folder).  A
reviewer opens ``drift-report/index.html`` from disk, offline, or from a CI artifact: no
script, no request to anything, images inlined as ``data:`` URIs, every piece of text
HTML-escaped.  It renders the build's :class:`~execdocs.model.Problem` values as they are
(tolerances, code, diff and figure evidence included).  For each problem it shows
page:line (linked to the published page and its source), the block's source, the text
drift side by side with the numbers that moved beyond the tolerance highlighted, and for
a figure the recorded, fresh and difference images (as pytest-mpl's HTML summary does)
with the RMS and the tolerance.
"""
from __future__ import annotations

import base64
import datetime
import difflib
import html
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from ..check.compare import number_moved, tokens
from ..problem import FigureDrift, Problem
from ..store.files import write_atomic

Links = Callable[[Problem], "tuple[str, str]"]  # hrefs of (built page, source file); "" for none


def no_links(problem: Problem) -> tuple[str, str]:
    return "", ""


def site_links(report_dir: Path, docs_dir: Path, site_dir: Path) -> Links:
    """Links from the report to a problem's published page (``Problem.url``) and its source."""
    def links(problem: Problem) -> tuple[str, str]:
        if not problem.url:
            return "", ""
        built = Path(os.path.relpath(site_dir / problem.url, report_dir)).as_posix()
        source = Path(os.path.relpath((docs_dir / problem.page).resolve(), report_dir)).as_posix()
        return built, source
    return links


# --------------------------------------------------------------------------- text diff

def side_by_side(unified: str) -> list[tuple[str | None, str | None]]:
    """Rows of (left, right) lines from a unified diff; None where a side has no line."""
    rows: list[tuple[str | None, str | None]] = []
    minus: list[str] = []
    plus: list[str] = []

    def flush():
        for k in range(max(len(minus), len(plus))):
            rows.append((minus[k] if k < len(minus) else None, plus[k] if k < len(plus) else None))
        minus.clear()
        plus.clear()

    lines = unified.splitlines()
    while lines and lines[0].startswith(("--- ", "+++ ")):
        lines.pop(0)  # the file headers (only before the first hunk)
    for line in lines:
        if line.startswith("@@"):
            flush()
            if rows:
                rows.append(("…", "…"))
            continue
        if line.startswith("-"):
            minus.append(line[1:])
        elif line.startswith("+"):
            plus.append(line[1:])
        else:
            flush()
            text = line[1:] if line.startswith(" ") else line
            rows.append((text, text))
    flush()
    return rows


def highlight_pair(left: str, right: str, rtol: float, atol: float) -> tuple[str, str]:
    """Both lines as HTML: numbers beyond tolerance in ``<mark class="num">``, other changed
    text in ``<mark class="chg">``; numbers that moved within tolerance are left plain."""
    (skel_l, num_l), (skel_r, num_r) = tokens(left), tokens(right)
    if skel_l == skel_r and len(num_l) == len(num_r):
        out_l, out_r = [], []
        for k, text in enumerate(skel_l):
            out_l.append(html.escape(text))
            out_r.append(html.escape(text))
            if k < len(num_l):
                moved = number_moved(num_l[k], num_r[k], rtol, atol)
                out_l.append(_mark(num_l[k], "num") if moved else html.escape(num_l[k]))
                out_r.append(_mark(num_r[k], "num") if moved else html.escape(num_r[k]))
        return "".join(out_l), "".join(out_r)
    return _char_diff(left, right)


def _char_diff(left: str, right: str) -> tuple[str, str]:
    out_l, out_r = [], []
    matcher = difflib.SequenceMatcher(None, left, right, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        a, b = left[i1:i2], right[j1:j2]
        out_l.append(html.escape(a) if op == "equal" else _mark(a, "chg"))
        out_r.append(html.escape(b) if op == "equal" else _mark(b, "chg"))
    return "".join(out_l), "".join(out_r)


def _mark(text: str, kind: str) -> str:
    return f'<mark class="{kind}">{html.escape(text)}</mark>' if text else ""


def diff_table(item: Problem) -> str:
    labels = ("page says", "code prints") if "expected-output" in item.detail else ("recorded", "fresh")
    rows = []
    for left, right in side_by_side(item.diff):
        if left is not None and right is not None and left != right:
            l_html, r_html = highlight_pair(left, right, item.rtol, item.atol)
        else:
            l_html = "" if left is None else _mark(left, "chg") if right is None else html.escape(left)
            r_html = "" if right is None else _mark(right, "chg") if left is None else html.escape(right)
        changed = " class=changed" if left != right else ""
        rows.append(f"<tr{changed}><td><pre>{l_html}</pre></td><td><pre>{r_html}</pre></td></tr>")
    head = f"<tr><th>{labels[0]}</th><th>{labels[1]}</th></tr>"
    return (f'<table class="diff"><caption>numbers beyond rtol={item.rtol:g} '
            f'<mark class="num">marked</mark></caption>{head}{"".join(rows)}</table>')


# --------------------------------------------------------------------------- figures

def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def figure_panel(fig: FigureDrift) -> str:
    rms = "different sizes" if fig.rms is None else f"RMS {fig.rms:.2f}"
    cells = [("recorded", fig.recorded_png), ("fresh", fig.fresh_png), ("difference", fig.diff_png)]
    figures = "".join(
        f'<figure><img src="{data_uri(png)}" alt="{name} image of figure {fig.index + 1}">'
        f"<figcaption>{name}</figcaption></figure>" if png else
        f"<figure><div class=nodiff>no difference image: the sizes differ</div><figcaption>{name}</figcaption></figure>"
        for name, png in cells)
    return (f'<div class="figures"><p class="rms">figure {fig.index + 1}: {html.escape(rms)}, '
            f"tolerance {fig.tolerance:g}</p>{figures}</div>")


# --------------------------------------------------------------------------- page

def item_html(item: Problem, number: int, links: Links = no_links) -> str:
    where = html.escape(item.where)
    page_href, source_href = links(item)
    title = f'<a href="{html.escape(page_href)}">{where}</a>' if page_href else where
    source = f' <a class="src" href="{html.escape(source_href)}">source</a>' if source_href else ""
    parts = [f'<section class="item" id="p{number}"><h2><span class="kind">{html.escape(item.kind)}</span> '
             f"{title}{source}</h2>",
             f'<p class="what">{html.escape(item.detail.splitlines()[0] if item.detail else "")}</p>']
    if item.code:
        parts.append(f'<details open><summary>block source</summary><pre class="code">'
                     f"{html.escape(item.code.rstrip())}</pre></details>")
    if item.diff:
        parts.append(diff_table(item))
    if item.figure is not None:
        parts.append(figure_panel(item.figure))
    if not item.diff and item.figure is None:
        parts.append(f'<pre class="detail">{html.escape(item.detail)}</pre>')
    parts.append("</section>")
    return "\n".join(parts)


def render_report(items: list[Problem], generated: str | None = None, links: Links = no_links) -> str:
    """The whole report as one HTML document."""
    stamp = generated or datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    toc = "".join(f'<li><a href="#p{n}">{html.escape(i.where)}</a> — {html.escape(i.kind)}</li>'
                  for n, i in enumerate(items, 1))
    body = "\n".join(item_html(i, n, links) for n, i in enumerate(items, 1))
    count = f"{len(items)} problem{'s' if len(items) != 1 else ''}"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>Drift report: {count}</title><style>{CSS}</style></head>
<body><header><h1>Drift report</h1><p>{count} in the build of {html.escape(stamp)}. Fix the page or
the code, or accept an intended change with <code>make accept PAGES="docs/&lt;page&gt;.md"</code> and review
<code>git diff records/</code>.</p><ol class="toc">{toc}</ol></header>
<main>{body}</main></body></html>
"""


def figure_markdown(fig: FigureDrift) -> str:
    """The same three images for the problem admonition ``make serve`` shows on the page
    (Markdown images with ``data:`` URIs: nothing to publish, nothing to go stale)."""
    rms = "images of different sizes" if fig.rms is None else f"RMS {fig.rms:.2f}"
    cells = [("recorded", fig.recorded_png), ("fresh", fig.fresh_png), ("difference", fig.diff_png)]
    images = " ".join(f"![{name} image of figure {fig.index + 1}]({data_uri(png)})" for name, png in cells if png)
    return f"Figure {fig.index + 1}: recorded, fresh, difference ({rms}, tolerance {fig.tolerance:g})\n\n{images}"


def publish(problems: Iterable[Problem], folder: Path, docs_dir: Path, site_dir: Path) -> Path | None:
    """After a build: the report of its problems, or no report (a stale one removed)."""
    folder = Path(folder)
    problems = list(problems)
    if not problems:
        (folder / "index.html").unlink(missing_ok=True)
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
        return None
    return write_report(problems, folder, links=site_links(folder.resolve(), Path(docs_dir), Path(site_dir)))


def write_report(items: list[Problem], folder: Path, generated: str | None = None, links: Links = no_links) -> Path:
    """Write ``folder/index.html`` (replacing an older report) and return its path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "index.html"
    write_atomic(path, render_report(items, generated, links).encode("utf-8"))
    return path


CSS = """
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1b1f;--muted:#5c5f66;--line:#d5d7dc;--code:#f5f6f8;
--num:#ffd54a;--numfg:#3a2a00;--chg:#ffd9d6;--chgfg:#5a0d07;--kind:#b3261e;--link:#3949ab}
@media (prefers-color-scheme:dark){:root{--bg:#16171b;--fg:#e6e6ea;--muted:#a4a7ae;--line:#383a42;
--code:#202228;--num:#8a6d00;--numfg:#fff4c2;--chg:#6b1f1a;--chgfg:#ffe3e0;--kind:#ff8a80;--link:#9fa8ff}}
body{margin:0 auto;max-width:1200px;padding:1rem 1.2rem 3rem;background:var(--bg);color:var(--fg);
font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:var(--link)}h1{margin:.2rem 0}h2{font-size:1.1rem;margin:0 0 .3rem}
header p{color:var(--muted)}.toc{columns:2 20rem;padding-left:1.2rem}
.item{border:1px solid var(--line);border-radius:8px;padding:.8rem 1rem;margin:1.2rem 0}
.kind{color:var(--kind);text-transform:uppercase;font-size:.8rem;letter-spacing:.04em;margin-right:.4rem}
.src{font-size:.85rem;margin-left:.5rem}.what{margin:.2rem 0 .6rem}
pre{margin:0;font:13px/1.45 ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;white-space:pre-wrap;
overflow-wrap:anywhere}
pre.code,pre.detail{background:var(--code);padding:.6rem .8rem;border-radius:6px;overflow:auto}
details{margin:.4rem 0}summary{cursor:pointer;color:var(--muted)}
table.diff{width:100%;border-collapse:collapse;table-layout:fixed;margin:.6rem 0}
table.diff caption{text-align:left;color:var(--muted);font-size:.85rem;padding-bottom:.2rem}
table.diff th{text-align:left;font-weight:600;border-bottom:1px solid var(--line);padding:.2rem .5rem}
table.diff td{vertical-align:top;padding:.1rem .5rem;border-bottom:1px solid var(--line)}
table.diff td+td,table.diff th+th{border-left:1px solid var(--line)}
tr.changed td{background:var(--code)}
mark.num{background:var(--num);color:var(--numfg);font-weight:700;border-radius:3px;padding:0 2px}
mark.chg{background:var(--chg);color:var(--chgfg);border-radius:3px}
.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:.8rem;margin:.6rem 0}
.figures .rms{grid-column:1/-1;margin:0;font-weight:600}
figure{margin:0;border:1px solid var(--line);border-radius:6px;padding:.4rem;background:#fff}
figure img{max-width:100%;height:auto;display:block;margin:0 auto}
figcaption{text-align:center;color:#333;font-size:.85rem}
.nodiff{color:#333;padding:2rem .5rem;text-align:center}
"""
