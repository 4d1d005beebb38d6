"""The pieces of the permutation experiment ("prove it") shared by the page and the notebook.

Why a module: the experiment page and ``snippets/prove_it.py`` run the same
experiment, and the helpers that are not the point of it (how to permute pixels,
how to give the MLP the same start on permuted pixels, mean and spread over seeds)
are tested once here instead of being retyped.
"""
from __future__ import annotations

import statistics

import torch
import torch.nn as nn


def fixed_permutation(seed: int = 0, size: int = 32) -> torch.Tensor:
    """One fixed random order of the ``size*size`` pixel positions (same for every image)."""
    return torch.randperm(size * size, generator=torch.Generator().manual_seed(seed))


def permute_pixels(x: torch.Tensor, perm: torch.Tensor) -> torch.Tensor:
    """Move pixel ``perm[i]`` to position ``i`` in every image and channel: values kept, neighbours lost."""
    n, c, h, w = x.shape
    return x.reshape(n, c, h * w)[:, :, perm].reshape(n, c, h, w)


def permute_first_layer(mlp: nn.Module, perm: torch.Tensor) -> nn.Module:
    """Reorder the columns of the MLP's first weight matrix like the pixels.

    Why: ``W x`` equals ``W[:, perm] x[perm]``, so the MLP started this way on
    permuted images computes the same function as the unmodified MLP on the
    original images: any difference after training can only come from the order
    in which floating-point products are summed, not from lost information.
    """
    first = next(m for m in mlp.modules() if isinstance(m, nn.Linear))
    w = first.weight.data
    channels = w.shape[1] // len(perm)
    first.weight.data = w.view(w.shape[0], channels, -1)[:, :, perm].reshape(w.shape)
    return mlp


def mean_spread(values) -> tuple[float, float]:
    """Mean and sample standard deviation (0 for a single value)."""
    values = [float(v) for v in values]
    return statistics.fmean(values), statistics.stdev(values) if len(values) > 1 else 0.0


def summarise(accuracy: dict, names, seeds) -> list[dict]:
    """Per model: mean and spread (over seeds) of accuracy on original and permuted pixels and of the change.

    ``accuracy`` maps ``(model, "original" | "permuted", seed)`` to a fraction;
    the returned numbers are in percent (points).
    """
    rows = []
    for name in names:
        orig = [100 * accuracy[name, "original", s] for s in seeds]
        perm = [100 * accuracy[name, "permuted", s] for s in seeds]
        rows.append({"model": name, "original": mean_spread(orig), "permuted": mean_spread(perm),
                     "change": mean_spread([p - o for o, p in zip(orig, perm, strict=True)])})
    return rows


def format_table(rows: list[dict]) -> str:
    """A plain-text table of ``summarise`` rows: mean ± standard deviation in percent / points."""
    cell = lambda ms, unit: f"{ms[0]:6.1f} ± {ms[1]:.1f}{unit}"  # noqa: E731
    lines = [f"{'model':<9} {'original pixels':>16} {'permuted pixels':>16} {'change':>18}"]
    for r in rows:
        lines.append(f"{r['model']:<9} {cell(r['original'], ' %'):>16} {cell(r['permuted'], ' %'):>16} "
                     f"{cell(r['change'], ' points'):>18}")
    return "\n".join(lines)
