"""The first layer: the function exists, and forbidden constructs are absent."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable
from types import ModuleType
from typing import Any

from checklib.context import CheckFailure


def require_callable(module: ModuleType, name: str) -> Callable[..., Any]:
    """The learner's function or class ``name``; fails clearly if missing or still the stub."""
    obj = getattr(module, name, None)
    if obj is None:
        raise CheckFailure(
            f"your file defines no `{name}`: keep the name from the stub", "contract"
        )
    if not callable(obj):
        raise CheckFailure(
            f"`{name}` should be a function or class, not {type(obj).__name__}", "contract"
        )
    return obj


def forbid_loops(func: Callable[..., Any], name: str | None = None) -> None:
    """Fail if ``func``'s source has a for/while loop or a comprehension (vectorize instead)."""
    label = name or getattr(func, "__name__", "the function")
    try:
        tree = ast.parse(inspect.getsource(func).lstrip())
    except (OSError, TypeError, SyntaxError, IndentationError):
        return
    loops = (ast.For, ast.While, ast.ListComp, ast.GeneratorExp, ast.SetComp, ast.DictComp)
    for node in ast.walk(tree):
        if isinstance(node, loops):
            kind = "loop" if isinstance(node, (ast.For, ast.While)) else "comprehension"
            line = inspect.getsourcelines(func)[1] + node.lineno - 1
            raise CheckFailure(
                f"`{label}` uses a Python {kind} (line {line}); this exercise asks for "
                "vectorized NumPy with no loops",
                "contract",
            )
