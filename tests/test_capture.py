"""capture: size limits, warnings without paths, figures with alt text."""
from __future__ import annotations

import warnings

from execdocs.capture import MAX_OUTPUT_CHARS, LimitedWriter, captured_streams, png_size, scrape_figures


def test_ten_megabytes_truncated_with_note():
    with captured_streams() as (out, err):
        chunk = "x" * 1023 + "\n"
        for _ in range(10 * 1024):
            print(chunk, end="")
    value = out.getvalue()
    assert out.dropped == 10 * 1024 * 1024 - MAX_OUTPUT_CHARS
    assert len(value) < MAX_OUTPUT_CHARS + 200
    assert value.startswith("x" * 100)
    assert f"[output truncated: {out.dropped:,} more characters not shown]" in value


def test_limited_writer_keeps_exactly_the_limit():
    w = LimitedWriter(limit=10)
    w.write("12345")
    w.write("67890abc")
    w.write("def")
    assert w.kept == 10 and w.dropped == 6
    assert w.getvalue().startswith("1234567890\n... [output truncated: 6 more")
    small = LimitedWriter(limit=10)
    small.write("hi")
    assert small.getvalue() == "hi"


def test_warnings_are_formatted_without_paths():
    with captured_streams() as (out, err):
        warnings.warn("this API is deprecated", DeprecationWarning)
        warnings.warn("careful", UserWarning)
    text = err.getvalue()
    assert text == "DeprecationWarning: this API is deprecated\nUserWarning: careful\n"
    assert "/" not in text and ".py" not in text


def test_streams_restored_after_capture():
    import sys
    before = sys.stdout, sys.stderr, warnings.showwarning
    with captured_streams():
        print("inside")
    assert (sys.stdout, sys.stderr, warnings.showwarning) == before


def test_figures_scraped_in_order_with_alt_and_closed():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.close("all")
    fig, axes = plt.subplots(1, 2, figsize=(4, 2))
    fig.suptitle("Feature maps")
    axes[0].set_title("conv1")
    axes[1].set_title("conv2")
    axes[1].set_xlabel("epoch")
    axes[1].set_ylabel("loss")
    plt.figure(figsize=(2, 2))
    plt.plot([1, 2])
    figures = scrape_figures()
    assert plt.get_fignums() == []
    assert len(figures) == 2
    assert figures[0].alt == "Feature maps. panels: conv1, conv2. axes: epoch vs loss"
    assert figures[1].alt == "Figure produced by the code block above"
    assert figures[0].png.startswith(b"\x89PNG")
    assert (figures[0].width, figures[0].height) == png_size(figures[0].png)
    assert figures[0].width > figures[0].height
