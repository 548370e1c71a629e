"""Numerical gradients by centered differences, and the relative error used to compare them."""

from collections.abc import Callable

import numpy as np


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray,
                       h: float = 1e-5) -> np.ndarray:
    """Centered-difference gradient of the scalar function f at x (x may have any shape).

    For every index i of x:  grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2 h),
    where e_i is 1 at index i and 0 elsewhere. Returns a float64 array of x's shape.

    You may perturb x in place (save x[i], change it, call f, then put the saved value back),
    but when the function returns, x must be exactly as it was. Loops are fine here.
    """
    # TODO: grad = a float64 array of zeros with x's shape
    # TODO: for each index (np.ndindex(x.shape) visits them all): f at x[i] + h, at x[i] - h,
    #       restore x[i], and store the centered difference
    raise NotImplementedError("numerical_gradient")


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """Largest elementwise relative error:  max |a - b| / max(1e-8, |a| + |b|), as a float.

    Below 1e-7 two float64 gradients agree; above 1e-2 one of them is wrong.
    """
    # TODO
    raise NotImplementedError("rel_error")
