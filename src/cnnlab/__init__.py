"""cnnlab: the small teaching library behind the pages and snippets.

Why a library at all: every page trains, traces or plots the same few things,
and keeping that code here (tested once) lets each page show only the idea it
teaches instead of 40 lines of boilerplate.
"""
import random

import numpy as np
import torch

from . import baseline, data, models, trace, train, viz  # noqa: F401  (public submodules)

__all__ = ["glue", "pick_device", "seed_everything", "baseline", "data", "models", "train", "trace", "viz"]


def pick_device() -> torch.device:
    """Return the best available device (CUDA > MPS > CPU).

    Why: the same page must run on a laptop, a Mac and a GPU box; choosing the
    device in one place keeps every training block portable.
    """
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def seed_everything(seed: int = 0) -> None:
    """Seed Python, NumPy and PyTorch RNGs.

    Why: printed numbers on the site must be reproducible build after build,
    so every experiment starts from a known random state.
    """
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def glue(name: str, value, fmt: str = "") -> None:
    """Print ``value`` for the page's prose: ``glue: <name> = <text>``.

    Why: a number typed into a sentence goes stale when the outputs change (and they change
    between machines).  The page writes ``{glue}`name``` and the site puts this text there; the
    line is part of the block's output, so it is recorded and checked like any other number.
    In a notebook it is simply printed.  ``fmt`` is a format spec: ``glue("acc", 0.95, ".1%")``.
    """
    print(f"glue: {name} = {format(value, fmt)}")
