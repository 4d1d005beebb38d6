"""Offline datasets for the site: generated spatial patterns, digits, a cat, CIFAR-10.

Why generated patterns: the site builds without network access, yet training
must be meaningful (never random noise). In the pattern set a class is defined
only by the *spatial arrangement* of pixels, while colours, positions and sizes
are random. That is exactly the property a CNN exploits, so the set makes the
site's central claim testable: scramble the pixel positions and the CNN loses
its advantage.
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


def _stripes(c: np.ndarray, p: dict) -> np.ndarray:
    """Stripes along coordinate ``c``: on for the first half of every period."""
    return np.mod(c + p["phase"], p["period"]) < p["period"] / 2


def _class_mask(k: int, yy: np.ndarray, xx: np.ndarray, p: dict) -> np.ndarray:
    """Boolean foreground mask [m,S,S] for class ``k``.

    Why one function: every class is a different arrangement of the same
    random parameters (centre, radius, period, thickness), so the only thing
    that distinguishes classes is geometry.
    """
    dy, dx, r, t = yy - p["cy"], xx - p["cx"], p["r"], p["t"]
    box = (np.abs(dy) <= r) & (np.abs(dx) <= r)
    dist = np.sqrt(dy**2 + dx**2)
    if k == 0:
        return box & _stripes(yy, p)
    if k == 1:
        return box & _stripes(xx, p)
    if k == 2:
        return box & _stripes((xx + p["sign"] * yy) / np.sqrt(2), p)
    if k == 3:
        return box & (_stripes(yy, p) ^ _stripes(xx, p))
    if k == 4:
        return np.abs(dist - r + t / 2) < t / 2
    if k == 5:
        return dist <= r
    if k == 6:
        return ((np.abs(dy) < t / 2) | (np.abs(dx) < t / 2)) & box
    if k == 7:
        ay, ax = p["sy"] * dy + r, p["sx"] * dx + r  # distances from the corner
        inside = (ay >= 0) & (ay <= 2 * r) & (ax >= 0) & (ax <= 2 * r)
        return inside & ((ay < t) | (ax < t))
    if k == 8:
        inner = (np.abs(dy) <= r - t) & (np.abs(dx) <= r - t)
        return box & ~inner
    half = p["period"] / 2  # k == 9: dots on a grid
    gy = np.mod(yy + p["phase"], p["period"]) - half
    gx = np.mod(xx + p["phase"], p["period"]) - half
    return box & (gy**2 + gx**2 <= (0.3 * p["period"]) ** 2)


def _random_params(rng: np.random.Generator, m: int, size: int) -> dict:
    """Random geometry for ``m`` images, shaped [m,1,1] for broadcasting.

    Why random: position, scale and stripe period must vary so that no single
    pixel location predicts the class; only the local arrangement does.
    """
    col = lambda v: np.asarray(v, dtype=np.float32).reshape(m, 1, 1)  # noqa: E731
    r = rng.uniform(0.18, 0.38, m) * size
    cy = rng.uniform(r + 1, size - 1 - r)
    cx = rng.uniform(r + 1, size - 1 - r)
    period = rng.integers(4, 9, m)
    return {
        "r": col(r), "cy": col(cy), "cx": col(cx), "period": col(period),
        "phase": col(rng.uniform(0, period)), "t": col(rng.uniform(2, 4, m)),
        "sign": col(rng.choice([-1, 1], m)), "sy": col(rng.choice([-1, 1], m)),
        "sx": col(rng.choice([-1, 1], m)),
    }


def _random_colours(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Foreground/background RGB pairs with a guaranteed visible contrast.

    Why: colours are drawn independently of the class, so per-pixel colour
    statistics carry (almost) no class information; the contrast floor keeps
    every pattern visible. The pattern always gets the colour with the higher
    mean RGB value, so "foreground" means the same thing in every image
    (with a random sign an MLP's first layer could not even start to learn).
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


def make_patterns(n: int = 1000, seed: int = 0, size: int = 32):
    """Generate ``n`` seeded pattern images: float32 [n,3,size,size] in [0,1], int64 labels.

    Classes are balanced (``n // 10`` each, remainder spread over the first
    classes) and shuffled. Same seed, same images; everything is vectorised,
    so 2000 images take a fraction of a second.
    """
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(n) % len(PATTERN_CLASSES))
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    mask = np.zeros((n, size, size), dtype=np.float32)
    params = _random_params(rng, n, size)
    for k in range(len(PATTERN_CLASSES)):
        idx = np.flatnonzero(labels == k)
        sub = {key: v[idx] for key, v in params.items()}
        mask[idx] = _class_mask(k, yy, xx, sub)
    fg, bg = _random_colours(rng, n)
    img = bg[:, :, None, None] + mask[:, None] * (fg - bg)[:, :, None, None]
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
