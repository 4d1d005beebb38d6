"""compare: text exact, numbers within rtol, images with matplotlib's compare_images."""
from __future__ import annotations

import io

import pytest

from execdocs.check.compare import compare_numbers, ignore_whitespace, image_difference, text_diff, text_matches, thumbnail


@pytest.mark.parametrize("expected, actual, rtol, ok", [
    ("loss 0.5000", "loss 0.5000", 1e-4, True),
    ("loss 0.5000", "loss 0.50001", 1e-4, True),
    ("loss 0.5000", "loss 0.5100", 1e-4, False),
    ("loss 0.5000", "loss 0.5100", 5e-2, True),
    ("acc 97.3%", "acc 97.4%", 1e-4, False),
    ("value nan", "value nan", 1e-4, True),
    ("value nan", "value 0.0", 1e-4, False),
    ("value 0.0", "value nan", 1e-4, False),
    ("x = 1.5", "x = -1.5", 1e-1, False),
    ("x = 1.5", "x = +1.5", 1e-4, True),
    ("lr 1e-3", "lr 0.001", 1e-4, True),
    ("lr 1.00e-03", "lr 1.0001e-03", 1e-3, True),
    ("lr 1e-3", "lr 1e-2", 1e-1, False),
    ("grad 1e-9", "grad 1.1e-9", 1e-4, True),  # below the absolute floor atol=1e-6
    ("torch.Size([1, 6, 26, 26])", "torch.Size([1, 6, 24, 24])", 1e-4, False),
    ("torch.Size([1, 6, 26, 26])", "torch.Size([1, 6, 26, 26, 1])", 1e-1, False),
    ("Epoch 1 done", "Epoch 1 finished", 1e-4, False),
    ("a  b", "a b", 1e-4, False),
    ("inf", "inf", 1e-4, True),
])
def test_text_matches(expected, actual, rtol, ok):
    assert text_matches(expected, actual, rtol, 1e-6) is ok


def test_compare_numbers_reports_what_changed():
    same = compare_numbers("loss 0.5", "loss 0.5")
    assert same.identical and same.within_tolerance
    c = compare_numbers("epoch 3 loss 0.400 acc 0.90", "epoch 4 loss 0.500 acc 0.90", rtol=0.5)
    assert (c.identical, c.structural, c.integers_changed, c.decimals_changed) == (False, False, 1, 1)
    assert c.max_rel_diff == pytest.approx(0.2) and not c.within_tolerance  # the integer changed
    assert compare_numbers("a 1 b", "a 1 c").structural


def test_text_diff_is_a_readable_unified_diff():
    diff = text_diff("shape (1, 6, 26, 26)\nok\n", "shape (1, 6, 24, 24)\nok\n")
    assert "--- recorded" in diff and "+++ fresh" in diff
    assert "-shape (1, 6, 26, 26)" in diff and "+shape (1, 6, 24, 24)" in diff
    assert text_diff("a\n", "a\n") == "(only whitespace differs)"


def test_ignore_whitespace():
    assert ignore_whitespace(" a\n b\t c ") == "abc"


def _png(cmap: str, seed: int = 0) -> bytes:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    data = np.random.default_rng(seed).random((16, 16))
    fig, ax = plt.subplots(figsize=(3, 3))
    ax.imshow(data, cmap=cmap)
    ax.set_title("heat")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=60)
    plt.close(fig)
    return buf.getvalue()


def test_image_difference_identical_and_changed_colormap():
    a = thumbnail(_png("viridis"))
    assert image_difference(a, a) == (0.0, None)
    assert image_difference(a, thumbnail(_png("viridis")))[0] <= 2.0
    rms, diff = image_difference(a, thumbnail(_png("gray")))
    assert rms > 10.0 and diff.startswith(b"\x89PNG")


def test_image_difference_different_size_is_none():
    a = thumbnail(_png("viridis"))
    b = thumbnail(_png("viridis"), width=200)
    assert image_difference(a, b) == (None, None)


def test_changed_shape_fails_even_with_a_loose_rtol():
    """A block with rtol=0.1 (noisy training numbers) that also prints a shape must still catch a
    changed kernel size: integers in a shape are not measurements (PRODUCT.md: "a changed kernel
    size ... fails")."""
    assert not text_matches("torch.Size([1, 6, 26, 26])", "torch.Size([1, 6, 24, 24])", 0.1, 1e-6)
    assert not text_matches("flatten 8192 features", "flatten 8100 features", 0.05, 1e-6)
