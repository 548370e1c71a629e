"""Gradient checks in float64: centered differences and the relative error of CHECKS.md."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from checklib.compare import as_float64, worst_element
from checklib.context import CheckFailure
from checklib.fingerprints import Fingerprint, match_fingerprint

RIGHT = 1e-7  # below this relative error a float64 gradient is right
WRONG = 1e-2  # above it, it is certainly wrong


def rel_error(a: Any, b: Any) -> float:
    """max |a-b| / max(1e-8, |a|+|b|) over all elements."""
    a, b = as_float64(a), as_float64(b)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)), initial=0.0))


def numeric_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-6
) -> np.ndarray:
    """Centered difference (f(x+h) - f(x-h)) / 2h of a scalar function, in float64."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + h
        plus = float(f(x))
        x[index] = saved - h
        minus = float(f(x))
        x[index] = saved
        grad[index] = (plus - minus) / (2 * h)
    return grad


def assert_gradient_close(
    got: Any,
    expected: Any,
    what: str = "the gradient",
    *,
    tolerance: float = RIGHT,
    fingerprints: Sequence[Fingerprint] = (),
) -> None:
    """Fail unless the relative error is below ``tolerance``; name the bug a fingerprint fits."""
    got_arr, expected_arr = as_float64(got, what), as_float64(expected)
    if got_arr.shape != expected_arr.shape:
        raise CheckFailure(
            f"{what} has shape {got_arr.shape}, expected {expected_arr.shape} "
            "(a gradient has the shape of what it is the gradient of)",
            "gradients",
        )
    error = rel_error(got_arr, expected_arr)
    if error < tolerance:
        return
    named = match_fingerprint(got_arr, fingerprints)
    if named:
        raise CheckFailure(named, "gradients")
    index = worst_element(got_arr, expected_arr, tolerance, 0.0)
    where = f" at index {list(index)}" if index else ""
    kind = "wrong" if error > WRONG else "slightly off (is something computed in float32?)"
    raise CheckFailure(
        f"{what} is {kind}{where}: expected {expected_arr[index]:.6g}, got {got_arr[index]:.6g} "
        f"(relative error {error:.1e})",
        "gradients",
    )
