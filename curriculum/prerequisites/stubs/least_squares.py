"""Fit a linear model y ~ X @ w + b by least squares, the numerically sound way."""

import numpy as np


def fit_linear(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Return (w, b) minimizing sum_i (X[i] @ w + b - y[i])**2.

    X has shape (n, d) and y shape (n,); w has shape (d,) and b is a float.
    Append a column of ones to X so that b is one more weight, then solve the least-squares
    problem with np.linalg.lstsq. Do not invert X.T @ X: on an ill-conditioned X that squares
    the condition number and loses most of float64's digits. Do not modify X or y.
    """
    # TODO: X1 = X with a column of ones appended, shape (n, d + 1)
    # TODO: coef = the least-squares solution of X1 @ coef = y; split it into w and b
    raise NotImplementedError("fit_linear")
