"""Correct: scipy.stats.norm.logpdf, rng.choice and np.percentile in percents."""

import numpy as np
from scipy.stats import norm


def gaussian_log_likelihood(x, mu, sigma):
    return norm.logpdf(x, loc=mu, scale=sigma).sum()


def bootstrap_ci(data, stat, n_boot, alpha, rng):
    samples = rng.choice(data, size=(n_boot, len(data)), replace=True)
    s = stat(samples)
    point = stat(data)  # computed but unused
    del point
    return np.percentile(s, [100 * alpha / 2, 100 * (1 - alpha / 2)])
