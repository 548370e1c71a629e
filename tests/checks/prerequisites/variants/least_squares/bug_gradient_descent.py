"""Runs a fixed number of gradient-descent steps instead of solving exactly."""

import numpy as np


def fit_linear(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    X1 = np.column_stack([X, np.ones(len(X))])
    coef = np.zeros(X1.shape[1])
    for _ in range(200):
        coef -= 0.1 * 2 * X1.T @ (X1 @ coef - y) / len(y)
    return coef[:-1], float(coef[-1])
