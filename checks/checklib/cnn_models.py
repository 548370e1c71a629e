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


def _leaf_calls(model: Any, x: Any) -> list[tuple[str, Any, Any, Any]]:
    """(name, module, first tensor input, tensor output) of every leaf-module call of
    ``model(x)``, in call order; a non-tensor input or output is None."""
    import torch

    calls: list[tuple[str, Any, Any, Any]] = []

    def hook(name: str) -> Callable[..., None]:
        def record(module: Any, inputs: Any, output: Any) -> None:
            first = next((i for i in inputs if isinstance(i, torch.Tensor)), None)
            out = output if isinstance(output, torch.Tensor) else None
            calls.append((name, module, first, out))
        return record

    handles = [m.register_forward_hook(hook(name)) for name, m in model.named_modules()
               if not list(m.children())]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for handle in handles:
            handle.remove()
    return calls


def flatten_before_linear(exact: Any, x: Any) -> tuple[int, int, int] | None:
    """(C, H, W) when ``exact(x)`` flattens a feature map of C x H x W with H * W > 1 into a
    linear layer (nn.Flatten, view or reshape: the layer reads C * H * W features, each
    position with its own weights); None otherwise, e.g. after global pooling. ``exact`` is the
    learner's model as ``float64_copy`` makes it (it is run as it is, on ``x`` in float64)."""
    import torch

    last: tuple[int, int, int] | None = None
    for _, module, inputs, output in _leaf_calls(exact, x.double()):
        if isinstance(module, torch.nn.Linear) and inputs is not None and last is not None:
            c, h, w = last
            if h * w > 1 and inputs.dim() == 2 and inputs.shape[1] == c * h * w:
                return last
            return None
        if output is not None and output.dim() == 4:
            last = (int(output.shape[1]), int(output.shape[2]), int(output.shape[3]))
    return None


def _access_path(name: str) -> str:
    """A submodule's name as Python would reach it: "features.3" -> "model.features[3]"."""
    path = "model"
    for part in name.split("."):
        path += f"[{part}]" if part.isdigit() else f".{part}"
    return path


def where_position_enters(model: Any, before: Any, after: Any, column: int,
                          shift: int) -> str | None:
    """Name the first layer whose input or output tells a shape at ``column`` of ``before``
    from the same shape moved ``shift`` pixels right in ``after`` (images (N, 1, H, W)).

    Each 4-D feature map is compared at the shape's column only (scaled by the map's stride),
    away from the canvas borders, where convolutions and pooling are exactly equivariant.
    None when no feature map differs there (the position enters after the last one)."""
    import torch

    exact = float64_copy(model)
    calls_a = _leaf_calls(exact, before.double())
    calls_b = _leaf_calls(exact, after.double())
    if [c[0] for c in calls_a] != [c[0] for c in calls_b]:
        return None
    width = before.shape[-1]

    def moved(a: Any, b: Any) -> bool:
        if a is None or b is None or a.dim() != 4 or a.shape != b.shape:
            return False
        stride = width // a.shape[-1]
        if stride * a.shape[-1] != width or shift % stride:
            return False
        j, d = column // stride, shift // stride
        if j + d >= a.shape[-1]:
            return False
        ref, got = a[..., j], b[..., j + d]
        scale = float(torch.maximum(ref.abs().max(), got.abs().max())) + 1e-12
        return float((ref - got).abs().max()) > 1e-9 * scale

    for (name, module, in_a, out_a), (_, _, in_b, out_b) in zip(calls_a, calls_b, strict=True):
        layer = f"`{_access_path(name)}` ({type(module).__name__})"
        if moved(in_a, in_b):
            return (f"the input of {layer} already differs when the shape moves: "
                    "something your forward computes before that layer depends on where "
                    "things are (a coordinate channel, a bias per position, a crop)")
        if moved(out_a, out_b):
            return (f"{layer} gives the same shape different features at different "
                    "places (a weight or bias per position, or a window tied to the canvas)")
    return None


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
