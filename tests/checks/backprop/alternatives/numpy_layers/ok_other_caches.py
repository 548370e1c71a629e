"""Correct, in another style: caches hold other things (the ReLU mask comes from the output,
which is equivalent for ReLU), the loss goes through a one-hot matrix and np.logaddexp."""

from __future__ import annotations

import numpy as np


def affine_forward(x, w, b):
    return x.reshape(x.shape[0], -1).dot(w) + b, (x, w, b)


def affine_backward(dout, cache):
    x, w, b = cache
    return dout.dot(w.T).reshape(x.shape), x.reshape(x.shape[0], -1).T.dot(dout), np.sum(dout, 0)


def relu_forward(x):
    out = x.copy()
    out[out < 0] = 0
    return out, out


def relu_backward(dout, cache):
    dx = dout.copy()
    dx[cache <= 0] = 0
    return dx


def softmax_cross_entropy(logits, y):
    n, c = logits.shape
    onehot = np.eye(c)[y]
    lse = np.logaddexp.reduce(logits, axis=1, keepdims=True)
    log_probs = logits - lse
    loss = -np.sum(onehot * log_probs) / n
    return loss, (np.exp(log_probs) - onehot) / n
