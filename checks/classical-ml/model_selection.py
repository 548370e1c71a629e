"""Check: polynomial features and least squares against NumPy, a validation curve against an
oracle (with the usual mistakes fingerprinted), and degree selection on noisy sine curves."""

from __future__ import annotations

from typing import Any

import numpy as np
from checklib import CheckContext, Fingerprint, as_float64, assert_close, require_callable

DEGREES = list(range(1, 10))  # starts at 1, so a position is never mistaken for a degree
N_TRAIN, N_VAL, NOISE = 15, 100, 0.3
DRAWS = 15  # the median pick over 15 data sets was in 3..5 for all of 20000 seeds tried
RTOL = 1e-3  # solving the normal equations instead of lstsq is off by up to ~2e-4 at degree 9


def sine_data(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    x = rng.uniform(-1.0, 1.0, n)
    return x, np.sin(np.pi * x) + NOISE * rng.standard_normal(n)


def _oracle_fit(x: np.ndarray, y: np.ndarray, degree: int) -> np.ndarray:
    return np.linalg.lstsq(np.vander(x, degree + 1, increasing=True), y, rcond=None)[0]


def _mse(w: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((np.vander(x, len(w), increasing=True) @ w - y) ** 2))


def oracle_curve(xt: np.ndarray, yt: np.ndarray, xv: np.ndarray, yv: np.ndarray,
                 fit_x: np.ndarray | None = None, fit_y: np.ndarray | None = None,
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Training and validation MSE per degree, fitting on (fit_x, fit_y) (the training data
    unless given)."""
    fx, fy = (xt, yt) if fit_x is None else (fit_x, fit_y)
    fits = [_oracle_fit(fx, fy, d) for d in DEGREES]
    return (np.array([_mse(w, xt, yt) for w in fits]), np.array([_mse(w, xv, yv) for w in fits]))


def _check_design_matrix(ctx: CheckContext, design_matrix: Any) -> None:
    x = np.array([-1.5, -0.5, 0.0, 0.3, 2.0])
    for degree in (0, 1, 3, 6):
        got = as_float64(design_matrix(x.copy(), degree), "design_matrix's result")
        expected = np.vander(x, degree + 1, increasing=True)
        if got.shape == (len(x), degree) and degree and np.allclose(got, expected[:, 1:]):
            ctx.fail(f"design_matrix(x, {degree}) has no constant column: the columns must start "
                     "at x**0 (all ones), which carries the intercept", "values")
        assert_close(got, expected, f"design_matrix(x, {degree})", rtol=1e-12, atol=1e-12,
                     inputs=f"on x = {x.tolist()}", fingerprints=[Fingerprint(
                         np.vander(x, degree + 1),
                         "your columns go from the highest power down; the contract is lowest "
                         "first: x**0, x**1, ..., x**degree (np.vander needs increasing=True)")])


def _check_fit_and_predict(ctx: CheckContext, fit_polynomial: Any, predict: Any) -> None:
    x = np.linspace(-1.0, 1.0, 12)
    w_true = np.array([1.5, -2.0, 0.0, 0.5])
    y = np.vander(x, 4, increasing=True) @ w_true
    got = as_float64(fit_polynomial(x.copy(), y.copy(), 3), "fit_polynomial's result")
    assert_close(got, w_true, "fit_polynomial(x, y, 3)", rtol=0, atol=1e-8,
                 inputs="on noise-free y = 1.5 - 2x + 0.5x^3", fingerprints=[Fingerprint(
                     w_true[::-1], "your coefficients are highest power first; return them "
                     "lowest first, w[0] being the constant term", atol=1e-8)])
    rng = np.random.default_rng(10 + ctx.seed)
    x, y = sine_data(rng, N_TRAIN)
    for degree in (0, 2, 5):
        assert_close(fit_polynomial(x.copy(), y.copy(), degree), _oracle_fit(x, y, degree),
                     f"fit_polynomial(x, y, {degree})", rtol=1e-6, atol=1e-6,
                     inputs="on 15 noisy points (vs np.linalg.lstsq)")
    w = rng.standard_normal(4)
    xs = np.linspace(-1.0, 1.0, 7)
    assert_close(predict(w.copy(), xs.copy()), np.polynomial.polynomial.polyval(xs, w),
                 "predict_polynomial(w, x)", rtol=1e-10, atol=1e-12, fingerprints=[Fingerprint(
                     np.polyval(w, xs), "predict_polynomial reads w highest power first; w[0] "
                     "is the constant term")])


def _check_curve(ctx: CheckContext, validation_curve: Any, data: tuple) -> None:
    xt, yt, xv, yv = data
    result = validation_curve(xt.copy(), yt.copy(), xv.copy(), yv.copy(), list(DEGREES))
    if isinstance(result, (str, bytes, dict)) or not hasattr(result, "__len__") or len(result) != 2:
        ctx.fail("validation_curve should return a pair (train_mse, val_mse)", "contract")
    train_mse = as_float64(result[0], "train_mse")
    val_mse = as_float64(result[1], "val_mse")
    for name, arr in (("train_mse", train_mse), ("val_mse", val_mse)):
        if arr.shape != (len(DEGREES),):
            ctx.fail(f"{name} should have one entry per degree, shape ({len(DEGREES)},), got "
                     f"{arr.shape}", "contract")
    train_ok, val_ok = oracle_curve(xt, yt, xv, yv)
    if np.allclose(train_mse, val_ok, rtol=RTOL) and np.allclose(val_mse, train_ok, rtol=RTOL):
        ctx.fail("validation_curve returns (val_mse, train_mse): swap them, training first",
                 "values")
    on_val = oracle_curve(xt, yt, xv, yv, fit_x=xv, fit_y=yv)[1]
    on_both = oracle_curve(xt, yt, xv, yv, fit_x=np.r_[xt, xv], fit_y=np.r_[yt, yv])[1]
    fingerprints = [
        Fingerprint(train_ok, "your validation errors are the training errors: the models are "
                    "scored on the data they were fitted on, so there is no held-out data and "
                    "the error can only fall as the degree grows. Score each fit on (x_val, "
                    "y_val)", rtol=RTOL),
        Fingerprint(on_val, "your validation errors come from models fitted on the validation "
                    "set itself: fit on the training data only and just predict the "
                    "validation points", rtol=RTOL),
        Fingerprint(on_both, "your validation errors come from models fitted on training + "
                    "validation data together: the validation points must stay out of the fit",
                    rtol=RTOL),
        Fingerprint(np.sqrt(val_ok), "your validation errors are root-mean-squared; the contract "
                    "is the mean squared error, without the square root", rtol=RTOL),
        Fingerprint(val_ok * len(xv), "your validation errors are sums of squares; divide by the "
                    "number of points (the mean squared error)", rtol=RTOL),
    ]
    assert_close(val_mse, val_ok, "val_mse", rtol=RTOL, atol=1e-12, fingerprints=fingerprints,
                 inputs=f"for degrees {DEGREES[0]}..{DEGREES[-1]} (index 0 = degree 1)")
    assert_close(train_mse, train_ok, "train_mse", rtol=RTOL, atol=1e-12, fingerprints=[
        Fingerprint(np.sqrt(train_ok), "your training errors are root-mean-squared; return the "
                    "mean squared error", rtol=RTOL)],
        inputs=f"for degrees {DEGREES[0]}..{DEGREES[-1]} (index 0 = degree 1)")


def _acceptable(val_mse: np.ndarray) -> set[int]:
    """Degrees whose validation error is the minimum, up to the solver tolerance."""
    best = val_mse.min()
    return {d for d, e in zip(DEGREES, val_mse, strict=True) if e <= best * (1 + RTOL)}


def _check_select(ctx: CheckContext, select_degree: Any, data: tuple) -> None:
    xt, yt, xv, yv = data
    got = select_degree(xt.copy(), yt.copy(), xv.copy(), yv.copy(), list(DEGREES))
    integral = isinstance(got, (int, np.integer)) or (
        isinstance(got, (float, np.floating)) and float(got).is_integer())
    if isinstance(got, bool) or not integral:
        ctx.fail(f"select_degree should return an int degree, got {got!r}", "contract")
    train_ok, val_ok = oracle_curve(xt, yt, xv, yv)
    good = _acceptable(val_ok)
    if int(got) in good:
        return
    best = min(good)
    if int(got) == DEGREES[int(np.argmin(train_ok))]:
        ctx.fail(f"select_degree picked degree {got}, the one with the lowest TRAINING error "
                 f"(training error always falls as the degree grows); the lowest validation "
                 f"error is at degree {best}. Choose by validation error", "values")
    if int(got) + DEGREES[0] == best:
        ctx.fail(f"select_degree returned {got}, the position of the best degree in `degrees`; "
                 f"return the degree itself ({best})", "values")
    ctx.fail(f"select_degree picked degree {got}; the lowest validation MSE "
             f"({val_ok.min():.4g}) is at degree {best} (degree {got} has "
             f"{val_ok[DEGREES.index(int(got))] if int(got) in DEGREES else float('nan'):.4g})",
             "values")


def _outcome(ctx: CheckContext, select_degree: Any) -> None:
    rng = np.random.default_rng(30 + ctx.seed)
    picks = []
    for draw in range(DRAWS):
        xt, yt = sine_data(rng, N_TRAIN)
        xv, yv = sine_data(rng, N_VAL)
        picks.append(int(select_degree(xt, yt, xv, yv, list(DEGREES))))
        ctx.progress(draw + 1, DRAWS)
    median = int(np.median(picks))
    ctx.metric("median_degree", median)
    ctx.log(f"degrees picked on {DRAWS} noisy sine data sets: {picks}")
    if not 3 <= median <= 5:
        hint = (" You always end up with the most flexible model: that is what choosing by "
                "training error does." if median == DEGREES[-1] else "")
        ctx.fail(f"on {DRAWS} fresh data sets (sin(pi x) + noise, {N_TRAIN} training and "
                 f"{N_VAL} validation points) your picks were {picks}, median {median}; "
                 f"validation should land on degree 3 to 5.{hint}", "training")


def run(ctx: CheckContext) -> None:
    ctx.layer("contract")
    design_matrix = require_callable(ctx.learner, "design_matrix")
    fit_polynomial = require_callable(ctx.learner, "fit_polynomial")
    predict = require_callable(ctx.learner, "predict_polynomial")
    validation_curve = require_callable(ctx.learner, "validation_curve")
    select_degree = require_callable(ctx.learner, "select_degree")

    ctx.layer("values")
    _check_design_matrix(ctx, design_matrix)
    _check_fit_and_predict(ctx, fit_polynomial, predict)
    rng = np.random.default_rng(20 + ctx.seed)
    data = (*sine_data(rng, N_TRAIN), *sine_data(rng, N_VAL))
    _check_curve(ctx, validation_curve, data)
    _check_select(ctx, select_degree, data)

    ctx.layer("training")
    _outcome(ctx, select_degree)
