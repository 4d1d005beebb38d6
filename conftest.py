"""Root conftest: give `pytest --codeblocks docs` the build's execution conditions.

The build runs each block with seeded RNGs, one torch thread and matplotlib's Agg
backend; pytest-codeblocks runs blocks in-process, so the same conditions are set here
before every collected Markdown block, and open figures are closed after it.
"""
import os
import random

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True)
def execution_conditions(request):
    if request.node.path.suffix != ".md":
        yield
        return
    import matplotlib
    import matplotlib.pyplot as plt
    import numpy as np
    import torch

    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)
    torch.set_num_threads(1)
    matplotlib.rcdefaults()
    yield
    plt.close("all")
