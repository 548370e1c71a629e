"""Signature checks for the optimization module's checks.

A check that calls the learner's function with keyword arguments would otherwise crash with a
TypeError raised in the check's own frame (reported as a bug in dlpath) when the learner renamed
a parameter of the stub. Binding the arguments first turns that into a contract failure.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from checklib.context import CheckFailure


def require_signature(fn: Callable[..., Any], name: str, *args: Any, **kwargs: Any) -> None:
    """Fail in the contract layer unless ``fn(*args, **kwargs)`` binds to ``fn``'s signature."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return
    try:
        signature.bind(*args, **kwargs)
    except TypeError as exc:
        shown = ", ".join(["..."] * len(args) + [f"{k}=..." for k in kwargs])
        raise CheckFailure(
            f"`{name}` cannot be called as {name}({shown}): {exc}. Keep the parameter names "
            "and order of the stub",
            "contract",
        ) from None
