"""Affine, ReLU and softmax-cross-entropy layers in NumPy, forward and backward.

Each forward returns `(out, cache)`: the cache holds whatever its backward will need. Each
backward takes the upstream gradient `dout = dL/dout` (same shape as `out`) and the cache, and
returns the gradient of the loss with respect to each input, each with the SAME shape as that
input. No loops over the batch: use matrix products and NumPy reductions. Never modify an
argument in place (x, dout, ...): other layers may still need it.
"""

from __future__ import annotations

import numpy as np  # noqa: F401


def affine_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, tuple]:
    """out = x @ w + b for x (N, D), w (D, M), b (M,); out is (N, M). Return (out, cache)."""
    # TODO
    raise NotImplementedError("affine_forward")


def affine_backward(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Given dout = dL/dout (N, M), return (dx, dw, db) with shapes (N, D), (D, M), (M,).

    Each out[n, m] = sum_d x[n, d] w[d, m] + b[m]: write dL/dw[d, m] and dL/db[m] as sums over
    n, then as matrix products / reductions.
    """
    # TODO
    raise NotImplementedError("affine_backward")


def relu_forward(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """out = max(x, 0) elementwise. Return (out, cache)."""
    # TODO
    raise NotImplementedError("relu_forward")


def relu_backward(dout: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """dx = dout where the forward's input was > 0, and 0 elsewhere."""
    # TODO
    raise NotImplementedError("relu_backward")


def softmax_cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of logits (N, C) for integer labels y (N,); return (loss, dlogits).

    loss = -(1/N) sum_n log softmax(logits[n])[y[n]], with
    log softmax(z) = z - max(z) - log(sum(exp(z - max(z)))), finite for any logits.
    dlogits = (softmax(logits) - onehot(y)) / N, shape (N, C).
    """
    # TODO
    raise NotImplementedError("softmax_cross_entropy")
