"""Solves the normal equations X^T X w = X^T y with np.linalg.solve."""

import numpy as np


def fit_linear(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    X1 = np.column_stack([np.ones(len(X)), X])
    coef = np.linalg.solve(X1.T @ X1, X1.T @ y)
    return coef[1:], float(coef[0])
