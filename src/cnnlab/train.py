"""A small, deterministic training loop.

Why not a framework: pages must show real train/validation numbers in a few
seconds on a CPU, reproducibly. A 30-line loop with a seeded shuffle does
that and is easy to read next to the page that uses it.
"""
from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def _device_of(model: nn.Module, device=None) -> torch.device:
    """The device to use: the argument if given, else where the model lives."""
    if device is not None:
        return torch.device(device)
    first = next(model.parameters(), None)
    return first.device if first is not None else torch.device("cpu")


@torch.no_grad()
def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor, batch_size: int = 500,
             device=None) -> tuple[float, float]:
    """Mean cross-entropy loss and accuracy of ``model`` on ``(x, y)``.

    Why eval mode and batches: metrics must not change the model (no dropout
    or batch-norm updates) and must fit in memory for any dataset size.
    """
    dev = _device_of(model, device)
    was_training = model.training
    model.eval()
    total_loss, correct = 0.0, 0
    for i in range(0, len(y), batch_size):
        xb, yb = x[i:i + batch_size].to(dev), y[i:i + batch_size].to(dev)
        out = model(xb)
        total_loss += F.cross_entropy(out, yb, reduction="sum").item()
        correct += (out.argmax(1) == yb).sum().item()
    model.train(was_training)
    return total_loss / len(y), correct / len(y)


@torch.no_grad()
def predict(model: nn.Module, x: torch.Tensor, batch_size: int = 500, device=None) -> torch.Tensor:
    """Predicted class indices (int64, on the CPU) for every image in ``x``."""
    dev = _device_of(model, device)
    was_training = model.training
    model.eval()
    preds = [model(x[i:i + batch_size].to(dev)).argmax(1).cpu() for i in range(0, len(x), batch_size)]
    model.train(was_training)
    return torch.cat(preds)


def _train_epoch(model, opt, xtr, ytr, batch_size, gen, dev) -> tuple[float, float]:
    """One pass over shuffled training data; returns running mean loss and accuracy.

    Why running means: they cost nothing extra; they lag slightly behind the
    end-of-epoch model, which is the usual convention for "train loss".
    """
    model.train()
    order = torch.randperm(len(ytr), generator=gen)
    total_loss, correct = 0.0, 0
    for i in range(0, len(ytr), batch_size):
        idx = order[i:i + batch_size]
        xb, yb = xtr[idx].to(dev), ytr[idx].to(dev)
        out = model(xb)
        loss = F.cross_entropy(out, yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total_loss += loss.item() * len(idx)
        correct += (out.argmax(1) == yb).sum().item()
    return total_loss / len(ytr), correct / len(ytr)


def fit(model: nn.Module, xtr, ytr, xva=None, yva=None, num_epochs: int = 5, lr: float = 1e-3,
        batch_size: int = 64, device=None, seed: int = 0, cosine: bool = False) -> list[dict]:
    """Train with Adam and cross-entropy; return one metrics row per epoch.

    Rows have ``epoch, train_loss, train_acc, val_loss, val_acc`` (val entries
    are None without validation data). The batch order comes from a generator
    seeded with ``seed``, so the same model init + seed gives the same rows.
    ``cosine=True`` lowers the learning rate along a cosine, once per epoch, to
    a few percent of its starting value in the last epoch: with a constant rate the last epoch's accuracy
    jumps by several points from epoch to epoch, which makes the final number
    of a comparison depend on luck.
    """
    dev = torch.device(device) if device is not None else _device_of(model)
    model.to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    history = []
    for epoch in range(1, num_epochs + 1):
        if cosine:
            for group in opt.param_groups:
                group["lr"] = lr * 0.5 * (1 + math.cos(math.pi * (epoch - 1) / num_epochs))
        tr_loss, tr_acc = _train_epoch(model, opt, xtr, ytr, batch_size, gen, dev)
        row = {"epoch": epoch, "train_loss": tr_loss, "train_acc": tr_acc,
               "val_loss": None, "val_acc": None}
        if xva is not None and yva is not None:
            row["val_loss"], row["val_acc"] = evaluate(model, xva, yva, device=dev)
        history.append(row)
    return history
