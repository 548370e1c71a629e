"""Bug: no /N anywhere: the loss is the sum over the batch, and so is its gradient."""

from __future__ import annotations

import numpy as np


def affine_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, tuple]:
    """out = x @ w + b for x (N, D), w (D, M), b (M,); out is (N, M)."""
    out = x @ w + b  # (N, M); b broadcasts over the batch
    return out, (x, w)


def affine_backward(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Given dL/dout (N, M), return dL/dx (N, D), dL/dw (D, M), dL/db (M,)."""
    x, w = cache
    dx = dout @ w.T  # (N, M) @ (M, D) -> (N, D)
    dw = x.T @ dout  # (D, N) @ (N, M) -> (D, M): sums over the batch
    db = dout.sum(axis=0)  # b was added to every row, so its gradient sums over the rows
    return dx, dw, db


def relu_forward(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """out = max(x, 0) elementwise; x itself is left unchanged."""
    return np.maximum(x, 0.0), x


def relu_backward(dout: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """dL/dx = dL/dout where x > 0, else 0; dout itself is left unchanged."""
    x = cache
    return dout * (x > 0)


def softmax_cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of logits (N, C) against integer labels y (N,), and dL/dlogits."""
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)  # (N, C), every row's max is 0
    log_norm = np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # (N, 1), log of sum >= 1
    log_probs = shifted - log_norm  # (N, C): log-softmax, finite even where softmax underflows
    loss = -log_probs[np.arange(n), y].sum()
    dlogits = np.exp(log_probs)  # softmax
    dlogits[np.arange(n), y] -= 1.0
    return float(loss), dlogits
