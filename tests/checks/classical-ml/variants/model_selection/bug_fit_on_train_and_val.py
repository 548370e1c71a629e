"""Buggy variant: each model is fitted on training and validation data together."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def design_matrix(x: np.ndarray, degree: int) -> np.ndarray:
    """Columns x**0, x**1, ..., x**degree: shape (len(x), degree + 1)."""
    return np.asarray(x, dtype=np.float64)[:, None] ** np.arange(degree + 1)


def fit_polynomial(x: np.ndarray, y: np.ndarray, degree: int) -> np.ndarray:
    """Least-squares coefficients w (lowest power first) minimising ||design_matrix(x) w - y||^2."""
    w, *_ = np.linalg.lstsq(design_matrix(x, degree), y, rcond=None)
    return w


def predict_polynomial(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The polynomial with coefficients w evaluated at x."""
    return design_matrix(x, len(w) - 1) @ w


def validation_curve(
    x_train: np.ndarray, y_train: np.ndarray, x_val: np.ndarray, y_val: np.ndarray,
    degrees: Sequence[int],
) -> tuple[np.ndarray, np.ndarray]:
    """For each degree: fit on the training data only, then the mean squared error on the
    training data and on the validation data. Two arrays of shape (len(degrees),)."""
    train_mse, val_mse = [], []
    for degree in degrees:
        w = fit_polynomial(np.r_[x_train, x_val], np.r_[y_train, y_val], degree)
        train_mse.append(np.mean((predict_polynomial(w, x_train) - y_train) ** 2))
        val_mse.append(np.mean((predict_polynomial(w, x_val) - y_val) ** 2))
    return np.array(train_mse), np.array(val_mse)


def select_degree(
    x_train: np.ndarray, y_train: np.ndarray, x_val: np.ndarray, y_val: np.ndarray,
    degrees: Sequence[int],
) -> int:
    """The degree (an element of `degrees`) with the lowest validation MSE."""
    _, val_mse = validation_curve(x_train, y_train, x_val, y_val, degrees)
    return int(degrees[int(np.argmin(val_mse))])
