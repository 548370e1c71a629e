"""Correct, written differently: percentile edges with a different quantile method, eps added."""

import numpy as np


def psi(reference, current, bins=10, eps=1e-4):
    reference, current = np.asarray(reference), np.asarray(current)
    edges = np.percentile(reference, np.linspace(0, 100, bins + 1), method="inverted_cdf")
    edges[0], edges[-1] = -np.inf, np.inf
    r = np.histogram(reference, edges)[0] / reference.size + eps
    c = np.histogram(current, edges)[0] / current.size + eps
    return float(((c - r) * np.log(c / r)).sum())


def should_retrain(reference, current, threshold=0.2, bins=10):
    return any(psi(reference[:, j], current[:, j], bins) > threshold
               for j in range(reference.shape[1]))
