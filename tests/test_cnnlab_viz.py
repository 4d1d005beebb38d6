"""Tests for cnnlab.viz: figures exist, are titled and fit a ~700 px column."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402

from cnnlab import data, viz  # noqa: E402


def _visible_axes(fig):
    """The panels: visible axes other than a colour bar."""
    return [ax for ax in fig.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]


def test_feature_grid():
    fig = viz.feature_grid(torch.rand(12, 16, 16), "maps", ncols=6)
    assert fig._suptitle.get_text() == "maps" and fig.get_size_inches()[0] <= 8
    axes = _visible_axes(fig)
    assert len(axes) == 12 and axes[0].images[0].get_cmap().name == "viridis"
    assert axes[3].get_title().startswith("channel 3\nmax ")
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


def test_plot_history():
    rows = [{"epoch": e, "train_loss": 1 / e, "train_acc": 0.1 * e, "val_loss": 1.2 / e, "val_acc": 0.08 * e}
            for e in (1, 2, 3)]
    fig = viz.plot_history(rows, "history")
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["Loss", "Accuracy"] and all(len(ax.lines) == 2 for ax in fig.axes)
    plt.close("all")


def _drawn_font_sizes(fig) -> list[float]:
    """Sizes (pt) of the text artists a save actually draws (hidden axes' texts are not drawn)."""
    import io

    from matplotlib.text import Text

    sizes, draw = [], Text.draw

    def recording(self, renderer):
        if self.get_visible() and self.get_text().strip():
            sizes.append(self.get_fontsize())
        return draw(self, renderer)

    Text.draw = recording
    try:
        fig.savefig(io.BytesIO(), format="png", dpi=50)
    finally:
        Text.draw = draw
    return sizes


def test_every_helper_draws_no_text_under_8_pt_and_fits_the_column():
    rows = [{"epoch": e, "train_loss": 1 / e, "train_acc": 0.1 * e, "val_loss": 1.2 / e, "val_acc": 0.08 * e}
            for e in (1, 2, 3)]
    x, y = data.make_patterns(10, seed=0)
    figures = [viz.feature_grid(torch.rand(16, 8, 8), "maps", ncols=8), viz.image_grid(x, y, data.PATTERN_CLASSES, "ex"),
               viz.plot_history(rows, "history")]
    for fig in figures:
        sizes = _drawn_font_sizes(fig)
        assert sizes and min(sizes) >= viz.SMALL_PT, (fig._suptitle.get_text(), min(sizes))
        assert fig.get_size_inches()[0] <= viz.MAX_WIDTH_IN
    plt.close("all")


def test_feature_grid_says_what_its_colours_mean():
    """Each map has its own colour scale: a colour bar says so, and each panel gives its peak."""
    maps = torch.zeros(6, 4, 4)
    maps[2, 1, 1] = 3.0
    maps[4] = 0.5
    fig = viz.feature_grid(maps, "per-map", ncols=6)
    bars = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert len(bars) == 1 and "each map scaled separately" in bars[0].get_xlabel()
    assert [t.get_text() for t in bars[0].get_xticklabels()] == ["the map's own min", "the map's own max"]
    assert _visible_axes(fig)[2].get_title() == "channel 2\nmax 3.00"
    plt.close(fig)


def test_alt_text_comes_from_the_data_with_numbers():
    maps = torch.zeros(6, 4, 4)
    maps[2, 1, 1] = 3.0
    maps[4] = 0.5
    alt = viz.feature_grid(maps, "conv1 maps", ncols=6).execdocs_alt
    assert "6 feature maps of 4×4" in alt and "3.00 (channel 2)" in alt and "4 of 6 maps are zero everywhere" in alt
    x, y = data.make_patterns(10, seed=0)
    alt = viz.image_grid(x, y, data.PATTERN_CLASSES, "examples").execdocs_alt
    counts = {data.PATTERN_CLASSES[int(k)]: int((y == k).sum()) for k in y.unique()}
    assert "10 colour images of 32×32 pixels" in alt
    assert all(f"{n} {name}" in alt for name, n in counts.items())
    rows = [{"epoch": e, "train_loss": 1 / e, "train_acc": 0.25 * e, "val_loss": 1.5 / e, "val_acc": 0.2 * e}
            for e in (1, 2, 4)]
    alt = viz.plot_history(rows, "trace").execdocs_alt
    assert "epochs 1 to 4" in alt and "training loss goes from 1 to 0.25" in alt and "validation accuracy from 0.2 to 0.8" in alt
    plt.close("all")
