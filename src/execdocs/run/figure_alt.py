"""Alt text for a figure: the author's sentence, else one built from what the figure plots.

Why from the data: a screen-reader user needs what a sighted reader sees (what is plotted
against what, where the curves go, how tall the bars are), not a list of panel titles.
A block states it best by setting ``fig.execdocs_alt`` (cnnlab.viz does); otherwise
:func:`describe` reads the figure's titles, axis labels, lines, bars and images.
"""
from __future__ import annotations

MAX_LINES = 4  # per axes: more curves than this are counted, not described one by one
MAX_BARS = 10
MAX_PLOTS = 4


def _num(value: float) -> str:
    return f"{float(value):.3g}"


def _quoted(text: str) -> str:
    return f"“{' '.join(text.split())}”"


def _lines(ax) -> list[str]:
    """Each labelled (or only) curve: where it starts and ends, and over which x range."""
    lines = [ln for ln in ax.get_lines() if len(ln.get_xdata()) > 1]
    said = []
    for ln in lines[:MAX_LINES]:
        x, y = ln.get_xdata(), ln.get_ydata()
        name = ln.get_label() if not str(ln.get_label()).startswith("_") else "a line"
        said.append(f"{name} goes from {_num(y[0])} to {_num(y[-1])} (min {_num(min(y))}, max {_num(max(y))}) "
                    f"as x goes from {_num(x[0])} to {_num(x[-1])}")
    if len(lines) > MAX_LINES:
        said.append(f"{len(lines) - MAX_LINES} more lines")
    return said


def _bars(ax) -> list[str]:
    """Bar heights with their tick labels (or positions)."""
    from matplotlib.container import BarContainer

    said = []
    for container in ax.containers:
        if not isinstance(container, BarContainer):
            continue
        ticks = {round(t, 6): lab.get_text() for t, lab in zip(ax.get_xticks(), ax.get_xticklabels(), strict=False)}
        bars = []
        for patch in list(container)[:MAX_BARS]:
            centre = round(patch.get_x() + patch.get_width() / 2, 6)
            bars.append(f"{ticks.get(centre) or _num(centre)} {_num(patch.get_height())}")
        said.append("bars: " + ", ".join(bars) + (f" and {len(container) - MAX_BARS} more"
                                                 if len(container) > MAX_BARS else ""))
    return said


def _plot(ax) -> str:
    """One non-image axes: its title, what is plotted against what, and the data."""
    head = _quoted(ax.get_title()) if ax.get_title() else "a plot"
    if ax.get_xlabel() or ax.get_ylabel():
        head += f", {ax.get_ylabel() or 'y'} against {ax.get_xlabel() or 'x'}"
    data = _lines(ax) + _bars(ax)
    points = sum(len(c.get_offsets()) for c in ax.collections if hasattr(c, "get_offsets"))
    if points:
        data.append(f"{points} plotted points")
    return head + (": " + "; ".join(data) if data else "")


def _images(axes) -> str:
    """Image panels: how many, their size and the range of values shown."""
    arrays = [ax.images[0].get_array() for ax in axes]
    shapes = sorted({f"{a.shape[0]}×{a.shape[1]}" for a in arrays})
    low = min(float(a.min()) for a in arrays)
    high = max(float(a.max()) for a in arrays)
    what = "an image" if len(axes) == 1 else f"a grid of {len(axes)} images"
    titled = f" titled {_quoted(axes[0].get_title())}" if len(axes) == 1 and axes[0].get_title() else ""
    return f"{what}{titled} of {' and '.join(shapes)} pixels with values from {_num(low)} to {_num(high)}"


def describe(fig) -> str:
    """A sentence from the figure itself: its title, its image panels and each plot's data."""
    axes = [ax for ax in fig.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]
    images = [ax for ax in axes if ax.images]
    plots = [ax for ax in axes if not ax.images]
    parts = []
    if images:
        parts.append(_images(images))
    parts += [_plot(ax) for ax in plots[:MAX_PLOTS]]
    if len(plots) > MAX_PLOTS:
        parts.append(f"{len(plots) - MAX_PLOTS} more plots")
    suptitle = fig._suptitle.get_text() if fig._suptitle is not None else ""
    body = "; ".join(parts) or "an empty figure"
    return (f"Figure {_quoted(suptitle)}: {body}." if suptitle else f"Figure: {body}.")


def alt_text(fig) -> str:
    """``fig.execdocs_alt`` when the block set it (as one line), else :func:`describe`."""
    given = getattr(fig, "execdocs_alt", None)
    if isinstance(given, str) and given.strip():
        return " ".join(given.split())
    return describe(fig)
