"""Check an MLP initialisation, a warmup + cosine schedule, and a loop that overfits one batch.

Layers: contract (three callables; init works in place; lr_at returns a number), values (each
layer's weight scale against Kaiming's and the small output layer's, with the usual wrong scales
named; the schedule at every step of four settings, its boundaries named), probes (activation
scale through depth, loss ~ ln C at step zero, symmetry broken after one step, the learning rate
the loop hands the optimizer at each step, fresh gradients at each step, the loss recorded before
its update), training (32 digits to a loss below 0.01 in 80 AdamW steps on ctx.torch_device()).
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

import numpy as np
from checklib import CheckContext, CheckFailure, require_callable
from checklib.optimization_contract import require_signature
from checklib.probes import ZeroGradProbe

OVERFIT_STEPS, OVERFIT_TARGET = 80, 0.01
OVERFIT_SCHEDULE = {"base_lr": 3e-3, "warmup_steps": 10, "total_steps": OVERFIT_STEPS,
                    "min_lr": 3e-5}


def mlp(sizes: list[int]) -> Any:
    from torch import nn

    layers: list[Any] = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def initialised(ctx: CheckContext, init_mlp: Any, sizes: list[int]) -> Any:
    from torch import nn

    model = mlp(sizes)
    out = init_mlp(model)
    if isinstance(out, nn.Module) and out is not model:
        ctx.fail("`init_mlp` returned a new model: it should change the weights of the model it "
                 "is given, in place (under torch.no_grad(), with .normal_() / .zero_() or "
                 "torch.nn.init)", "contract")
    return model


# ------------------------------------------------------------------------ initialisation


def check_layer_scale(ctx: CheckContext, index: int, last: bool, weight: np.ndarray,
                      bias: np.ndarray) -> None:
    fan_out, fan_in = weight.shape
    label = f"layer {index} (nn.Linear({fan_in}, {fan_out}){', the last' if last else ''})"
    std, mean, n = float(weight.std()), float(weight.mean()), weight.size
    if np.all(weight == weight.flat[0]):
        ctx.fail(f"every weight of {label} is the same number ({weight.flat[0]:g}): all its units "
                 "compute the same function and get the same gradient, so they stay identical "
                 "forever (the symmetry is never broken). Draw the weights at random")
    expected = 0.1 / math.sqrt(fan_in) if last else math.sqrt(2 / fan_in)
    rule = "0.1/sqrt(fan_in)" if last else "sqrt(2/fan_in)"
    tolerance = max(0.05, 6 / math.sqrt(2 * n))
    if abs(std / expected - 1) > tolerance:
        candidates = [
            (1.0, "std 1: each layer then multiplies the scale of the activations by about "
                  "sqrt(fan_in), so the logits start huge (too-large init)"),
            (math.sqrt(2 / fan_out), "it uses fan_out: for nn.Linear the weight is (out, in), "
                                     "so fan_in is weight.shape[1]"),
            (1 / math.sqrt(3 * fan_in), "this is PyTorch's default nn.Linear init: did "
                                        "`init_mlp` change the weights at all?"),
        ]
        if last:
            candidates.insert(0, (math.sqrt(2 / fan_in), "the last layer has the hidden layers' "
                                  "Kaiming scale: make it small, std 0.1/sqrt(fan_in), so the "
                                  "logits start near 0 and the loss near ln(C)"))
            candidates.append((1 / math.sqrt(fan_in), "the last layer has std 1/sqrt(fan_in): "
                                                      "scale it by 0.1"))
        else:
            candidates += [
                (math.sqrt(2 / (fan_in + fan_out)), "this is Xavier/Glorot's variance "
                 "2/(fan_in+fan_out); layers followed by a ReLU need Kaiming's 2/fan_in "
                 "(ReLU zeroes half the signal and the 2 makes up for it)"),
                (1 / math.sqrt(fan_in), "this is LeCun's variance 1/fan_in; layers followed by "
                                        "a ReLU need 2/fan_in"),
            ]
        named = next((msg for value, msg in candidates if abs(std / value - 1) <= tolerance),
                     None)
        why = f": {named}" if named else ""
        ctx.fail(f"the weights of {label} have std {std:.4g}; expected {rule} = "
                 f"{expected:.4g}{why}")
    if abs(mean) > 6 * expected / math.sqrt(n):
        ctx.fail(f"the weights of {label} have mean {mean:.4g}, far from 0: draw them "
                 "symmetrically around zero")
    if np.any(bias != 0):
        ctx.fail(f"the biases of {label} are not zero (largest {np.abs(bias).max():.3g}): start "
                 "every bias at 0")


# ------------------------------------------------------------------------------ schedule


def schedule(step: int, base_lr: float, warmup_steps: int, total_steps: int, min_lr: float,
             bug: str = "") -> float:
    """The oracle, and the known wrong variants for fingerprints."""
    in_warmup = step <= warmup_steps if bug == "le_boundary" else step < warmup_steps
    if in_warmup:
        done = step if bug == "warmup_from_zero" else step + 1
        return base_lr * done / warmup_steps
    if bug == "no_last_min":
        progress = (step - warmup_steps) / (total_steps - warmup_steps)
    elif bug == "progress_from_zero":
        progress = step / (total_steps - 1)
    else:
        progress = (step - warmup_steps) / (total_steps - 1 - warmup_steps)
    low = 0.0 if bug == "ignore_min" else min_lr
    return low + 0.5 * (base_lr - low) * (1 + math.cos(math.pi * progress))


SCHEDULE_BUGS = {
    "warmup_from_zero": "your warmup starts at lr 0 on step 0 (base_lr * step / warmup_steps): "
                        "that step is wasted. Use base_lr * (step + 1) / warmup_steps, so the "
                        "last warmup step reaches base_lr",
    "le_boundary": "off by one at the end of warmup: step == warmup_steps still uses the "
                   "warmup formula (step <= warmup_steps) and overshoots base_lr. Warmup is "
                   "step < warmup_steps",
    "no_last_min": "the cosine never reaches min_lr: at the last step (total_steps - 1) the lr "
                   "should be exactly min_lr, so progress = (step - warmup_steps) / "
                   "(total_steps - 1 - warmup_steps)",
    "progress_from_zero": "the cosine's progress counts from step 0, not from the end of "
                          "warmup: progress = (step - warmup_steps) / (total_steps - 1 - "
                          "warmup_steps)",
    "ignore_min": "min_lr is ignored: the cosine should go from base_lr down to min_lr",
}

SCHEDULE_CASES = (
    {"base_lr": 1e-3, "warmup_steps": 10, "total_steps": 100, "min_lr": 1e-5},
    {"base_lr": 0.5, "warmup_steps": 3, "total_steps": 5, "min_lr": 0.01},
    {"base_lr": 2.0, "warmup_steps": 1, "total_steps": 12, "min_lr": 0.5},
    {"base_lr": 0.1, "warmup_steps": 0, "total_steps": 20, "min_lr": 0.0},
)


def step_name(step: int, warmup: int, total: int) -> str:
    names = {0: "the first step", warmup - 1: "the last warmup step",
             warmup: "the first step after warmup", total - 1: "the last step"}
    return f"step {step}" + (f" ({names[step]})" if step in names and step >= 0 else "")


def check_schedule(ctx: CheckContext, lr_at: Any) -> None:
    for case in SCHEDULE_CASES:
        steps = range(case["total_steps"])
        got = []
        for step in steps:
            value = lr_at(step, **case)
            if hasattr(value, "item") and getattr(value, "size", 1) == 1:
                value = value.item()
            if not isinstance(value, Real) or isinstance(value, bool):
                ctx.fail(f"`lr_at` should return a number, got {type(value).__name__}",
                         "contract")
            got.append(float(value))
        expected = [schedule(s, **case) for s in steps]
        if np.allclose(got, expected, rtol=1e-9, atol=1e-15):
            continue
        setting = ", ".join(f"{k}={v:g}" for k, v in case.items())
        for bug, message in SCHEDULE_BUGS.items():
            variant = [schedule(s, **case, bug=bug) for s in steps]
            if np.allclose(got, variant, rtol=1e-9, atol=1e-15):
                ctx.fail(f"{message} (seen with {setting})")
        bad = int(np.argmax(~np.isclose(got, expected, rtol=1e-9, atol=1e-15)))
        where = step_name(bad, case["warmup_steps"], case["total_steps"])
        ctx.fail(f"lr_at is wrong at {where} with {setting}: expected {expected[bad]:.10g}, "
                 f"got {got[bad]:.10g}")


# ------------------------------------------------------------------------------- probes


def digits_batch(seed: int, n: int = 32) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    x = (x - x.mean(0)) / (x.std(0) + 1e-8)
    idx = np.random.default_rng(seed).choice(len(x), n, replace=False)
    return x[idx], y[idx]


def check_step_zero(ctx: CheckContext, init_mlp: Any, x: Any, y: Any) -> None:
    import torch
    import torch.nn.functional as F

    deep = initialised(ctx, init_mlp, [64, 256, 256, 256, 256, 10])
    h = torch.randn(512, 64)
    stds = []
    with torch.no_grad():
        for layer in deep:
            h = layer(h)
            if isinstance(layer, torch.nn.Linear):
                stds.append(float(h.std()))
    ctx.log("pre-activation std by layer at init: " + ", ".join(f"{s:.3f}" for s in stds))
    hidden = stds[:-1]
    if not 0.7 < hidden[-1] / hidden[0] < 1.4:
        ctx.fail(f"through 4 hidden layers at init the activations' std goes from {hidden[0]:.3g} "
                 f"to {hidden[-1]:.3g}: with Kaiming's scale it should stay about the same")

    model = initialised(ctx, init_mlp, [64, 128, 128, 10])
    with torch.no_grad():
        loss = float(F.cross_entropy(model(x), y))
    ctx.metric("loss_at_init", loss)
    if abs(loss - math.log(10)) > 0.1:
        ctx.fail(f"the loss at step zero is {loss:.3f}; with 10 classes and small logits it "
                 f"should be about ln(10) = {math.log(10):.3f}: the output layer's weights are "
                 "too large, so the network starts confidently wrong")

    small = initialised(ctx, init_mlp, [64, 32, 32, 10])
    optimizer = torch.optim.SGD(small.parameters(), lr=0.5)
    optimizer.zero_grad()
    F.cross_entropy(small(x), y).backward()
    optimizer.step()
    for index, layer in enumerate(m for m in small if isinstance(m, torch.nn.Linear)):
        if index == 2:
            break
        distances = torch.cdist(layer.weight.detach(), layer.weight.detach())
        distances.fill_diagonal_(float("inf"))
        if float(distances.min()) < 1e-7:
            a, b = divmod(int(distances.argmin()), distances.shape[1])
            ctx.fail(f"after one SGD step, units {a} and {b} of hidden layer {index} still have "
                     "identical weights: the initialisation did not break the symmetry between "
                     "units")


class StepWatch:
    """Wrap an optimizer's step: check the lr it is given, count steps, stream progress."""

    def __init__(self, ctx: CheckContext, optimizer: Any, lr_fn: Any, loss_now: Any) -> None:
        self.ctx, self.lr_fn, self.loss_now, self.steps = ctx, lr_fn, loss_now, 0
        self.initial_lr = float(optimizer.param_groups[0]["lr"])
        inner = optimizer.step

        def step(*args: Any, **kwargs: Any) -> Any:
            self.before_step(optimizer)
            return inner(*args, **kwargs)

        optimizer.step = step

    def before_step(self, optimizer: Any) -> None:
        i = self.steps
        wanted = self.lr_fn(i)
        for group in optimizer.param_groups:
            lr = group["lr"]
            if not math.isclose(float(lr), wanted, rel_tol=1e-9):
                previous = self.lr_fn(i - 1) if i > 0 else self.initial_lr
                lag = math.isclose(float(lr), previous, rel_tol=1e-9)
                if lag and i == 0:
                    hint = (": it is still the optimizer's initial lr. Set group['lr'] = "
                            "lr_fn(step) before optimizer.step() (set after the step, every "
                            "step would use the previous step's lr)")
                elif lag:
                    hint = (f": it is lr_fn({i - 1}), one step behind. Set the lr before "
                            "optimizer.step(), not after")
                else:
                    hint = (": set group['lr'] = lr_fn(step) for every param group, before "
                            "optimizer.step()")
                raise CheckFailure(f"at optimizer step {i} the learning rate was {float(lr):.6g}, "
                                   f"but lr_fn({i}) = {wanted:.6g}{hint}", "probes")
        self.steps += 1
        self.ctx.progress(self.steps, OVERFIT_STEPS, loss=self.loss_now())


def run(ctx: CheckContext) -> None:
    import torch
    import torch.nn.functional as F

    ctx.layer("contract")
    init_mlp = require_callable(ctx.learner, "init_mlp")
    lr_at = require_callable(ctx.learner, "lr_at")
    overfit = require_callable(ctx.learner, "overfit_one_batch")
    require_signature(init_mlp, "init_mlp", mlp([4, 3, 2]))
    require_signature(lr_at, "lr_at", 0, **SCHEDULE_CASES[0])
    require_signature(overfit, "overfit_one_batch", None, None, None, None, 1, None)
    torch.manual_seed(ctx.seed)
    initialised(ctx, init_mlp, [4, 3, 2])

    ctx.layer("values")
    torch.manual_seed(ctx.seed)
    model = initialised(ctx, init_mlp, [64, 256, 128, 10])
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    for index, layer in enumerate(linears):
        check_layer_scale(ctx, index, index == len(linears) - 1,
                          layer.weight.detach().double().numpy(),
                          layer.bias.detach().double().numpy())
    check_schedule(ctx, lr_at)

    ctx.layer("probes")
    x_np, y_np = digits_batch(ctx.seed)
    x, y = torch.tensor(x_np, dtype=torch.float32), torch.tensor(y_np)
    check_step_zero(ctx, init_mlp, x, y)

    device = ctx.torch_device()
    x, y = x.to(device), y.to(device)
    torch.manual_seed(ctx.seed)
    model = initialised(ctx, init_mlp, [64, 128, 128, 10]).to(device)
    with torch.no_grad():
        loss_at_init = float(F.cross_entropy(model(x), y))
    last_output: list[Any] = []

    def keep_output(_module: Any, _inputs: Any, out: Any) -> None:
        last_output[:] = [out.detach()]

    model.register_forward_hook(keep_output)
    optimizer = torch.optim.AdamW(model.parameters(), lr=OVERFIT_SCHEDULE["base_lr"],
                                  weight_decay=0.0)
    probe = ZeroGradProbe(model, F.cross_entropy, checks=3)
    probe.last_batch = (x, y)
    probe.optimizer(optimizer)

    def lr_fn(step: int) -> float:
        return schedule(step, **OVERFIT_SCHEDULE)

    def loss_now() -> float | None:
        return float(F.cross_entropy(last_output[0], y)) if last_output else None

    watch = StepWatch(ctx, optimizer, lr_fn, loss_now)
    losses = overfit(model, optimizer, x, y, OVERFIT_STEPS, lr_fn)
    if watch.steps != OVERFIT_STEPS:
        ctx.fail(f"`overfit_one_batch` called optimizer.step() {watch.steps} times for "
                 f"steps={OVERFIT_STEPS}: one step per iteration")
    if not isinstance(losses, (list, tuple)) or len(losses) != OVERFIT_STEPS:
        ctx.fail(f"`overfit_one_batch` should return a list of {OVERFIT_STEPS} losses (one per "
                 f"step), got {type(losses).__name__}"
                 + (f" of length {len(losses)}" if isinstance(losses, (list, tuple)) else ""))
    if not all(isinstance(v, Real) for v in losses):
        ctx.fail("the losses returned should be Python floats (use loss.item()), not "
                 f"{type(losses[0]).__name__}: holding tensors keeps their graphs alive")
    if not math.isclose(float(losses[0]), loss_at_init, rel_tol=1e-3):
        ctx.fail(f"the first loss returned is {float(losses[0]):.4f}, but the loss at "
                 f"initialisation is {loss_at_init:.4f}: record each step's loss from the forward "
                 "pass before optimizer.step()")

    ctx.layer("training")
    with torch.no_grad():
        final = float(F.cross_entropy(model(x), y))
    ctx.metric("final_loss", final)
    if not math.isfinite(final):
        ctx.fail(f"the loss became {final}: training diverged")
    if final >= OVERFIT_TARGET:
        ctx.fail(f"after {OVERFIT_STEPS} steps on one batch of 32 the loss is {final:.4f}; a "
                 f"network this size should memorise it (loss < {OVERFIT_TARGET}). Check the "
                 "initialisation scale and that the learning rate is applied each step")
