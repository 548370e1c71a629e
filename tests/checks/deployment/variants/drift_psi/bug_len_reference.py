"""Bug: psi divides both histograms by len(reference), as if the samples had the same size."""

import numpy as np


def psi(reference, current, bins=10, eps=1e-4):
    n = len(reference)
    inner = np.quantile(reference, np.linspace(0, 1, bins + 1)[1:-1])
    r = np.bincount(np.searchsorted(inner, reference, side="right"), minlength=bins) / n
    c = np.bincount(np.searchsorted(inner, current, side="right"), minlength=bins) / n
    r, c = np.maximum(r, eps), np.maximum(c, eps)
    return float(np.sum((c - r) * np.log(c / r)))


def should_retrain(reference, current, threshold=0.2, bins=10):
    scores = [psi(reference[:, j], current[:, j], bins) for j in range(reference.shape[1])]
    return bool(max(scores) > threshold)
