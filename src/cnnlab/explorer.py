"""Export a trained ``SmallCNN`` for the in-browser explorer, with PyTorch reference outputs.

Why: readers poke the very network the experiment page trained, in their own browser
(ONNX Runtime Web). The export runs inside an executed block, so it is cached and
drift-gated like every other output, and the reference data written next to it let a
browser test prove that the browser computes what PyTorch computed.

Files written (flat names, as ``$EXECDOCS_ARTIFACTS`` requires):

- ``small_cnn.onnx`` (and ``small_cnn_permuted.onnx`` for a ``twin``): input ``image``
  float32 [N,3,32,32] in [0,1]; outputs ``probs`` [N,classes] (softmax), ``conv1`` and
  ``conv2``: the maps after the first and second conv block's ReLU;
- ``explorer_static.png``: one validation image original, shifted and permuted, with its
  maps and prediction (the page's fallback for readers without JavaScript);
- ``explorer.json``: class names, the fixed pixel permutation, a few validation images
  to pick from (uint8, base64), the input convention and the model files;
- ``explorer_reference.json`` + ``explorer_reference.bin``: for ``n_reference``
  validation images (float32, exact), each original, shifted, permuted, and shifted then
  permuted: PyTorch's probabilities for every case (of each exported model); for the first
  few images also the case's input and the maps, to keep the files small.
  The JSON says where each array sits in the binary file.
"""
from __future__ import annotations

import base64
import copy
import json
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn as nn

from .prove import permute_pixels  # the experiment page's permutation, one definition

OPSET = 17
MODEL_FILE = "small_cnn.onnx"
TWIN_FILE = "small_cnn_permuted.onnx"
DATA_FILE = "explorer.json"
REFERENCE_JSON = "explorer_reference.json"
REFERENCE_BIN = "explorer_reference.bin"
STATIC_FIGURE = "explorer_static.png"  # what a reader without JavaScript sees instead of the explorer
STATIC_SIZE_IN, STATIC_DPI = (7.0, 5.4), 200  # shown at 700×540 CSS px (explorer.md): a 2x bitmap
OUTPUTS = ("probs", "conv1", "conv2")
# Shifts (dx right, dy down, in pixels) the reference cases cycle through: both signs, both axes.
SHIFTS = ((1, 0), (0, 1), (-2, 0), (0, -2), (3, -1), (-1, 3), (4, 4), (-4, -3))
MAPS_FOR_IMAGES = 4  # inputs and feature maps are stored for the first few images' cases only (size)


class FeatureTaps(nn.Module):
    """``SmallCNN`` with three outputs: softmax probabilities and the maps after ReLU 1 and 2.

    Why a wrapper: the browser needs the intermediate maps as real graph outputs; the
    trained model itself is untouched (it is split at its first two ``nn.ReLU``).
    """

    def __init__(self, model: nn.Module):
        super().__init__()
        features, head = model.features, model.head
        if not isinstance(features, nn.Sequential) or not isinstance(head, nn.Module):
            raise ValueError("export_for_browser needs a model with .features (nn.Sequential) and .head (SmallCNN)")
        layers = list(features)
        relus = [i for i, layer in enumerate(layers) if isinstance(layer, nn.ReLU)]
        if len(relus) < 2:
            raise ValueError("export_for_browser needs a model whose .features has two nn.ReLU (SmallCNN)")
        first, second = relus[0] + 1, relus[1] + 1
        self.block1 = nn.Sequential(*layers[:first])
        self.block2 = nn.Sequential(*layers[first:second])
        self.rest = nn.Sequential(*layers[second:])
        self.head = head

    def forward(self, image: torch.Tensor):
        conv1 = self.block1(image)
        conv2 = self.block2(conv1)
        probs = torch.softmax(self.head(self.rest(conv2)), dim=1)
        return probs, conv1, conv2


def shift_image(x: torch.Tensor, dx: int, dy: int) -> torch.Tensor:
    """Move images ``dx`` pixels right and ``dy`` down; uncovered pixels are 0 (as on the page)."""
    out = torch.zeros_like(x)
    h, w = x.shape[-2:]
    if abs(dx) >= w or abs(dy) >= h:
        return out
    ys, yd = (slice(0, h - dy), slice(dy, h)) if dy >= 0 else (slice(-dy, h), slice(0, h + dy))
    xs, xd = (slice(0, w - dx), slice(dx, w)) if dx >= 0 else (slice(-dx, w), slice(0, w + dx))
    out[..., yd, xd] = x[..., ys, xs]
    return out


def _export_onnx(model: nn.Module, path: Path) -> FeatureTaps:
    """Legacy (TorchScript) exporter: works offline; the dynamo one needs onnxscript."""
    taps = FeatureTaps(copy.deepcopy(model).cpu().eval()).eval()
    example = torch.zeros(1, 3, 32, 32)
    dynamic = {"image": {0: "batch"}, **{name: {0: "batch"} for name in OUTPUTS}}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(taps, (example,), str(path), input_names=["image"], output_names=list(OUTPUTS),
                          dynamic_axes=dynamic, opset_version=OPSET, dynamo=False)
    return taps


def _run(taps: FeatureTaps, x: torch.Tensor) -> dict[str, np.ndarray]:
    with torch.no_grad():
        return {name: t.numpy() for name, t in zip(OUTPUTS, taps(x), strict=True)}


def reference_cases(n_images: int) -> list[dict]:
    """The cases the browser test replays: each image original, shifted, permuted, both."""
    cases = []
    for i in range(n_images):
        dx, dy = SHIFTS[i % len(SHIFTS)]
        for sx, sy, permuted in ((0, 0, False), (dx, dy, False), (0, 0, True), (dx, dy, True)):
            cases.append({"image": i, "dx": sx, "dy": sy, "permuted": permuted})
    return cases


def case_input(base: torch.Tensor, case: dict, permutation: torch.Tensor) -> torch.Tensor:
    """The network input of one case: shift first, then (optionally) permute, as the explorer does."""
    x = shift_image(base[case["image"]][None], case["dx"], case["dy"])
    return permute_pixels(x, permutation) if case["permuted"] else x


class _Blob:
    """Float32 arrays appended to one binary file; remembers each one's offset and shape."""

    def __init__(self):
        self.parts: list[bytes] = []
        self.offset = 0

    def add(self, array: np.ndarray) -> dict:
        data = np.ascontiguousarray(array, dtype="<f4")
        entry = {"offset": self.offset, "shape": list(data.shape)}
        self.parts.append(data.tobytes())
        self.offset += data.size
        return entry


def _write_reference(out: Path, models: dict[str, FeatureTaps], base: torch.Tensor,
                     permutation: torch.Tensor) -> dict:
    """Write the reference cases (inputs + PyTorch outputs) and return the index."""
    blob = _Blob()
    index: dict[str, Any] = {"dtype": "float32-le", "offsets_in": "float32 elements", "binary": REFERENCE_BIN,
             "base_images": blob.add(base.numpy()), "cases": []}
    for case in reference_cases(len(base)):
        x = case_input(base, case, permutation)
        detailed = case["image"] < MAPS_FOR_IMAGES
        entry = dict(case, input=blob.add(x.numpy()[0])) if detailed else dict(case)
        for model_name, taps in models.items():
            outputs = _run(taps, x)
            keep = OUTPUTS if detailed else ("probs",)
            entry[model_name] = {name: blob.add(outputs[name][0]) for name in keep}
        index["cases"].append(entry)
    (out / REFERENCE_BIN).write_bytes(b"".join(blob.parts))
    (out / REFERENCE_JSON).write_text(json.dumps(index, separators=(",", ":")))
    return index


def _gallery(images: torch.Tensor, labels: torch.Tensor, class_names: list[str], per_class: int = 2) -> list[dict]:
    """A few validation images per class, as uint8 CHW bytes (base64): small, and exact for display."""
    picked = []
    for k, name in enumerate(class_names):
        for i in torch.nonzero(labels == k).flatten()[:per_class].tolist():
            pixels = (images[i].clamp(0, 1) * 255).round().to(torch.uint8).numpy().tobytes()
            picked.append({"index": i, "label": name, "pixels": base64.b64encode(pixels).decode()})
    return picked


def _montage(maps: np.ndarray, ncols: int) -> np.ndarray:
    """Channels [C,H,W] tiled into one image with 1-pixel gaps, scaled by the layer's maximum."""
    c, h, w = maps.shape
    nrows = -(-c // ncols)
    sheet = np.full((nrows * (h + 1) - 1, ncols * (w + 1) - 1), np.nan, dtype=np.float32)
    for k in range(c):
        r, q = divmod(k, ncols)
        sheet[r * (h + 1):r * (h + 1) + h, q * (w + 1):q * (w + 1) + w] = maps[k] / max(float(maps.max()), 1e-12)
    return sheet


def _static_figure(path: Path, taps: FeatureTaps, image: torch.Tensor, permutation: torch.Tensor,
                   class_names: list[str]) -> None:
    """Input, conv1 and conv2 maps and the prediction for one image: original, shifted, permuted."""
    import matplotlib.pyplot as plt

    cases = [("original", image), ("shifted 4 px right", shift_image(image, 4, 0)),
             ("pixels permuted", permute_pixels(image, permutation))]
    import textwrap

    # 7 in at 200 dpi: shown 700 px wide (explorer.md) from a 2x bitmap, like the executed figures
    fig, axes = plt.subplots(3, 3, figsize=STATIC_SIZE_IN, layout="constrained",
                             gridspec_kw={"width_ratios": [1.5, 2, 2]})
    for row, (name, x) in enumerate(cases):
        out = _run(taps, x)
        k = int(out["probs"][0].argmax())
        said = textwrap.fill(f"network: {class_names[k]} {out['probs'][0, k]:.0%}", 20)  # within its column
        panels = [(x[0].permute(1, 2, 0).numpy(), f"{name}\n{said}"),
                  (_montage(out["conv1"][0], 4), "conv1 maps (after ReLU)"),
                  (_montage(out["conv2"][0], 8), "conv2 maps (after ReLU)")]
        for ax, (img, title) in zip(axes[row], panels, strict=True):
            ax.imshow(img, cmap=None if img.ndim == 3 else "gray", interpolation="nearest")
            ax.set_title(title, fontsize=9)
            ax.axis("off")
    fig.suptitle("The exported network: a shift moves the maps, a permutation scrambles them", fontsize=11)
    fig.savefig(path, dpi=STATIC_DPI)
    plt.close(fig)  # a file for the page's fallback, not a figure shown under the block


def _ort_max_difference(path: Path, taps: FeatureTaps, x: torch.Tensor) -> float:
    """Max |onnxruntime - PyTorch| over every output (the Python-side check of the export)."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    got = session.run(list(OUTPUTS), {"image": x.numpy()})
    want = _run(taps, x)
    return max(float(np.abs(g - want[name]).max()) for g, name in zip(got, OUTPUTS, strict=True))


def _out_dir(out_dir) -> Path:
    path = out_dir or os.environ.get("EXECDOCS_ARTIFACTS") or tempfile.mkdtemp(prefix="explorer-")
    Path(path).mkdir(parents=True, exist_ok=True)
    return Path(path)


def export_for_browser(model, images, labels, permutation, *, twin=None, class_names=None,
                       out_dir=None, n_reference=20) -> dict:
    """Export ``model`` (and an optional permutation-trained ``twin``) for the explorer.

    ``images``/``labels`` are validation data (float32 [N,3,32,32] in [0,1]);
    ``permutation`` is the page's fixed pixel permutation (1024 indices). Writes the
    files listed in the module docstring into ``out_dir`` (default
    ``$EXECDOCS_ARTIFACTS``, else a new temporary directory), prints a short stable
    summary and returns a dict with the paths, sizes and checks.
    """
    out = _out_dir(out_dir)
    images, labels = images.detach().cpu().float(), labels.detach().cpu()
    permutation = torch.as_tensor(permutation).cpu().long()
    if sorted(permutation.tolist()) != list(range(32 * 32)):
        raise ValueError("permutation must be a permutation of the 1024 pixel positions of a 32x32 image")
    if len(images) < n_reference:
        raise ValueError(f"need at least n_reference={n_reference} validation images, got {len(images)}")
    class_names = list(class_names or [str(k) for k in range(int(labels.max()) + 1)])
    files = {"small_cnn": MODEL_FILE, **({"twin": TWIN_FILE} if twin is not None else {})}
    models = {name: _export_onnx(m, out / files[name])
              for name, m in (("small_cnn", model), ("twin", twin)) if m is not None}
    base = images[:n_reference]
    _write_reference(out, models, base, permutation)
    data = {"class_names": class_names, "permutation": permutation.tolist(), "models": files,
            "input": {"shape": [1, 3, 32, 32], "range": [0, 1], "normalisation": None, "layout": "NCHW"},
            "outputs": list(OUTPUTS), "opset": OPSET, "gallery": _gallery(images, labels, class_names),
            "reference": REFERENCE_JSON}
    (out / DATA_FILE).write_text(json.dumps(data, separators=(",", ":")))
    _static_figure(out / STATIC_FIGURE, models["small_cnn"], base[:1], permutation, class_names)
    fixed = base[:1]
    diff = max(_ort_max_difference(out / f, models[name], base) for name, f in files.items())
    probs = _run(models["small_cnn"], fixed)["probs"][0]
    summary = _summary(out, files, class_names, labels[0].item(), probs, diff, len(base))
    print(summary)
    return {"out_dir": str(out), "files": {**files, "data": DATA_FILE, "reference": REFERENCE_JSON,
                                           "reference_bin": REFERENCE_BIN,
                                           "static_figure": STATIC_FIGURE},
            "sizes": {p.name: p.stat().st_size for p in sorted(out.iterdir()) if p.is_file()},
            "opset": OPSET, "onnxruntime_max_abs_diff": diff, "fixed_input_probs": probs.tolist(),
            "summary": summary}


def _summary(out: Path, files: dict, class_names: list[str], fixed_label: int, probs: np.ndarray,
             diff: float, n_images: int) -> str:
    """The stable lines the page shows and the drift gate records (sizes in KiB, probs rounded)."""
    kib = lambda name: f"{(out / name).stat().st_size / 1024:.0f} KiB"  # noqa: E731
    top = np.argsort(-probs)[:3]
    lines = [f"ONNX opset {OPSET}; input image [N,3,32,32] in [0,1]; outputs probs, conv1, conv2 (after ReLU)",
             "files: " + ", ".join(f"{f} {kib(f)}" for f in files.values())
             + f", {DATA_FILE} {kib(DATA_FILE)}, reference {kib(REFERENCE_BIN)}",
             f"reference: {n_images} validation images x (original, shifted, permuted, shifted+permuted)",
             f"fixed input (validation image 0, a {class_names[fixed_label]!r}): "
             + ", ".join(f"{class_names[k]} {probs[k]:.3f}" for k in top),
             f"onnxruntime (Python) matches PyTorch within 1e-5: {diff <= 1e-5}"]
    return "\n".join(lines)
