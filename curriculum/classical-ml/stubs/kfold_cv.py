"""K-fold cross-validation written by hand, with every bit of preprocessing inside the folds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def kfold_indices(
    n: int, k: int, shuffle: bool = False, seed: int = 0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Split range(n) into k folds; return [(train_idx, test_idx), ...], one pair per fold.

    - Every index is in exactly one test fold; a fold's train_idx is every index not in its
      test fold. Both are 1-D integer arrays.
    - Test folds have sizes n // k or n // k + 1: the first n % k folds get the extra sample
      (the remainder is never dropped). This is what sklearn's KFold and np.array_split do.
    - shuffle=False: fold i tests a contiguous block, in order (fold 0 = the first block).
    - shuffle=True: first permute range(n) with np.random.default_rng(seed), then cut the
      permuted order into blocks. The same seed must give the same folds.
    """
    # TODO: build the (shuffled) order, cut it into k blocks of the right sizes
    raise NotImplementedError("kfold_indices: cut range(n) into k folds")


def make_model(n_features: int = 20) -> Any:
    """An UNFITTED scikit-learn Pipeline with three steps, in this order:

    SelectKBest(f_classif, k=n_features) -> StandardScaler() -> LogisticRegression()

    A new object on every call. Because the selection and the scaling live inside the
    pipeline, `fit` learns them from whatever rows it is given: the training rows of a fold.
    """
    # TODO: import from sklearn inside the function and return the pipeline
    raise NotImplementedError("make_model: build the selection -> scaling -> classifier pipeline")


def cross_val_accuracy(
    model_factory: Callable[[], Any], X: np.ndarray, y: np.ndarray, k: int = 5, seed: int = 0
) -> np.ndarray:
    """Accuracy on each of k folds from kfold_indices(len(X), k, shuffle=True, seed=seed).

    For each fold: model = model_factory() (a fresh, unfitted model), fit it on the training
    rows only, predict the test rows, and record the fraction predicted right. Never transform
    X before the split: anything learned from the data belongs inside the model.
    Returns an array of shape (k,), in fold order.
    """
    # TODO: loop over the folds; fit on train rows, score on test rows
    raise NotImplementedError("cross_val_accuracy: fit and score one fresh model per fold")
