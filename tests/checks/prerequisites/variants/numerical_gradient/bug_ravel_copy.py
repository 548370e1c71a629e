"""Perturbs x.ravel(), which is a copy (not a view) when x is not contiguous."""

from collections.abc import Callable

import numpy as np


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray,
                       h: float = 1e-5) -> np.ndarray:
    """(f(x + h e_i) - f(x - h e_i)) / 2h for every index i, restoring x as it goes."""
    grad = np.zeros(x.size, dtype=np.float64)
    flat = x.ravel()
    for i in range(x.size):
        saved = flat[i]
        flat[i] = saved + h
        f_plus = float(f(x))
        flat[i] = saved - h
        f_minus = float(f(x))
        flat[i] = saved
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad.reshape(x.shape)


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| / max(1e-8, |a| + |b|) over all elements."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
