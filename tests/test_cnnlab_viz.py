"""Tests for cnnlab.viz: figures exist, are titled and fit a ~700 px column."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402

from cnnlab import data, viz  # noqa: E402


def _visible_axes(fig):
    return [ax for ax in fig.axes if ax.get_visible()]


def test_feature_grid():
    fig = viz.feature_grid(torch.rand(12, 16, 16), "maps", ncols=6)
    assert fig._suptitle.get_text() == "maps" and fig.get_size_inches()[0] <= 8
    axes = _visible_axes(fig)
    assert len(axes) == 12 and axes[0].images[0].get_cmap().name == "viridis"
    assert axes[3].get_title() == "channel 3"
    plt.close(fig)


def test_image_grid_rgb_and_gray():
    x, y = data.make_patterns(10, seed=0)
    fig = viz.image_grid(x, y, data.PATTERN_CLASSES, "examples", ncols=5)
    titles = [ax.get_title() for ax in _visible_axes(fig)]
    assert [t.replace("\n", " ") for t in titles] == [data.PATTERN_CLASSES[int(k)] for k in y]
    assert all(len(line) <= 12 for t in titles for line in t.split("\n"))  # long names wrap, no overlap
    gray = viz.image_grid(torch.rand(3, 1, 8, 8), [0, 1, 2], ["a", "b", "c"], "digits")
    assert len(_visible_axes(gray)) == 3 and gray.get_size_inches()[0] <= 8
    plt.close("all")


def test_plot_history_and_bar_chart():
    rows = [{"epoch": e, "train_loss": 1 / e, "train_acc": 0.1 * e, "val_loss": 1.2 / e, "val_acc": 0.08 * e}
            for e in (1, 2, 3)]
    fig = viz.plot_history(rows, "history")
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["Loss", "Accuracy"] and all(len(ax.lines) == 2 for ax in fig.axes)
    bar = viz.bar_chart({"a": 0.5, "b": 0.25}, "bars", "accuracy")
    assert bar.axes[0].get_title() == "bars" and bar.get_size_inches()[0] <= 8
    plt.close("all")
