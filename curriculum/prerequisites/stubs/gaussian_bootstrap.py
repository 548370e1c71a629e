"""A Gaussian log-likelihood computed in the log domain, and a vectorized percentile bootstrap."""

from collections.abc import Callable

import numpy as np


def gaussian_log_likelihood(x: np.ndarray, mu: float, sigma: float) -> float:
    """log L(mu, sigma) = sum_i log N(x_i; mu, sigma^2), as one float.

    log N(x; mu, sigma^2) = -0.5 * ((x - mu) / sigma)**2 - log(sigma) - 0.5 * log(2 pi),
    with sigma the standard deviation (not the variance). Work in the log domain from the
    start: np.log(pdf) gives -inf for points far in the tails, where the pdf underflows to 0.
    """
    # TODO
    raise NotImplementedError("gaussian_log_likelihood")


def bootstrap_ci(data: np.ndarray, stat: Callable[[np.ndarray], np.ndarray], n_boot: int,
                 alpha: float, rng: np.random.Generator) -> tuple[float, float]:
    """Percentile bootstrap confidence interval (level 1 - alpha) for a statistic of `data`.

    data: 1-D array of n observations.
    stat: a vectorized statistic. It takes a 2-D array of resamples, one per row, shape
          (n_boot, n), and returns one value per row, shape (n_boot,); e.g.
          `lambda r: r.mean(axis=1)`.
    rng:  a np.random.Generator, the only source of randomness (so results are reproducible).

    1. Draw n_boot resamples of size n *with replacement*, all at once: an index array of
       shape (n_boot, n) from rng.
    2. Compute the n_boot statistics with one call to stat.
    3. Return (low, high): their alpha/2 and 1 - alpha/2 quantiles, as floats.
    No Python loops.
    """
    # TODO
    raise NotImplementedError("bootstrap_ci")
