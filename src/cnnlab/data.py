"""Offline datasets for the site: generated spatial patterns, digits, a cat, CIFAR-10.

Why generated patterns: the site builds without network access, yet training
must be meaningful (never random noise). In the pattern set a class is defined
only by the *spatial arrangement* of pixels. Everything that survives a pixel
permutation is drawn the same way for every class: the number of foreground
pixels, the two colours and the noise. So the multiset of an image's pixel
values carries no class information at all, and a model can only tell the
classes apart by looking at which pixels are next to which. That is exactly
what the site's permutation experiment needs.
"""
from __future__ import annotations

import os

import numpy as np
import torch
import torch.nn.functional as F

PATTERN_CLASSES: list[str] = [
    "horizontal stripes",
    "vertical stripes",
    "diagonal stripes",
    "checkerboard",
    "ring",
    "filled disc",
    "plus sign",
    "L-corner",
    "square outline",
    "dot grid",
]

DIGIT_CLASSES: list[str] = [str(d) for d in range(10)]

FOREGROUND_FRACTION = (0.12, 0.22)  # share of pixels in the pattern colour, same range for every class


def _wave(c: np.ndarray, p: dict) -> np.ndarray:
    """A cosine along coordinate ``c``: high on the stripes, low between them."""
    return np.cos(2 * np.pi * (c + p["phase"]) / p["period"])


def _outside(dy: np.ndarray, dx: np.ndarray, r) -> np.ndarray:
    """How far a pixel lies outside the square of half-width ``r`` (0 inside)."""
    return np.clip(np.maximum(np.abs(dy), np.abs(dx)) - r, 0, None)


def _class_field(k: int, yy: np.ndarray, xx: np.ndarray, p: dict) -> np.ndarray:
    """A score per pixel [m,S,S]: the highest-scoring pixels form the pattern of class ``k``.

    Why a score instead of a mask: the pattern is then "the K best pixels" for a
    class-independent K, so every class covers exactly the same number of pixels
    and only their arrangement differs. Boxed patterns (stripes, checkerboard,
    plus, L, dots) get a large penalty outside their square.
    """
    dy, dx = yy - p["cy"], xx - p["cx"]
    dist = np.sqrt(dy**2 + dx**2)
    boxed = lambda f: f - 10.0 * (_outside(dy, dx, p["r"]) > 0) - _outside(dy, dx, p["r"])  # noqa: E731
    if k == 0:
        return boxed(_wave(yy, p))
    if k == 1:
        return boxed(_wave(xx, p))
    if k == 2:
        return boxed(_wave((xx + p["sign"] * yy) / np.sqrt(2), p))
    if k == 3:
        return boxed(_wave(yy, p) * _wave(xx, p))
    if k == 4:
        return -np.abs(dist - p["ring_r"])
    if k == 5:
        return -dist
    if k == 6:
        return boxed(-np.minimum(np.abs(dy), np.abs(dx)))
    if k == 7:
        return boxed(-np.minimum(p["sy"] * dy + p["r"], p["sx"] * dx + p["r"]))
    if k == 8:
        return -np.abs(np.maximum(np.abs(dy), np.abs(dx)) - p["ring_r"])
    half = p["period"] / 2  # k == 9: dots on a grid
    gy = np.mod(yy + p["phase"], p["period"]) - half
    gx = np.mod(xx + p["phase"], p["period"]) - half
    return boxed(-np.sqrt(gy**2 + gx**2))


def _random_params(rng: np.random.Generator, labels: np.ndarray, counts: np.ndarray, size: int) -> dict:
    """Random geometry for every image, shaped [m,1,1] for broadcasting.

    Why the sizes follow the pixel count: a patch of stripes needs about twice
    as many pixels as it has foreground, a dot grid about three times, so the
    square that holds the pattern is sized from the image's foreground count;
    ring and outline radii are random within what fits.
    """
    m = len(labels)
    col = lambda v: np.asarray(v, dtype=np.float32).reshape(m, 1, 1)  # noqa: E731
    coverage = np.where(labels == 9, 0.3, 0.5)  # share of the square that the pattern fills
    r = np.where(np.isin(labels, [6, 7]), rng.uniform(0.28, 0.4, m) * size,
                 np.sqrt(counts / coverage) / 2)
    ring_r = rng.uniform(0.25, 0.36, m) * size
    extent = np.maximum(np.where(np.isin(labels, [4, 8]), ring_r + 1.5, r), np.sqrt(counts / np.pi))
    extent = np.minimum(extent, size / 2 - 1)
    cy, cx = (rng.uniform(extent, size - 1 - extent) for _ in range(2))
    period = np.where(labels == 3, rng.integers(6, 11, m), rng.integers(4, 9, m))
    return {
        "r": col(r), "ring_r": col(ring_r), "cy": col(cy), "cx": col(cx), "period": col(period),
        "phase": col(rng.uniform(0, period)), "sign": col(rng.choice([-1, 1], m)),
        "sy": col(rng.choice([-1, 1], m)), "sx": col(rng.choice([-1, 1], m)),
    }


def _top_pixels(field: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Boolean masks with exactly ``counts[i]`` pixels: the highest scores of ``field[i]``."""
    flat = field.reshape(len(field), -1)
    order = np.argsort(-flat, axis=1, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(flat.shape[1])[None].repeat(len(flat), 0), axis=1)
    return (ranks < counts[:, None]).reshape(field.shape)


def _random_colours(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Foreground/background RGB pairs with a guaranteed visible contrast.

    Why: colours are drawn independently of the class, so they carry no class
    information; the contrast floor keeps every pattern visible. The pattern
    always gets the colour with the higher mean RGB value, so "foreground"
    means the same thing in every image.
    """
    fg, bg = rng.uniform(0, 1, (n, 3)), rng.uniform(0, 1, (n, 3))
    for _ in range(20):
        weak = np.linalg.norm(fg - bg, axis=1) < 0.5
        if not weak.any():
            break
        fg[weak] = rng.uniform(0, 1, (int(weak.sum()), 3))
    swap = fg.mean(axis=1) < bg.mean(axis=1)  # pattern = higher mean RGB
    fg[swap], bg[swap] = bg[swap].copy(), fg[swap].copy()
    return fg.astype(np.float32), bg.astype(np.float32)


def pattern_masks(rng: np.random.Generator, n: int, size: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """Balanced shuffled labels [n] and boolean foreground masks [n,size,size] drawn from ``rng``.

    Each mask first gets its pixel count (``FOREGROUND_FRACTION`` of the
    pixels) without looking at the class; the class only decides *which*
    pixels are foreground.
    """
    labels = rng.permutation(np.arange(n) % len(PATTERN_CLASSES))
    counts = np.round(rng.uniform(*FOREGROUND_FRACTION, n) * size * size).astype(np.int64)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    params = _random_params(rng, labels, counts, size)
    field = np.zeros((n, size, size), dtype=np.float32)
    for k in range(len(PATTERN_CLASSES)):
        idx = np.flatnonzero(labels == k)
        field[idx] = _class_field(k, yy, xx, {key: v[idx] for key, v in params.items()})
    # ties (a whole stripe row scores the same) are broken towards the pattern's centre
    field -= 1e-4 * np.sqrt((yy - params["cy"]) ** 2 + (xx - params["cx"]) ** 2)
    return labels, _top_pixels(field, counts)


def make_patterns(n: int = 1000, seed: int = 0, size: int = 32):
    """Generate ``n`` seeded pattern images: float32 [n,3,size,size] in [0,1], int64 labels.

    Classes are balanced (``n // 10`` each, remainder spread over the first
    classes) and shuffled. Foreground pixel count, colours and noise are drawn
    without looking at the class (see ``pattern_masks``). Same seed, same
    images; 2000 images take a fraction of a second.
    """
    rng = np.random.default_rng(seed)
    labels, mask = pattern_masks(rng, n, size)
    fg, bg = _random_colours(rng, n)
    img = bg[:, :, None, None] + mask[:, None].astype(np.float32) * (fg - bg)[:, :, None, None]
    img += rng.normal(0, 0.05, img.shape).astype(np.float32)
    images = torch.from_numpy(np.clip(img, 0, 1).astype(np.float32))
    return images, torch.from_numpy(labels.astype(np.int64))


def train_val_split(images, labels, val_fraction: float = 0.2, seed: int = 0):
    """Shuffle with ``seed`` and split into (xtr, ytr, xva, yva).

    Why seeded: the same split on every build keeps printed metrics stable.
    """
    g = torch.Generator().manual_seed(seed)
    order = torch.randperm(len(labels), generator=g)
    n_val = int(round(len(labels) * val_fraction))
    va, tr = order[:n_val], order[n_val:]
    return images[tr], labels[tr], images[va], labels[va]


def load_digits_tensors():
    """scikit-learn's 1797 real 8x8 handwritten digits as float32 [N,1,8,8] in [0,1].

    Why: a small *real* dataset that ships with scikit-learn, so it works offline.
    """
    from sklearn.datasets import load_digits

    d = load_digits()
    images = torch.tensor(d.images, dtype=torch.float32).unsqueeze(1) / 16.0
    return images, torch.tensor(d.target, dtype=torch.int64)


def cat_image(size: int = 64) -> torch.Tensor:
    """scikit-image's 'chelsea' cat photo as float32 [3,size,size] in [0,1].

    Why a real photo: feature maps are easiest to read on a familiar image.
    The photo is cropped to a centred square, then resized with antialiasing.
    """
    from skimage import data as skdata

    img = torch.from_numpy(skdata.chelsea().copy()).permute(2, 0, 1).float() / 255.0
    h, w = img.shape[1:]
    s = min(h, w)
    top, left = (h - s) // 2, (w - s) // 2
    img = img[:, top:top + s, left:left + s].unsqueeze(0)
    out = F.interpolate(img, size=(size, size), mode="bilinear", antialias=True, align_corners=False)
    return out[0].clamp(0, 1)


def _subset(images, labels, n: int, seed: int):
    """A seeded random subset of ``n`` examples (all of them if fewer exist)."""
    g = torch.Generator().manual_seed(seed)
    idx = torch.randperm(len(labels), generator=g)[: min(n, len(labels))]
    return images[idx], labels[idx]


def _digits_as_cifar(n: int, seed: int):
    """Digits upsampled to 32x32 and repeated to 3 channels.

    Why: every model on the site expects CIFAR-shaped input, so switching the
    dataset must not require touching any model code.
    """
    images, labels = load_digits_tensors()
    images, labels = _subset(images, labels, n, seed)
    images = F.interpolate(images, size=(32, 32), mode="bilinear", align_corners=False)
    return images.repeat(1, 3, 1, 1).clamp(0, 1), labels


def _cifar10(n: int, seed: int):
    """CIFAR-10 training images from ``$CNNLAB_CIFAR_ROOT`` (never downloads).

    Why download=False: the site build must not depend on the network; if the
    files are missing torchvision raises a clear RuntimeError.
    """
    from torchvision.datasets import CIFAR10

    root = os.environ.get("CNNLAB_CIFAR_ROOT", "data")
    ds = CIFAR10(root=root, train=True, download=False)
    images = torch.from_numpy(ds.data).permute(0, 3, 1, 2).float() / 255.0
    labels = torch.tensor(ds.targets, dtype=torch.int64)
    return _subset(images, labels, n, seed)


def dataset_name(name: str | None = None) -> str:
    """Resolve the dataset name: explicit argument, else ``$CNNLAB_DATASET``, else 'patterns'."""
    name = (name or os.environ.get("CNNLAB_DATASET") or "patterns").lower()
    if name not in ("patterns", "digits", "cifar10"):
        raise ValueError(f"unknown dataset {name!r}; use 'patterns', 'digits' or 'cifar10'")
    return name


def class_names(name: str | None = None) -> list[str]:
    """Class names of the dataset that ``load_dataset(name)`` would return."""
    name = dataset_name(name)
    if name == "patterns":
        return list(PATTERN_CLASSES)
    if name == "digits":
        return list(DIGIT_CLASSES)
    from torchvision.datasets import CIFAR10

    root = os.environ.get("CNNLAB_CIFAR_ROOT", "data")
    return list(CIFAR10(root=root, train=True, download=False).classes)


def load_dataset(name: str | None = None, n: int = 1000, seed: int = 0):
    """Return ``(images float32 [n,3,32,32] in [0,1], labels int64 [n])`` for the chosen dataset.

    Why one switch: pages call ``load_dataset()`` and readers choose the data
    with ``CNNLAB_DATASET=patterns|digits|cifar10`` (CIFAR-10 read from
    ``CNNLAB_CIFAR_ROOT``) without editing any page.
    """
    name = dataset_name(name)
    if name == "patterns":
        return make_patterns(n=n, seed=seed)
    if name == "digits":
        return _digits_as_cifar(n, seed)
    return _cifar10(n, seed)
