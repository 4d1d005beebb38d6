"""Figures for the site, sized for a ~700 px text column.

Why shared plotting helpers: every page shows feature maps, image grids and
training curves; one consistent look (viridis maps, titled axes, width <= 8
inches at 100 dpi) keeps PNGs small and gives the build good alt text, which
is assembled from the titles.
"""
from __future__ import annotations

import math
import textwrap

import matplotlib
import matplotlib.figure
import matplotlib.pyplot as plt
import numpy as np
import torch

MAX_WIDTH_IN = 7.0  # 700 px at the default 100 dpi


def _to_numpy_image(img) -> np.ndarray:
    """[C,H,W] tensor/array -> [H,W,3] or [H,W] numpy array for ``imshow``."""
    arr = img.detach().cpu().numpy() if isinstance(img, torch.Tensor) else np.asarray(img)
    if arr.ndim == 3 and arr.shape[0] == 1:
        return arr[0]
    if arr.ndim == 3:
        return np.clip(np.transpose(arr, (1, 2, 0)), 0, 1)
    return arr


def _grid(n: int, ncols: int, cell_in: float, title: str, title_lines: int = 1):
    """A figure with ``n`` used cells (spare axes hidden), width capped at 7 in.

    ``title_lines`` reserves height for axis titles of that many lines.
    """
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    cell = min(cell_in, MAX_WIDTH_IN / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(cell * ncols, (cell + 0.15 + 0.12 * title_lines) * nrows + 0.4),
                             squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    fig.suptitle(title)
    return fig, axes.flat[:n]


def feature_grid(maps, title: str, ncols: int = 8) -> matplotlib.figure.Figure:
    """Show each channel of ``maps`` [C,H,W] as a viridis image titled "channel i".

    Why one colour scale per map: channels differ in magnitude; scaling each
    separately shows *where* each filter fires, which is the point.
    """
    maps = maps.detach().cpu() if isinstance(maps, torch.Tensor) else torch.as_tensor(maps)
    if maps.dim() == 4:
        maps = maps[0]
    fig, axes = _grid(maps.shape[0], ncols, 1.1, title)
    for i, ax in enumerate(axes):
        ax.imshow(maps[i].numpy(), cmap="viridis", interpolation="nearest")  # crisp, light PNGs
        ax.set_title(f"channel {i}", fontsize=7)
        ax.axis("off")
    fig.tight_layout()
    return fig


def image_grid(images, labels, class_names, title: str, ncols: int = 8) -> matplotlib.figure.Figure:
    """Show images [N,C,H,W] with their class names as axis titles (long names on two lines)."""
    fig, axes = _grid(len(images), ncols, 1.1, title, title_lines=2)
    for ax, img, lab in zip(axes, images, labels):
        arr = _to_numpy_image(img)
        ax.imshow(arr, cmap="gray" if arr.ndim == 2 else None, vmin=0, vmax=1, interpolation="nearest")
        ax.set_title(textwrap.fill(str(class_names[int(lab)]), 12, break_long_words=False), fontsize=7)  # no overlapping labels
        ax.axis("off")
    fig.tight_layout()
    return fig


def _plot_metric(ax, rows: list[dict], key: str, label: str) -> None:
    """Plot train and (if present) validation curves of one metric on ``ax``."""
    epochs = [r["epoch"] for r in rows]
    ax.plot(epochs, [r[f"train_{key}"] for r in rows], "o-", label="train")
    if all(r.get(f"val_{key}") is not None for r in rows):
        ax.plot(epochs, [r[f"val_{key}"] for r in rows], "s-", label="validation")
    ax.set_title(label)
    ax.set_xlabel("epoch")
    ax.set_ylabel(label.lower())
    ax.grid(alpha=0.3)
    ax.legend()


def plot_history(rows: list[dict], title: str) -> matplotlib.figure.Figure:
    """Loss and accuracy per epoch, train vs validation, side by side.

    Why both: loss shows how confident the model is, accuracy what it gets
    right; a widening train/validation gap in either is overfitting.
    """
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(MAX_WIDTH_IN, 3.0))
    _plot_metric(ax_loss, rows, "loss", "Loss")
    _plot_metric(ax_acc, rows, "acc", "Accuracy")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def bar_chart(values: dict, title: str, ylabel: str) -> matplotlib.figure.Figure:
    """Labelled bars (e.g. accuracy per experiment), values printed on the bars."""
    fig, ax = plt.subplots(figsize=(MAX_WIDTH_IN, 3.2))
    names = list(values)
    bars = ax.bar(names, [values[k] for k in names], color=plt.cm.viridis(np.linspace(0.2, 0.8, len(names))))
    ax.bar_label(bars, fmt="%.2f")
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.margins(y=0.15)
    fig.tight_layout()
    return fig
