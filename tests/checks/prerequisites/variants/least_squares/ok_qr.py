"""Correct: QR factorization and a triangular solve."""

import numpy as np
from scipy.linalg import solve_triangular


def fit_linear(X, y):
    X1 = np.hstack([X, np.ones((X.shape[0], 1))])
    Q, R = np.linalg.qr(X1)
    coef = solve_triangular(R, Q.T @ y)
    return coef[:-1], coef[-1]
