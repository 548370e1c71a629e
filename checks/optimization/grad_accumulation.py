"""Check gradient accumulation: k micro-batches give the same step as one big batch, float64.

Layers: contract (a float comes back), values (parameters after each of three accumulated steps
and the returned loss against one big-batch step of the same optimizer, rtol 1e-10; equal and
unequal micro-batch sizes; the gradient seen at optimizer.step() tells which bug it is), probes
(one forward and one backward per micro-batch, so only one graph is alive at a time).
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
from checklib import CheckContext, Fingerprint, require_callable
from checklib.fingerprints import match_fingerprint
from checklib.optimization_contract import require_signature

RTOL, ATOL = 1e-10, 1e-12


def make_model(seed: int) -> Any:
    import torch
    from torch import nn

    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh(),
                         nn.Linear(16, 3)).double()


def make_optimizer(model: Any) -> Any:
    import torch

    return torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-3)


def flat(tensors: Any) -> np.ndarray:
    return np.concatenate([t.detach().reshape(-1).numpy() for t in tensors])


class Watch:
    """Count forward calls (and their batch sizes), backward passes and optimizer steps."""

    def __init__(self, model: Any, optimizer: Any) -> None:
        self.sizes: list[int] = []
        self.backwards = 0
        self.step_grads: list[np.ndarray] = []
        model.register_forward_pre_hook(lambda _m, inputs: self.sizes.append(len(inputs[0])))
        first = next(model.parameters())
        first.register_hook(self._count_backward)
        params = list(model.parameters())
        inner = optimizer.step

        def step(*args: Any, **kwargs: Any) -> Any:
            self.step_grads.append(flat(p.grad if p.grad is not None else p * 0
                                        for p in params))
            return inner(*args, **kwargs)

        optimizer.step = step

    def _count_backward(self, grad: Any) -> None:
        self.backwards += 1

    def reset(self) -> None:
        self.sizes, self.backwards, self.step_grads = [], 0, []


def micro_gradients(model: Any, loss_fn: Any, micro: list[tuple[Any, Any]]) -> list[np.ndarray]:
    """The gradient of each micro-batch's mean loss, at the model's current parameters."""
    grads = []
    for x, y in micro:
        model.zero_grad()
        loss_fn(model(x), y).backward()
        grads.append(flat(p.grad for p in model.parameters()))
    model.zero_grad()
    return grads


def diagnose(ctx: CheckContext, watch: Watch, expected_grad: np.ndarray,
             micro_grads: list[np.ndarray], sizes: list[int], previous: np.ndarray | None,
             setting: str) -> None:
    """Name the bug from what optimizer.step() saw; return if nothing known fits."""
    k, total = len(sizes), sum(sizes)
    steps = len(watch.step_grads)
    if steps == 0:
        ctx.fail(f"`accumulate_and_step` never called optimizer.step() ({setting})")
    if steps > 1:
        ctx.fail(f"`accumulate_and_step` called optimizer.step() {steps} times for {k} "
                 f"micro-batches ({setting}): stepping every micro-batch is just training with "
                 "small batches. Accumulate all k gradients, then step once")
    got = watch.step_grads[0]
    weights = [n / total for n in sizes]
    known = [
        (sum(micro_grads), "the micro-batch losses are not scaled: each loss must be divided by "
                           "k (weighted by n_i / N), or the gradient is k times the big batch's"),
        (micro_grads[-1] * weights[-1], "only the last micro-batch's gradient reaches "
                                        "optimizer.step(): zero_grad() is inside the micro-batch "
                                        "loop. Clear the gradients once, before the loop"),
        (micro_grads[-1], "only the last micro-batch's gradient reaches optimizer.step(): "
                          "zero_grad() is inside the micro-batch loop. Clear the gradients once, "
                          "before the loop"),
        (sum(micro_grads) / k, "you divide every micro-batch loss by k, but these micro-batches "
                               f"have different sizes {sizes}: weight each by n_i / N so every "
                               "sample counts the same, as in the big batch"),
    ]
    if previous is not None:
        known.append((expected_grad + previous, "the gradients of the previous call are still "
                      "in .grad: call optimizer.zero_grad() once at the start, before the "
                      "micro-batch loop"))
    named = match_fingerprint(got, [Fingerprint(v, m, rtol=1e-8, atol=1e-12) for v, m in known])
    if named:
        ctx.fail(f"{named} ({setting})")
    if not np.allclose(got, expected_grad, rtol=1e-8, atol=1e-12):
        index = int(np.argmax(np.abs(got - expected_grad)))
        ctx.fail(f"the gradient in .grad at optimizer.step() is not the big batch's ({setting}): "
                 f"element {index} is {got[index]:.8g}, expected {expected_grad[index]:.8g}")


def run(ctx: CheckContext) -> None:
    import torch
    import torch.nn.functional as F

    ctx.layer("contract")
    step_fn = require_callable(ctx.learner, "accumulate_and_step")
    require_signature(step_fn, "accumulate_and_step", None, None, None, [])
    rng = np.random.default_rng(ctx.seed)

    def batch(n: int) -> tuple[Any, Any]:
        return (torch.from_numpy(rng.standard_normal((n, 8))),
                torch.from_numpy(rng.integers(0, 3, n)))

    for sizes_list, label in (([[8, 8, 8, 8]] * 3, "4 micro-batches of 8"),
                              ([[12, 12, 8], [5, 20, 7], [1, 30, 1]], "micro-batches of "
                                                                       "unequal sizes")):
        ctx.layer("contract")
        mine = make_model(ctx.seed)
        oracle = copy.deepcopy(mine)
        opt_mine, opt_oracle = make_optimizer(mine), make_optimizer(oracle)
        watch = Watch(mine, opt_mine)
        previous = None
        for call, sizes in enumerate(sizes_list, start=1):
            micro = [batch(n) for n in sizes]
            setting = f"call {call} of 3, {label} {sizes}"
            micro_grads = micro_gradients(copy.deepcopy(oracle), F.cross_entropy, micro)
            opt_oracle.zero_grad()
            big_loss = F.cross_entropy(oracle(torch.cat([x for x, _ in micro])),
                                       torch.cat([y for _, y in micro]))
            big_loss.backward()
            expected_grad = flat(p.grad for p in oracle.parameters())
            opt_oracle.step()

            ctx.layer("contract")
            watch.reset()
            returned = step_fn(mine, opt_mine, F.cross_entropy, micro)
            if isinstance(returned, torch.Tensor) or not isinstance(returned, (float, int)):
                ctx.fail("`accumulate_and_step` should return the big batch's loss as a Python "
                         f"float (use .item()), got {type(returned).__name__}")

            ctx.layer("values")
            got_params = flat(mine.parameters())
            expected_params = flat(oracle.parameters())
            if not np.allclose(got_params, expected_params, rtol=RTOL, atol=ATOL):
                diagnose(ctx, watch, expected_grad, micro_grads, sizes, previous, setting)
                index = int(np.argmax(np.abs(got_params - expected_params)))
                ctx.fail(f"the parameters after the step differ from one big-batch step "
                         f"({setting}): element {index} is {got_params[index]:.10g}, expected "
                         f"{expected_params[index]:.10g}")
            if not np.isclose(float(returned), big_loss.item(), rtol=RTOL, atol=ATOL):
                ctx.fail(f"the loss returned is {float(returned):.10g}; the big batch's mean "
                         f"loss is {big_loss.item():.10g} ({setting}): add up each micro-batch's "
                         "scaled loss")
            previous = expected_grad

            ctx.layer("probes")
            if watch.sizes != sizes:
                ctx.fail(f"the model was called on batches of sizes {watch.sizes} for "
                         f"micro-batches {sizes} ({setting}): run forward and backward on each "
                         "micro-batch in turn; joining them defeats the point (memory)")
            if watch.backwards != len(sizes):
                ctx.fail(f"{watch.backwards} backward pass(es) for {len(sizes)} micro-batches "
                         f"({setting}): call backward() on each micro-batch's loss, so its graph "
                         "is freed before the next forward. Summing the losses first keeps all "
                         "k graphs in memory at once, which accumulation is meant to avoid")
