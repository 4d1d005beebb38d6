"""Ablation and learning curve: what locality and weight sharing each buy, and at what data size.

Why: "a CNN beats an MLP" mixes two ingredients.  A convolution looks at a small neighbourhood
(locality) and uses the same weights at every position (weight sharing).  The ablation keeps
``SmallCNN``'s shape and removes one at a time: a locally connected network (the same 3x3
windows, its own weights at every position) and a 1x1-kernel CNN (shared weights, no
neighbourhood).  The learning curve trains the CNN and the wide MLP on growing training sets:
the CNN's advantage on this data is how few examples it needs (sample efficiency).
"""
from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from . import train


class LocallyConnected2d(nn.Module):
    """A 3x3 convolution whose weights are not shared: every output position has its own filter.

    Stride 1 and "same" padding, like the convolutions it replaces, so only the sharing differs.
    With the same filter copied to every position it computes exactly ``nn.Conv2d``.
    """

    def __init__(self, in_channels: int, out_channels: int, size: int, kernel_size: int = 3):
        super().__init__()
        self.size, self.kernel_size, self.out_channels = size, kernel_size, out_channels
        fan_in = in_channels * kernel_size * kernel_size
        bound = 1 / math.sqrt(fan_in)  # nn.Conv2d's default range for one filter
        self.weight = nn.Parameter(torch.empty(size * size, out_channels, fan_in).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(out_channels, size, size).uniform_(-bound, bound))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        windows = F.unfold(x, self.kernel_size, padding=self.kernel_size // 2)  # (batch, fan_in, positions)
        out = torch.einsum("bkp,pok->bop", windows, self.weight)
        return out.reshape(len(x), self.out_channels, self.size, self.size) + self.bias


def ablated_cnn(kind: str, num_classes: int = 10, width: int = 8, hidden: int = 160,
                global_pool: bool = False) -> nn.Module:
    """``SmallCNN``'s shape with "shared 3x3" (the CNN), "local 3x3" (no sharing) or "shared 1x1"
    (no neighbourhood) layers; batch norm, pooling and head are the same in all three.

    ``global_pool``: the last max pool keeps one value per channel instead of a 4x4 grid, so the
    head no longer sees *where* a pattern was (the shift test measures what that buys)."""
    if kind not in ("shared 3x3", "local 3x3", "shared 1x1"):
        raise ValueError(f"unknown kind {kind!r}")
    grid = 1 if global_pool else 4
    channels, sizes = [3, width, 2 * width, 4 * width], [32, 16, 8]
    layers: list[nn.Module] = []
    for i, size in enumerate(sizes):
        c_in, c_out = channels[i], channels[i + 1]
        if kind == "local 3x3":
            layers.append(LocallyConnected2d(c_in, c_out, size))
        else:
            k = 3 if kind == "shared 3x3" else 1
            layers.append(nn.Conv2d(c_in, c_out, k, padding=k // 2))
        layers += [nn.BatchNorm2d(c_out), nn.ReLU(), nn.MaxPool2d(2) if i < 2 else nn.AdaptiveMaxPool2d(grid)]
    head = [nn.Flatten(), nn.Linear(4 * width * grid * grid, hidden), nn.BatchNorm1d(hidden), nn.ReLU(),
            nn.Linear(hidden, num_classes)]
    return nn.Sequential(*layers, *head)


def train_and_score(build, seed: int, x_train, y_train, x_val, y_val, **fit_args) -> float:
    """Validation accuracy of ``build()`` trained from ``seed`` (init and batch order)."""
    torch.manual_seed(seed)
    model = build()
    history = train.fit(model, x_train, y_train, x_val, y_val, seed=seed, **fit_args)
    return history[-1]["val_acc"]


def learning_curve(builders: dict, sizes: dict, seeds, x_pool, y_pool, x_val, y_val,
                   known: dict | None = None, **fit_args) -> dict:
    """(model, size, seed) -> validation accuracy, each trained on the first ``size`` pool images.

    ``sizes`` maps a model name to its training-set sizes; the sets are nested, so a larger one
    adds images and removes none.  ``known`` holds results already measured (reused, not re-run).
    """
    found = dict(known or {})
    for name, build in builders.items():
        for size in sizes[name]:
            for seed in seeds:
                if (name, size, seed) not in found:
                    found[name, size, seed] = train_and_score(build, seed, x_pool[:size], y_pool[:size],
                                                              x_val, y_val, **fit_args)
    return found


FILLS = ("zeros", "background", "wrap")


def shift_filled(x: torch.Tensor, dx: int, fill: str) -> torch.Tensor:
    """Images moved ``dx`` pixels right; the uncovered band on the left is filled three ways.

    ``zeros``: black (what ``explorer.shift_image`` does): a band no training image had.
    ``background``: each image's background colour (the median of its border pixels).
    ``wrap``: the columns pushed out on the right come back on the left (``torch.roll``):
    no new pixels at all, so a change of prediction is the network's, not the fill's.
    """
    if fill == "wrap":
        return torch.roll(x, dx, dims=-1)
    if fill not in FILLS:
        raise ValueError(f"unknown fill {fill!r}; known: {', '.join(FILLS)}")
    out = torch.roll(x, dx, dims=-1)
    if fill == "zeros":
        out[..., :dx] = 0
    else:
        border = torch.cat([x[..., 0, :], x[..., -1, :], x[..., :, 0], x[..., :, -1]], dim=-1)
        out[..., :dx] = border.median(dim=-1).values[..., None, None]
    return out


@torch.no_grad()
def predictions_kept(model: nn.Module, x: torch.Tensor, shifts, fills=FILLS) -> dict:
    """(fill, shift) -> share of images whose predicted class the shift leaves unchanged."""
    model.eval()
    device = next(model.parameters()).device
    before = model(x.to(device)).argmax(1)
    return {(fill, dx): (model(shift_filled(x, dx, fill).to(device)).argmax(1) == before).float().mean().item()
            for fill in fills for dx in shifts}
