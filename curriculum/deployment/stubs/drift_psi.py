"""Data drift: the population stability index, and a rule for when to retrain."""

import numpy as np  # noqa: F401 - you will need it


def psi(reference, current, bins=10, eps=1e-4):
    """Population stability index of `current` against `reference` (1-D arrays), a float.

    1. Bin edges: the quantiles of `reference` at 0, 1/bins, ..., 1, with the outer two
       replaced by -inf and +inf, so each bin holds 1/bins of the reference and no current
       value falls outside.
    2. r_i, c_i: the share of reference and of current values in bin i; floor both at `eps`.
    3. PSI = sum_i (c_i - r_i) * ln(c_i / r_i).
    """
    # TODO
    raise NotImplementedError("psi")


def should_retrain(reference, current, threshold=0.2, bins=10):
    """True when any feature (column of the (n, d) arrays) has a PSI above `threshold`."""
    # TODO
    raise NotImplementedError("should_retrain")
