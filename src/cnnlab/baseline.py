"""The leak check: what a classifier can learn from an image's pixel values alone.

Why: the *multiset* of an image's values is what survives any shuffle of its
pixels, even a different one for every image. A classifier that sees only a
summary of it (sorted values, histograms) measures how much of the class lies in
the values themselves. If it stays at chance, the classes differ in arrangement,
not in amount or brightness. (A fixed permutation keeps more: each pixel's
position, which position-specific weights can still learn from.)
"""
from __future__ import annotations

import numpy as np
import torch

QUANTILES = 32  # sorted values per channel, subsampled at evenly spaced ranks
BINS = 16  # histogram bins per channel over [0, 1]


def multiset_features(images: torch.Tensor) -> np.ndarray:
    """Permutation-invariant features [n, 3*(QUANTILES+BINS)]: per-channel quantiles and histograms.

    Why both: sorted values keep the exact distribution (what fraction of
    pixels are bright, how bright); histograms are the same information in a
    form trees split on easily. Neither changes when pixels are permuted.
    """
    flat = images.detach().cpu().flatten(2).numpy()  # [n, c, h*w]
    ranks = np.linspace(0, flat.shape[2] - 1, QUANTILES).round().astype(int)
    quantiles = np.sort(flat, axis=2)[:, :, ranks]
    bins = np.clip(np.floor(flat * BINS), 0, BINS - 1).astype(np.int64)  # [0, 1] in BINS equal bins
    rows = np.arange(flat.shape[0] * flat.shape[1]).reshape(flat.shape[:2])[:, :, None]
    hist = np.bincount((rows * BINS + bins).ravel(), minlength=rows.size * BINS)
    hist = hist.reshape(flat.shape[0], flat.shape[1], BINS) / flat.shape[2]
    return np.concatenate([quantiles.reshape(len(flat), -1), hist.reshape(len(flat), -1)], axis=1)


def _classifiers(seed: int) -> dict:
    """A linear model and a tree ensemble: two very different ways to use the features."""
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return {
        # C=0.1: mild regularisation; converges in a few dozen steps and still finds a real leak
        "logistic regression": make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=2000)),
        "random forest": RandomForestClassifier(n_estimators=200, min_samples_leaf=2,
                                                random_state=seed, n_jobs=1),
    }


def multiset_baseline(xtr, ytr, xte, yte, seed: int = 0) -> dict[str, float]:
    """Held-out accuracy of each permutation-invariant classifier, trained on ``(xtr, ytr)``.

    Returns ``{name: accuracy}`` for a logistic regression and a random forest
    fitted on ``multiset_features``; compare with chance (1 / number of classes).
    """
    from threadpoolctl import threadpool_limits

    ftr, fte = multiset_features(xtr), multiset_features(xte)
    ytr_np, yte_np = np.asarray(ytr), np.asarray(yte)
    scores = {}
    with threadpool_limits(1):  # one BLAS thread, like torch on this site: no oversubscription
        for name, clf in _classifiers(seed).items():
            clf.fit(ftr, ytr_np)
            scores[name] = float((clf.predict(fte) == yte_np).mean())
    return scores
