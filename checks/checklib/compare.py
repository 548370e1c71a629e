"""Compare the learner's values with an oracle's and report the worst element."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from checklib.context import CheckFailure
from checklib.fingerprints import Fingerprint, match_fingerprint


def as_float64(value: Any, what: str = "the result") -> np.ndarray:
    """NumPy float64 view of an array, tensor, list or number; a clear failure otherwise."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().double().numpy()
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise CheckFailure(
            f"{what} should be numbers (an array or tensor), got {type(value).__name__}",
            "contract",
        ) from None


def assert_shape(got: Any, shape: Sequence[int], what: str = "the result") -> None:
    actual = tuple(np.shape(got)) if not hasattr(got, "shape") else tuple(got.shape)
    if actual != tuple(shape):
        raise CheckFailure(f"{what} has shape {actual}, expected {tuple(shape)}", "contract")


def worst_element(got: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> tuple:
    """Index of the element furthest outside the tolerance."""
    excess = np.abs(got - expected) - (atol + rtol * np.abs(expected))
    excess = np.where(np.isnan(got) != np.isnan(expected), np.inf, np.nan_to_num(excess, nan=0.0))
    flat = int(np.argmax(excess)) if excess.size else 0
    return tuple(int(i) for i in np.unravel_index(flat, got.shape)) if got.ndim else ()


def assert_close(
    got: Any,
    expected: Any,
    what: str = "the result",
    *,
    rtol: float = 1e-7,
    atol: float = 1e-9,
    fingerprints: Sequence[Fingerprint] = (),
    layer: str = "values",
    inputs: str = "",
) -> None:
    """Fail unless ``got`` matches ``expected`` elementwise.

    On a mismatch, a fingerprint that matches names the bug; otherwise the message shows the worst
    element: where, expected, got. ``inputs`` describes the case ("on logits [1000, 1000, 0]").
    """
    expected_arr = as_float64(expected)
    got_arr = as_float64(got, what)
    on = f" {inputs}" if inputs else ""
    if got_arr.shape != expected_arr.shape:
        raise CheckFailure(
            f"{what}{on} has shape {got_arr.shape}, expected {expected_arr.shape}", "contract"
        )
    if np.allclose(got_arr, expected_arr, rtol=rtol, atol=atol, equal_nan=True):
        return
    named = match_fingerprint(got_arr, fingerprints)
    if named:
        raise CheckFailure(named, layer)
    index = worst_element(got_arr, expected_arr, rtol, atol)
    g, e = got_arr[index], expected_arr[index]
    where = f" at index {list(index)}" if index else ""
    if not np.isfinite(g) and np.isfinite(e):
        raise CheckFailure(f"{what}{on} is {g}{where}; expected {e:.6g}", layer)
    shown_e, shown_g = _distinct(e, g)
    raise CheckFailure(f"{what}{on} is wrong{where}: expected {shown_e}, got {shown_g}", layer)


def _distinct(expected: float, got: float) -> tuple[str, str]:
    """The two numbers with just enough digits to show where they differ."""
    for digits in (6, 9, 12, 17):
        a, b = f"{expected:.{digits}g}", f"{got:.{digits}g}"
        if a != b:
            return a, b
    return repr(expected), repr(got)
