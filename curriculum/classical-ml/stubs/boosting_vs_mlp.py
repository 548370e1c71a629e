"""Gradient boosting against a neural network on tabular data, judged by 5-fold CV."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np


def make_hgb(seed: int) -> Any:
    """An UNFITTED sklearn.ensemble.HistGradientBoostingClassifier with random_state=seed.

    Choose its settings (max_iter, max_depth, learning_rate, ...) so that 5-fold CV on the
    breast-cancer data reaches 0.95 and one fit takes well under a second.
    """
    # TODO: import inside the function and return the model
    raise NotImplementedError("make_hgb: build a HistGradientBoostingClassifier")


def make_mlp(seed: int) -> Any:
    """An UNFITTED sklearn Pipeline ending in an MLPClassifier(random_state=seed).

    An MLP needs its inputs on comparable scales: put the scaler INSIDE the pipeline, so CV
    fits it on each fold's training rows. Keep it small (e.g. one hidden layer of 32 units,
    max_iter around 300): the check fits it about a dozen times.
    """
    # TODO
    raise NotImplementedError("make_mlp: build a scaler -> MLPClassifier pipeline")


def cv_accuracy(
    model_factory: Callable[[], Any], X: np.ndarray, y: np.ndarray, seed: int, k: int = 5
) -> np.ndarray:
    """The accuracy on each fold of StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).

    Each fold's model is a fresh model_factory() fitted on that fold's training rows only
    (sklearn's cross_val_score does exactly this; you may use it). Pass X as it is: no
    transformation before the split. Returns an array of shape (k,).
    """
    # TODO
    raise NotImplementedError("cv_accuracy: k-fold accuracies of model_factory() on X, y")


def choose_model(hgb_scores: Sequence[float], mlp_scores: Sequence[float]) -> str:
    """Your verdict from the two models' accuracies on the SAME folds (one score per fold).

    The scores may arrive as lists: make them NumPy arrays first.
    d = hgb_scores - mlp_scores, fold by fold; gap = mean(d); spread = std(d, ddof=1).
    'hgb' if gap > spread, 'mlp' if gap < -spread, and 'tie' otherwise: a gap smaller than
    the fold-to-fold spread of the differences is noise, not a winner.
    """
    # TODO
    raise NotImplementedError("choose_model: compare the mean gap with the spread")
