"""capture: size limits, warnings without paths, figures with alt text."""
from __future__ import annotations

import warnings

from execdocs.run.capture import MAX_OUTPUT_BYTES, captured_streams, png_size, scrape_figures


def test_ten_megabytes_truncated_with_note():
    with captured_streams() as (out, err):
        chunk = "x" * 1023 + "\n"
        for _ in range(10 * 1024):
            print(chunk, end="")
    value = out.getvalue()
    assert out.dropped == 10 * 1024 * 1024 - MAX_OUTPUT_BYTES
    assert len(value) < MAX_OUTPUT_BYTES + 200
    assert value.startswith("x" * 100)
    assert f"[output truncated: {out.dropped:,} more bytes not shown]" in value


def test_small_output_is_kept_exactly_without_a_note():
    with captured_streams(limit=10) as (out, err):
        print("hi")
    assert out.getvalue() == "hi\n" and out.dropped == 0
    with captured_streams(limit=10) as (out, err):
        print("1234567890abc", end="")
    assert out.getvalue().startswith("1234567890\n... [output truncated: 3 more bytes")


def test_output_below_python_is_captured_in_order():
    """Subprocesses, os.system, os.write, threads and C stdio land under the block, in order."""
    import ctypes
    import os
    import subprocess
    import sys
    import threading

    with captured_streams() as (out, err):
        print("python")
        os.system("echo shell")
        subprocess.run([sys.executable, "-c", "import sys; print('child'); print('child-err', file=sys.stderr)"])
        os.write(1, b"raw fd\n")
        thread = threading.Thread(target=lambda: print("thread"))
        thread.start()
        thread.join()
        libc = ctypes.CDLL(None)
        libc.printf(b"from C\n")
    assert out.getvalue() == "python\nshell\nchild\nraw fd\nthread\nfrom C\n"
    assert err.getvalue() == "child-err\n"


def test_a_flood_from_a_subprocess_cannot_block_the_block():
    """200 kB from a child process (more than a pipe holds) is drained, truncated, and returns."""
    import subprocess
    import sys

    with captured_streams() as (out, err):
        done = subprocess.run([sys.executable, "-c", "print('x' * 200000)"], timeout=60)
    assert done.returncode == 0
    assert out.dropped == 200001 - MAX_OUTPUT_BYTES and "output truncated" in out.getvalue()


def test_warnings_are_formatted_without_paths():
    with captured_streams() as (out, err):
        warnings.warn("this API is deprecated", DeprecationWarning)
        warnings.warn("careful", UserWarning)
    text = err.getvalue()
    assert text == "DeprecationWarning: this API is deprecated\nUserWarning: careful\n"
    assert "/" not in text and ".py" not in text


def test_streams_and_descriptors_restored_after_capture():
    import os
    import sys
    before = sys.stdout, sys.stderr, warnings.showwarning
    targets = [os.readlink(f"/proc/self/fd/{fd}") for fd in (1, 2)]
    with captured_streams():
        print("inside")
    assert (sys.stdout, sys.stderr, warnings.showwarning) == before
    assert [os.readlink(f"/proc/self/fd/{fd}") for fd in (1, 2)] == targets


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
