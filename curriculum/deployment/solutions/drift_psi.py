"""Data drift: the population stability index, and a rule for when to retrain."""

import numpy as np


def psi(reference, current, bins=10, eps=1e-4):
    """Population stability index of `current` against `reference` (1-D arrays).

    Bins: the `bins`-quantiles of the reference, so each holds 1/bins of it, with open outer
    edges so that no current value falls outside. Proportions below `eps` become `eps`.
    PSI = sum over bins of (c - r) * ln(c / r).
    """
    reference = np.asarray(reference, dtype=np.float64)
    current = np.asarray(current, dtype=np.float64)
    inner = np.quantile(reference, np.linspace(0.0, 1.0, bins + 1)[1:-1])  # (bins - 1,)
    r = np.bincount(np.searchsorted(inner, reference, side="right"), minlength=bins)
    c = np.bincount(np.searchsorted(inner, current, side="right"), minlength=bins)
    r = np.maximum(r / len(reference), eps)  # a floor: an empty bin would give ln(0)
    c = np.maximum(c / len(current), eps)
    return float(np.sum((c - r) * np.log(c / r)))


def should_retrain(reference, current, threshold=0.2, bins=10):
    """True when any feature (column of the (n, d) arrays) has PSI above `threshold`."""
    reference = np.asarray(reference, dtype=np.float64)
    current = np.asarray(current, dtype=np.float64)
    scores = [psi(reference[:, j], current[:, j], bins) for j in range(reference.shape[1])]
    return bool(max(scores) > threshold)
