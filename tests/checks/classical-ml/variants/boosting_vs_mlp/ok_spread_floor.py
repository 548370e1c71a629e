"""Correct, as lesson 4 advises: no winner on a gap inside the fold-to-fold spread of the
differences, and never on one below 0.01 (a floor for when the folds happen to agree)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def make_hgb(seed: int) -> Any:
    """An unfitted HistGradientBoostingClassifier: shallow trees, many small steps."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(max_depth=2, max_iter=150, learning_rate=0.2,
                                          random_state=seed)


def make_mlp(seed: int) -> Any:
    """An unfitted pipeline: standardize, then a one-hidden-layer MLP."""
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    return Pipeline([
        ("scale", StandardScaler()),
        ("mlp", MLPClassifier(hidden_layer_sizes=(32,), max_iter=300, random_state=seed)),
    ])


def cv_accuracy(
    model_factory: Callable[[], Any], X: np.ndarray, y: np.ndarray, seed: int, k: int = 5
) -> np.ndarray:
    """Accuracy on each fold of StratifiedKFold(k, shuffle=True, random_state=seed)."""
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    folds = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    return cross_val_score(model_factory(), X, y, cv=folds, scoring="accuracy", n_jobs=1)


def choose_model(hgb_scores, mlp_scores, margin=0.01):
    """Lesson 4's advice: no winner on a gap smaller than the fold-to-fold spread (or margin)."""
    h, m = np.asarray(hgb_scores, float), np.asarray(mlp_scores, float)
    gap = h.mean() - m.mean()
    spread = max(margin, float(np.std(h - m, ddof=1)))
    if gap > spread:
        return "hgb"
    if gap < -spread:
        return "mlp"
    return "tie"
