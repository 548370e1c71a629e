"""Calling a learner's NumPy function safely: inputs must come back untouched, loops stay out.

Shared by the prerequisites checks (softmax, least_squares, numerical_gradient,
gaussian_bootstrap); any other module may use it too.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np

from checklib.context import CheckFailure
from checklib.contract import forbid_loops


def call_keeping_inputs(func: Callable[..., Any], name: str, *args: Any, **kwargs: Any) -> Any:
    """``func(*args, **kwargs)``, failing in the contract layer if it changed an array argument.

    A function that writes into its input (``x -= x.max()``, ``X -= X.mean(0)``) silently
    corrupts the caller's data, a bug that no return value shows.
    """
    saved = {i: np.array(a, copy=True) for i, a in enumerate(args) if isinstance(a, np.ndarray)}
    out = func(*args, **kwargs)
    for i, before in saved.items():
        after = args[i]
        if after.shape != before.shape or not np.array_equal(after, before, equal_nan=True):
            where = _first_change(before, after)
            raise CheckFailure(
                f"`{name}` changed the array it was given (argument {i + 1}{where}): an in-place "
                "operation such as `x -= ...` or `x /= ...` writes into the caller's data. "
                "Build a new array instead (`shifted = x - ...`)",
                "contract",
            )
    return out


def _first_change(before: np.ndarray, after: np.ndarray) -> str:
    if after.shape != before.shape:
        return f", whose shape went from {before.shape} to {after.shape}"
    changed = np.argwhere(~((before == after) | (np.isnan(before) & np.isnan(after))))
    if not len(changed):
        return ""
    index = tuple(int(i) for i in changed[0])
    return f", entry {list(index)} went from {before[index]:.6g} to {after[index]:.6g}"


def forbid_loops_with_helpers(module: ModuleType, func: Callable[..., Any], name: str) -> None:
    """``forbid_loops`` on ``func`` and on the functions of the learner's file that it calls."""
    forbid_loops(func, name)
    code = getattr(func, "__code__", None)
    for helper_name in code.co_names if code is not None else ():
        helper = getattr(module, helper_name, None)
        if (inspect.isfunction(helper) and helper is not func
                and helper.__module__ == module.__name__):
            forbid_loops(helper, helper_name)


def require_array(value: Any, name: str, shape: tuple[int, ...], what: str = "") -> np.ndarray:
    """``value`` as a NumPy array of ``shape``; a contract failure that says what is wrong."""
    on = f" {what}" if what else ""
    if not isinstance(value, (np.ndarray, np.generic)):
        raise CheckFailure(
            f"`{name}`{on} returned {type(value).__name__}; return a NumPy array", "contract"
        )
    if np.shape(value) != shape:
        raise CheckFailure(
            f"`{name}`{on} returned shape {np.shape(value)}, expected {shape}", "contract"
        )
    return np.asarray(value)


def require_params(func: Callable[..., Any], name: str, stub_signature: str, count: int) -> None:
    """Fail unless ``func`` accepts ``count`` positional arguments, as the stub's does.

    Without this, calling a function whose parameters were renamed or dropped raises a TypeError
    in the check's own frame, which would read as a bug in dlpath.
    """
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        return
    try:
        signature.bind(*range(count))
    except TypeError:
        raise CheckFailure(
            f"`{name}` should take the parameters of the stub, `{name}{stub_signature}`; "
            f"yours is `{name}{signature}`",
            "contract",
        ) from None
