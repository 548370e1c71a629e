"""Check `scalar_autograd`: a scalar `Value` class with reverse-mode autodiff.

Layers: contract (every operation exists and returns a Value), values (forward results),
gradients (each operation's local derivative, a node used twice, a graph where the order of the
backward pass matters, and whole expressions against torch in float64), training (the learner's
Value trains a 2-12-1 tanh network on 50 make_moons points).
"""

from __future__ import annotations

import math
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from checklib import (
    CheckContext,
    CheckFailure,
    Fingerprint,
    as_float64,
    assert_close,
    assert_gradient_close,
)
from checklib.training import train_steps

METHODS = {
    "__add__": "a + b", "__radd__": "2.0 + a", "__mul__": "a * b", "__rmul__": "2.0 * a",
    "__pow__": "a ** 3", "__neg__": "-a", "__sub__": "a - b", "__rsub__": "2.0 - a",
    "__truediv__": "a / b", "__rtruediv__": "2.0 / a", "relu": "a.relu()", "tanh": "a.tanh()",
    "exp": "a.exp()", "backward": "a.backward()",
}

# Each operation on a Value `a` (and `b`), its forward in plain floats, and its derivatives.
Scalar = Callable[[float], float]
UNARY: dict[str, tuple[Callable[[Any], Any], Scalar, Scalar]] = {
    "a ** 3": (lambda a: a ** 3, lambda x: x ** 3, lambda x: 3 * x ** 2),
    "a ** -1.5": (lambda a: a ** -1.5, lambda x: x ** -1.5, lambda x: -1.5 * x ** -2.5),
    "-a": (lambda a: -a, lambda x: -x, lambda x: -1.0),
    "2.0 - a": (lambda a: 2.0 - a, lambda x: 2.0 - x, lambda x: -1.0),
    "2.0 / a": (lambda a: 2.0 / a, lambda x: 2.0 / x, lambda x: -2.0 / x ** 2),
    "2.0 + a": (lambda a: 2.0 + a, lambda x: 2.0 + x, lambda x: 1.0),
    "2.0 * a": (lambda a: 2.0 * a, lambda x: 2.0 * x, lambda x: 2.0),
    "a.relu() (a > 0)": (lambda a: a.relu(), lambda x: max(x, 0.0), lambda x: float(x > 0)),
    "a.tanh()": (lambda a: a.tanh(), math.tanh, lambda x: 1.0 - math.tanh(x) ** 2),
    "a.exp()": (lambda a: a.exp(), math.exp, math.exp),
}
BINARY: dict[str, tuple[Callable[[Any, Any], Any], Callable[[float, float], float],
                        Callable[[float, float], tuple[float, float]]]] = {
    "a + b": (lambda a, b: a + b, lambda x, y: x + y, lambda x, y: (1.0, 1.0)),
    "a * b": (lambda a, b: a * b, lambda x, y: x * y, lambda x, y: (y, x)),
    "a - b": (lambda a, b: a - b, lambda x, y: x - y, lambda x, y: (1.0, -1.0)),
    "a / b": (lambda a, b: a / b, lambda x, y: x / y, lambda x, y: (1.0 / y, -x / y ** 2)),
}

STUB_ORDER = ["a + b", "a + 1.5", "a * b", "a * 1.5", "a ** 3", "a ** -1.5", "a.relu() (a > 0)",
              "a.tanh()", "a.exp()", "-a", "a - b", "a / b", "2.0 + a", "2.0 * a", "2.0 - a",
              "2.0 / a"]


def run(ctx: CheckContext) -> None:
    rng = np.random.default_rng(ctx.seed)
    ctx.layer("contract")
    value_cls = _contract(ctx)
    cases = [(what, expr, [float(v) for v in rng.uniform(0.3, 1.2, n) * rng.choice([-1, 1], n)])
             for what, expr, n in EXPRESSIONS for _ in range(3)]
    ctx.layer("values")
    _forward_values(ctx, value_cls, rng)
    _expressions_vs_torch(ctx, value_cls, cases, gradients=False)
    ctx.layer("gradients")
    _local_gradients(ctx, value_cls, rng)
    _reused_nodes(ctx, value_cls)
    _order_matters(ctx, value_cls)
    _expressions_vs_torch(ctx, value_cls, cases, gradients=True)
    ctx.layer("training")
    _train_moons(ctx, value_cls)


# --- contract -----------------------------------------------------------------------------

def _from_learner(ctx: CheckContext, exc: BaseException) -> bool:
    target = Path(ctx.learner_path).resolve()
    return any(Path(frame.filename).resolve() == target
               for frame in traceback.extract_tb(exc.__traceback__))


def _call(ctx: CheckContext, text: str, fn: Callable[[], Any]) -> Any:
    """Run ``fn``; a TypeError raised by Python itself (not the learner) becomes a failure."""
    try:
        return fn()
    except (TypeError, AttributeError) as exc:
        if _from_learner(ctx, exc):
            raise
        raise CheckFailure(f"`{text}` fails: {type(exc).__name__}: {exc}", "contract") from None


def _contract(ctx: CheckContext) -> type:
    value_cls = ctx.learner.__dict__.get("Value")
    if not isinstance(value_cls, type):
        ctx.fail("your file defines no class `Value`: keep the name from the stub")
    for name, example in METHODS.items():
        if not callable(getattr(value_cls, name, None)):
            ctx.fail(f"`Value` has no method `{name}`, so `{example}` cannot work")
    a = _call(ctx, "Value(2.0)", lambda: value_cls(2.0))
    for attr in ("data", "grad"):
        if not hasattr(a, attr):
            ctx.fail(f"`Value(2.0)` has no attribute `.{attr}`")
    if a.data != 2.0:
        ctx.fail(f"`Value(2.0).data` is {a.data!r}, expected 2.0")
    if a.grad != 0:
        ctx.fail(f"a new Value should start with `.grad == 0`, got {a.grad!r}")
    b = value_cls(-0.5)
    ops: dict[str, Callable[[], Any]] = {"a + 1.5": lambda: a + 1.5, "a * 1.5": lambda: a * 1.5}
    ops.update({text: (lambda f=f: f(a)) for text, (f, _, _) in UNARY.items()})
    ops.update({text: (lambda f=f: f(a, b)) for text, (f, _, _) in BINARY.items()})
    for text in STUB_ORDER:  # the stub's order, so "not written yet" names the next one to do
        out = _call(ctx, text, ops[text])
        if not isinstance(out, value_cls):
            ctx.fail(f"`{text}` returned {type(out).__name__}, expected a new Value "
                     "(every operation must return a Value so the graph keeps growing)")
        if out is a or out is b:
            ctx.fail(f"`{text}` returned one of its inputs; build and return a new Value")
    return value_cls


# --- values -------------------------------------------------------------------------------

def _forward_values(ctx: CheckContext, value_cls: type, rng: np.random.Generator) -> None:
    x, y = (float(v) for v in rng.uniform(0.6, 1.6, 2) * rng.choice([-1.0, 1.0], 2))
    for text, (op, forward, _) in UNARY.items():
        arg = abs(x) if "**" in text or "relu" in text else x
        got = op(value_cls(arg)).data
        assert_close(got, forward(arg), f"`{text}`.data", inputs=f"at a = {arg:.4g}")
    for text, (op, forward, _) in BINARY.items():
        got = op(value_cls(x), value_cls(y)).data
        assert_close(got, forward(x, y), f"`{text}`.data", inputs=f"at a = {x:.4g}, b = {y:.4g}")
    got = value_cls(-abs(x)).relu().data
    assert_close(got, 0.0, "`a.relu()`.data", inputs=f"at a = {-abs(x):.4g}")


# --- gradients ----------------------------------------------------------------------------

def _grads(*nodes: Any) -> np.ndarray:
    return np.array([as_float64(n.grad, "a Value's `.grad`") for n in nodes])


def _local_gradients(ctx: CheckContext, value_cls: type, rng: np.random.Generator) -> None:
    x, y, z = (float(v) for v in rng.uniform(0.6, 1.6, 3) * rng.choice([-1.0, 1.0], 3))
    # a product inside a product: the inner one must use out.grad (= z), not just the other input
    a, b, c = value_cls(x), value_cls(y), value_cls(z)
    ((a * b) * c).backward()
    assert_gradient_close(_grads(a, b, c), [y * z, x * z, x * y],
                          "`[a.grad, b.grad, c.grad]` after (a * b) * c", fingerprints=[
        Fingerprint([0, 0, 0], "no gradient reached any leaf: does `backward` start with "
                    "self.grad = 1.0 (d out / d out = 1) and call each node's `_backward`?"),
        Fingerprint([0, 0, x * y], "`backward` only ran the last operation's `_backward`: it "
                    "must visit every node of the graph, from the output back to the leaves"),
        Fingerprint([x * z, y * z, x * y], "in `__mul__` the gradients are swapped: a's gradient "
                    "is b * out.grad, and b's is a * out.grad"),
        Fingerprint([y, x, x * y], "`__mul__`'s backward forgets out.grad: each input receives "
                    "(the other input) * out.grad, by the chain rule"),
        Fingerprint([1.0, 1.0, x * y], "`__mul__`'s backward passes out.grad through unchanged, "
                    "as addition does; the local derivative of a * b with respect to a is b"),
    ])
    _binary_gradient(value_cls, "a + b", x, y, z)
    for text, (op, _, derivative) in UNARY.items():
        arg = abs(x) if "**" in text or "relu" in text else x
        a, c = value_cls(arg), value_cls(z)
        (op(a) * c).backward()
        local = derivative(arg)
        fps = [Fingerprint(local, f"`{text}`'s backward forgets to multiply by out.grad "
                           "(chain rule: input.grad += local derivative * out.grad)")]
        fps += _unary_fingerprints(text, arg, z)
        assert_gradient_close(a.grad, z * local, f"`a.grad` after ({text}) * c, at a = {arg:.4g} "
                              f"and c = {z:.4g},", fingerprints=fps)
    for text in ("a - b", "a / b"):
        _binary_gradient(value_cls, text, x, y, z)
    a, c = value_cls(-abs(x)), value_cls(z)
    (a.relu() * c).backward()
    assert_gradient_close(a.grad, 0.0, f"`a.grad` after a.relu() * c at a = {-abs(x):.4g}",
                          fingerprints=[Fingerprint(z, "`relu` passes the gradient through "
                                        "for a negative input; its derivative there is 0")])


def _binary_gradient(value_cls: type, text: str, x: float, y: float, z: float) -> None:
    op, _, derivative = BINARY[text]
    a, b, c = value_cls(x), value_cls(y), value_cls(z)
    (op(a, b) * c).backward()
    da, db = derivative(x, y)
    fps = [Fingerprint([da, db], f"`{text}`'s backward forgets to multiply by out.grad "
                       "(chain rule: input.grad += local derivative * out.grad)")]
    if text == "a - b":
        fps.append(Fingerprint([z, z], "in `a - b`, the gradient with respect to b is "
                               "-out.grad: b enters with a minus sign"))
    assert_gradient_close(_grads(a, b), [z * da, z * db],
                          f"`[a.grad, b.grad]` after ({text}) * c", fingerprints=fps)


def _unary_fingerprints(text: str, x: float, z: float) -> list[Fingerprint]:
    t = math.tanh(x)
    known = {
        "a.tanh()": [
            (1 - x * x, "`tanh`'s derivative uses the input: it is 1 - t**2 where t = tanh(a) is "
                        "the OUTPUT, not 1 - a**2"),
            (1 - t, "`tanh`'s derivative is 1 - t**2 (t = tanh(a)), not 1 - t"),
            ((1 - t) ** 2, "`tanh`'s derivative is 1 - t**2, not (1 - t)**2"),
            (1 - math.tanh(t) ** 2, "`tanh`'s derivative takes tanh of the output again: it is "
                                    "1 - t**2 with t = out.data"),
        ],
        "a.exp()": [(x, "`exp`'s derivative is e**a (out.data), not a")],
        "a ** 3": [(3 * x ** 3, "`__pow__`'s derivative is n * a**(n-1), not n * a**n"),
                   (x ** 2, "`__pow__`'s derivative is n * a**(n-1): the factor n is missing")],
        "a ** -1.5": [(-1.5 * x ** -1.5, "`__pow__`'s derivative is n * a**(n-1), "
                                         "not n * a**n")],
        "2.0 - a": [(1.0, "`2.0 - a` should give a a gradient of -out.grad: is `__rsub__` "
                          "computing a - 2.0?")],
        "a.relu() (a > 0)": [(max(x, 0.0), "`relu`'s backward multiplies by the output value; "
                                           "its derivative is 1 where a > 0 and 0 elsewhere")],
    }
    return [Fingerprint(z * v, msg) for v, msg in known.get(text, [])]


def _reused_nodes(ctx: CheckContext, value_cls: type) -> None:
    a = value_cls(3.0)
    (a + a).backward()
    assert_gradient_close(a.grad, 2.0, "`a.grad` after a + a at a = 3",
                          fingerprints=[Fingerprint(1.0, _OVERWRITE)])
    a = value_cls(3.0)
    (a * a).backward()
    assert_gradient_close(a.grad, 6.0, "`a.grad` after a * a at a = 3",
                          fingerprints=[Fingerprint(3.0, _OVERWRITE)])


_OVERWRITE = ("a node used twice got only one of its two gradient contributions: `_backward` "
              "assigns with `=` and the second assignment overwrites the first. Accumulate "
              "with `+=` (a node's gradient is the SUM over every place it is used)")


def _order_matters(ctx: CheckContext, value_cls: type) -> None:
    # b feeds both c and d: b may pass its gradient on only once both have added theirs.
    a = value_cls(1.5)
    b = a * 2.0
    c = b * 3.0
    d = b + c
    d.backward()
    got = np.array([float(a.grad), float(b.grad)])
    if np.allclose(got, [8.0, 4.0]):
        return
    ctx.fail(
        f"in d = b + c with b = 2a and c = 3b, expected a.grad = 8 and b.grad = 4, got "
        f"a.grad = {got[0]:.4g} and b.grad = {got[1]:.4g}. Your `backward` ran some node's "
        "`_backward` before every node using it had added its share (or ran it more than "
        "once). Build a topological order first (each node after all its inputs), then call "
        "`_backward` once per node, in reverse order",
    )


def _expr_shared(x: Any, y: Any) -> Any:
    z = 2.0 * x + y * x - 1.0
    q = z.relu() + z * y
    h = (z * z).tanh()
    return h + q * x + q / (1.0 + y ** 2) - (-x)


def _expr_sigmoid(a: Any, b: Any, c: Any) -> Any:
    e = (a * b).exp()
    s = e / (e + 1.0)
    g = (s - c) ** 2
    return g + (a - b).tanh() * s - (c * a).relu() + 3.0 / (1.0 + e) + 0.5 * s * s


def _expr_neuron(w0: Any, w1: Any, w2: Any, v0: Any, v1: Any) -> Any:
    hidden = [(w0 * u + w1 * (1.0 - u) + v0).tanh() for u in (0.3, -0.8, 1.2)]
    out = v1
    for h in hidden:
        out = out + w2 * h
    return (1.0 + -1.0 * out).relu() ** 2 + (out - 0.25) ** 2 * 0.5


EXPRESSIONS: list[tuple[str, Callable[..., Any], int]] = [
    ("an expression that reuses z and q several times", _expr_shared, 2),
    ("a sigmoid built from exp and /", _expr_sigmoid, 3),
    ("a tiny tanh layer with shared weights and a squared hinge", _expr_neuron, 5),
]


def _expressions_vs_torch(ctx: CheckContext, value_cls: type,
                          cases: list[tuple[str, Callable[..., Any], list[float]]],
                          gradients: bool) -> None:
    """Evaluate each expression with Values and with float64 tensors; compare value or grads."""
    import torch

    for what, expr, inputs in cases:
        leaves = [value_cls(v) for v in inputs]
        out = expr(*leaves)
        tleaves = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in inputs]
        tout = expr(*tleaves)
        shown = ", ".join(f"{v:.3g}" for v in inputs)
        if not gradients:
            assert_close(out.data, tout.item(), f"the value of {what}",
                         inputs=f"at inputs [{shown}]")
            continue
        tout.backward()
        out.backward()
        expected = [t.grad.item() for t in tleaves]
        assert_gradient_close(_grads(*leaves), expected, f"the input gradients of {what} "
                              f"(torch gives {[round(g, 4) for g in expected]}) at inputs "
                              f"[{shown}]")


# --- training -----------------------------------------------------------------------------

HIDDEN, STEPS, LR = 12, 30, 0.3
MIN_ACCURACY = 0.9


def _train_moons(ctx: CheckContext, value_cls: type) -> None:
    from sklearn.datasets import make_moons

    X, labels = make_moons(50, noise=0.1, random_state=ctx.seed)
    X = (X - X.mean(0)) / X.std(0)
    targets = [float(v) for v in 2 * labels - 1]
    rows = [(float(u), float(v)) for u, v in X]
    rng = np.random.default_rng(ctx.seed)
    w1 = [[value_cls(float(v)) for v in row] for row in rng.normal(0, 2.0, (HIDDEN, 2))]
    b1 = [value_cls(float(v)) for v in rng.normal(0, 1.0, HIDDEN)]
    w2 = [value_cls(float(v)) for v in rng.normal(0, 1 / math.sqrt(HIDDEN), HIDDEN)]
    b2 = value_cls(0.0)
    params = [p for row in w1 for p in row] + b1 + w2 + [b2]
    adam_m, adam_v = [0.0] * len(params), [0.0] * len(params)

    def score(row: tuple[float, float]) -> Any:
        out = b2
        for (wa, wb), bias, wo in zip(w1, b1, w2, strict=True):
            out = out + wo * (wa * row[0] + wb * row[1] + bias).tanh()
        return out

    def step(i: int) -> float:
        pairs = zip(rows, targets, strict=True)
        losses = [(1.0 + (-t) * score(row)).relu() ** 2 for row, t in pairs]
        loss = losses[0]
        for term in losses[1:]:
            loss = loss + term
        loss = loss * (1.0 / len(losses))
        for p in params:
            p.grad = 0.0
        loss.backward()
        for k, p in enumerate(params):  # Adam, in plain floats
            g = float(p.grad)
            adam_m[k] = 0.9 * adam_m[k] + 0.1 * g
            adam_v[k] = 0.999 * adam_v[k] + 0.001 * g * g
            m_hat, v_hat = adam_m[k] / (1 - 0.9 ** i), adam_v[k] / (1 - 0.999 ** i)
            p.data -= LR * m_hat / (math.sqrt(v_hat) + 1e-8)
        return float(loss.data)

    def accuracy() -> float:
        hits = 0
        for row, t in zip(rows, targets, strict=True):
            s = b2.data + sum(wo.data * math.tanh(wa.data * row[0] + wb.data * row[1] + b.data)
                              for (wa, wb), b, wo in zip(w1, b1, w2, strict=True))
            hits += (s > 0) == (t > 0)
        return hits / len(rows)

    losses = train_steps(ctx, step, STEPS, evaluate=accuracy, metric_name="train acc",
                         eval_every=10)
    acc = accuracy()
    ctx.metric("train_accuracy", acc)
    ctx.metric("final_loss", losses[-1])
    if acc < MIN_ACCURACY:
        ctx.fail(f"a 2-{HIDDEN}-1 tanh network built from your Value reached only {acc:.0%} "
                 f"training accuracy on 50 moons points after {STEPS} Adam steps (the loss went "
                 f"from {losses[0]:.3f} to {losses[-1]:.3f}); {MIN_ACCURACY:.0%} is needed")
