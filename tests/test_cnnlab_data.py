"""Tests for cnnlab.data: the generated patterns, digits, the cat and the CIFAR-10 switch."""
import pickle
import struct

import numpy as np
import pytest
import torch

from cnnlab import data

torch.set_num_threads(1)  # small models: one thread is faster and not oversubscribed


def test_patterns_shape_range_dtype():
    x, y = data.make_patterns(200, seed=0)
    assert x.shape == (200, 3, 32, 32) and x.dtype == torch.float32
    assert y.shape == (200,) and y.dtype == torch.int64
    assert 0.0 <= x.min() and x.max() <= 1.0
    assert len(data.PATTERN_CLASSES) == 10


def test_patterns_balanced_and_other_size():
    _, y = data.make_patterns(1000, seed=3)
    assert torch.bincount(y, minlength=10).tolist() == [100] * 10
    x, _ = data.make_patterns(20, seed=0, size=48)
    assert x.shape == (20, 3, 48, 48)


def test_patterns_deterministic_per_seed():
    a, ya = data.make_patterns(50, seed=1)
    b, yb = data.make_patterns(50, seed=1)
    c, _ = data.make_patterns(50, seed=2)
    assert torch.equal(a, b) and torch.equal(ya, yb)
    assert not torch.equal(a, c)


def test_colour_carries_little_class_information():
    """Mean image colour per class is about the same: the class is in the arrangement."""
    x, y = data.make_patterns(2000, seed=0)
    means = torch.stack([x[y == k].mean(dim=(0, 2, 3)) for k in range(10)])
    assert (means.max(0).values - means.min(0).values).max() < 0.1


def test_every_class_covers_the_same_range_of_foreground_pixels():
    """The class decides where the foreground is, not how much of it there is."""
    labels, masks = data.pattern_masks(np.random.default_rng(0), 3000)
    share = masks.reshape(len(masks), -1).mean(1)
    lo, hi = data.FOREGROUND_FRACTION
    assert lo - 0.001 <= share.min() and share.max() <= hi + 0.001
    per_class = np.array([share[labels == k].mean() for k in range(10)])
    assert per_class.max() - per_class.min() < 0.01, per_class
    x, y = data.make_patterns(50, seed=0)
    same_labels, _ = data.pattern_masks(np.random.default_rng(0), 50)
    assert np.array_equal(y.numpy(), same_labels)  # make_patterns draws its masks this way


@pytest.mark.parametrize("seed, n", [(0, 4000), (1, 2000), (2, 2000), (3, 2000)])
def test_corner_pixels_are_always_background(seed, n):
    """purpose.md's rules take the top-left pixel as the background (its images: seed 0, n=4000)."""
    _, masks = data.pattern_masks(np.random.default_rng(seed), n)
    corners = masks[:, [0, 0, -1, -1], [0, -1, 0, -1]]
    assert not corners.any(), f"{int(corners.any(1).sum())} of {n} images have a foreground corner"


def test_train_val_split():
    x, y = data.make_patterns(100, seed=0)
    xtr, ytr, xva, yva = data.train_val_split(x, y, val_fraction=0.2, seed=0)
    assert len(ytr) == 80 and len(yva) == 20 and xtr.shape[1:] == (3, 32, 32)
    again = data.train_val_split(x, y, val_fraction=0.2, seed=0)
    assert torch.equal(again[3], yva)


def test_digits_and_cat():
    x, y = data.load_digits_tensors()
    assert x.shape == (1797, 1, 8, 8) and 0 <= x.min() and x.max() <= 1 and y.max() == 9
    cat = data.cat_image(size=64)
    assert cat.shape == (3, 64, 64) and cat.dtype == torch.float32
    assert 0 <= cat.min() and cat.max() <= 1 and cat.std() > 0.05


def test_load_dataset_switch(monkeypatch):
    monkeypatch.delenv("CNNLAB_DATASET", raising=False)
    x, y = data.load_dataset(n=30)
    assert torch.equal(x, data.make_patterns(30, seed=0)[0])
    monkeypatch.setenv("CNNLAB_DATASET", "digits")
    x, y = data.load_dataset(n=40)
    assert x.shape == (40, 3, 32, 32) and data.class_names() == data.DIGIT_CLASSES
    with pytest.raises(ValueError):
        data.load_dataset("imagenet")


class _Py2Pickler(pickle._Pickler):
    """Writes bytes as Python 2 ``str`` opcodes, exactly like CIFAR's original pickles.

    Such files load as ``str`` keys with ``encoding="latin1"`` (torchvision) and as
    ``bytes`` keys (b"data", b"labels") with ``encoding="bytes"`` (the CIFAR website).
    """
    dispatch = pickle._Pickler.dispatch.copy()

    def save_py2_str(self, obj):
        if len(obj) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(obj)]) + obj)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", len(obj)) + obj)
        self.memoize(obj)

    dispatch[bytes] = save_py2_str


def _write(path, obj):
    with open(path, "wb") as f:
        _Py2Pickler(f, protocol=2).dump(obj)


def make_cifar_fixture(root, per_batch=6):
    """A tiny CIFAR-10 tree: cifar-10-batches-py/{data_batch_1..5,test_batch,batches.meta}."""
    d = root / "cifar-10-batches-py"
    d.mkdir()
    rng = np.random.default_rng(0)
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        pixels = rng.integers(0, 256, (per_batch, 3072), dtype=np.uint8)
        labels = [int(v) for v in rng.integers(0, 10, per_batch)]
        _write(d / name, {b"batch_label": name.encode(), b"data": pixels, b"labels": labels})
    names = [b"airplane", b"automobile", b"bird", b"cat", b"deer", b"dog", b"frog", b"horse",
             b"ship", b"truck"]
    _write(d / "batches.meta", {b"label_names": names, b"num_vis": 3072, b"num_cases_per_batch": per_batch})
    return d


def test_cifar_fixture_has_cifar_format(tmp_path):
    d = make_cifar_fixture(tmp_path)
    with open(d / "data_batch_1", "rb") as f:
        entry = pickle.load(f, encoding="bytes")
    assert entry[b"data"].dtype == np.uint8 and entry[b"data"].shape == (6, 3072)
    assert len(entry[b"labels"]) == 6


def test_load_dataset_cifar10_from_fixture(tmp_path, monkeypatch):
    import torchvision.datasets.cifar as cifar

    make_cifar_fixture(tmp_path)
    # The fixture cannot reproduce the real files' MD5 sums; check existence only.
    monkeypatch.setattr(cifar, "check_integrity", lambda path, md5=None: __import__("os").path.isfile(path))
    monkeypatch.setenv("CNNLAB_CIFAR_ROOT", str(tmp_path))
    monkeypatch.setenv("CNNLAB_DATASET", "cifar10")
    x, y = data.load_dataset(n=20, seed=0)
    assert x.shape == (20, 3, 32, 32) and x.dtype == torch.float32
    assert 0 <= x.min() and x.max() <= 1 and y.dtype == torch.int64
    assert data.class_names()[3] == "cat"
    # pixel layout: CIFAR rows are R plane, G plane, B plane of 32x32
    with open(tmp_path / "cifar-10-batches-py" / "data_batch_1", "rb") as f:
        raw = pickle.load(f, encoding="bytes")[b"data"]
    full, _ = data.load_dataset(n=30, seed=0)
    targets = {tuple((torch.from_numpy(r.reshape(3, 32, 32)).float() / 255).flatten()[:8].tolist()) for r in raw}
    assert any(tuple(img.flatten()[:8].tolist()) in targets for img in full)


def test_cifar10_missing_files_raise(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNLAB_CIFAR_ROOT", str(tmp_path))
    with pytest.raises(RuntimeError):
        data.load_dataset("cifar10", n=5)
