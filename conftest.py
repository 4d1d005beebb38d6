"""Root conftest: give `pytest --codeblocks docs` the build's execution conditions.

The build runs each block with seeded RNGs, one torch thread and matplotlib's Agg
backend; pytest-codeblocks runs blocks in-process (its items are not fixture-aware),
so the same conditions are set by the setup/teardown hooks for every Markdown block.
"""
import os
import random

os.environ.setdefault("MPLBACKEND", "Agg")


def _is_markdown_block(item) -> bool:
    return getattr(item, "path", None) is not None and item.path.suffix == ".md"


def pytest_runtest_setup(item):
    if not _is_markdown_block(item):
        return
    import matplotlib
    import numpy as np
    import torch

    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)
    torch.set_num_threads(1)
    matplotlib.rcdefaults()
    matplotlib.use("Agg")


def pytest_runtest_teardown(item):
    if _is_markdown_block(item):
        import matplotlib.pyplot as plt

        plt.close("all")
