"""Check `least_squares`: `fit_linear(X, y) -> (w, b)` against np.linalg.lstsq in float64.

Layers: contract (a pair (w, b) of the right shapes; X and y untouched), then values: recover
w = [2, -3.4], b = 4.2 from synthetic data, match lstsq on several shapes, and match it on an
ill-conditioned X (condition number ~1e8), where solving the normal equations X^T X w = X^T y
loses most of its digits and is named.
"""

from __future__ import annotations

import numpy as np
from checklib import (
    CheckContext,
    CheckFailure,
    Fingerprint,
    as_float64,
    match_fingerprint,
    require_callable,
)
from checklib.prerequisites_calls import call_keeping_inputs, require_params

TRUE_W, TRUE_B = np.array([2.0, -3.4]), 4.2
RECOVER_TOL = 0.02
ILL_TOL = 1e-4  # stable solvers stay below ~4e-6 here, the normal equations above ~0.1


def run(ctx: CheckContext) -> None:
    ctx.layer("contract")
    fit_linear = require_callable(ctx.learner, "fit_linear")
    require_params(fit_linear, "fit_linear", "(X, y)", 2)
    rng = np.random.default_rng(ctx.seed)
    X = rng.normal(size=(1000, 2)) + np.array([1.0, -0.5])  # off-centre: the bias matters
    y = X @ TRUE_W + TRUE_B + rng.normal(scale=0.01, size=1000)
    w, b = _fit(fit_linear, X, y)

    ctx.layer("values")
    _against_lstsq(w, b, X, y, "on the synthetic data y = X @ [2, -3.4] + 4.2 + noise")
    worst = max(float(np.max(np.abs(w - TRUE_W))), abs(b - TRUE_B))
    ctx.metric("recovery_error", worst)
    if worst > RECOVER_TOL:
        ctx.fail(f"(w, b) = ({_vec(w)}, {b:.4f}) is {worst:.3g} away from the true "
                 f"([2, -3.4], 4.2); it should be within {RECOVER_TOL}")
    ctx.log(f"recovered w = {_vec(w)}, b = {b:.4f}")

    for n, d in [(30, 1), (50, 5), (4, 3)]:
        X = rng.normal(size=(n, d))
        y = rng.normal(size=n)
        w, b = _fit(fit_linear, X, y)
        _against_lstsq(w, b, X, y, f"on random data with X of shape {(n, d)}")

    for _ in range(2):
        X, y = _ill_conditioned(rng)
        _ill_conditioned_case(ctx, fit_linear, X, y)
    ctx.log("matches np.linalg.lstsq on an ill-conditioned X")


def _fit(fit_linear, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Call the learner and check the shape of what comes back: w (d,), b a number."""
    n, d = X.shape
    out = call_keeping_inputs(fit_linear, "fit_linear", X, y)
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise CheckFailure(f"`fit_linear` should return a pair (w, b); it returned "
                           f"{type(out).__name__}", "contract")
    w, b = out
    shape = np.shape(w)
    if shape == (d, 1):
        raise CheckFailure(
            f"w has shape {shape}; return a 1-D array of shape ({d},). A column-shaped w "
            "comes from a y of shape (n, 1): keep y 1-D (or w.ravel())", "contract")
    if shape == (d + 1,):
        raise CheckFailure(
            f"w has shape {shape}: it still holds the bias. Return w = coef[:-1] (shape "
            f"({d},)) and b = coef[-1] separately", "contract")
    if shape != (d,):
        raise CheckFailure(f"w has shape {shape}, expected ({d},) for X of shape {X.shape}",
                           "contract")
    if np.size(b) != 1:
        raise CheckFailure(f"b should be one number, got shape {np.shape(b)}", "contract")
    return as_float64(w, "w"), float(as_float64(b, "b").ravel()[0])


def _lstsq(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The oracle's coefficients [w..., b]."""
    X1 = np.column_stack([X, np.ones(len(X))])
    return np.linalg.lstsq(X1, y, rcond=None)[0]


def _against_lstsq(w: np.ndarray, b: float, X: np.ndarray, y: np.ndarray, inputs: str) -> None:
    want = _lstsq(X, y)
    got = np.append(w, b)
    scale = max(1.0, float(np.max(np.abs(want))))
    if np.max(np.abs(got - want)) <= 1e-6 * scale:
        return
    no_bias = np.linalg.lstsq(X, y, rcond=None)[0]
    if np.allclose(w, no_bias, rtol=1e-6, atol=1e-9):
        raise CheckFailure(
            f"{inputs}, your w equals the fit with no intercept: the column of ones (the bias "
            "column) is missing, so the line is forced through the origin and w absorbs the "
            "offset. Append np.ones(n) to X, solve, and split off the last weight as b", "values")
    mixed = ("w and b are mixed up: coef[0] is the bias when the column of ones comes first, "
             "coef[-1] when it comes last. Append the ones as the last column and split coef "
             "into w = coef[:-1] and b = coef[-1]")
    first = np.linalg.lstsq(np.column_stack([np.ones(len(X)), X]), y, rcond=None)[0]
    named = match_fingerprint(got, [
        Fingerprint(first, mixed),
        Fingerprint(np.append(want[1:], want[0]), mixed),
        Fingerprint(np.append(want[:-1], y.mean()),
                    "w is right but b = mean(y) is not the intercept: with X off-centre it is "
                    "b = mean(y) - mean(X, axis=0) @ w (or fit the column of ones along with w)"),
    ])
    if named:
        raise CheckFailure(named, "values")
    X1 = np.column_stack([X, np.ones(len(X))])
    grad = 2 * X1.T @ (X1 @ got - y) / len(y)
    labels = [f"w[{i}]" for i in range(len(w))] + ["b"]
    i = int(np.argmax(np.abs(got - want)))
    raise CheckFailure(
        f"(w, b) {inputs} is wrong at {labels[i]}: expected {want[i]:.6g}, got {got[i]:.6g}. "
        f"At your (w, b) the gradient of the mean squared error is {_vec(grad)}, not 0, so it "
        "is not the least-squares minimum (an iterative method that stops early lands here: "
        "solve exactly with np.linalg.lstsq)", "values")


def _ill_conditioned(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Three features, two of them equal up to 1e-8: cond([X, 1]) is about 2e8."""
    n = 200
    x1 = rng.normal(size=n)
    X = np.column_stack([x1, x1 + 1e-8 * rng.normal(size=n), rng.normal(size=n)])
    y = X @ np.array([1.0, 2.0, -1.0]) + 3.0 + 0.1 * rng.normal(size=n)
    return X, y


def _ill_conditioned_case(ctx: CheckContext, fit_linear, X: np.ndarray, y: np.ndarray) -> None:
    X1 = np.column_stack([X, np.ones(len(X))])
    cond = np.linalg.cond(X1)
    why = (f"That is the mark of solving the normal equations X^T X w = X^T y (with "
           f"np.linalg.inv or np.linalg.solve): forming X^T X squares the condition number, "
           f"here from {cond:.1g} to {cond ** 2:.1g}, and float64 holds only about 16 digits. "
           "Solve the least-squares problem itself: np.linalg.lstsq(X1, y, rcond=None)")
    try:
        w, b = _fit(fit_linear, X, y)
    except np.linalg.LinAlgError as exc:
        raise CheckFailure(
            f"on an ill-conditioned X (two nearly equal columns, condition number {cond:.1g}) "
            f"your code raised LinAlgError ({exc}). {why}", "values") from None
    want = _lstsq(X, y)
    got = np.append(w, b)
    error = float(np.max(np.abs(got - want)) / np.max(np.abs(want)))
    ctx.metric("ill_conditioned_rel_error", error)
    if not np.isfinite(error) or error > ILL_TOL:
        raise CheckFailure(
            f"on an ill-conditioned X (two nearly equal columns, condition number {cond:.1g}), "
            f"your (w, b) differs from np.linalg.lstsq's by a relative {error:.2g} (allowed "
            f"{ILL_TOL:g}), although it was right on well-conditioned data. {why}", "values")


def _vec(values: np.ndarray) -> str:
    return "[" + ", ".join(f"{v:.4g}" for v in np.ravel(values)) + "]"
