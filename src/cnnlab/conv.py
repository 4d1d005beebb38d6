"""Diagrams of convolution arithmetic, drawn from the real tensors a page computes with.

Why a module: the convolution page explains the sliding window and the sum over
channels with grids of numbers. Drawing a grid of numbers with a highlighted
window is twenty lines of matplotlib that say nothing about convolution, so the
page calls these helpers and keeps only the arithmetic in view. Every number in
a diagram comes from the tensors passed in; nothing is typed.
"""
from __future__ import annotations

import matplotlib.figure
import matplotlib.patches as patches
import matplotlib.pyplot as plt
import numpy as np
import torch

from .viz import set_alt

CELL_FONT = 9  # points; a 7-inch figure shown 700 px wide keeps this above 10 px
WINDOW_COLOUR = "#111111"  # near-black: stands out on the red, white and blue cells of the diverging map
# Red for positive, blue for negative, white for 0: a sign must not hide behind a shared colour.
DIVERGING_CMAP = "RdBu_r"


def _as_array(values) -> np.ndarray:
    """A 2-D tensor or array as a float numpy array (a diagram never keeps a graph)."""
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu().numpy()
    return np.asarray(values, dtype=float)


def format_number(value: float) -> str:
    """Integers without a decimal point, other values with one decimal: what fits a cell."""
    value = float(value)
    if value == int(value):
        return str(int(value))
    return f"{value:.1f}"


def draw_grid(ax, values, title: str, window: tuple[int, int, int] | None = None,
              shown=None, cmap: str = DIVERGING_CMAP):
    """Draw ``values`` [H,W] as cells with their numbers; outline ``window`` = (row, col, size).

    ``shown`` is a boolean mask [H,W]: cells where it is False stay blank, which is
    how an output map looks before the window has reached them. Rows grow downwards
    like a tensor's first index, and the axes are labelled with tensor indices.
    The colour scale is centred on 0 (−3 and +3 get opposite colours), and it runs
    to twice the largest |value| so that the darkest cell keeps its number readable.
    """
    grid = _as_array(values)
    rows, cols = grid.shape
    mask = np.ones_like(grid, dtype=bool) if shown is None else np.asarray(shown, dtype=bool)
    span = max(float(np.abs(grid[mask]).max()) if mask.any() else 1.0, 1e-9)
    ax.imshow(np.where(mask, grid, np.nan), cmap=cmap, vmin=-2 * span, vmax=2 * span)
    for r in range(rows):
        for c in range(cols):
            if mask[r, c]:
                ax.text(c, r, format_number(grid[r, c]), ha="center", va="center", fontsize=CELL_FONT)
    ax.set_xticks(range(cols))
    ax.set_yticks(range(rows))
    ax.set_xticks(np.arange(-0.5, cols), minor=True)
    ax.set_yticks(np.arange(-0.5, rows), minor=True)
    ax.grid(which="minor", color="#888888", linewidth=0.6)
    ax.tick_params(which="both", length=0, labelsize=8)
    ax.set_xlabel("column", fontsize=8)
    ax.set_ylabel("row", fontsize=8)
    ax.set_title(title, fontsize=9)
    if window is not None:
        row, col, size = window
        ax.add_patch(patches.Rectangle((col - 0.5, row - 0.5), size, size, fill=False,
                                       edgecolor=WINDOW_COLOUR, linewidth=2.5))
    return ax


def window_products(x, kernel, row: int, col: int) -> torch.Tensor:
    """The element-wise products of ``kernel`` [k,k] and the window of ``x`` [H,W] at (row, col)."""
    size = kernel.shape[-1]
    return x[row:row + size, col:col + size] * kernel


def sliding_window_figure(x, kernel, positions) -> matplotlib.figure.Figure:
    """One row per window position: input with the window, the products, the output so far.

    The output map fills in reading order (left to right, then the next row), so
    the third panel of each row shows every cell computed up to that position.
    ``fig.execdocs_alt`` lists each position's sum, the numbers the reader checks.
    """
    size = kernel.shape[-1]
    out_rows, out_cols = x.shape[0] - size + 1, x.shape[1] - size + 1
    full = torch.stack([torch.stack([window_products(x, kernel, r, c).sum() for c in range(out_cols)])
                        for r in range(out_rows)])
    fig, axes = plt.subplots(len(positions), 3, figsize=(7, 2.45 * len(positions)), squeeze=False)
    sums = []
    for (row, col), (ax_in, ax_prod, ax_out) in zip(positions, axes, strict=True):
        products = window_products(x, kernel, row, col)
        total = products.sum().item()
        sums.append(f"{format_number(total)} at row {row}, column {col}")
        done = np.arange(out_rows * out_cols).reshape(out_rows, out_cols) <= row * out_cols + col
        draw_grid(ax_in, x, f"input, window at ({row}, {col})", window=(row, col, size))
        draw_grid(ax_prod, products, f"window × kernel, sum = {format_number(total)}")
        draw_grid(ax_out, full, f"output ({row}, {col}) = {format_number(total)}", window=(row, col, 1),
                  shown=done)
    fig.suptitle(f"A {size}×{size} kernel sliding over a {x.shape[0]}×{x.shape[1]} input")
    fig.tight_layout()
    set_alt(fig, f"The {size}×{size} window at {len(positions)} positions of the {x.shape[0]}×{x.shape[1]} "
            f"input; each window's products sum to one output cell: " + "; ".join(sums) + ".")
    return fig


def channel_sum_figure(x, weight, bias: float, row: int = 0, col: int = 0) -> matplotlib.figure.Figure:
    """One row per input channel: its window, its slice of the filter, the channel's sum.

    ``x`` is [C,H,W] and ``weight`` one filter [C,k,k]. The suptitle adds the
    channel sums and the bias into the one output number the filter produces
    at (row, col): one filter spans every input channel.
    """
    channels, size = weight.shape[0], weight.shape[-1]
    fig, axes = plt.subplots(channels, 3, figsize=(7, 2.3 * channels + 0.5), squeeze=False)
    sums = []
    for c, (ax_in, ax_w, ax_prod) in enumerate(axes):
        products = window_products(x[c], weight[c], row, col)
        sums.append(products.sum().item())
        draw_grid(ax_in, x[c], f"input channel {c}", window=(row, col, size))
        draw_grid(ax_w, weight[c], f"filter slice {c}")
        draw_grid(ax_prod, products, f"products, sum = {format_number(sums[-1])}")
    total = sum(sums) + float(bias)
    terms = " + ".join(format_number(s) for s in sums)
    fig.suptitle(f"One filter, {channels} channels: {terms} + bias {format_number(bias)} = {format_number(total)}")
    fig.tight_layout()
    set_alt(fig, f"One {channels}×{size}×{size} filter over a {channels}-channel input: the channel sums "
            f"{terms} plus the bias {format_number(bias)} give the single output value "
            f"{format_number(total)} at row {row}, column {col}.")
    return fig
