"""Contract helpers for the transformers checks: which library shortcuts an exercise forbids."""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Iterable
from typing import Any

from checklib.context import CheckFailure


def used_names(obj: Any) -> set[str]:
    """Every bare name and attribute name that ``obj``'s code uses (comments and strings aside)."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(obj)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
    return names


def forbid_library(obj: Any, label: str, forbidden: Iterable[str], why: str) -> None:
    """Fail at the contract layer if ``obj``'s code calls one of the ``forbidden`` names."""
    found = sorted(set(forbidden) & used_names(obj))
    if found:
        raise CheckFailure(f"{label} uses {found[0]}: {why}", "contract")


def require_signature(func: Any, label: str, expected: str, *args: Any, **kwargs: Any) -> None:
    """Fail at the contract layer unless ``func`` can be called with ``args`` and ``kwargs``.

    Without it, a renamed or missing parameter would raise a TypeError inside the check, which
    the learner would see as a failure of the check rather than of their code.
    """
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        return
    try:
        signature.bind(*args, **kwargs)
    except TypeError:
        params = ", ".join(
            p.name if p.default is inspect.Parameter.empty else f"{p.name}={p.default!r}"
            for p in signature.parameters.values()
        )
        raise CheckFailure(
            f"{label} should accept {expected}; yours takes ({params}): keep the signature "
            "from the stub", "contract") from None


def require_tensor(value: Any, what: str, shape: tuple[int, ...] | None = None) -> Any:
    """``value`` if it is a tensor (of ``shape``, when given); a contract failure otherwise."""
    import torch

    if not isinstance(value, torch.Tensor):
        raise CheckFailure(f"{what} should be a tensor, got {type(value).__name__}", "contract")
    if shape is not None and tuple(value.shape) != tuple(shape):
        raise CheckFailure(f"{what} has shape {tuple(value.shape)}; expected {tuple(shape)}",
                           "contract")
    return value
