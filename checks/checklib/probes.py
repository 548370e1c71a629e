"""Probes: behaviour a value test misses (causality, a missing zero_grad, a forgotten eval())."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from checklib.context import CheckFailure


def causal_probe(
    forward: Callable[[Any], Any],
    x: Any,
    position: int,
    perturb: Callable[[Any], Any],
    time_dim: int = 1,
    what: str = "your model",
) -> None:
    """Change the input at ``position`` and require every earlier output to stay bit-identical.

    ``forward`` maps an input (B, T, ...) to an output with time on ``time_dim``; ``perturb``
    returns a changed copy of the input's slice at ``position``.
    """
    import torch

    with torch.no_grad():
        before = forward(x)
        changed = x.clone()
        index = [slice(None)] * x.dim()
        index[time_dim] = position
        changed[tuple(index)] = perturb(x[tuple(index)])
        after = forward(changed)
    earlier = [slice(None)] * before.dim()
    earlier[time_dim] = slice(0, position)
    moved = before[tuple(earlier)] != after[tuple(earlier)]
    if bool(moved.any()):
        first = int(moved.nonzero()[0][time_dim])
        raise CheckFailure(
            f"{what} looks into the future: changing position {position} of the input changed "
            f"the output at position {first}, which comes before it (is the causal mask applied?)",
            "probes",
        )


_SAME = 1e-3  # relative: two clipped norms, or two factors, this close are the same


class ZeroGradProbe:
    """Watch a learner's training loop and catch gradients that pile up across steps.

    Wrap the loader with ``batches()`` and the optimizer with ``optimizer()``: at every
    ``step()`` the probe recomputes the gradient of the last batch on a copy of the model and
    compares it with the ``.grad`` the learner's loop produced. Use a model with no dropout.

    Gradient clipping is accepted: the fresh gradient scaled by one common factor in (0, 1]
    (``clip_grad_norm_``) or clamped elementwise to one common bound (``clip_grad_value_``).
    A scaled gradient must be consistent with norm clipping across steps: the same clipped norm
    at every scaled step, or a factor that changes with the gradient's norm; one factor at every
    step while the norm changes is a loss divided by a constant, and is named as such.
    A missing ``zero_grad`` is named only when the learner's gradient is the fresh one plus what
    ``.grad`` held at the previous step (clipped the same ways, or not); a gradient of an earlier
    batch, a gradient scaled up, and any other difference are each described as they are.
    """

    def __init__(self, model: Any, loss_fn: Callable[[Any, Any], Any], checks: int = 3) -> None:
        self.model, self.loss_fn, self.checks_left = model, loss_fn, checks
        self.last_batch: tuple[Any, Any] | None = None
        self.steps = 0
        self.previous: list[Any] | None = None  # each .grad at the previous step (or None)
        self.seen: list[tuple[Any, Any]] = []  # the batches handed out while checks remain
        self.scaled: dict[int, tuple[float, float]] = {}  # step -> (factor, norm) when scaled

    def batches(self, loader: Iterable[tuple[Any, Any]]) -> Iterator[tuple[Any, Any]]:
        for batch in loader:
            self.last_batch = batch
            if self.checks_left > 0:
                self.seen.append(batch)
            yield batch

    def optimizer(self, inner: Any) -> Any:
        probe = self
        original_step = inner.step

        def step(*args: Any, **kwargs: Any) -> Any:
            probe.steps += 1
            if probe.checks_left > 0 and probe.last_batch is not None:
                probe.checks_left -= 1
                probe._compare()
                probe.previous = ([_host(p.grad) for p in probe.model.parameters()]
                                  if probe.checks_left > 0 else None)
            return original_step(*args, **kwargs)

        inner.step = step
        return inner

    def _fresh_grads(self, batch: tuple[Any, Any]) -> list[Any]:
        """The gradient of ``batch``'s loss at the model's current parameters, on a copy."""
        x, y = batch
        fresh = copy.deepcopy(self.model)
        fresh.zero_grad(set_to_none=True)
        self.loss_fn(fresh(x), y).backward()
        return [_host(p.grad) for p in fresh.parameters()]

    def _norm_clipping(self, got: list[Any], fresh: list[Any]) -> None:
        """Accept a scaled-down gradient only where it is consistent with ``clip_grad_norm_``.

        Clipping scales by max_norm / ||fresh||: the factor follows the fresh gradient's norm and
        the clipped norm is max_norm at every clipped step. A loss divided by a constant gives the
        same factor at every step while the norms differ.
        """
        if all(_close(g, t) for g, t in zip(got, fresh, strict=True)):
            return  # the fresh gradient itself (not clipped at this step)
        scale = _common_scale(got, fresh)
        if scale is None:
            return  # clamped elementwise (``clip_grad_value_``)
        norm = math.sqrt(sum(float((g * g).sum()) for g in got))
        for step, (earlier_scale, earlier_norm) in self.scaled.items():
            if math.isclose(norm, earlier_norm, rel_tol=_SAME):
                continue  # the same clipped norm: clip_grad_norm_ with one max_norm
            if math.isclose(scale, earlier_scale, rel_tol=_SAME):
                raise CheckFailure(
                    f"your gradient is {scale:.3g}\u00d7 the batch's at every step (at steps "
                    f"{step} and {self.steps}, while its norm went from {earlier_norm:.4g} to "
                    f"{norm:.4g}): is the loss divided by something? Clipping "
                    "(`clip_grad_norm_`) scales by max_norm / norm, a factor that follows the "
                    "norm and leaves the same clipped norm at every step. Backpropagate the "
                    "batch's loss itself",
                    "probes",
                )
        self.scaled[self.steps] = (scale, norm)

    def _compare(self) -> None:
        assert self.last_batch is not None
        fresh_all = self._fresh_grads(self.last_batch)
        named = list(self.model.named_parameters())
        kept = [i for i, (_, p) in enumerate(named)
                if p.grad is not None and fresh_all[i] is not None]
        if not kept:
            return
        names = [named[i][0] for i in kept]
        got = [_host(named[i][1].grad) for i in kept]
        fresh = [fresh_all[i] for i in kept]
        if _clipped_copy(got, fresh):
            self._norm_clipping(got, fresh)
            return
        where = f"at step {self.steps}, `{names[_first_differing(got, fresh)]}.grad`"
        if self.previous is not None:
            left = [self.previous[i] for i in kept]
            piled = [f if p is None else f + p for f, p in zip(fresh, left, strict=True)]
            if _clipped_copy(got, piled):
                k = _first_differing(got, fresh)
                ratio = float(got[k].norm() / fresh[k].norm().clamp_min(1e-12))
                more = f" (about {ratio:.1f}x the batch's own)" if ratio > 1.2 else ""
                raise CheckFailure(
                    f"{where} is not the gradient of the current batch{more}: it is that "
                    "gradient plus the one left in `.grad` by the previous step, so gradients "
                    "are piling up across steps. Call `optimizer.zero_grad()` before "
                    "`loss.backward()` in every step",
                    "probes",
                )
        current = next((i for i, b in enumerate(self.seen) if b is self.last_batch), None)
        for index, batch in enumerate(self.seen):
            if index == current:
                continue
            other_all = self._fresh_grads(batch)
            other = [other_all[i] for i in kept]
            if None not in other and _clipped_copy(got, other):
                now = f" (batch {current + 1})" if current is not None else ""
                raise CheckFailure(
                    f"{where} is the gradient of another batch from the loader (batch "
                    f"{index + 1} of those drawn so far), not of the one the loop is on{now}: "
                    "compute the loss on the batch drawn in this iteration",
                    "probes",
                )
        scale = _common_scale(got, fresh)
        if scale is not None:
            why = ("is the loss negated?" if scale < 0 else "is the loss multiplied by "
                   "something, or `loss.backward()` called more than once?")
            raise CheckFailure(
                f"{where} is {scale:.3g} times the gradient of the current batch's loss: "
                "`optimizer.step()` should use that gradient, or a clipped copy, which is never "
                f"larger (clipping scales by a factor <= 1) and never flipped; {why}",
                "probes",
            )
        k = _first_differing(got, fresh)
        diff = (got[k] - fresh[k]).abs().flatten()
        at = int(diff.argmax())
        raise CheckFailure(
            f"{where} is not the gradient of the current batch's loss, nor that gradient clipped "
            f"(at element {at}: expected {float(fresh[k].flatten()[at]):.4g}, got "
            f"{float(got[k].flatten()[at]):.4g}). In every step call `optimizer.zero_grad()`, "
            "compute the loss on the batch just drawn, call `loss.backward()`, then "
            "`optimizer.step()`",
            "probes",
        )


def _host(grad: Any) -> Any:
    """A float64 copy on the CPU (MPS has no float64), or None for a missing gradient."""
    import torch

    return None if grad is None else grad.detach().to("cpu", dtype=torch.float64)


def _close(got: Any, target: Any, scale: float = 1.0) -> bool:
    import torch

    return bool(torch.allclose(got, target, rtol=1e-4, atol=1e-6 * abs(scale)))


def _first_differing(got: list[Any], target: list[Any]) -> int:
    return next((i for i, (g, t) in enumerate(zip(got, target, strict=True))
                 if not _close(g, t)), 0)


def _common_scale(got: list[Any], target: list[Any]) -> float | None:
    """The one factor c with got = c * target in every tensor (least squares), else None."""
    num = sum(float((g * t).sum()) for g, t in zip(got, target, strict=True))
    den = sum(float((t * t).sum()) for t in target)
    if den == 0.0:
        return None
    c = num / den
    if c == 0.0 or not all(_close(g, c * t, c) for g, t in zip(got, target, strict=True)):
        return None
    return c


def _clipped_copy(got: list[Any], target: list[Any]) -> bool:
    """Whether ``got`` is ``target`` itself, scaled by one factor in (0, 1] or clamped to ±v."""
    if all(_close(g, t) for g, t in zip(got, target, strict=True)):
        return True
    scale = _common_scale(got, target)
    if scale is not None and 0.0 < scale <= 1.0 + 1e-4:
        return True
    bound = max(float(g.abs().max()) for g in got)
    return bound > 0.0 and all(
        _close(g, t.clamp(-bound, bound)) for g, t in zip(got, target, strict=True)
    )


def eval_mode_probe(
    evaluate: Callable[[Any, Any], Any],
    model: Any,
    data_a: Any,
    data_b: Any,
    what: str = "`evaluate`",
) -> None:
    """Call ``evaluate`` twice on the same data, and once on a differently batched copy.

    With dropout or batch-norm in ``model``, a function that forgets ``model.eval()`` gives
    different answers; a forward hook sees whether it forgot ``torch.no_grad()``.
    """
    import torch

    grad_enabled: list[bool] = []
    hook = model.register_forward_hook(lambda *_: grad_enabled.append(torch.is_grad_enabled()))
    try:
        values = [float(evaluate(model, data)) for data in (data_a, data_a, data_b)]
    finally:
        hook.remove()
    if any(abs(v - values[0]) > 1e-5 for v in values[1:]):
        raise CheckFailure(
            f"{what} gives different results on the same data ({values[0]:.4f}, "
            f"{values[1]:.4f}, {values[2]:.4f}): call `model.eval()` so dropout and batch-norm "
            "behave deterministically",
            "probes",
        )
    if any(grad_enabled):
        raise CheckFailure(
            f"{what} runs the model with gradients on: wrap it in `torch.no_grad()` "
            "(it wastes memory and time building a graph nobody uses)",
            "probes",
        )
