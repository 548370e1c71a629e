"""Buggy variant: the spread is the standard error of the mean gap (std / sqrt(folds)), a bar
sqrt(5) times lower than the task's, so a gap inside the spread of the folds is called a win."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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


def choose_model(hgb_scores: Sequence[float], mlp_scores: Sequence[float]) -> str:
    """'hgb' or 'mlp' if its mean lead over the same folds exceeds the spread of the per-fold
    differences (their standard deviation), else 'tie': a smaller gap is fold-to-fold noise."""
    d = np.asarray(hgb_scores, dtype=float) - np.asarray(mlp_scores, dtype=float)  # paired
    gap, spread = float(d.mean()), float(d.std(ddof=1)) / np.sqrt(len(d))  # standard error
    if gap > spread:
        return "hgb"
    if gap < -spread:
        return "mlp"
    return "tie"
