"""Stable softmax, logsumexp and pairwise squared distances in vectorized NumPy.

Rules: NumPy only, and no Python loops or comprehensions in these functions (the check reads
their source). Do not change the arrays you are given; return new ones.
"""

import numpy as np


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """softmax(x)_i = exp(x_i) / sum_j exp(x_j), taken along `axis`.

    Returns an array with the shape and dtype of `x` whose slices along `axis` sum to 1.
    Must stay finite on logits like [1000, 1000, 0] and give 0 to entries equal to -inf.
    Hint: softmax(x) == softmax(x - c) for any c that is constant along `axis`.
    """
    # TODO: subtract the max along `axis` (keep the dimension), exponentiate, normalize.
    raise NotImplementedError("softmax")


def logsumexp(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """logsumexp(x) = log(sum_j exp(x_j)) along `axis`, computed without overflow.

    The reduced axis is dropped, as in scipy.special.logsumexp: a (4, 7) input with axis=-1
    gives shape (4,). Uses the identity log(sum exp(x)) = m + log(sum exp(x - m)) with m = max.
    """
    # TODO
    raise NotImplementedError("logsumexp")


def pairwise_sq_dists(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """D[i, j] = ||A[i] - B[j]||^2 for A of shape (n, d) and B of shape (m, d); D has shape (n, m).

    Squared distances are never negative: clip tiny negative rounding errors to 0.
    Either broadcast A[:, None, :] - B[None, :, :] or expand ||a||^2 + ||b||^2 - 2 a.b.
    """
    # TODO
    raise NotImplementedError("pairwise_sq_dists")
