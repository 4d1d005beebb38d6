"""The leak check: what a classifier can learn from an image's pixel values alone.

Why: a fixed pixel permutation keeps every pixel value and destroys only the
arrangement. A classifier that sees nothing but the *multiset* of an image's
values (sorted values, histograms) therefore scores exactly what survives the
permutation. If it stays at chance, the classes differ only in arrangement, and
any accuracy a model loses under permutation is accuracy that came from
arrangement.
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
    edges = np.linspace(0, 1, BINS + 1)
    hist = np.stack([np.stack([np.histogram(ch, edges)[0] for ch in img]) for img in flat])
    hist = hist / flat.shape[2]
    return np.concatenate([quantiles.reshape(len(flat), -1), hist.reshape(len(flat), -1)], axis=1)


def _classifiers(seed: int) -> dict:
    """A linear model and a tree ensemble: two very different ways to use the features."""
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return {
        "logistic regression": make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)),
        "random forest": RandomForestClassifier(n_estimators=200, min_samples_leaf=2,
                                                random_state=seed, n_jobs=1),
    }


def multiset_baseline(xtr, ytr, xte, yte, seed: int = 0) -> dict[str, float]:
    """Held-out accuracy of each permutation-invariant classifier, trained on ``(xtr, ytr)``.

    Returns ``{name: accuracy}`` for a logistic regression and a random forest
    fitted on ``multiset_features``; compare with chance (1 / number of classes).
    """
    ftr, fte = multiset_features(xtr), multiset_features(xte)
    ytr_np, yte_np = np.asarray(ytr), np.asarray(yte)
    scores = {}
    for name, clf in _classifiers(seed).items():
        clf.fit(ftr, ytr_np)
        scores[name] = float((clf.predict(fte) == yte_np).mean())
    return scores
