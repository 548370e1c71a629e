"""logsumexp subtracts the max but forgets to add it back."""

import numpy as np


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """softmax along `axis`, shifted by the max so exp never overflows."""
    x = np.asarray(x)
    shifted = x - np.max(x, axis=axis, keepdims=True)  # max entry becomes 0, -inf stays -inf
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def logsumexp(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """log(sum(exp(x))) along `axis` = m + log(sum(exp(x - m))), with the axis dropped."""
    x = np.asarray(x)
    m = np.max(x, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    return np.squeeze(out, axis=axis)


def pairwise_sq_dists(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """||a||^2 + ||b||^2 - 2 a.b for every pair, as an (n, m) matrix, clipped at 0."""
    sq_a = np.sum(A * A, axis=1)[:, None]  # (n, 1)
    sq_b = np.sum(B * B, axis=1)[None, :]  # (1, m)
    D = sq_a + sq_b - 2.0 * (A @ B.T)  # (n, 1) + (1, m) - (n, m) -> (n, m)
    return np.maximum(D, 0.0)
