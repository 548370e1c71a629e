"""Check SGD-momentum, Adam and AdamW steps against torch.optim on the same 20 gradients, float64.

Layers: contract (three functions returning tuples of arrays of the right shape), values (the
parameter and the state after each of 20 steps, rtol 1e-10, with a learning rate that changes
every step so the two momentum conventions differ), probes (the gradient is not modified, and no
hidden state survives between calls).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from checklib import CheckContext, CheckFailure, Fingerprint, as_float64, require_callable
from checklib.fingerprints import match_fingerprint
from checklib.optimization_contract import require_signature

STEPS = 20
RTOL, ATOL = 1e-10, 1e-12


def lr_sequence(base: float) -> np.ndarray:
    """A learning rate that warms up then decays, so every step uses a different one."""
    k = np.arange(STEPS)
    return base * np.minimum(1.0, (k + 1) / 5) * (0.55 + 0.45 * np.cos(np.pi * k / STEPS))


def gradients(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """20 gradients whose entries span five orders of magnitude, with a few exact zeros."""
    scales = 10.0 ** rng.integers(-3, 2, size=shape)
    g = rng.standard_normal((STEPS, *shape)) * scales
    g[rng.random((STEPS, *shape)) < 0.05] = 0.0
    return g


# ---------------------------------------------------------------- the oracle: torch.optim


def torch_trajectory(kind: str, p0: np.ndarray, grads: np.ndarray, lrs: np.ndarray,
                     **hp: Any) -> tuple[np.ndarray, ...]:
    """Parameters (and state) after each step of torch.optim.<kind>, in float64."""
    import torch

    p = torch.tensor(p0, dtype=torch.float64, requires_grad=True)
    if kind == "sgd":
        opt: Any = torch.optim.SGD([p], lr=float(lrs[0]), foreach=False, **hp)
        keys = ["momentum_buffer"]
    else:
        betas = (hp.pop("beta1"), hp.pop("beta2"))
        cls = torch.optim.Adam if kind == "adam" else torch.optim.AdamW
        opt = cls([p], lr=float(lrs[0]), betas=betas, foreach=False, **hp)
        keys = ["exp_avg", "exp_avg_sq"]
    params, states = [], {key: [] for key in keys}
    for g, lr in zip(grads, lrs, strict=True):
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.param_groups[0]["lr"] = float(lr)
        opt.step()
        params.append(p.detach().numpy().copy())
        for key in keys:
            states[key].append(opt.state[p][key].detach().numpy().copy())
    return (np.array(params), *(np.array(states[key]) for key in keys))


# ------------------------------------------------- known wrong variants, for fingerprints


def sgd_variant(p0: np.ndarray, grads: np.ndarray, lrs: np.ndarray, momentum: float,
                weight_decay: float, bug: str) -> tuple[np.ndarray, np.ndarray]:
    p, buf = p0.copy(), np.zeros_like(p0)
    params, bufs = [], []
    for g, lr in zip(grads, lrs, strict=True):
        d = g if bug in ("no_decay", "decay_outside") else g + weight_decay * p
        if bug == "lr_in_buffer":
            buf = momentum * buf + lr * d
            p = p - buf
        elif bug == "dampened":
            buf = momentum * buf + (1 - momentum) * d
            p = p - lr * buf
        elif bug == "decay_outside":
            buf = momentum * buf + d
            p = p - lr * (buf + weight_decay * p)
        else:
            buf = momentum * buf + d
            p = p - lr * buf
        params.append(p)
        bufs.append(buf)
    return np.array(params), np.array(bufs)


def adam_variant(p0: np.ndarray, grads: np.ndarray, lrs: np.ndarray, beta1: float,
                 beta2: float, eps: float, weight_decay: float, decoupled: bool,
                 bug: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    p, m, v = p0.copy(), np.zeros_like(p0), np.zeros_like(p0)
    params, ms, vs = [], [], []
    for t, (g, lr) in enumerate(zip(grads, lrs, strict=True), start=1):
        dec = decoupled != (bug == "swap_decay")
        if bug == "no_decay":
            d = g
        elif dec:
            d = g
            if bug == "decay_no_lr":
                p = p * (1 - weight_decay)
            elif bug != "decay_after":
                p = p * (1 - lr * weight_decay)
        else:
            d = g + weight_decay * p
        m = beta1 * m + (1 - beta1) * d
        v = beta2 * v + (1 - beta2) * d * d
        mh = m if bug in ("no_bias_correction", "only_v_corrected") else m / (1 - beta1**t)
        vh = v if bug in ("no_bias_correction", "only_m_corrected") else v / (1 - beta2**t)
        denom = np.sqrt(vh + eps) if bug == "eps_in_sqrt" else np.sqrt(vh) + eps
        p = p - lr * mh / denom
        if bug == "decay_after" and dec:
            p = p * (1 - lr * weight_decay)
        params.append(p)
        ms.append(m)
        vs.append(v)
    return np.array(params), np.array(ms), np.array(vs)


SGD_BUGS = {
    "lr_in_buffer": "your momentum buffer holds lr * gradient (v = momentum*v + lr*g; p -= v). "
                    "That convention matches PyTorch's only while lr is constant; with a schedule "
                    "it differs. PyTorch keeps lr out of the buffer: buf = momentum*buf + g; "
                    "p -= lr*buf",
    "dampened": "your buffer is an average: buf = momentum*buf + (1-momentum)*g. PyTorch's "
                "buffer is a sum, buf = momentum*buf + g (no (1-momentum) factor)",
    "no_decay": "weight_decay is ignored: SGD adds weight_decay * param to the gradient "
                "before the momentum buffer",
    "decay_outside": "weight decay is added after the momentum buffer; PyTorch adds "
                     "weight_decay * param to the gradient first, so it enters the buffer",
}
ADAM_BUGS = {
    "no_bias_correction": "no bias correction: divide m by (1 - beta1**t) and v by "
                          "(1 - beta2**t) before the update; without it both start biased "
                          "toward zero and the early steps have the wrong size",
    "only_m_corrected": "only m is bias-corrected: v needs v / (1 - beta2**t) too",
    "only_v_corrected": "only v is bias-corrected: m needs m / (1 - beta1**t) too",
    "eps_in_sqrt": "eps is inside the square root (sqrt(v_hat + eps)); PyTorch adds it "
                   "outside: sqrt(v_hat) + eps",
}


def sgd_fingerprints(p0, grads, lrs, momentum, weight_decay, which: int) -> list[Fingerprint]:
    return [Fingerprint(sgd_variant(p0, grads, lrs, momentum, weight_decay, bug)[which], msg,
                        rtol=1e-8, atol=1e-10) for bug, msg in SGD_BUGS.items()]


def adam_fingerprints(p0, grads, lrs, hp: dict[str, float], decoupled: bool,
                      which: int) -> list[Fingerprint]:
    bugs = dict(ADAM_BUGS)
    if decoupled:
        bugs["swap_decay"] = ("your AdamW adds weight_decay * param to the gradient (an L2 "
                              "penalty, as in Adam): AdamW decouples it, param *= "
                              "(1 - lr*weight_decay), and the decay never enters m or v")
        bugs["decay_no_lr"] = ("your decay is param *= (1 - weight_decay); PyTorch's AdamW "
                               "multiplies by lr: param *= (1 - lr*weight_decay)")
        bugs["decay_after"] = ("you decay the parameter after the Adam update; PyTorch's "
                               "AdamW decays it first, then applies the update")
        bugs["no_decay"] = "weight_decay is ignored: AdamW shrinks param by (1 - lr*weight_decay)"
    else:
        bugs["swap_decay"] = ("your Adam decays the parameter directly (decoupled, as in "
                              "AdamW); torch.optim.Adam's weight_decay is an L2 penalty: add "
                              "weight_decay * param to the gradient before m and v")
        bugs["no_decay"] = ("weight_decay is ignored: Adam adds weight_decay * param to the "
                            "gradient before updating m and v")
    return [Fingerprint(adam_variant(p0, grads, lrs, decoupled=decoupled, bug=bug, **hp)[which],
                        msg, rtol=1e-8, atol=1e-10) for bug, msg in bugs.items()]


# ------------------------------------------------------------------- running the learner


def call_step(ctx: CheckContext, fn: Callable[..., Any], name: str, n_out: int,
              args: tuple[np.ndarray, ...], t: int | None, hp: dict[str, float],
              shape: tuple[int, ...]) -> tuple[np.ndarray, ...]:
    """Call the learner's step on copies of the inputs; check the tuple it returns."""
    copies = [a.copy() for a in args]
    out = fn(*copies, **hp) if t is None else fn(*copies, t, **hp)
    names = "(new_param, new_buf)" if n_out == 2 else "(new_param, new_m, new_v)"
    if out is None:
        ctx.fail(f"`{name}` returns None: return {names} (the caller keeps the state)",
                 "contract")
    if not isinstance(out, (tuple, list)) or len(out) != n_out:
        ctx.fail(f"`{name}` should return a tuple {names}, got {type(out).__name__}"
                 + (f" of length {len(out)}" if isinstance(out, (tuple, list)) else ""),
                 "contract")
    arrays = tuple(as_float64(o, f"what `{name}` returns") for o in out)
    for label, arr in zip(names.strip("()").split(", "), arrays, strict=True):
        if arr.shape != shape:
            ctx.fail(f"`{name}` returns {label} of shape {arr.shape}; expected {shape}, the "
                     "parameter's shape", "contract")
    return arrays


def learner_trajectory(ctx: CheckContext, fn: Callable[..., Any], name: str, n_out: int,
                       p0: np.ndarray, grads: np.ndarray, lrs: np.ndarray,
                       hp: dict[str, float]) -> tuple[np.ndarray, ...]:
    state = [p0.copy()] + [np.zeros_like(p0) for _ in range(n_out - 1)]
    history: list[list[np.ndarray]] = [[] for _ in range(n_out)]
    for step, (g, lr) in enumerate(zip(grads, lrs, strict=True), start=1):
        t = None if n_out == 2 else step
        args = (state[0], g, *state[1:])
        state = list(call_step(ctx, fn, name, n_out, args, t, {**hp, "lr": float(lr)},
                               p0.shape))
        for h, s in zip(history, state, strict=True):
            h.append(s)
    return tuple(np.array(h) for h in history)


def compare_trajectory(got: np.ndarray, expected: np.ndarray, what: str, setting: str,
                       fingerprints: list[Fingerprint]) -> None:
    """Fail at the first step where ``got`` leaves ``expected``; name the bug where one fits."""
    if np.allclose(got, expected, rtol=RTOL, atol=ATOL):
        return
    named = match_fingerprint(got, fingerprints)
    if named:
        raise CheckFailure(f"{named} (seen in {what}, {setting})", "values")
    bad = ~np.isclose(got, expected, rtol=RTOL, atol=ATOL)
    step = int(np.argmax(bad.reshape(STEPS, -1).any(axis=1)))
    excess = np.abs(got[step] - expected[step]) - RTOL * np.abs(expected[step])
    index = np.unravel_index(int(np.argmax(excess)), excess.shape)
    where = f" at index {[int(i) for i in index]}" if excess.ndim else ""
    raise CheckFailure(
        f"{what} is wrong after step {step + 1} of {STEPS}{where} ({setting}): expected "
        f"{expected[step][index]:.12g}, got {got[step][index]:.12g}", "values")


def describe(hp: dict[str, float]) -> str:
    return ", ".join(f"{k}={v:g}" for k, v in hp.items()) + ", lr changing every step"


def pure_calls(sgd: Callable[..., Any], adam: Callable[..., Any], adamw: Callable[..., Any],
               rng: np.random.Generator) -> list[tuple[str, Callable[[np.ndarray], Any], Any]]:
    """One call of each step function on fixed inputs, as a function of the gradient array."""
    p, g = rng.standard_normal(5), rng.standard_normal(5)
    m, v = rng.standard_normal(5) * 0.1, rng.random(5) * 0.01
    return [
        ("sgd_momentum_step", lambda grad: sgd(p.copy(), grad, m.copy(), lr=0.1, momentum=0.9,
                                               weight_decay=0.1), g),
        ("adam_step", lambda grad: adam(p.copy(), grad, m.copy(), v.copy(), 3, lr=0.01,
                                        weight_decay=0.1), g),
        ("adamw_step", lambda grad: adamw(p.copy(), grad, m.copy(), v.copy(), 3, lr=0.01,
                                          weight_decay=0.1), g),
    ]


# ---------------------------------------------------------------------------- the check


def run(ctx: CheckContext) -> None:
    ctx.layer("contract")
    sgd = require_callable(ctx.learner, "sgd_momentum_step")
    adam = require_callable(ctx.learner, "adam_step")
    adamw = require_callable(ctx.learner, "adamw_step")
    rng = np.random.default_rng(ctx.seed)
    p = rng.standard_normal((2, 3))
    g = rng.standard_normal((2, 3))
    zero = np.zeros((2, 3))
    require_signature(sgd, "sgd_momentum_step", p, g, zero, lr=0.1, momentum=0.9,
                      weight_decay=0.0)
    adam_hp = {"lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0}
    require_signature(adam, "adam_step", p, g, zero, zero, 1, **adam_hp)
    require_signature(adamw, "adamw_step", p, g, zero, zero, 1, **adam_hp)
    call_step(ctx, sgd, "sgd_momentum_step", 2, (p, g, zero), None,
              {"lr": 0.1, "momentum": 0.9}, (2, 3))
    for fn, name in ((adam, "adam_step"), (adamw, "adamw_step")):
        call_step(ctx, fn, name, 3, (p, g, zero, zero), 1, {"lr": 0.1}, (2, 3))
    for name, call, g in pure_calls(sgd, adam, adamw, rng):
        first, second = call(g.copy()), call(g.copy())
        if not isinstance(first, (tuple, list)) or not isinstance(second, (tuple, list)):
            ctx.fail(f"`{name}` should return a tuple of arrays every time it is called")
        pairs = zip(first, second, strict=False)
        if any(not np.array_equal(as_float64(a), as_float64(b)) for a, b in pairs):
            ctx.fail(f"`{name}` gave two different answers to the same call: is it keeping "
                     "a hidden counter or state between calls? Everything it needs comes in "
                     "through its arguments (for Adam, the step number t)")

    ctx.layer("values")
    for shape, base, hp in (((4, 3), 0.1, {"momentum": 0.9, "weight_decay": 0.0}),
                            ((6,), 0.05, {"momentum": 0.8, "weight_decay": 0.05})):
        p0, grads, lrs = rng.standard_normal(shape), gradients(rng, shape), lr_sequence(base)
        got_p, got_buf = learner_trajectory(ctx, sgd, "sgd_momentum_step", 2, p0, grads, lrs, hp)
        exp_p, exp_buf = torch_trajectory("sgd", p0, grads, lrs, **hp)
        setting = describe(hp)
        compare_trajectory(got_p, exp_p, "the parameter from `sgd_momentum_step`", setting,
                           sgd_fingerprints(p0, grads, lrs, hp["momentum"],
                                            hp["weight_decay"], 0))
        compare_trajectory(got_buf, exp_buf, "the momentum buffer from `sgd_momentum_step`",
                           setting, sgd_fingerprints(p0, grads, lrs, hp["momentum"],
                                                     hp["weight_decay"], 1))

    adam_cases = (
        ((3, 5), 0.01, {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0}),
        ((7,), 0.02, {"beta1": 0.8, "beta2": 0.95, "eps": 1e-3, "weight_decay": 0.1}),
    )
    adamw_cases = (
        ((4, 4), 0.01, {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.1}),
        ((5,), 0.05, {"beta1": 0.85, "beta2": 0.98, "eps": 1e-6, "weight_decay": 0.3}),
    )
    for fn, name, kind, cases in ((adam, "adam_step", "adam", adam_cases),
                                  (adamw, "adamw_step", "adamw", adamw_cases)):
        for shape, base, hp in cases:
            p0, grads, lrs = rng.standard_normal(shape), gradients(rng, shape), lr_sequence(base)
            got = learner_trajectory(ctx, fn, name, 3, p0, grads, lrs, hp)
            expected = torch_trajectory(kind, p0, grads, lrs, **hp)
            setting = describe(hp)
            for which, label in enumerate(("the parameter", "m (the first moment)",
                                           "v (the second moment)")):
                compare_trajectory(got[which], expected[which], f"{label} from `{name}`", setting,
                                   adam_fingerprints(p0, grads, lrs, hp, kind == "adamw", which))

    ctx.layer("probes")
    for name, call, g in pure_calls(sgd, adam, adamw, rng):
        grad = g.copy()
        call(grad)
        if not np.array_equal(grad, g):
            ctx.fail(f"`{name}` changed the gradient array it was given (an in-place `grad += "
                     "...` or `grad *= ...`): a training loop reads .grad again (for logging, "
                     "clipping or accumulation), so build a new array instead")
