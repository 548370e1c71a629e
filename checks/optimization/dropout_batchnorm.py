"""Check inverted dropout and a BatchNorm1d with running statistics against PyTorch.

Layers: contract (names, no built-in dropout/batch-norm, parameters and buffers registered),
values (dropout's drop fraction and scaling, eval is the identity; BatchNorm1d against
nn.BatchNorm1d in float64 over 50 training batches, its running statistics, and eval mode),
gradients (autograd through both, against the analytic mask and nn.BatchNorm1d), probes (masks
differ across rows and calls, the input is untouched, running statistics carry no graph and do
not move in eval mode).
"""

from __future__ import annotations

import ast
from typing import Any

import numpy as np
from checklib import (
    CheckContext,
    CheckFailure,
    Fingerprint,
    as_float64,
    assert_close,
    assert_gradient_close,
    require_callable,
)
from checklib.fingerprints import match_fingerprint
from checklib.optimization_contract import require_signature

BUILT_INS = {"dropout", "dropout_", "feature_dropout", "Dropout", "batch_norm",
             "native_batch_norm", "BatchNorm1d", "functional_batch_norm"}


def forbid_built_ins(ctx: CheckContext) -> None:
    """The exercise is to build these layers: no torch dropout or batch-norm inside."""
    try:
        tree = ast.parse(ctx.learner_path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return
    for node in ast.walk(tree):
        used = None
        if isinstance(node, ast.Attribute) and node.attr in BUILT_INS:
            base = node.value
            if not (isinstance(base, ast.Name) and base.id == "self"):
                used = node.attr
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("torch"):
            used = next((a.name for a in node.names if a.name in BUILT_INS), None)
        if used:
            ctx.fail(f"line {node.lineno} uses PyTorch's own `{used}`: this exercise asks you "
                     "to build dropout and batch norm from tensor operations", "contract")


# ------------------------------------------------------------------------------- dropout


def check_dropout(ctx: CheckContext, dropout: Any) -> None:
    import torch

    ctx.layer("contract")
    x32 = torch.randn(7, 5)
    y32 = dropout(x32, 0.5, True)
    if not isinstance(y32, torch.Tensor):
        ctx.fail(f"`dropout` should return a torch.Tensor, got {type(y32).__name__}")
    if y32.shape != x32.shape or y32.dtype != x32.dtype:
        ctx.fail(f"`dropout` turned a {tuple(x32.shape)} {x32.dtype} tensor into a "
                 f"{tuple(y32.shape)} {y32.dtype} one: keep the shape and dtype of x")

    ctx.layer("values")
    for p in (0.2, 0.5, 0.8):
        ones = torch.ones(400, 250, dtype=torch.float64)
        y = as_float64(dropout(ones, p, True), "what `dropout` returns")
        if (y == y[0]).all() or (y == y[:, :1]).all():
            shared = "row" if (y == y[0]).all() else "column"
            ctx.fail(f"every {shared} of the output has the same dropout pattern: draw the mask "
                     "with the full shape of x, so each element is dropped independently")
        dropped = float(np.mean(y == 0))
        if abs(dropped - p) > 0.01:
            if abs(dropped - (1 - p)) <= 0.01:
                ctx.fail(f"with p={p} you drop {dropped:.1%} of the elements, which is 1 - p: "
                         "p is the probability of DROPPING an element, not of keeping it")
            ctx.fail(f"with p={p}, `dropout` zeroes {dropped:.1%} of the elements; expected "
                     f"{p:.0%} (within 1%)")
        kept = y[y != 0]
        scale = 1 / (1 - p)
        if not np.allclose(kept, scale, rtol=1e-12, atol=0):
            typical = float(np.median(kept))
            known = {1.0: "the survivors are not rescaled: inverted dropout multiplies them by "
                          "1/(1-p), so the expected value of each element stays the same",
                     1 - p: "you multiply the survivors by (1-p); inverted dropout divides them "
                            "by (1-p)",
                     1 / p: "you divide the survivors by p; divide by (1-p), the probability of "
                            "keeping an element"}
            for value, message in known.items():
                if abs(typical - value) < 1e-9:
                    ctx.fail(f"{message} (p={p}: survivors are {typical:.4g}, expected "
                             f"{scale:.4g})")
            ctx.fail(f"with p={p}, an input of ones should become 0 or 1/(1-p) = {scale:.6g}; "
                     f"got survivors like {typical:.6g}")
    x = torch.randn(50, 30, dtype=torch.float64)
    y_eval = dropout(x, 0.5, False)
    assert_close(y_eval, x, "`dropout(x, p=0.5, training=False)`", rtol=0, atol=0,
                 fingerprints=[Fingerprint(x * 0.5, "at eval you multiply by (1-p): that is the "
                                           "old non-inverted convention. With inverted dropout "
                                           "the rescaling happens in training, and eval is the "
                                           "identity")],
                 inputs="(eval must return x unchanged)")
    assert_close(dropout(x, 0.0, True), x, "`dropout(x, p=0, training=True)`", rtol=0, atol=0,
                 inputs="(p=0 keeps everything)")
    assert_close(dropout(x, 1.0, True), torch.zeros_like(x), "`dropout(x, p=1, training=True)`",
                 rtol=0, atol=0, inputs="(p=1 drops everything; avoid dividing by 1-p=0)")

    ctx.layer("gradients")
    x = (torch.rand(40, 30, dtype=torch.float64) + 0.5).requires_grad_(True)
    w = torch.randn(40, 30, dtype=torch.float64)
    y = dropout(x, 0.3, True)
    if not isinstance(y, torch.Tensor) or not y.requires_grad:
        ctx.fail("no gradient flows through `dropout`: build the output from x with torch "
                 "operations (no .detach(), .numpy() or torch.tensor(...) on x)")
    (y * w).sum().backward()
    if x.grad is None:
        ctx.fail("no gradient reached x through `dropout`")
    kept = (y.detach() != 0).double()
    assert_gradient_close(x.grad, w * kept / 0.7, "the gradient of dropout's input",
                          fingerprints=[Fingerprint(w * kept, "the gradient is not scaled by "
                                                    "1/(1-p): it must match the forward scaling")])

    ctx.layer("probes")
    ones = torch.ones(64, 100, dtype=torch.float64)
    first = dropout(ones, 0.5, True)
    if bool((dropout(ones, 0.5, True) == first).all()):
        ctx.fail("two calls of `dropout` dropped exactly the same elements: a new mask must be "
                 "drawn on every call (do not reseed inside dropout)")
    x = torch.randn(20, 10, dtype=torch.float64)
    saved = x.clone()
    dropout(x, 0.5, True)
    if not torch.equal(x, saved):
        ctx.fail("`dropout` modified its input in place: return a new tensor (the caller, and "
                 "autograd, may still need x)")


# --------------------------------------------------------------------------- batch norm


def bn_family(batches: list[np.ndarray], weight: np.ndarray, bias: np.ndarray, eps: float,
              momentum: float, eval_x: np.ndarray, bug: str = "") -> tuple[np.ndarray, ...]:
    """Training outputs (stacked), running mean, running var and eval output of a BN variant."""
    rm, rv = np.zeros_like(weight), np.ones_like(weight)
    outs = []
    for x in batches:
        mean, var_b, var_u = x.mean(0), x.var(0), x.var(0, ddof=1)
        var = var_u if bug == "unbiased_norm" else var_b
        denom = np.sqrt(var) + eps if bug == "eps_outside" else np.sqrt(var + eps)
        outs.append(weight * (x - mean) / denom + bias)
        if bug != "no_running":
            m = 1 - momentum if bug == "momentum_inverted" else momentum
            rm = (1 - m) * rm + m * mean
            rv = (1 - m) * rv + m * (var_b if bug == "biased_running" else var_u)
    if bug == "batch_stats_eval":
        mean, var = eval_x.mean(0), eval_x.var(0)
    else:
        mean, var = rm, rv
    eval_out = weight * (eval_x - mean) / np.sqrt(var + eps) + bias
    return np.concatenate(outs), rm, rv, eval_out


BN_BUGS = {
    "unbiased_norm": "in training you normalize with the unbiased batch variance (N-1); "
                     "PyTorch normalizes with the biased one (divide by N) and uses N-1 only for "
                     "the running estimate",
    "eps_outside": "eps is outside the square root: normalize by sqrt(var + eps)",
    "momentum_inverted": "your momentum convention is inverted: you keep `momentum` of the old "
                         "running value. In PyTorch momentum is the weight of the NEW batch: "
                         "running = (1 - momentum) * running + momentum * batch_statistic",
    "biased_running": "your running variance is the biased one (divide by N): PyTorch's "
                      "running_var uses the unbiased batch variance (divide by N - 1)",
    "no_running": "running_mean and running_var never change: update them on every forward "
                  "in training mode",
    "batch_stats_eval": "in eval mode you normalize with the batch's own statistics: eval must "
                        "use running_mean and running_var, so a prediction does not depend on "
                        "the rest of the batch",
}


def bn_fingerprints(family: dict[str, tuple[np.ndarray, ...]], which: int) -> list[Fingerprint]:
    return [Fingerprint(outs[which], BN_BUGS[bug]) for bug, outs in family.items()]


def check_batchnorm(ctx: CheckContext, cls: Any, rng: np.random.Generator) -> None:
    import torch
    from torch import nn

    ctx.layer("contract")
    bn = cls(6)
    if not isinstance(bn, nn.Module):
        ctx.fail("`BatchNorm1d` should subclass torch.nn.Module (so .train(), .eval(), .to() "
                 "and state_dict work)")
    params, buffers = dict(bn.named_parameters()), dict(bn.named_buffers())
    for name in ("weight", "bias"):
        if name not in params:
            ctx.fail(f"`BatchNorm1d(6)` has no parameter `{name}`: make it an nn.Parameter")
    for name in ("running_mean", "running_var"):
        if name not in buffers:
            ctx.fail(f"`BatchNorm1d(6)` has no buffer `{name}`: register it with "
                     f"self.register_buffer('{name}', ...) so state_dict and .to() carry it")
    start = {"weight": 1.0, "bias": 0.0, "running_mean": 0.0, "running_var": 1.0}
    for name, value in start.items():
        tensor = {**params, **buffers}[name]
        if tuple(tensor.shape) != (6,) or not bool((tensor == value).all()):
            ctx.fail(f"a new `BatchNorm1d(6)` should have `{name}` = {value:g} everywhere, "
                     f"shape (6,); got shape {tuple(tensor.shape)}")

    ctx.layer("values")
    for features, eps, momentum, count in ((6, 1e-5, 0.1, 50), (4, 1e-3, 0.3, 12)):
        shift = rng.uniform(-5, 5, features)
        scale = rng.uniform(0.1, 4, features)
        batches = [rng.standard_normal((int(rng.integers(4, 33)), features)) * scale + shift
                   for _ in range(count)]
        eval_x = rng.standard_normal((9, features)) * scale + shift
        weight, bias = rng.uniform(0.5, 2, features), rng.standard_normal(features)
        mine = cls(features, eps=eps, momentum=momentum).double()
        ref = nn.BatchNorm1d(features, eps=eps, momentum=momentum).double()
        with torch.no_grad():
            for module in (mine, ref):
                module.weight.copy_(torch.from_numpy(weight))
                module.bias.copy_(torch.from_numpy(bias))
            mine.train()
            ref.train()
            got = [as_float64(mine(torch.from_numpy(x)), "BatchNorm1d's output") for x in batches]
            expected = [ref(torch.from_numpy(x)).numpy() for x in batches]
            mine.eval()
            ref.eval()
            got_eval = mine(torch.from_numpy(eval_x))
            expected_eval = ref(torch.from_numpy(eval_x)).numpy()
        family = {bug: bn_family(batches, weight, bias, eps, momentum, eval_x, bug)
                  for bug in BN_BUGS}
        setting = f"(eps={eps:g}, momentum={momentum:g})"
        compare_batches(got, expected, bn_fingerprints(family, 0), setting)
        after = f"after {count} training batches {setting}"
        assert_close(mine.running_mean, ref.running_mean, "running_mean", rtol=1e-10,
                     fingerprints=bn_fingerprints(family, 1), inputs=after)
        assert_close(mine.running_var, ref.running_var, "running_var", rtol=1e-10,
                     fingerprints=bn_fingerprints(family, 2), inputs=after)
        assert_close(got_eval, expected_eval, "the eval-mode output", rtol=1e-10,
                     fingerprints=bn_fingerprints(family, 3), inputs=after)

    ctx.layer("gradients")
    mine, ref = cls(5).double(), nn.BatchNorm1d(5).double()
    weight, bias = rng.uniform(0.5, 2, 5), rng.standard_normal(5)
    with torch.no_grad():
        for module in (mine, ref):
            module.weight.copy_(torch.from_numpy(weight))
            module.bias.copy_(torch.from_numpy(bias))
    x_np = rng.standard_normal((16, 5)) * 3 + 1
    r = torch.from_numpy(rng.standard_normal((16, 5)))
    x_mine = torch.tensor(x_np, requires_grad=True)
    x_ref = torch.tensor(x_np, requires_grad=True)
    out = mine(x_mine)
    if not out.requires_grad:
        ctx.fail("no gradient flows through `BatchNorm1d`: compute the output with torch "
                 "operations on x, weight and bias")
    (out * r).sum().backward()
    (ref(x_ref) * r).sum().backward()
    for what, got_grad, exp_grad in (("the input", x_mine.grad, x_ref.grad),
                                     ("weight", mine.weight.grad, ref.weight.grad),
                                     ("bias", mine.bias.grad, ref.bias.grad)):
        if got_grad is None:
            ctx.fail(f"no gradient reached {what} of `BatchNorm1d`")
        assert_gradient_close(got_grad, exp_grad, f"the gradient with respect to {what}")

    ctx.layer("probes")
    for name in ("running_mean", "running_var"):
        buf = getattr(mine, name)
        if buf.requires_grad or buf.grad_fn is not None:
            ctx.fail(f"`{name}` is part of the autograd graph after a training step: update the "
                     "running statistics under torch.no_grad() (or from .detach()ed values), or "
                     "every step keeps the previous step's graph alive")
    mine.eval()
    before = (mine.running_mean.clone(), mine.running_var.clone())
    with torch.no_grad():
        mine(torch.from_numpy(x_np * 5 + 3))
    if not (torch.equal(before[0], mine.running_mean)
            and torch.equal(before[1], mine.running_var)):
        ctx.fail("the running statistics changed during an eval-mode forward: update them only "
                 "when self.training is True")


def compare_batches(got: list[np.ndarray], expected: list[np.ndarray],
                    fingerprints: list[Fingerprint], setting: str) -> None:
    """Name a known bug from all 50 outputs at once, else show the first batch that differs."""
    for g, e in zip(got, expected, strict=True):
        if g.shape != e.shape:
            raise CheckFailure(f"BatchNorm1d turned a batch of shape {e.shape} into {g.shape}",
                               "contract")
    stacked = np.concatenate(got)
    if np.allclose(stacked, np.concatenate(expected), rtol=1e-10, atol=1e-12):
        return
    named = match_fingerprint(stacked, fingerprints)
    if named:
        raise CheckFailure(f"{named} {setting}", "values")
    for k, (g, e) in enumerate(zip(got, expected, strict=True)):
        assert_close(g, e, "the training-mode output", rtol=1e-10, atol=1e-12,
                     inputs=f"on training batch {k + 1} of {len(got)} ({len(e)} rows) {setting}")


def run(ctx: CheckContext) -> None:
    import torch

    ctx.layer("contract")
    dropout = require_callable(ctx.learner, "dropout")
    cls = require_callable(ctx.learner, "BatchNorm1d")
    forbid_built_ins(ctx)
    require_signature(dropout, "dropout", torch.zeros(2, 2), 0.5, True)
    require_signature(cls, "BatchNorm1d", 6, eps=1e-5, momentum=0.1)
    torch.manual_seed(ctx.seed)
    check_dropout(ctx, dropout)
    check_batchnorm(ctx, cls, np.random.default_rng(ctx.seed))
