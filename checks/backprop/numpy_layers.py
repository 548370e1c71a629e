"""Check `numpy_layers`: affine, ReLU and softmax-cross-entropy, forward and backward, in NumPy.

Layers: contract (the five functions, shapes of what they return, no argument modified in
place), values (forwards against
NumPy and `F.cross_entropy` in float64, huge logits, loss = ln 10 at init), gradients (centered
differences and torch autograd in float64, `db.shape == b.shape`, the whole two-layer network),
training (a two-layer network of the learner's layers on scikit-learn's digits).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from checklib import (
    CheckContext,
    Fingerprint,
    as_float64,
    assert_close,
    assert_gradient_close,
    assert_shape,
    numeric_gradient,
    require_callable,
)
from checklib.training import batches, train_steps

NAMES = ("affine_forward", "affine_backward", "relu_forward", "relu_backward",
         "softmax_cross_entropy")
N, D, M, C = 5, 7, 3, 10  # odd, distinct sizes: a transposed or mis-summed result changes shape


def run(ctx: CheckContext) -> None:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):  # tiny matrices: BLAS threads only slow them down
        _run(ctx)


def _run(ctx: CheckContext) -> None:
    rng = np.random.default_rng(ctx.seed)
    ctx.layer("contract")
    f = {name: require_callable(ctx.learner, name) for name in NAMES}
    x, w, b = rng.normal(size=(N, D)), rng.normal(size=(D, M)), rng.normal(size=M)
    out, cache = _pair(ctx, f["affine_forward"](x, w, b), "affine_forward")
    assert_shape(out, (N, M), "the `out` of affine_forward")
    dout = rng.normal(size=(N, M))
    grads = f["affine_backward"](dout, cache)
    if not isinstance(grads, (tuple, list)) or len(grads) != 3:
        ctx.fail("affine_backward should return a tuple (dx, dw, db)")
    relu_out, _ = _pair(ctx, f["relu_forward"](x), "relu_forward")
    assert_shape(relu_out, (N, D), "the `out` of relu_forward")
    ce = f["softmax_cross_entropy"](rng.normal(size=(N, C)), rng.integers(0, C, N))
    loss, dlogits = _pair(ctx, ce, "softmax_cross_entropy", "(loss, dlogits)")
    if np.ndim(loss) != 0:
        ctx.fail(f"the loss should be one number (the mean over the batch), got an array of "
                 f"shape {np.shape(loss)}")
    assert_shape(dlogits, (N, C), "dlogits")
    _no_in_place(ctx, f, rng)

    ctx.layer("values")
    _forward_values(ctx, f, rng)
    _cross_entropy_values(ctx, f, rng)
    _loss_at_init(ctx, f, rng)
    ctx.layer("gradients")
    _affine_gradients(ctx, f, rng)
    _relu_gradient(ctx, f, rng)
    _cross_entropy_gradient(ctx, f, rng)
    _network_gradients(ctx, f, rng)
    ctx.layer("training")
    _train_digits(ctx, f)


def _no_in_place(ctx: CheckContext, f: dict, rng: np.random.Generator) -> None:
    """No function may write into an argument: the caller (another layer) may still need it."""
    x, w, b = rng.normal(size=(N, D)), rng.normal(size=(D, M)), rng.normal(size=M)
    _, affine_cache = f["affine_forward"](x.copy(), w.copy(), b.copy())
    _, relu_cache = f["relu_forward"](x.copy())
    calls = [
        ("affine_forward", "x, w, b", lambda *a: f["affine_forward"](*a), [x, w, b]),
        ("affine_backward", "dout", lambda a: f["affine_backward"](a, affine_cache),
         [rng.normal(size=(N, M))]),
        ("relu_forward", "x", lambda a: f["relu_forward"](a), [x]),
        ("relu_backward", "dout", lambda a: f["relu_backward"](a, relu_cache),
         [rng.normal(size=(N, D))]),
        ("softmax_cross_entropy", "logits, y", lambda *a: f["softmax_cross_entropy"](*a),
         [rng.normal(size=(N, C)), rng.integers(0, C, N)]),
    ]
    for name, names, call, args in calls:
        copies = [a.copy() for a in args]
        call(*copies)
        for arg_name, before, after in zip(names.split(", "), args, copies, strict=True):
            if not np.array_equal(before, after):
                ctx.fail(f"{name} changed its argument `{arg_name}` in place (as `x[x < 0] = 0` "
                         "or `dx = dout; dx[mask] = 0` do: `dx = dout` is the same array, not a "
                         "copy). The caller may still need it: build a new array instead "
                         "(np.maximum(x, 0), dout * mask) or copy first")


def _pair(ctx: CheckContext, result: Any, name: str, what: str = "(out, cache)") -> tuple:
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        ctx.fail(f"{name} should return a pair {what}, got {type(result).__name__}")
    return result


# --- values -------------------------------------------------------------------------------

def _forward_values(ctx: CheckContext, f: dict, rng: np.random.Generator) -> None:
    x, w, b = rng.normal(size=(N, D)), rng.normal(size=(D, M)), rng.normal(size=M)
    out, _ = f["affine_forward"](x, w, b)
    assert_close(out, x @ w + b, "affine_forward's out", fingerprints=[
        Fingerprint(x @ w, "affine_forward forgets the bias: out = x @ w + b"),
    ])
    x1 = rng.normal(size=(1, D))
    out, _ = f["affine_forward"](x1, w, b)
    assert_close(out, x1 @ w + b, "affine_forward's out", inputs="on a batch of one")
    x = rng.normal(size=(N, D))
    out, _ = f["relu_forward"](x)
    assert_close(out, np.maximum(x, 0.0), "relu_forward's out")


def _torch_cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    import torch
    import torch.nn.functional as F

    t = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    loss = F.cross_entropy(t, torch.as_tensor(y, dtype=torch.long))
    loss.backward()
    return loss.item(), t.grad.numpy()


def _cross_entropy_values(ctx: CheckContext, f: dict, rng: np.random.Generator) -> None:
    logits, y = rng.normal(0, 2, size=(N, C)), rng.integers(0, C, N)
    expected, _ = _torch_cross_entropy(logits, y)
    loss, _ = f["softmax_cross_entropy"](logits, y)
    assert_close(loss, expected, "the loss", inputs="on random logits", fingerprints=[
        Fingerprint(expected * N, "the loss is the SUM over the batch: divide by N (the mean "
                    "keeps the loss, and the learning rate, independent of the batch size)"),
        Fingerprint(-expected, "the loss has the wrong sign: it is MINUS the mean log "
                    "probability of the right class"),
        Fingerprint(expected / C, "the loss is divided by the number of classes too: average "
                    "over the batch only"),
    ])
    big = logits * 400.0  # logits of size ~1000: exp overflows unless the max is subtracted
    cases = [
        (big.argmax(axis=1), "the right class has the largest logit",
         "exp overflowed: subtract each row's max from the logits before exp (softmax does "
         "not change, and the largest exponent becomes 0)"),
        (y, "the right class's logit is hundreds below the largest",
         "its probability underflows to 0 and log(0) = -inf. Take log-probabilities as "
         "shifted - log(sum(exp(shifted))) (log-softmax) instead of log(softmax)"),
    ]
    for labels, case, advice in cases:
        expected, _ = _torch_cross_entropy(big, labels)
        loss, dlogits = f["softmax_cross_entropy"](big, labels)
        if not np.isfinite(as_float64(loss)) or not np.all(np.isfinite(as_float64(dlogits))):
            ctx.fail(f"on logits of size ~1000, where {case}, your loss is {loss} and should "
                     f"be {expected:.6g} (or dlogits is not finite): {advice}")
        assert_close(loss, expected, "the loss", inputs=f"on logits of size ~1000 ({case})")


def _loss_at_init(ctx: CheckContext, f: dict, rng: np.random.Generator) -> None:
    x = rng.normal(size=(64, 20))
    y = rng.integers(0, 10, 64)
    h, _ = f["affine_forward"](x, rng.normal(0, 1e-3, (20, 30)), np.zeros(30))
    a, _ = f["relu_forward"](h)
    logits, _ = f["affine_forward"](a, rng.normal(0, 1e-3, (30, 10)), np.zeros(10))
    loss, _ = f["softmax_cross_entropy"](logits, y)
    if abs(float(loss) - math.log(10)) > 0.01:
        ctx.fail(f"with tiny initial weights all 10 classes are equally likely, so the loss "
                 f"of your two-layer network should be ln 10 = 2.303; got {float(loss):.4g}")


# --- gradients ----------------------------------------------------------------------------

H = 1e-3  # step of the centered differences: affine is linear and ReLU piecewise linear with
          # every input at least 0.05 from its kink, so a larger step only cuts rounding error


def _grad_close(got: Any, expected: Any, what: str,
                fingerprints: tuple | list = ()) -> None:
    """Pass on a tiny difference relative to the largest entry (centered differences round off
    by ~1e-12 absolute, which is a large *relative* error on an entry near 0); otherwise let
    ``assert_gradient_close`` name the bug or the worst element."""
    got_arr, expected_arr = as_float64(got, what), as_float64(expected)
    scale = max(1.0, float(np.abs(expected_arr).max(initial=0.0)))
    if got_arr.shape == expected_arr.shape and np.allclose(got_arr, expected_arr, rtol=1e-7,
                                                           atol=1e-9 * scale):
        return
    assert_gradient_close(got_arr, expected_arr, what, fingerprints=fingerprints)


def _affine_gradients(ctx: CheckContext, f: dict, rng: np.random.Generator) -> None:
    for n in (N, 1):
        _affine_case(ctx, f, rng, n)


def _affine_case(ctx: CheckContext, f: dict, rng: np.random.Generator, n: int) -> None:
    """affine_backward on a batch of n, against centered differences of affine_forward."""
    x, w, b = rng.normal(size=(n, D)), rng.normal(size=(D, M)), rng.normal(size=M)
    dout = rng.normal(size=(n, M))
    _, cache = f["affine_forward"](x, w, b)
    dx, dw, db = f["affine_backward"](dout, cache)
    db_shape = np.shape(db)
    if db_shape != b.shape:
        hint = {(n, M): "it was not summed over the batch: db = dout.sum(axis=0)",
                (1, M): "drop keepdims: db must have b's shape, (M,)"}.get(
                    db_shape, "db must have exactly b's shape")
        ctx.fail(f"db has shape {db_shape} but b has shape {b.shape} (batch of {n}): {hint}",
                 "gradients")
    if np.shape(dw) == (M, D):
        ctx.fail(f"dw has shape (M, D) = {(M, D)} but w is (D, M) = {(D, M)}: dw is "
                 "transposed; dw = x.T @ dout", "gradients")

    def loss_of(x_: np.ndarray, w_: np.ndarray, b_: np.ndarray) -> float:
        return float(np.sum(f["affine_forward"](x_, w_, b_)[0] * dout))

    on = f" (batch of {n})"
    _grad_close(dx, numeric_gradient(lambda v: loss_of(v, w, b), x, H), "dx" + on)
    _grad_close(dw, numeric_gradient(lambda v: loss_of(x, v, b), w, H), "dw" + on,
                          fingerprints=[Fingerprint(x.T @ dout / n, _NO_MEAN_IN_LAYER)])
    _grad_close(db, numeric_gradient(lambda v: loss_of(x, w, v), b, H), "db" + on,
                          fingerprints=[Fingerprint(dout.mean(axis=0), _NO_MEAN_IN_LAYER)])


_NO_MEAN_IN_LAYER = ("affine_backward averages over the batch; it must SUM (dw = x.T @ dout, "
                     "db = dout.sum(axis=0)). The 1/N belongs to the loss, whose dlogits "
                     "already carry it")


def _relu_gradient(ctx: CheckContext, f: dict, rng: np.random.Generator) -> None:
    x = rng.normal(size=(N, D))
    x = np.where(np.abs(x) < 0.05, 0.5, x)  # keep clear of the kink at 0
    dout = rng.normal(size=(N, D))
    out, cache = f["relu_forward"](x)
    dx = f["relu_backward"](dout, cache)
    expected = numeric_gradient(lambda v: float(np.sum(f["relu_forward"](v)[0] * dout)), x, H)
    mask = (x > 0).astype(float)
    _grad_close(dx, expected, "relu_backward's dx", fingerprints=[
        Fingerprint(dout * np.maximum(x, 0.0), "relu_backward multiplies dout by the "
                    "activation VALUES; multiply by the 0/1 mask (x > 0) instead"),
        Fingerprint(mask, "relu_backward returns the mask alone: multiply it by dout "
                    "(chain rule)"),
        Fingerprint(dout * (1 - mask), "relu_backward lets the gradient through where x < 0 "
                    "and blocks it where x > 0: the mask is reversed"),
        Fingerprint(dout, "relu_backward passes dout through unchanged; zero it where x <= 0"),
    ])


def _cross_entropy_gradient(ctx: CheckContext, f: dict, rng: np.random.Generator) -> None:
    logits, y = rng.normal(0, 2, size=(N, C)), rng.integers(0, C, N)
    _, expected = _torch_cross_entropy(logits, y)
    _, dlogits = f["softmax_cross_entropy"](logits, y)
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    softmax = shifted / shifted.sum(axis=1, keepdims=True)
    _grad_close(dlogits, expected, "dlogits", fingerprints=[
        Fingerprint(expected * N, "dlogits is N times too large: the loss is a mean over the "
                    "batch, so dlogits = (softmax - onehot) / N"),
        Fingerprint(softmax / N, "dlogits forgets to subtract 1 at the right class: "
                    "dlogits = (softmax - onehot(y)) / N"),
        Fingerprint(softmax, "dlogits is the softmax alone: subtract onehot(y), then divide "
                    "by N"),
        Fingerprint(-expected, "dlogits has the wrong sign: it is (softmax - onehot) / N"),
    ])


def _network_gradients(ctx: CheckContext, f: dict, rng: np.random.Generator) -> None:
    """The layers chained into a two-layer network: every parameter's gradient vs autograd."""
    import torch

    x, y = rng.normal(size=(6, 4)), rng.integers(0, 3, 6)
    params = [rng.normal(size=(4, 5)), rng.normal(size=5), rng.normal(size=(5, 3)),
              rng.normal(size=3)]
    w1, b1, w2, b2 = params
    h, c1 = f["affine_forward"](x, w1, b1)
    a, c2 = f["relu_forward"](h)
    logits, c3 = f["affine_forward"](a, w2, b2)
    _, dlogits = f["softmax_cross_entropy"](logits, y)
    da, dw2, db2 = f["affine_backward"](dlogits, c3)
    dh = f["relu_backward"](da, c2)
    _, dw1, db1 = f["affine_backward"](dh, c1)

    t = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in params]
    tx = torch.tensor(x, dtype=torch.float64)
    tlogits = torch.relu(tx @ t[0] + t[1]) @ t[2] + t[3]
    torch.nn.functional.cross_entropy(tlogits, torch.as_tensor(y)).backward()
    for name, got, tp in zip(("dw1", "db1", "dw2", "db2"), (dw1, db1, dw2, db2), t,
                             strict=True):
        _grad_close(got, tp.grad, f"{name} of a two-layer network (affine, relu, "
                              "affine, softmax cross-entropy)")


# --- training -----------------------------------------------------------------------------

STEPS, BATCH, LR, HIDDEN = 500, 128, 0.5, 64
MIN_ACCURACY = 0.94


def _train_digits(ctx: CheckContext, f: dict) -> None:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X / 16.0, y, test_size=0.25, random_state=ctx.seed, stratify=y)
    rng = np.random.default_rng(ctx.seed)
    params = [rng.normal(0, math.sqrt(2 / 64), (64, HIDDEN)), np.zeros(HIDDEN),
              rng.normal(0, math.sqrt(1 / HIDDEN), (HIDDEN, 10)), np.zeros(10)]
    order: list[np.ndarray] = []

    def step(i: int) -> float:
        if not order:
            order.extend(batches(len(X_train), BATCH, rng))
        index = order.pop(0)
        w1, b1, w2, b2 = params
        h, c1 = f["affine_forward"](X_train[index], w1, b1)
        a, c2 = f["relu_forward"](h)
        logits, c3 = f["affine_forward"](a, w2, b2)
        loss, dlogits = f["softmax_cross_entropy"](logits, y_train[index])
        da, dw2, db2 = f["affine_backward"](dlogits, c3)
        _, dw1, db1 = f["affine_backward"](f["relu_backward"](da, c2), c1)
        for p, g in zip(params, (dw1, db1, dw2, db2), strict=True):
            p -= LR * np.asarray(g)
        return float(loss)

    def accuracy() -> float:
        w1, b1, w2, b2 = params
        scores = np.maximum(X_test @ w1 + b1, 0.0) @ w2 + b2
        return float(np.mean(scores.argmax(axis=1) == y_test))

    losses = train_steps(ctx, step, STEPS, evaluate=accuracy, metric_name="test acc",
                         eval_every=50)
    acc = accuracy()
    ctx.metric("test_accuracy", acc)
    ctx.metric("final_loss", losses[-1])
    if acc < MIN_ACCURACY:
        ctx.fail(f"a 64-{HIDDEN}-10 network of your layers reached {acc:.1%} test accuracy on "
                 f"digits after {STEPS} SGD steps; at least {MIN_ACCURACY:.0%} is expected")
