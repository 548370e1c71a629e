"""Check `numerical_gradient`: centered differences and the relative error, in float64.

Layers: contract (signatures, shapes, x restored after every call), values (rel_error against
its formula; on f = sum(x^3) with h = 1e-3 the centered difference is exactly 3x^2 + h^2, which
tells a forward difference, a missing 2 and an ignored h apart), then gradients: functions of
1-D, 2-D, non-contiguous and 3-D arrays against their analytic gradients, rel < 1e-7.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import numpy as np
from checklib import (
    CheckContext,
    CheckFailure,
    Fingerprint,
    as_float64,
    assert_close,
    assert_gradient_close,
    match_fingerprint,
    require_callable,
)
from checklib.gradients import rel_error as oracle_rel_error
from checklib.prerequisites_calls import require_params
from scipy import special

H = 1e-5


def run(ctx: CheckContext) -> None:
    ctx.layer("contract")
    grad_fn = require_callable(ctx.learner, "numerical_gradient")
    rel_fn = require_callable(ctx.learner, "rel_error")
    require_params(grad_fn, "numerical_gradient", "(f, x, h=1e-5)", 3)
    require_params(rel_fn, "rel_error", "(a, b)", 2)
    default = inspect.signature(grad_fn).parameters.get("h")
    if default is None or default.default != H:
        raise CheckFailure("keep the stub's default step: `numerical_gradient(f, x, h=1e-5)`",
                           "contract")
    rng = np.random.default_rng(ctx.seed)
    x = rng.normal(size=4)
    _gradient(grad_fn, _Watched(lambda z: float(z @ z), x.shape), x)
    out = rel_fn(np.ones(3), np.ones(3) + 1e-3)
    if np.ndim(out) != 0:
        raise CheckFailure(f"`rel_error` of two arrays of shape (3,) returned shape "
                           f"{np.shape(out)}: return one number, the max over elements", "contract")

    ctx.layer("values")
    _rel_error_values(rel_fn, rng)
    _cubic(grad_fn, rng)
    ctx.log("rel_error and the centered difference match their formulas")

    ctx.layer("gradients")
    for name, f, x, analytic in _cases(rng):
        got = _gradient(grad_fn, _Watched(f, x.shape), x)  # the default h
        assert_gradient_close(got, analytic, f"the numerical gradient of {name}",
                              fingerprints=_gradient_bugs(f, x, analytic))
        ctx.log(f"gradient of {name}: rel error {oracle_rel_error(got, analytic):.1e}")


class _Watched:
    """A test function f that insists on receiving an array of x's shape."""

    def __init__(self, func: Callable[[np.ndarray], float], shape: tuple[int, ...]) -> None:
        self.func, self.shape = func, shape

    def __call__(self, z: np.ndarray) -> float:
        if np.shape(z) != self.shape:
            raise CheckFailure(
                f"`numerical_gradient` called f with something of shape {np.shape(z)}, but x has "
                f"shape {self.shape}: call f on the whole perturbed x (or a copy of the same "
                "shape), not on one entry or a flattened array")
        return self.func(np.asarray(z, dtype=np.float64))


def _gradient(grad_fn, f: _Watched, x: np.ndarray, *h: float) -> np.ndarray:
    """The learner's gradient, after checking its shape and that x came back unchanged."""
    before = x.copy()
    out = grad_fn(f, x, *h)
    if x.shape != before.shape:
        raise CheckFailure(f"`numerical_gradient` reshaped x from {before.shape} to {x.shape}",
                           "contract")
    moved = np.abs(x - before)
    if moved.max() > 1e-12 * (1.0 + np.abs(before).max()):
        index = tuple(int(i) for i in np.unravel_index(np.argmax(moved), x.shape))
        step = float(x[index] - before[index])
        raise CheckFailure(
            f"when `numerical_gradient` returned, x{list(index)} was {x[index]:.10g} instead of "
            f"{before[index]:.10g} (moved by {step:.3g}): each entry must be restored after it is "
            "perturbed, or the next entries are measured at the wrong point and the caller's x "
            "is damaged. Save old = x[i], set old + h, then old - h, then x[i] = old",
            "contract")
    if not isinstance(out, np.ndarray):
        raise CheckFailure(f"`numerical_gradient` returned {type(out).__name__}; return a NumPy "
                           "array", "contract")
    if out.shape != x.shape:
        raise CheckFailure(f"`numerical_gradient` returned shape {out.shape} for x of shape "
                           f"{x.shape}: a gradient has the shape of x", "contract")
    return as_float64(out, "the gradient")


def _rel_error_values(rel_fn, rng: np.random.Generator) -> None:
    a = rng.normal(size=(3, 4))
    b = a * (1 + 1e-3 * rng.normal(size=(3, 4)))
    b[1, 2] = 1.5 * a[1, 2]
    diff = np.abs(a - b)
    ratio = diff / np.maximum(1e-8, np.abs(a) + np.abs(b))
    assert_close(
        as_float64(rel_fn(a, b), "rel_error's result"), ratio.max(), "rel_error", rtol=1e-10,
        inputs="on two (3, 4) arrays",
        fingerprints=[
            Fingerprint(ratio.mean(), "rel_error averages the elementwise errors; take the max, "
                        "so that one bad entry is not hidden by many good ones"),
            Fingerprint((diff / np.abs(a)).max(), "rel_error divides by |a| alone; divide by "
                        "max(1e-8, |a| + |b|), which is symmetric in a and b"),
            Fingerprint((diff / np.maximum(np.abs(a), np.abs(b))).max(),
                        "rel_error divides by max(|a|, |b|); this course uses "
                        "max(1e-8, |a| + |b|), the convention its thresholds are set for"),
            Fingerprint(diff.max(), "rel_error returns the absolute error max |a - b|; divide "
                        "each element by max(1e-8, |a| + |b|)"),
        ],
    )
    got = as_float64(rel_fn(np.zeros(3), np.zeros(3)), "rel_error's result")
    if not np.isfinite(got) or got != 0.0:
        raise CheckFailure(
            f"rel_error of two zero arrays is {float(got):.3g}, expected 0: two zero gradients "
            "agree, but 0 / (|0| + |0|) is nan. Divide by max(1e-8, |a| + |b|)", "values")
    got = as_float64(rel_fn(2.0, 2.0 + 4e-9), "rel_error's result")
    assert_close(got, 4e-9 / (4.0 + 4e-9), "rel_error", rtol=1e-6, inputs="on 2.0 and 2.0 + 4e-9")


def _cubic(grad_fn, rng: np.random.Generator) -> None:
    """On sum(x^3) the centered difference is 3x^2 + h^2 exactly; each bug gives another formula."""
    h = 1e-3
    x = rng.uniform(0.5, 2.0, size=5) * rng.choice([-1.0, 1.0], size=5)
    got = _gradient(grad_fn, _Watched(lambda z: float(np.sum(z ** 3)), x.shape), x, h)
    forward = 3 * x ** 2 + 3 * x * h + h ** 2
    want = 3 * x ** 2 + h ** 2
    if np.allclose(got, want, rtol=1e-9, atol=1e-12):
        return
    named = match_fingerprint(got, [
        Fingerprint(forward, "this is a forward difference (f(x + h) - f(x)) / h: its error "
                    "shrinks like h, not h^2. Use (f(x + h) - f(x - h)) / (2h)", rtol=1e-9),
        Fingerprint(3 * x ** 2 - 3 * x * h + h ** 2, "this is a backward difference "
                    "(f(x) - f(x - h)) / h. Use (f(x + h) - f(x - h)) / (2h)", rtol=1e-9),
        Fingerprint(2 * want, "every entry is twice too large: f(x + h) and f(x - h) are 2h "
                    "apart, so divide by 2h, not h", rtol=1e-9),
        Fingerprint(forward / 2, "you get half a forward difference: f(x + h) and f(x - h) were "
                    "not both measured. `x_plus = x` does not copy, it names the same array; use "
                    "x.copy(), or save and restore x[i]", rtol=1e-9),
        Fingerprint(3 * x ** 2 + H ** 2, "the `h` argument is ignored (you used 1e-5 when the "
                    "call asked for h=1e-3): use the parameter", rtol=1e-8, atol=0.0),
        Fingerprint(np.zeros_like(x), "the gradient is all zeros: f gave the same value for "
                    "x + h and x - h. Is f called on the perturbed array? (`x_plus = x` does not "
                    "copy: both names see the same array)"),
    ])
    if named:
        raise CheckFailure(named, "values")
    i = int(np.argmax(np.abs(got - want)))
    raise CheckFailure(
        f"numerical_gradient of f(x) = sum(x**3) with h=1e-3 is wrong at x[{i}] = {x[i]:.6g}: "
        f"the centered difference there is exactly 3x^2 + h^2 = {want[i]:.12g}, you got "
        f"{got[i]:.12g}", "values")


def _cases(rng: np.random.Generator) -> list[tuple[str, Callable, np.ndarray, np.ndarray]]:
    """Test functions with their analytic gradients, whose entries all stay away from 0.

    The elementwise relative error of a near-zero entry is large even for a right answer
    (rounding ~1e-11 over a tiny |a| + |b|), so the inputs are drawn to avoid that.
    """

    def away_from_zero(*shape: int) -> np.ndarray:
        return rng.uniform(0.5, 1.5, size=shape) * rng.choice([-1.0, 1.0], size=shape)

    Q = rng.normal(size=(4, 4))
    Q = Q + Q.T
    x = rng.normal(size=4)
    c = away_from_zero(4) - Q @ x  # so that the gradient Q x + c is away from 0
    v = away_from_zero(4)
    W = rng.normal(scale=0.3, size=(3, 4))
    Wt = rng.normal(scale=0.3, size=(4, 3)).T  # non-contiguous: x.ravel() would copy
    z = rng.normal(size=6)
    T = rng.uniform(0.3, 1.2, size=(2, 3, 2))

    def tanh_grad(M: np.ndarray) -> np.ndarray:
        return (1 - np.tanh(M @ v) ** 2)[:, None] * v[None, :]

    return [
        ("0.5 x^T Q x + c.x", lambda a: 0.5 * a @ Q @ a + c @ a, x, Q @ x + c),
        ("sum(tanh(W @ v)) with W of shape (3, 4)", lambda M: np.sum(np.tanh(M @ v)), W,
         tanh_grad(W)),
        ("sum(tanh(W @ v)) with a transposed (non-contiguous) W", lambda M: np.sum(np.tanh(M @ v)),
         Wt, tanh_grad(Wt)),
        ("logsumexp(z) (its gradient is softmax(z))", lambda a: special.logsumexp(a), z,
         special.softmax(z)),
        ("sum(sin(T) * T**2) with T of shape (2, 3, 2)", lambda a: np.sum(np.sin(a) * a ** 2), T,
         np.cos(T) * T ** 2 + 2 * T * np.sin(T)),
    ]


def _gradient_bugs(f: Callable, x: np.ndarray, analytic: np.ndarray) -> list[Fingerprint]:
    """The gradients that known bugs produce on this function, with the default h."""
    forward = np.zeros_like(x)
    z = x.copy()
    f0 = float(f(z))
    for index in np.ndindex(x.shape):
        z[index] = x[index] + H
        forward[index] = (float(f(z)) - f0) / H
        z[index] = x[index]
    bugs = [
        Fingerprint(forward, "this is a forward difference (f(x + h) - f(x)) / h, whose error "
                    "is about h * f''/2 (relative ~1e-5 here, 100x over 1e-7). Use the centered "
                    "(f(x + h) - f(x - h)) / (2h), whose error shrinks like h^2",
                    rtol=1e-7, atol=1e-9),
        Fingerprint(2 * analytic, "every entry is twice too large: divide by 2h, not h",
                    rtol=1e-6),
        Fingerprint(np.zeros_like(x), "the gradient is all zeros: f never saw the perturbation. "
                    "x.ravel() and x.reshape(-1) return a copy when x is not contiguous (a "
                    "transposed array, for one): perturb x[index] itself, e.g. with "
                    "np.ndindex(x.shape)"),
    ]
    if x.ndim == 2:
        rows = np.repeat(analytic.sum(axis=1, keepdims=True), x.shape[1], axis=1)
        bugs.append(Fingerprint(rows, "each row of the gradient holds one number: x[i] += h on "
                                "a 2-D x moves a whole row. Visit every entry with "
                                "np.ndindex(x.shape) (or x.flat / np.nditer)", rtol=1e-6))
    return bugs
