"""Bug: should_retrain does not pass its `bins` argument on to psi."""

import numpy as np


def psi(reference, current, bins=10, eps=1e-4):
    inner = np.quantile(reference, np.linspace(0.0, 1.0, bins + 1)[1:-1])
    r = np.bincount(np.searchsorted(inner, reference, side="right"), minlength=bins)
    c = np.bincount(np.searchsorted(inner, current, side="right"), minlength=bins)
    r = np.maximum(r / len(reference), eps)
    c = np.maximum(c / len(current), eps)
    return float(np.sum((c - r) * np.log(c / r)))


def should_retrain(reference, current, threshold=0.2, bins=10):
    scores = [psi(reference[:, j], current[:, j]) for j in range(reference.shape[1])]
    return bool(max(scores) > threshold)
