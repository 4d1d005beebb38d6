"""Trace how a batch flows through a model, layer by layer.

Why hooks: the shapes printed on the pages must come from the real model, not
from hand-written tables (the source documents got them wrong). A forward
hook on every leaf module records what actually goes in and comes out.
"""
from __future__ import annotations

import torch
import torch.nn as nn


def _shape(t) -> tuple:
    """Shape of a tensor (or of the first tensor in a tuple) as a plain tuple."""
    if isinstance(t, (tuple, list)):
        t = t[0] if t else None
    return tuple(t.shape) if isinstance(t, torch.Tensor) else ()


def _leaf_modules(model: nn.Module):
    """(name, module) for every module without children: the real compute steps."""
    return [(name, m) for name, m in model.named_modules() if not list(m.children()) and name]


@torch.no_grad()
def data_flow(model: nn.Module, x: torch.Tensor) -> list[dict]:
    """Run ``model(x)`` once and return one row per executed leaf module.

    Each row: ``layer`` (attribute path), ``type`` (class name), ``input_shape``,
    ``output_shape`` (tuples) and ``params`` (trainable parameter count). Rows
    are in execution order; a module called twice appears twice. Hooks are
    always removed, even if the forward pass fails.
    """
    rows, handles = [], []

    def make_hook(name):
        def hook(module, inputs, output):
            rows.append({
                "layer": name, "type": type(module).__name__,
                "input_shape": _shape(inputs), "output_shape": _shape(output),
                "params": sum(p.numel() for p in module.parameters() if p.requires_grad),
            })
        return hook

    for name, module in _leaf_modules(model):
        handles.append(module.register_forward_hook(make_hook(name)))
    was_training = model.training
    model.eval()
    try:
        model(x)
    finally:
        for h in handles:
            h.remove()
        model.train(was_training)
    return rows


def _cell(value) -> str:
    """Format one table cell: shapes as ``1000 × 3 × 32 × 32``, floats to 4 digits."""
    if isinstance(value, tuple):
        return " × ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:.4f}"
    if value is None:
        return "–"
    return str(value).replace("|", "\\|")


def markdown_table(rows: list[dict], columns: list[str] | None = None,
                   headers: list[str] | None = None) -> str:
    """Format ``rows`` as a GitHub pipe table (what ``output=markdown`` blocks print).

    ``columns`` picks and orders the keys (default: keys of the first row);
    ``headers`` optionally renames them for display.
    """
    columns = list(columns) if columns is not None else list(rows[0]) if rows else []
    headers = list(headers) if headers is not None else columns
    if len(headers) != len(columns):
        raise ValueError("headers and columns must have the same length")
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(_cell(row.get(c)) for c in columns) + " |")
    return "\n".join(lines)
