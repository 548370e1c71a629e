"""Correct: a closed-form log-likelihood, sorted statistics indexed directly."""

import math

import numpy as np


def gaussian_log_likelihood(x, mu, sigma):
    n = len(x)
    squares = ((x - mu) ** 2).sum()
    return -n * math.log(sigma) - n / 2 * math.log(2 * math.pi) - squares / (2 * sigma**2)


def bootstrap_ci(data, stat, n_boot, alpha, rng):
    idx = rng.integers(len(data), size=(n_boot, len(data)))
    s = np.sort(stat(data[idx]))
    lo = s[int(np.floor(alpha / 2 * n_boot))]
    hi = s[int(np.ceil((1 - alpha / 2) * n_boot)) - 1]
    return lo, hi
