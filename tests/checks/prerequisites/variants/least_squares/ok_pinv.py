"""Correct: the pseudo-inverse, with b returned as a one-element array."""

import numpy as np


def fit_linear(X, y):
    X1 = np.c_[X, np.ones(len(X))]
    coef = np.linalg.pinv(X1) @ y
    return coef[:-1], np.array([coef[-1]])
