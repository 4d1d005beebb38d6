"""The models used across the site.

Why these models: ``SimpleCNN`` and ``PipelineCNN`` are the (corrected) models
of the source documents, so pages can show them faithfully; ``DeeperCNN`` is
the "bonus experiment" with four conv layers; ``SmallCNN`` and ``MLP`` have a
similar number of parameters, so that the comparison is not one of size
(the experiment page also trains a wider MLP).
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F


class SimpleCNN(nn.Module):
    """Two conv layers (3->6->12, k3, p1) with 2x2 pooling, then 768->120->10.

    Each ReLU after a convolution is its own module (``relu1``, ``relu2``) so a
    forward hook on it sees the feature maps exactly as the next layer does
    (after ReLU, before pooling) without the model storing anything. Expects
    3x32x32 input because of the fixed ``12*8*8`` linear layer.
    """

    def __init__(self, num_classes: int = 10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, kernel_size=3, padding=1)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(6, 12, kernel_size=3, padding=1)
        self.relu2 = nn.ReLU()
        self.pool = nn.MaxPool2d(2, 2)
        self.fc1 = nn.Linear(12 * 8 * 8, 120)
        self.fc2 = nn.Linear(120, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(self.relu1(self.conv1(x)))
        x = self.pool(self.relu2(self.conv2(x)))
        x = torch.flatten(x, 1)  # not view(-1, ...): keeps the batch dimension honest
        x = F.relu(self.fc1(x))
        return self.fc2(x)


class DeeperCNN(nn.Module):
    """Four conv layers (3->16->16, pool, ->32->32, pool), global average pool, linear.

    Why: the seed's bonus experiment; ``feature_maps`` (list of 4 detached
    tensors, after each conv+ReLU) lets a page show how maps get coarser and
    more abstract with depth. Global pooling makes it work for any input size.
    """

    def __init__(self, num_classes: int = 10, in_channels: int = 3):
        super().__init__()
        chans = [in_channels, 16, 16, 32, 32]
        self.convs = nn.ModuleList(
            nn.Conv2d(chans[i], chans[i + 1], kernel_size=3, padding=1) for i in range(4)
        )
        self.pool = nn.MaxPool2d(2, 2)
        self.fc = nn.Linear(32, num_classes)
        self.feature_maps: list[torch.Tensor] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.feature_maps = []
        for i, conv in enumerate(self.convs):
            x = F.relu(conv(x))
            self.feature_maps.append(x.detach())
            if i in (1, 3):
                x = self.pool(x)
        return self.fc(x.mean(dim=(2, 3)))


class PipelineCNN(nn.Module):
    """Seed 004's pipeline: conv 3->16, ReLU, pool, conv 16->32, ReLU, flatten 8192 -> 10.

    Why every step is a module (not ``F.relu``): forward hooks only see
    modules, so ``cnnlab.trace.data_flow`` can list each stage with its shape.
    """

    def __init__(self, num_classes: int = 10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, kernel_size=3, stride=1, padding=1)
        self.relu1 = nn.ReLU()
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(16, 32, kernel_size=3, stride=1, padding=1)
        self.relu2 = nn.ReLU()
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(32 * 16 * 16, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(self.relu1(self.conv1(x)))
        x = self.relu2(self.conv2(x))
        return self.fc(self.flatten(x))


class SmallCNN(nn.Module):
    """A compact CNN: three 3x3 conv blocks (with batch norm), max pooling, an MLP head.

    Why this shape: each 3x3 filter is reused at every position, so a few
    thousand weights cover the whole image; the final max pool to a 4x4 grid
    keeps "is the pattern present in this region" and forgets exactly where.
    The head has one hidden layer (160 units) like ``MLP``'s (32 units by default),
    so the two models differ in the convolution blocks and in the head's width. With
    the defaults both have about 90-100k parameters, over nine in ten of SmallCNN's in
    its head: the convolutions are cheap because each filter is reused everywhere.
    """

    def __init__(self, num_classes: int = 10, in_channels: int = 3, width: int = 8, hidden: int = 160):
        super().__init__()
        w = width
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, w, 3, padding=1), nn.BatchNorm2d(w), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(w, 2 * w, 3, padding=1), nn.BatchNorm2d(2 * w), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(2 * w, 4 * w, 3, padding=1), nn.BatchNorm2d(4 * w), nn.ReLU(),
            nn.AdaptiveMaxPool2d(4), nn.Flatten(),
        )
        self.head = nn.Sequential(nn.Linear(4 * w * 16, hidden), nn.BatchNorm1d(hidden), nn.ReLU(),
                                  nn.Linear(hidden, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


class MLP(nn.Module):
    """Flatten the image, then Linear -> BatchNorm -> ReLU -> Linear.

    Why: the baseline that ignores which pixels are neighbours. Permuting the
    pixels (the same way for every image) only permutes the columns of its
    first weight matrix, so its accuracy cannot depend on the pixel order.
    Batch norm gives it the same optimisation help ``SmallCNN`` gets; the
    default ``hidden=32`` gives about SmallCNN's parameter count (each hidden
    unit costs 3,072 weights: where a CNN spends weights on reusable filters,
    an MLP spends them on one weight per pixel).
    """

    def __init__(self, num_classes: int = 10, in_features: int = 3 * 32 * 32, hidden: int = 32):
        super().__init__()
        self.net = nn.Sequential(
            nn.Flatten(), nn.Linear(in_features, hidden), nn.BatchNorm1d(hidden), nn.ReLU(),
            nn.Linear(hidden, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters (what "model size" means in comparisons)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
