"""Correct: indices drawn as (n, n_boot) and transposed before calling stat."""

import numpy as np
from scipy.stats import norm


def gaussian_log_likelihood(x, mu, sigma):
    return norm.logpdf(x, mu, sigma).sum()


def bootstrap_ci(data, stat, n_boot, alpha, rng):
    idx = rng.integers(0, len(data), size=(len(data), n_boot))
    s = stat(data[idx].T)
    return tuple(np.quantile(s, [alpha / 2, 1 - alpha / 2]))
