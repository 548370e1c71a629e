"""Check `conv_pool`: conv2d and max-pooling in NumPy, forward and backward, without a library op.

Layers: contract (the five functions, no torch/scipy in the learner's file, NumPy arrays of the
right shape), values (the output-size formula, then conv2d against F.conv2d and max_pool2d
against F.max_pool2d in float64 on odd sizes, non-square kernels, strides and padding),
gradients (conv2d_backward and max_pool2d_backward against autograd), probes (inputs left
untouched; ties in max-pooling send each window's gradient to one element).
"""

from __future__ import annotations

import ast

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
from checklib.cnn_models import guard

NAMES = ("conv_output_size", "conv2d", "conv2d_backward", "max_pool2d", "max_pool2d_backward")
FORBIDDEN_MODULES = ("torch", "scipy", "tensorflow", "jax", "cv2", "skimage")

# (N, C, H, W, F, KH, KW, stride, padding): odd sizes, a non-square kernel, a batch of one, 1x1
CONV_CASES = [
    (2, 3, 7, 9, 4, 3, 2, 1, 0),
    (2, 3, 7, 9, 4, 3, 3, 2, 1),
    (1, 2, 11, 8, 3, 5, 3, 3, 2),
    (3, 1, 5, 5, 2, 1, 1, 1, 0),
    (2, 2, 6, 7, 3, 2, 3, 2, 1),
]
# (input shape, kernel, stride): remainders dropped, overlapping windows, stride = kernel = 3
POOL_CASES = [
    ((2, 3, 7, 9), 2, None),
    ((1, 2, 8, 8), 2, None),
    ((2, 2, 9, 7), 3, 2),
    ((2, 1, 6, 9), 3, 3),
]

FLIPPED = (
    "your conv2d flips the kernel: that is the textbook (true) convolution. Deep-learning "
    "layers such as nn.Conv2d compute cross-correlation: out[i, j] = sum w[u, v] * x[i*s + u, "
    "j*s + v], with the kernel read in the same order as the input"
)
ONE_SIDED = (
    "your conv2d pads on one side only: padding p adds p rows of zeros at the top AND p at the "
    "bottom (and p columns left and right), e.g. np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))"
)
SIZE_RULE = "the number of positions is floor((size + 2 * padding - kernel) / stride) + 1"


def run(ctx: CheckContext) -> None:
    ctx.layer("contract")
    funcs = {name: guard(ctx, require_callable(ctx.learner, name), name) for name in NAMES}
    _forbid_library_ops(ctx)
    rng = np.random.default_rng(ctx.seed)

    ctx.layer("values")
    _output_size(funcs["conv_output_size"])
    for case in CONV_CASES:
        _conv_values(funcs["conv2d"], rng, *case)
    ctx.log("conv2d matches F.conv2d on 5 shapes (strides 1-3, padding 0-2)")
    for shape, kernel, stride in POOL_CASES:
        _pool_values(funcs["max_pool2d"], rng, shape, kernel, stride)
    ctx.log("max_pool2d matches F.max_pool2d, overlapping windows included")

    ctx.layer("gradients")
    for case in CONV_CASES:
        _conv_gradients(funcs["conv2d_backward"], rng, *case)
    ctx.log("conv2d_backward: dx, dw, db match autograd")
    for shape, kernel, stride in POOL_CASES:
        _pool_gradients(funcs["max_pool2d_backward"], rng, shape, kernel, stride)
    ctx.log("max_pool2d_backward matches autograd")

    ctx.layer("probes")
    _inputs_untouched(funcs, rng)
    _pool_ties(funcs["max_pool2d_backward"], rng)
    ctx.log("inputs left untouched; ties send the gradient to a single element")


# ---------------------------------------------------------------- contract

def _forbid_library_ops(ctx: CheckContext) -> None:
    """The point is to write the sliding window: no torch, scipy (correlate2d) or image library."""
    try:
        tree = ast.parse(ctx.learner_path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            root = name.split(".")[0]
            if root in FORBIDDEN_MODULES:
                raise CheckFailure(
                    f"your file imports `{name}` (line {node.lineno}): this exercise is about "
                    "writing the sliding window yourself, in NumPy only. The check compares "
                    "your result with PyTorch's; your code may not call it",
                    "contract",
                )


def _array(value: object, what: str) -> np.ndarray:
    if not isinstance(value, np.ndarray):
        kind = type(value).__name__
        raise CheckFailure(f"{what} returned {kind}; return a NumPy array", "contract")
    return as_float64(value, what)


# ---------------------------------------------------------------- values

def _output_size(func) -> None:
    cases = [(7, 3, 1, 0, 5), (7, 3, 2, 1, 4), (8, 3, 2, 1, 4), (11, 5, 3, 2, 4),
             (5, 5, 1, 2, 5), (10, 4, 3, 0, 3), (9, 2, 2, 0, 4), (32, 3, 1, 1, 32)]
    for size, k, s, p, expected in cases:
        got = func(size, k, s, p)
        if isinstance(got, float) and got == int(got):
            raise CheckFailure(
                f"conv_output_size({size}, {k}, {s}, {p}) returned the float {got}: return an "
                "int (use // for floor division)", "values"
            )
        if got == expected:
            continue
        call = f"conv_output_size(size={size}, kernel={k}, stride={s}, padding={p})"
        exact = (size + 2 * p - k) / s
        if got == expected - 1 and got == int(np.floor(exact)):
            why = "the +1 is missing (the first position counts too)"
        elif got == int(np.ceil(exact)) + 1 and got != expected:
            why = "it rounds up; a window that would hang over the edge is not taken, so floor"
        elif got == (size + p - k) // s + 1:
            why = "the padding is counted once; it is added on both sides, so 2 * padding"
        elif got == (size + 2 * p - k) + 1:
            why = "the stride is ignored"
        else:
            why = SIZE_RULE
        raise CheckFailure(f"{call} returned {got}, expected {expected}: {why}", "values")


def _torch_conv(x, w, b, stride, padding, pads=None):
    import torch
    import torch.nn.functional as F

    xt = torch.as_tensor(np.array(x, copy=True))
    if pads is not None:  # explicit (left, right, top, bottom)
        xt = F.pad(xt, pads)
        padding = 0
    return F.conv2d(xt, torch.as_tensor(np.array(w, copy=True)), torch.as_tensor(b), stride=stride,
                    padding=padding).numpy()


def _conv_values(conv2d, rng, n, c, h, w, f, kh, kw, stride, padding) -> None:
    x = rng.normal(size=(n, c, h, w))
    weight = rng.normal(size=(f, c, kh, kw))
    bias = rng.normal(size=f)
    expected = _torch_conv(x, weight, bias, stride, padding)
    inputs = (f"on x {x.shape}, w {weight.shape}, stride={stride}, padding={padding}")
    got = _array(conv2d(x.copy(), weight.copy(), bias.copy(), stride, padding), "conv2d")
    p = padding
    one_sided = [(0, 2 * p, 0, 2 * p), (2 * p, 0, 2 * p, 0), (0, p, 0, p), (p, 0, p, 0)]
    if got.shape != expected.shape:
        for pads in one_sided if p else []:
            candidate = _torch_conv(x, weight, bias, stride, 0, pads)
            if candidate.shape == got.shape and np.allclose(got, candidate, atol=1e-8):
                raise CheckFailure(ONE_SIDED, "values")
        if got.ndim == 4 and got.shape[:2] == expected.shape[:2]:
            diff = [abs(a - b) for a, b in zip(got.shape[2:], expected.shape[2:], strict=True)]
            if max(diff) == 1:
                raise CheckFailure(
                    f"conv2d's output size is off by one {inputs}: got {got.shape}, expected "
                    f"{expected.shape}; {SIZE_RULE}", "values"
                )
        raise CheckFailure(
            f"conv2d {inputs} returned shape {got.shape}, expected {expected.shape} = "
            "(N, F, H_out, W_out)", "values"
        )
    fingerprints = [
        Fingerprint(_torch_conv(x, weight[:, :, ::-1, ::-1], bias, stride, padding), FLIPPED),
        Fingerprint(expected - bias[None, :, None, None],
                    "your conv2d leaves out the bias: add b[f] to every output of filter f"),
    ]
    if kh == kw:
        fingerprints.append(Fingerprint(
            _torch_conv(x, weight.transpose(0, 1, 3, 2), bias, stride, padding),
            "your conv2d reads the kernel transposed (w[f, c, v, u]): the kernel's third axis "
            "runs down the rows (height), the fourth along the columns (width)",
        ))
    if p:
        fingerprints += [Fingerprint(_torch_conv(x, weight, bias, stride, 0, pads), ONE_SIDED)
                         for pads in one_sided[:2]]
    assert_close(got, expected, "conv2d's output", rtol=1e-7, atol=1e-9,
                 fingerprints=fingerprints, inputs=inputs)


def _pool_values(max_pool2d, rng, shape, kernel, stride) -> None:
    import torch
    import torch.nn.functional as F

    x = rng.normal(size=shape)
    xt = torch.as_tensor(x)
    expected = F.max_pool2d(xt, kernel, stride).numpy()
    label = f"kernel={kernel}" + (f", stride={stride}" if stride else " (stride defaults to it)")
    inputs = f"on x {shape}, {label}"
    got = _array(max_pool2d(x.copy(), kernel, stride), "max_pool2d")
    if got.shape != expected.shape:
        ceil = F.max_pool2d(xt, kernel, stride, ceil_mode=True).numpy()
        if got.shape == ceil.shape:
            raise CheckFailure(
                f"max_pool2d {inputs} returned shape {got.shape}, expected {expected.shape}: "
                "it keeps a partial window at the edge. Like F.max_pool2d, drop it: "
                f"{SIZE_RULE}", "values"
            )
        if got.shape == F.max_pool2d(xt, kernel, 1).numpy().shape and (stride or kernel) != 1:
            raise CheckFailure(
                f"max_pool2d {inputs} returned shape {got.shape}, expected {expected.shape}: "
                "the window moves by 1; it should move by the stride (by default the kernel "
                "size, so windows do not overlap)", "values"
            )
        raise CheckFailure(
            f"max_pool2d {inputs} returned shape {got.shape}, expected {expected.shape}",
            "values",
        )
    fingerprints = [Fingerprint(
        F.avg_pool2d(xt, kernel, stride).numpy(),
        "your max_pool2d averages each window: that is average pooling; take the max",
    )]
    assert_close(got, expected, "max_pool2d's output", fingerprints=fingerprints, inputs=inputs)


# ---------------------------------------------------------------- gradients

def _triple(value: object) -> tuple:
    if not isinstance(value, (tuple, list)) or len(value) != 3:
        raise CheckFailure("conv2d_backward should return a tuple (dx, dw, db)", "gradients")
    return tuple(value)


def _conv_gradients(backward, rng, n, c, h, w, f, kh, kw, stride, padding) -> None:
    import torch
    import torch.nn.functional as F

    x = rng.normal(size=(n, c, h, w))
    weight = rng.normal(size=(f, c, kh, kw))
    bias = rng.normal(size=f)
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, weight, bias))
    out = F.conv2d(xt, wt, bt, stride=stride, padding=padding)
    dout = rng.normal(size=tuple(out.shape))
    out.backward(torch.as_tensor(dout))
    inputs = f" (x {x.shape}, w {weight.shape}, stride={stride}, padding={padding})"
    dx, dw, db = _triple(backward(dout.copy(), x.copy(), weight.copy(), bias.copy(),
                                  stride, padding))
    dx, dw, db = (np.asarray(as_float64(g, name)) for g, name in
                  ((dx, "dx"), (dw, "dw"), (db, "db")))
    if padding and dx.shape == (n, c, h + 2 * padding, w + 2 * padding):
        raise CheckFailure(
            f"dx{inputs} has the shape of the padded input {dx.shape}: crop the padding off "
            f"(dx_padded[:, :, p:p + H, p:p + W]) to get the shape of x, {x.shape}",
            "gradients",
        )
    if db.shape != (f,):
        raise CheckFailure(
            f"db{inputs} has shape {db.shape}, expected ({f},): one number per filter. Sum dout "
            "over the batch and over every output position, dout.sum(axis=(0, 2, 3))",
            "gradients",
        )
    assert_gradient_close(dx, xt.grad, f"dx{inputs}")
    assert_gradient_close(dw, wt.grad, f"dw{inputs}")
    assert_gradient_close(db, bt.grad, f"db{inputs}", fingerprints=[Fingerprint(
        dout.sum(axis=(0, 2, 3)) / n,
        "db is divided by the batch size: the gradient of out[n, f, i, j] = ... + b[f] sends "
        "dout to b[f] once per output, so db = dout.sum(axis=(0, 2, 3)), no mean",
    )])


def _overwrite_pool_grad(dout, x, kernel, stride) -> np.ndarray:
    """The gradient a loop with `=` instead of `+=` produces when windows overlap."""
    s = stride or kernel
    dx = np.zeros_like(x)
    for n, c, i, j in np.ndindex(dout.shape):
        window = x[n, c, i * s:i * s + kernel, j * s:j * s + kernel]
        u, v = np.unravel_index(int(np.argmax(window)), window.shape)
        dx[n, c, i * s + u, j * s + v] = dout[n, c, i, j]
    return dx


def _pool_gradients(backward, rng, shape, kernel, stride) -> None:
    import torch
    import torch.nn.functional as F

    x = rng.normal(size=shape)
    xt = torch.tensor(x, requires_grad=True)
    out = F.max_pool2d(xt, kernel, stride)
    dout = rng.normal(size=tuple(out.shape))
    out.backward(torch.as_tensor(dout))
    label = f"kernel={kernel}" + (f", stride={stride}" if stride else "")
    what = f"max_pool2d_backward's dx (x {shape}, {label})"
    got = backward(dout.copy(), x.copy(), kernel, stride)

    def spread(scale: float) -> np.ndarray:
        xs = torch.tensor(x, requires_grad=True)
        F.avg_pool2d(xs, kernel, stride).backward(torch.as_tensor(dout) * scale)
        return xs.grad.numpy()

    window = (
        "the gradient of a max goes only to the element that was the max of its window; the "
        "others did not affect the output, so their gradient is 0"
    )
    fingerprints = [
        Fingerprint(spread(1.0), f"your dx spreads dout evenly over each window (that is "
                                 f"average pooling's gradient): {window}"),
        Fingerprint(spread(kernel * kernel),
                    f"your dx copies dout to every element of the window: {window}"),
        Fingerprint(_overwrite_pool_grad(dout, x, kernel, stride),
                    "where windows overlap (stride < kernel), one element can be the max of two "
                    "windows, and it must receive both gradients: add (+=) instead of assigning"),
    ]
    assert_gradient_close(got, xt.grad, what, fingerprints=fingerprints)


# ---------------------------------------------------------------- probes

def _inputs_untouched(funcs, rng) -> None:
    x = rng.normal(size=(2, 2, 5, 6))
    weight = rng.normal(size=(3, 2, 3, 3))
    bias = rng.normal(size=3)
    dout = rng.normal(size=(2, 3, 3, 3))
    calls = [
        ("conv2d", (x, weight, bias, 2, 1)),
        ("conv2d_backward", (dout, x, weight, bias, 2, 1)),
        ("max_pool2d", (x, 2, None)),
        ("max_pool2d_backward", (rng.normal(size=(2, 2, 2, 3)), x, 2, None)),
    ]
    for name, args in calls:
        saved = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
        funcs[name](*args)
        for position, (before, after) in enumerate(zip(saved, args, strict=True)):
            if isinstance(before, np.ndarray) and not np.array_equal(before, after):
                raise CheckFailure(
                    f"`{name}` changed its argument {position + 1} in place: a caller (and the "
                    "layer's backward pass) still needs it. Work on a copy or a new array",
                    "probes",
                )


def _pool_ties(backward, rng) -> None:
    """Integer inputs make ties; each window's gradient must land on exactly one of its maxima."""
    x = rng.integers(0, 2, size=(2, 2, 6, 6)).astype(np.float64)
    x[0, 0, :2, :2] = 1.0  # at least one window that is all ties
    dout = rng.uniform(0.5, 1.5, size=(2, 2, 3, 3))
    dx = as_float64(backward(dout.copy(), x.copy(), 2, None), "max_pool2d_backward")
    if dx.shape != x.shape:
        raise CheckFailure(f"max_pool2d_backward returned shape {dx.shape}, expected {x.shape}",
                           "probes")
    for n, c, i, j in np.ndindex(dout.shape):
        window = x[n, c, 2 * i:2 * i + 2, 2 * j:2 * j + 2]
        grads = dx[n, c, 2 * i:2 * i + 2, 2 * j:2 * j + 2]
        winners = np.count_nonzero(grads)
        if winners > 1:
            raise CheckFailure(
                f"on a window whose maximum appears {int((window == window.max()).sum())} times "
                f"(x[{n}, {c}, {2 * i}:{2 * i + 2}, {2 * j}:{2 * j + 2}]), your dx gives the "
                f"gradient to {winners} elements, so the total gradient grows. The output "
                "took its value from one element: send dout to one of the maxima only (PyTorch "
                "picks the first in row-major order)", "probes"
            )
        if winners == 0 or not np.isclose(grads.sum(), dout[n, c, i, j]) or \
                window[grads != 0][0] != window.max():
            raise CheckFailure(
                f"on a window with tied maxima (x[{n}, {c}, {2 * i}:{2 * i + 2}, "
                f"{2 * j}:{2 * j + 2}]), dx should put dout = {dout[n, c, i, j]:.4g} on one of "
                "the maxima; it does not", "probes"
            )
