"""Tests for cnnlab.conv: the diagrams show the numbers of the tensors they are given."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from cnnlab import conv  # noqa: E402

X = torch.tensor([[1., 2, 3, 0, 0],
                  [0, 3, 3, 1, 0],
                  [2, 3, 2, 0, 1],
                  [1, 2, 3, 0, 0],
                  [0, 1, 2, 3, 1]])
KERNEL = torch.tensor([[1., 0, -1]] * 3)


def _cell_texts(ax):
    return [t.get_text() for t in ax.texts]


def _window_outlines(ax):
    return [(p.get_x(), p.get_y(), p.get_width()) for p in ax.patches]


def test_format_number_keeps_integers_whole():
    assert conv.format_number(3.0) == "3" and conv.format_number(-0.0) == "0"
    assert conv.format_number(0.26) == "0.3"
    assert conv.format_number(torch.tensor(-4.0)) == "-4"


def test_window_products_is_the_elementwise_product_of_one_window():
    products = conv.window_products(X, KERNEL, 1, 2)
    assert torch.equal(products, X[1:4, 2:5] * KERNEL)
    out = F.conv2d(X[None, None], KERNEL[None, None])[0, 0]
    assert products.sum() == out[1, 2]


def test_draw_grid_writes_every_shown_value_and_outlines_the_window():
    fig, ax = plt.subplots()
    conv.draw_grid(ax, X, "input", window=(1, 2, 3))
    assert _cell_texts(ax) == [conv.format_number(v) for v in X.flatten()]
    assert _window_outlines(ax) == [(1.5, 0.5, 3)]
    assert ax.get_title() == "input" and ax.get_xlabel() == "column" and ax.get_ylabel() == "row"
    shown = X > 1
    fig2, ax2 = plt.subplots()
    conv.draw_grid(ax2, X, "only large", shown=shown)
    assert len(ax2.texts) == int(shown.sum())
    plt.close("all")


def test_sliding_window_figure_matches_conv2d_at_each_position():
    positions = [(0, 0), (0, 1), (2, 2)]
    fig = conv.sliding_window_figure(X, KERNEL, positions)
    out = F.conv2d(X[None, None], KERNEL[None, None])[0, 0]
    rows = [fig.axes[3 * i:3 * i + 3] for i in range(len(positions))]
    assert len(fig.axes) == 9 and fig.get_size_inches()[0] <= 7
    for (row, col), (ax_in, ax_prod, ax_out) in zip(positions, rows):
        expected = conv.format_number(out[row, col])
        assert ax_prod.get_title().endswith(f"sum = {expected}")
        assert _window_outlines(ax_in) == [(col - 0.5, row - 0.5, 3)]
        assert len(ax_out.texts) == row * 3 + col + 1  # the output fills in reading order
        assert ax_out.texts[-1].get_text() == expected
        assert f"{expected} at row {row}, column {col}" in fig.execdocs_alt
    plt.close(fig)


def test_channel_sum_figure_adds_channel_sums_and_bias_to_conv2d_value():
    torch.manual_seed(0)
    x = torch.randint(0, 10, (3, 4, 4)).float()
    weight = torch.randint(-1, 2, (3, 3, 3)).float()
    fig = conv.channel_sum_figure(x, weight, 1.0, row=1, col=0)
    value = F.conv2d(x[None], weight[None], bias=torch.tensor([1.0]))[0, 0, 1, 0]
    assert fig._suptitle.get_text().endswith(f"= {conv.format_number(value)}")
    assert len(fig.axes) == 9
    sums = [float(ax.get_title().rsplit("= ", 1)[1]) for ax in fig.axes[2::3]]
    assert sum(sums) + 1.0 == pytest.approx(float(value))
    assert f"single output value {conv.format_number(value)}" in fig.execdocs_alt
    plt.close(fig)


def test_draw_grid_gives_opposite_signs_different_colours_and_zero_white():
    fig, ax = plt.subplots()
    conv.draw_grid(ax, torch.tensor([[3., -3.], [0., 1.]]), "signs")
    image = ax.images[0]
    colours = image.to_rgba(image.get_array())
    assert not (colours[0, 0] == colours[0, 1]).all(), "+3 and -3 must not share a colour"
    assert colours[1, 0][:3].min() > 0.9, "0 is drawn (nearly) white, the centre of the scale"
    plt.close(fig)
