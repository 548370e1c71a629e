"""Forgets the column of ones: the fit is forced through the origin."""

import numpy as np


def fit_linear(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    w, *_ = np.linalg.lstsq(X, y, rcond=None)
    return w, 0.0
