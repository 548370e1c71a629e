"""Probes: behaviour a value test misses (causality, a missing zero_grad, a forgotten eval())."""

from __future__ import annotations

import copy
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


class ZeroGradProbe:
    """Watch a learner's training loop and catch gradients that pile up across steps.

    Wrap the loader with ``batches()`` and the optimizer with ``optimizer()``: at every
    ``step()`` the probe recomputes the gradient of the last batch on a copy of the model and
    compares it with the ``.grad`` the learner's loop produced. Use a model with no dropout.
    """

    def __init__(self, model: Any, loss_fn: Callable[[Any, Any], Any], checks: int = 3) -> None:
        self.model, self.loss_fn, self.checks_left = model, loss_fn, checks
        self.last_batch: tuple[Any, Any] | None = None
        self.steps = 0

    def batches(self, loader: Iterable[tuple[Any, Any]]) -> Iterator[tuple[Any, Any]]:
        for batch in loader:
            self.last_batch = batch
            yield batch

    def optimizer(self, inner: Any) -> Any:
        probe = self
        original_step = inner.step

        def step(*args: Any, **kwargs: Any) -> Any:
            probe.steps += 1
            if probe.checks_left > 0 and probe.last_batch is not None:
                probe.checks_left -= 1
                probe._compare()
            return original_step(*args, **kwargs)

        inner.step = step
        return inner

    def _compare(self) -> None:
        import torch

        assert self.last_batch is not None
        x, y = self.last_batch
        fresh = copy.deepcopy(self.model)
        fresh.zero_grad(set_to_none=True)
        self.loss_fn(fresh(x), y).backward()
        for (name, learner_p), fresh_p in zip(
            self.model.named_parameters(), fresh.parameters(), strict=True
        ):
            if learner_p.grad is None or fresh_p.grad is None:
                continue
            if not torch.allclose(learner_p.grad, fresh_p.grad, rtol=1e-4, atol=1e-6):
                ratio = float(learner_p.grad.norm() / fresh_p.grad.norm().clamp_min(1e-12))
                more = f" (about {ratio:.1f}x the batch's own)" if ratio > 1.2 else ""
                raise CheckFailure(
                    f"at step {self.steps}, `{name}.grad` is not the gradient of the current "
                    f"batch{more}: gradients are piling up across steps. Call "
                    "`optimizer.zero_grad()` before `loss.backward()` in every step",
                    "probes",
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
