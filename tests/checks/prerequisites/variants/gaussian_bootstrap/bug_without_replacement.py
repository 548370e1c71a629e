"""Resamples without replacement: every resample is a permutation."""

from collections.abc import Callable

import numpy as np


def gaussian_log_likelihood(x: np.ndarray, mu: float, sigma: float) -> float:
    """sum_i [-0.5 ((x_i - mu) / sigma)^2 - log(sigma) - 0.5 log(2 pi)], never via log(pdf)."""
    z = (np.asarray(x, dtype=np.float64) - mu) / sigma
    return float(np.sum(-0.5 * z**2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)))


def bootstrap_ci(data: np.ndarray, stat: Callable[[np.ndarray], np.ndarray], n_boot: int,
                 alpha: float, rng: np.random.Generator) -> tuple[float, float]:
    """The alpha/2 and 1 - alpha/2 quantiles of stat over n_boot resamples (with replacement)."""
    data = np.asarray(data)
    n = len(data)
    idx = rng.permuted(np.tile(np.arange(n), (n_boot, 1)), axis=1)
    stats = np.asarray(stat(data[idx]))  # (n_boot,)
    low, high = np.quantile(stats, [alpha / 2, 1 - alpha / 2])
    return float(low), float(high)
