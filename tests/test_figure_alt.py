"""figure_alt.describe: alt text built from what a figure plots, never a bare list of panels."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from execdocs.run.figure_alt import alt_text, describe  # noqa: E402


def test_lines_are_described_with_their_numbers():
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], [0.9, 0.5, 0.2], label="train")
    ax.plot([1, 2, 3], [1.0, 0.7, 0.6], label="validation")
    ax.set(title="Loss", xlabel="epoch", ylabel="loss")
    fig.suptitle("Training")
    assert describe(fig) == ("Figure “Training”: “Loss”, loss against epoch: train goes from 0.9 to 0.2 "
                             "(min 0.2, max 0.9) as x goes from 1 to 3; validation goes from 1 to 0.6 "
                             "(min 0.6, max 1) as x goes from 1 to 3.")
    plt.close(fig)


def test_bars_are_read_with_their_labels():
    fig, ax = plt.subplots()
    ax.bar(["CNN", "MLP"], [0.953, 0.432])
    ax.set(title="Accuracy", ylabel="accuracy")
    fig.canvas.draw()  # tick labels exist once drawn (the engine describes after saving)
    assert describe(fig) == "Figure: “Accuracy”, accuracy against x: bars: CNN 0.953, MLP 0.432."
    plt.close(fig)


def test_image_grids_give_size_and_value_range_not_panel_titles():
    fig, axes = plt.subplots(2, 3)
    for k, ax in enumerate(axes.flat):
        ax.imshow(np.full((5, 7), float(k)))
        ax.set_title(f"channel {k}")
    text = describe(fig)
    assert text == "Figure: a grid of 6 images of 5×7 pixels with values from 0 to 5."
    assert "channel" not in text
    plt.close(fig)


def test_the_blocks_own_sentence_wins():
    fig, ax = plt.subplots()
    ax.plot([0, 1])
    fig.execdocs_alt = "  Accuracy rose\nfrom 10 % to 95 %.  "
    assert alt_text(fig) == "Accuracy rose from 10 % to 95 %."
    fig.execdocs_alt = ""  # empty: described from the data instead
    assert alt_text(fig).startswith("Figure: a plot: a line goes from 0 to 1")
    plt.close(fig)
