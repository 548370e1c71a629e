"""Fits w on centred data but takes b = mean(y), ignoring mean(X)."""

import numpy as np


def fit_linear(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    Xc = X - X.mean(axis=0)
    w, *_ = np.linalg.lstsq(Xc, y - y.mean(), rcond=None)
    return w, float(y.mean())
