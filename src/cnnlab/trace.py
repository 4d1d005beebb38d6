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


def _pair(value) -> int:
    """A square layer's kernel size or stride as one int (``3`` or ``(3, 3)`` -> 3)."""
    if isinstance(value, tuple):
        if len(set(value)) != 1:
            raise ValueError(f"only square kernels and strides are supported, got {value}")
        return value[0]
    return value


def receptive_fields(model: nn.Module, image_size: int) -> list[dict]:
    """The receptive field of each spatial layer by the textbook recursion, in execution order.

    Why a recursion, not a table: each layer with kernel ``k`` and stride ``s`` widens the
    field by ``(k - 1) * jump``, where ``jump`` is the product of the earlier strides (how
    many input pixels one step on this layer's grid spans), and then multiplies the jump by
    ``s``. ReLU keeps both. Rows stop at the first layer whose output is not a feature map
    (Flatten): from there on every unit depends on the whole image.
    Each row: ``layer``, ``type``, ``kernel``, ``stride``, ``jump`` and ``field`` (pixels per side).
    """
    rows, field, jump = [], 1, 1
    for row in data_flow(model, torch.zeros(1, model_input_channels(model), image_size, image_size)):
        if len(row["output_shape"]) != 4:
            break
        module = dict(model.named_modules())[row["layer"]]
        kernel = _pair(getattr(module, "kernel_size", 1))
        stride = _pair(getattr(module, "stride", 1))
        field, jump = field + (kernel - 1) * jump, jump * stride
        rows.append({"layer": row["layer"], "type": row["type"], "kernel": kernel,
                     "stride": stride, "jump": jump, "field": field})
    return rows


def model_input_channels(model: nn.Module) -> int:
    """Input channels of the model's first convolution (what a probe image must have)."""
    first = next(m for m in model.modules() if isinstance(m, nn.Conv2d))
    return first.in_channels


def measured_field(model: nn.Module, layer: str, image_size: int, n_images: int = 32,
                   seed: int = 0) -> torch.Tensor:
    """Input pixels that influence the centre unit of ``layer``: an ``image_size``² bool mask.

    Why a union over several random images: the gradient of one unit with respect to the
    input is nonzero exactly where that pixel changes the unit, but ReLU (a negative input)
    and max pooling (only the largest of each window) block it for some pixels of any one
    image. Over many random images every pixel that can matter shows up at least once.
    The unit is channel 0 at the centre of the layer's output map.
    """
    captured: dict[str, torch.Tensor] = {}
    module = dict(model.named_modules())[layer]
    handle = module.register_forward_hook(lambda mod, inp, out: captured.update(out=out))
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(n_images, model_input_channels(model), image_size, image_size, generator=gen)
    x.requires_grad_(True)
    was_training = model.training
    model.eval()  # batch norm in training mode would mix the images' statistics
    try:
        model(x)
    finally:
        handle.remove()
        model.train(was_training)
    out = captured["out"]
    centre_y, centre_x = out.shape[-2] // 2, out.shape[-1] // 2
    # the images are independent, so one gradient of the sum gives every image's own gradient
    (grad,) = torch.autograd.grad(out[:, 0, centre_y, centre_x].sum(), x)
    return (grad != 0).any(dim=1).any(dim=0)


def extent(mask: torch.Tensor) -> tuple[int, int]:
    """Height and width of the smallest box around the ``True`` pixels of a 2-D mask."""
    rows, cols = torch.nonzero(mask, as_tuple=True)
    if len(rows) == 0:
        return 0, 0
    return int(rows.max() - rows.min()) + 1, int(cols.max() - cols.min()) + 1
