"""Figures for the site, sized for the ~700 px text column and readable at that size.

Why shared plotting helpers: every page shows feature maps, image grids and training
curves; one consistent look (viridis maps, titled axes, width <= 7 inches, no text under
8 pt, which the build shows at >= 10 CSS px) keeps figures legible.  Each helper also sets
``fig.execdocs_alt``: a sentence built from the data, with the numbers a reader should
see, which the build uses as the figure's alt text.
"""
from __future__ import annotations

import math
import textwrap
from collections import Counter

import matplotlib
import matplotlib.figure
import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize

MAX_WIDTH_IN = 7.0  # the text column at 100 dpi, the scale the build displays figures at
SMALL_PT = 8  # the smallest text any helper draws: 8 pt at 100 dpi is 11 CSS px


def set_alt(fig: matplotlib.figure.Figure, text: str) -> None:
    """Give ``fig`` its alt text: the build reads ``fig.execdocs_alt`` when it saves the figure."""
    fig.execdocs_alt = text  # type: ignore[attr-defined]  # an attribute of our own, read by the build


def _to_numpy_image(img) -> np.ndarray:
    """[C,H,W] tensor/array -> [H,W,3] or [H,W] numpy array for ``imshow``."""
    arr = img.detach().cpu().numpy() if isinstance(img, torch.Tensor) else np.asarray(img)
    if arr.ndim == 3 and arr.shape[0] == 1:
        return arr[0]
    if arr.ndim == 3:
        return np.clip(np.transpose(arr, (1, 2, 0)), 0, 1)
    return arr


def _grid(n: int, ncols: int, cell_in: float, title: str, title_lines: int = 1, extra_in: float = 0.0):
    """A constrained-layout figure with ``n`` used cells (spare axes hidden), width capped at 7 in.

    ``title_lines`` reserves height for axis titles of that many lines; ``extra_in`` for a
    colour bar or note below the grid.
    """
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    cell = min(cell_in, MAX_WIDTH_IN / ncols)
    height = (cell + 0.2 * title_lines) * nrows + 0.45 + extra_in
    fig, axes = plt.subplots(nrows, ncols, figsize=(cell * ncols, height), squeeze=False, layout="constrained")
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    fig.suptitle(title, fontsize=11)
    return fig, axes.flat[:n]


def _channel_summary(maps: torch.Tensor) -> str:
    """Peaks of the maps in words: strongest and weakest channel, and how many are zero everywhere."""
    peaks = maps.flatten(1).amax(1)
    strongest, weakest = int(peaks.argmax()), int(peaks.argmin())
    blank = int((peaks <= 0).sum())
    return (f"peaks range from {peaks[weakest]:.2f} (channel {weakest}) to {peaks[strongest]:.2f} "
            f"(channel {strongest}); {blank} of {len(peaks)} maps are zero everywhere")


def feature_grid(maps, title: str, ncols: int = 8) -> matplotlib.figure.Figure:
    """Show each channel of ``maps`` [C,H,W] as a viridis image titled with its channel and peak.

    Why one colour scale per map: channels differ in magnitude; scaling each separately
    shows *where* each filter fires, which is the point.  Because the same colour means
    different values in different maps, each panel's title gives its peak and a colour bar
    under the grid says what the colours mean.
    """
    maps = maps.detach().cpu() if isinstance(maps, torch.Tensor) else torch.as_tensor(maps)
    if maps.dim() == 4:
        maps = maps[0]
    fig, axes = _grid(maps.shape[0], ncols, 1.1, title, title_lines=2, extra_in=0.55)
    for i, ax in enumerate(axes):
        ax.imshow(maps[i].numpy(), cmap="viridis", interpolation="nearest")  # crisp, light PNGs
        ax.set_title(f"channel {i}\nmax {float(maps[i].max()):.2f}", fontsize=SMALL_PT, linespacing=1.1)
        ax.axis("off")
    bar = fig.colorbar(ScalarMappable(Normalize(0, 1), cmap="viridis"), ax=list(axes), orientation="horizontal",
                       shrink=0.6, aspect=40, pad=0.02, ticks=[0, 1])
    bar.ax.set_xticklabels(["the map's own min", "the map's own max"], fontsize=SMALL_PT)
    bar.set_label("colour: each map scaled separately, from its own min to its own max", fontsize=SMALL_PT)
    height, width = maps.shape[1:]
    set_alt(fig, f"{title}: a grid of {maps.shape[0]} feature maps of {height}×{width}, each coloured "
            f"from its own minimum (dark purple) to its own maximum (yellow); {_channel_summary(maps)}.")
    return fig


def image_grid(images, labels, class_names, title: str, ncols: int = 8) -> matplotlib.figure.Figure:
    """Show images [N,C,H,W] with their class names as axis titles (long names on two lines)."""
    fig, axes = _grid(len(images), ncols, 1.1, title, title_lines=2)
    names = [str(class_names[int(lab)]) for lab in labels]
    for ax, img, name in zip(axes, images, names, strict=True):
        arr = _to_numpy_image(img)
        ax.imshow(arr, cmap="gray" if arr.ndim == 2 else None, vmin=0, vmax=1, interpolation="nearest")
        ax.set_title(textwrap.fill(name, 12, break_long_words=False), fontsize=SMALL_PT)  # no overlapping labels
        ax.axis("off")
    height, width = _to_numpy_image(images[0]).shape[:2]
    colour = "colour" if _to_numpy_image(images[0]).ndim == 3 else "grayscale"
    counts = ", ".join(f"{n} {name}" for name, n in Counter(names).most_common())
    set_alt(fig, f"{title}: {len(images)} {colour} images of {height}×{width} pixels, each titled with "
            f"its class; the classes shown are {counts}.")
    return fig


def _plot_metric(ax, rows: list[dict], key: str, label: str) -> str:
    """Plot train and (if present) validation curves of one metric on ``ax``; say what they do."""
    epochs = [r["epoch"] for r in rows]
    train = [r[f"train_{key}"] for r in rows]
    ax.plot(epochs, train, "o-", label="train")
    said = f"training {label.lower()} goes from {train[0]:.3g} to {train[-1]:.3g}"
    if all(r.get(f"val_{key}") is not None for r in rows):
        val = [r[f"val_{key}"] for r in rows]
        ax.plot(epochs, val, "s-", label="validation")
        said += f" and validation {label.lower()} from {val[0]:.3g} to {val[-1]:.3g}"
    ax.set_title(label)
    ax.set_xlabel("epoch")
    ax.set_ylabel(label.lower())
    ax.grid(alpha=0.3)
    ax.legend()
    return said


def plot_history(rows: list[dict], title: str) -> matplotlib.figure.Figure:
    """Loss and accuracy per epoch, train vs validation, side by side.

    Why both: loss shows how confident the model is, accuracy what it gets
    right; a widening train/validation gap in either is overfitting.
    """
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(MAX_WIDTH_IN, 3.0), layout="constrained")
    loss = _plot_metric(ax_loss, rows, "loss", "Loss")
    accuracy = _plot_metric(ax_acc, rows, "acc", "Accuracy")
    fig.suptitle(title, fontsize=11)
    epochs = [r["epoch"] for r in rows]
    set_alt(fig, f"{title}: line charts of loss and accuracy over epochs {epochs[0]} to {epochs[-1]}; "
            f"{loss}; {accuracy}.")
    return fig
