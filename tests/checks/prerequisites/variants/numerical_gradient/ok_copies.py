"""Correct: perturbs copies (x + e, x - e) instead of x itself."""

import numpy as np


def numerical_gradient(f, x, h=1e-5):
    grad = np.empty(x.shape)
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = h
        e = e.reshape(x.shape)
        grad.flat[i] = (f(x + e) - f(x - e)) / (2 * h)
    return grad


def rel_error(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return (abs(a - b) / np.clip(abs(a) + abs(b), 1e-8, None)).max()
