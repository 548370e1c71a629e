"""Calling a learner's PyTorch model safely and describing its architecture (cnn module checks).

A model built from library layers (``nn.Sequential(nn.Linear(64, 32), ...)``) fails inside
PyTorch's code, where the engine finds none of the learner's lines and would blame the check;
``call_model`` turns such an error into a plain verdict about the model instead.
"""

from __future__ import annotations

import copy
import functools
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from checklib.context import CheckContext, CheckFailure


def _raised_in(exc: BaseException, path: Path) -> bool:
    target = str(Path(path).resolve())
    return any(str(Path(frame.filename).resolve()) == target
               for frame in traceback.extract_tb(exc.__traceback__))


def guard(ctx: CheckContext, func: Callable[..., Any], name: str) -> Callable[..., Any]:
    """``func`` wrapped so that a call the learner's code never started (a signature that
    differs from the stub's: a TypeError raised at the call itself) fails with a plain message
    instead of being blamed on the check. Errors inside the learner's code pass through."""

    @functools.wraps(func)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CheckFailure:
            raise
        except Exception as exc:  # noqa: BLE001 - reported to the learner, whatever it is
            if _raised_in(exc, ctx.learner_path):
                raise
            first = (str(exc).strip().splitlines() or [""])[0][:240]
            raise CheckFailure(
                f"calling `{name}` failed before any line of your code ran "
                f"({type(exc).__name__}: {first}): keep the signature from the stub",
                ctx.current_layer,
            ) from exc

    return call


def call_model(model: Any, x: Any, learner_path: Path, what: str, layer: str,
               advice: str = "") -> Any:
    """``model(x)``; an exception raised in PyTorch's code becomes a CheckFailure naming ``what``.

    An exception raised on a line of the learner's own file is re-raised unchanged, so the engine
    shows those lines.
    """
    try:
        return model(x)
    except Exception as exc:  # noqa: BLE001 - any error of the learner's model is reported
        if _raised_in(exc, learner_path):
            raise
        first = (str(exc).strip().splitlines() or [""])[0][:240]
        extra = f" {advice}" if advice else ""
        raise CheckFailure(
            f"your model fails {what}: {type(exc).__name__}: {first}.{extra}", layer
        ) from exc


def require_module(model: Any, what: str = "build_model()") -> None:
    import torch

    if not isinstance(model, torch.nn.Module):
        raise CheckFailure(
            f"{what} returned {type(model).__name__}; return a torch.nn.Module "
            "(nn.Sequential(...) or your own subclass)", "contract"
        )


def parameter_count(model: Any) -> int:
    return sum(p.numel() for p in model.parameters())


def has_conv(model: Any) -> bool:
    import torch

    return any(isinstance(m, torch.nn.Conv2d) for m in model.modules())


def has_flatten_linear(model: Any) -> bool:
    import torch

    return any(isinstance(m, (torch.nn.Flatten, torch.nn.Linear)) for m in model.modules())


def receptive_field(model: Any) -> int:
    """Receptive field (pixels, along one axis) of the last conv/pool layer, reading the layers in
    the order they were registered; exact for a sequential stack, an estimate otherwise."""
    import torch

    field, jump = 1, 1
    for m in model.modules():
        if isinstance(m, torch.nn.Conv2d):
            k, s, d = m.kernel_size[0], m.stride[0], m.dilation[0]
        elif isinstance(m, (torch.nn.MaxPool2d, torch.nn.AvgPool2d)):
            k = m.kernel_size if isinstance(m.kernel_size, int) else m.kernel_size[0]
            s = m.stride if isinstance(m.stride, int) else m.stride[0]
            d = getattr(m, "dilation", 1)
            d = d if isinstance(d, int) else d[0]
        else:
            continue
        field += (k - 1) * d * jump
        jump *= s
    return field


def float64_copy(model: Any) -> Any:
    """An eval-mode float64 copy on the CPU, for probes that need exact arithmetic."""
    clone = copy.deepcopy(model).cpu().double()
    clone.eval()
    return clone
