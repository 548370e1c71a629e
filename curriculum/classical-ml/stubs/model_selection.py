"""Choose a polynomial's degree by its error on held-out validation data."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def design_matrix(x: np.ndarray, degree: int) -> np.ndarray:
    """The polynomial features of x: columns x**0, x**1, ..., x**degree (lowest power first).

    x has shape (n,); the result has shape (n, degree + 1) and its first column is all ones
    (the constant term). degree = 0 gives a single column of ones.
    """
    # TODO: raise x to the powers 0..degree (broadcasting does it without a loop)
    raise NotImplementedError("design_matrix: build the columns x**0 .. x**degree")


def fit_polynomial(x: np.ndarray, y: np.ndarray, degree: int) -> np.ndarray:
    """Least squares: the w of shape (degree + 1,) minimising ||design_matrix(x, degree) w - y||^2.

    Use a stable solver (np.linalg.lstsq) rather than inverting X^T X.
    """
    # TODO
    raise NotImplementedError("fit_polynomial: least-squares fit of the coefficients")


def predict_polynomial(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The polynomial with coefficients w (lowest power first) evaluated at x; shape (n,)."""
    # TODO
    raise NotImplementedError("predict_polynomial: evaluate the polynomial at x")


def validation_curve(
    x_train: np.ndarray, y_train: np.ndarray, x_val: np.ndarray, y_val: np.ndarray,
    degrees: Sequence[int],
) -> tuple[np.ndarray, np.ndarray]:
    """For each degree in `degrees`: fit on the TRAINING data only, then measure the mean
    squared error, MSE = mean((prediction - y)^2), on the training data and on the validation
    data. Returns (train_mse, val_mse), two arrays of shape (len(degrees),).
    """
    # TODO: one fit per degree; the validation data is only ever predicted, never fitted
    raise NotImplementedError("validation_curve: training and validation MSE per degree")


def select_degree(
    x_train: np.ndarray, y_train: np.ndarray, x_val: np.ndarray, y_val: np.ndarray,
    degrees: Sequence[int],
) -> int:
    """The degree (an element of `degrees`, not its position) with the lowest validation MSE.

    On a tie, the first (simplest) one.
    """
    # TODO
    raise NotImplementedError("select_degree: pick the degree with the lowest validation error")
