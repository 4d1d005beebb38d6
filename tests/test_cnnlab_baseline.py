"""Tests for cnnlab.baseline: the permutation-invariant leak check."""
import numpy as np
import torch

from cnnlab import baseline, data

torch.set_num_threads(1)


def test_features_ignore_pixel_order():
    x, _ = data.make_patterns(20, seed=0)
    perm = torch.randperm(32 * 32, generator=torch.Generator().manual_seed(3))
    scrambled = x.flatten(2)[:, :, perm].reshape(x.shape)
    assert np.allclose(baseline.multiset_features(x), baseline.multiset_features(scrambled))
    assert baseline.multiset_features(x).shape == (20, 3 * (baseline.QUANTILES + baseline.BINS))


def test_patterns_carry_no_class_information_in_pixel_values():
    """On held-out images both classifiers stay within 3 points of chance (10 %)."""
    xtr, ytr = data.make_patterns(1000, seed=0)
    xte, yte = data.make_patterns(2000, seed=1)
    scores = baseline.multiset_baseline(xtr, ytr, xte, yte)
    assert set(scores) == {"logistic regression", "random forest"}
    for name, acc in scores.items():
        assert abs(acc - 0.1) <= 0.03, (name, acc)


def test_check_detects_a_leak():
    """Make the pattern brightness depend on the class: the check must notice."""
    def leaky(n, seed):
        x, y = data.make_patterns(n, seed=seed)
        return (x * (0.5 + 0.05 * y.float()).view(-1, 1, 1, 1)), y

    xtr, ytr = leaky(600, 0)
    xte, yte = leaky(600, 1)
    scores = baseline.multiset_baseline(xtr, ytr, xte, yte)
    assert max(scores.values()) > 0.3, scores
