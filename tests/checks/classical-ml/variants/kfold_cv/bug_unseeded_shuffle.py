"""Buggy variant: the shuffle uses a fresh unseeded generator, so folds change every call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def kfold_indices(
    n: int, k: int, shuffle: bool = False, seed: int = 0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Split range(n) into k folds; return [(train_idx, test_idx), ...], one pair per fold."""
    order = np.random.default_rng().permutation(n) if shuffle else np.arange(n)
    sizes = np.full(k, n // k)
    sizes[: n % k] += 1  # the first n % k folds take one extra sample each
    folds = []
    start = 0
    for size in sizes:
        test = order[start:start + size]
        train = np.concatenate([order[:start], order[start + size:]])
        folds.append((train, test))
        start += size
    return folds


def make_model(n_features: int = 20) -> Any:
    """An unfitted pipeline: top-n_features selection, standardization, logistic regression."""
    from sklearn.feature_selection import SelectKBest, f_classif
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    return Pipeline([
        ("select", SelectKBest(f_classif, k=n_features)),
        ("scale", StandardScaler()),
        ("classify", LogisticRegression()),
    ])


def cross_val_accuracy(
    model_factory: Callable[[], Any], X: np.ndarray, y: np.ndarray, k: int = 5, seed: int = 0
) -> np.ndarray:
    """Accuracy on each of k shuffled folds; a fresh model is fitted on each fold's train rows."""
    scores = []
    for train, test in kfold_indices(len(X), k, shuffle=True, seed=seed):
        model = model_factory()
        model.fit(X[train], y[train])
        scores.append(np.mean(model.predict(X[test]) == y[test]))
    return np.array(scores)
