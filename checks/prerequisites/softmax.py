"""Check `softmax`: stable softmax, logsumexp and pairwise squared distances, vectorized NumPy.

Layers: contract (the three functions, no loops, shapes, dtypes, inputs untouched), then values
against SciPy in float64: a square input first, where axis and keepdims bugs broadcast silently
and can be named, then other shapes and axes, then the overflow and -inf cases.
"""

from __future__ import annotations

import numpy as np
from checklib import (
    CheckContext,
    CheckFailure,
    Fingerprint,
    as_float64,
    assert_close,
    require_callable,
)
from checklib.prerequisites_calls import (
    call_keeping_inputs,
    forbid_loops_with_helpers,
    require_array,
    require_params,
)
from scipy import special
from scipy.spatial.distance import cdist

SIGNATURES = {"softmax": "(x, axis=-1)", "logsumexp": "(x, axis=-1)", "pairwise_sq_dists": "(A, B)"}
OVERFLOW = (
    "exp(1000) overflows to inf in float64 (and inf / inf is nan), while exp(-1000) "
    "underflows to 0. Subtract the max along the axis first: softmax(x) = softmax(x - max(x))"
)


def run(ctx: CheckContext) -> None:
    ctx.layer("contract")
    funcs = {name: require_callable(ctx.learner, name) for name in SIGNATURES}
    for name, func in funcs.items():
        require_params(func, name, SIGNATURES[name], 2)
        forbid_loops_with_helpers(ctx.learner, func, name)
    rng = np.random.default_rng(ctx.seed)
    _contract(funcs, rng)

    ctx.layer("values")
    _softmax_values(funcs["softmax"], rng)
    ctx.log("softmax matches scipy.special.softmax")
    _logsumexp_values(funcs["logsumexp"], rng)
    ctx.log("logsumexp matches scipy.special.logsumexp")
    _pairwise_values(funcs["pairwise_sq_dists"], rng)
    ctx.log("pairwise_sq_dists matches scipy's cdist(..., 'sqeuclidean')")


def _contract(funcs: dict, rng: np.random.Generator) -> None:
    # Square inputs: a lost keepdims broadcasts silently here, and the values layer names it.
    x = rng.normal(size=(4, 4))
    for dtype in (np.float64, np.float32):
        out = call_keeping_inputs(funcs["softmax"], "softmax", x.astype(dtype))
        out = require_array(out, "softmax", (4, 4), "on a (4, 4) input")
        if out.dtype != dtype:
            raise CheckFailure(
                f"`softmax` turned a {np.dtype(dtype).name} input into {out.dtype.name}: keep the "
                "input's dtype (np.exp and arithmetic on arrays do; a float64 constant array or "
                "`dtype=` argument does not)",
                "contract",
            )
    out = call_keeping_inputs(funcs["logsumexp"], "logsumexp", x)
    if np.shape(out) == (4, 1):
        raise CheckFailure(
            "`logsumexp` on a (4, 4) input returned shape (4, 1): drop the reduced axis, as "
            "scipy.special.logsumexp does, to get shape (4,) (np.squeeze(out, axis=axis), or "
            "keepdims=False in the last sum)",
            "contract",
        )
    require_array(out, "logsumexp", (4,), "on a (4, 4) input with axis=-1")
    A, B = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    out = call_keeping_inputs(funcs["pairwise_sq_dists"], "pairwise_sq_dists", A, B)
    if np.shape(out) == (4,):
        raise CheckFailure(
            "`pairwise_sq_dists` with A and B of shape (4, 3) returned shape (4,): that compares "
            "A[i] with B[i] only. Every pair is needed: D has shape (n, m) = (4, 4); broadcast "
            "A[:, None, :] against B[None, :, :]",
            "contract",
        )
    require_array(out, "pairwise_sq_dists", (4, 4), "with A and B of shape (4, 3)")


# ---------------------------------------------------------------- softmax

def _softmax_values(softmax, rng: np.random.Generator) -> None:
    x = rng.normal(scale=2.0, size=(5, 5))
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    got = as_float64(softmax(x), "softmax's result")
    rows_ok, columns_ok = (np.allclose(got.sum(axis=a), 1.0, atol=1e-9) for a in (-1, 0))
    if columns_ok and not rows_ok:
        raise CheckFailure(
            "softmax(x, axis=-1) on a (5, 5) input: the columns sum to 1, not the rows. The sum "
            "(or the max) uses axis 0: pass `axis` to both, with keepdims=True", "values")
    assert_close(
        got, special.softmax(x, axis=-1), "softmax", inputs="on a random (5, 5) input",
        fingerprints=[
            Fingerprint(special.softmax(x, axis=0),
                        "softmax(x, axis=-1) normalized the columns (axis 0): each slice along "
                        "`axis` must sum to 1; pass `axis` to both the max and the sum"),
            Fingerprint(_lost_keepdims_max(x),
                        "the max you subtract lost its dimension: x.max(axis=-1) has shape (5,), "
                        "so x - it subtracts row j's max from column j. Keep the axis with "
                        "keepdims=True (shape (5, 1))"),
            Fingerprint(e / e.sum(axis=-1),
                        "the sum you divide by lost its dimension: e.sum(axis=-1) has shape (5,), "
                        "so e / it divides column j by row j's sum. Use keepdims=True "
                        "(shape (5, 1))"),
            Fingerprint(np.exp(x) / np.exp(x).sum(),
                        "you divided by the sum over the whole array: sum along `axis` only "
                        "(axis=axis, keepdims=True), so that each row sums to 1"),
        ],
    )
    cases = [((3, 7), -1), ((3, 7), 0), ((3, 7), 1), ((2, 3, 4), 1), ((2, 3, 4), 0), ((6,), 0),
             ((1, 5), -1), ((1, 5), 0)]
    for shape, axis in cases:
        x = rng.normal(scale=3.0, size=shape)
        got = as_float64(softmax(x, axis), "softmax's result")
        on = f"on shape {shape} with axis={axis}"
        fingerprints = []
        if axis % len(shape) != len(shape) - 1:
            fingerprints.append(Fingerprint(
                special.softmax(x, axis=-1),
                f"softmax(x, axis={axis}) normalized along the last axis instead: pass the "
                "`axis` argument on to the max and the sum, do not fix it to -1 or 1"))
        if got.shape == shape and not np.allclose(got.sum(axis=axis), 1.0, atol=1e-9):
            worst = float(np.max(np.abs(got.sum(axis=axis) - 1.0)))
            named = [fp.message for fp in fingerprints if np.allclose(got, fp.value)]
            raise CheckFailure(named[0] if named else (
                f"softmax {on}: slices along the axis should sum to 1, but one is off by "
                f"{worst:.3g}"), "values")
        assert_close(got, special.softmax(x, axis=axis), "softmax", inputs=on,
                     fingerprints=fingerprints)

    logits = np.array([[1000.0, 1000.0, 0.0], [-1000.0, -1000.0, -1010.0], [0.0, 1e-3, 800.0]])
    got = as_float64(softmax(logits), "softmax's result")
    if not np.all(np.isfinite(got)):
        raise CheckFailure(f"softmax on logits [1000, 1000, 0] gave {_row(got[0])}: {OVERFLOW}",
                           "values")
    assert_close(got, special.softmax(logits, axis=-1), "softmax",
                 inputs="on logits [[1000, 1000, 0], [-1000, -1000, -1010], [0, 0.001, 800]]")
    masked = np.array([[0.0, -np.inf, 1.0], [-np.inf, 3.0, -np.inf], [2.0, 2.0, -np.inf]])
    got = as_float64(softmax(masked), "softmax's result")
    if not np.all(np.isfinite(got)):
        raise CheckFailure(
            f"softmax on [0, -inf, 1] gave {_row(got[0])}: an entry of -inf must get probability "
            "exactly 0 (exp(-inf) = 0). Subtracting the row max keeps -inf as -inf; subtracting "
            "a mean or multiplying by 0 turns it into nan", "values")
    assert_close(got, special.softmax(masked, axis=-1), "softmax",
                 inputs="on logits with -inf entries (masked positions)")
    got32 = as_float64(softmax(np.array([[100.0, 100.0, 0.0]], dtype=np.float32)))
    if not np.all(np.isfinite(got32)):
        raise CheckFailure("softmax on float32 logits [100, 100, 0] is not finite: exp(100) "
                           "overflows float32 (its largest value is about 3.4e38 = e^88.7). "
                           "Subtract the max first", "values")


def _lost_keepdims_max(x: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        e = np.exp(x - x.max(axis=-1))  # (5, 5) - (5,): the bug, on purpose
        return e / e.sum(axis=-1, keepdims=True)


def _row(values: np.ndarray) -> str:
    return "[" + ", ".join(f"{v:.4g}" for v in values) + "]"


# ---------------------------------------------------------------- logsumexp

def _logsumexp_values(logsumexp, rng: np.random.Generator) -> None:
    x = rng.normal(scale=2.0, size=(5, 5))
    m = x.max(axis=-1, keepdims=True)
    assert_close(
        logsumexp(x), special.logsumexp(x, axis=-1), "logsumexp",
        inputs="on a random (5, 5) input",
        fingerprints=[
            Fingerprint(special.logsumexp(x, axis=0),
                        "logsumexp(x, axis=-1) reduced the columns (axis 0): pass `axis` on to "
                        "the max and the sum"),
            Fingerprint(np.log(np.exp(x - m).sum(axis=-1)),
                        "you subtracted the max but never added it back: "
                        "logsumexp(x) = m + log(sum(exp(x - m)))"),
            Fingerprint(np.log(np.exp(x - x.max(axis=-1)).sum(axis=-1)) + x.max(axis=-1),
                        "the max lost its dimension: x.max(axis=-1) has shape (5,), so x - it "
                        "subtracts row j's max from column j. Use keepdims=True inside, and drop "
                        "the axis only at the end"),
        ],
    )
    for shape, axis in [((3, 7), 0), ((3, 7), 1), ((2, 3, 4), 1), ((6,), 0), ((1, 5), -1)]:
        x = rng.normal(scale=3.0, size=shape)
        want = special.logsumexp(x, axis=axis)
        got = logsumexp(x, axis)
        on = f"on shape {shape} with axis={axis}"
        if np.shape(got) != np.shape(want):
            last = np.shape(special.logsumexp(x, axis=-1))
            hint = (" (that is the shape of a reduction over the last axis: pass `axis` on)"
                    if np.shape(got) == last else "")
            raise CheckFailure(f"logsumexp {on} returned shape {np.shape(got)}, expected "
                               f"{np.shape(want)}{hint}", "values")
        assert_close(got, want, "logsumexp", inputs=on)

    big = np.array([[1000.0, 1000.0, 0.0], [-1000.0, -1000.0, -1010.0]])
    got = as_float64(logsumexp(big), "logsumexp's result")
    if not np.all(np.isfinite(got)):
        raise CheckFailure(
            f"logsumexp on [[1000, 1000, 0], [-1000, -1000, -1010]] gave {_row(got.ravel())}, "
            "expected about [1000.69, -999.31]: exp(1000) overflows to inf and exp(-1000) "
            "underflows to 0 (log 0 = -inf). Use m + log(sum(exp(x - m))) with m the max",
            "values")
    assert_close(got, special.logsumexp(big, axis=-1), "logsumexp",
                 inputs="on [[1000, 1000, 0], [-1000, -1000, -1010]]")
    masked = np.array([[0.0, -np.inf, 1.0], [-np.inf, 3.0, -np.inf]])
    assert_close(logsumexp(masked), special.logsumexp(masked, axis=-1), "logsumexp",
                 inputs="on rows with -inf entries ([0, -inf, 1] gives log(1 + e))")


# ---------------------------------------------------------------- pairwise distances

def _pairwise_values(pairwise, rng: np.random.Generator) -> None:
    A, B = rng.normal(size=(5, 3)), rng.normal(size=(5, 3)) + 0.5
    want = cdist(A, B, "sqeuclidean")
    sa, sb, ab = (A * A).sum(axis=1), (B * B).sum(axis=1), A @ B.T
    bugs = [
        (sa + sb - 2 * ab,
         "||a||^2 and ||b||^2 were added as two 1-D arrays of shape (5,), so their sum "
         "broadcast along the rows: D[i, j] got ||A[j]||^2 + ||B[j]||^2. Make ||a||^2 a column "
         "(n, 1) and ||b||^2 a row (1, m)"),
        (sa[:, None] + sb[:, None] - 2 * ab,
         "||b||^2 is a column (m, 1) like ||a||^2, so the (n, 1) + (m, 1) sum broadcast against "
         "(n, m) used B[i]'s norm for every j: make ||b||^2 a row (1, m)"),
        (sa[None, :] + sb[:, None] - 2 * ab,
         "the norms are on the wrong sides: ||a||^2 must be a column (n, 1) and ||b||^2 a row "
         "(1, m)"),
        (want.T, "rows and columns are swapped: D[i, j] compares A[i] with B[j]"),
        (np.sqrt(want), "these are distances, not squared distances: drop the square root"),
        (sa[:, None] + sb[None, :] - ab,
         "||a - b||^2 = ||a||^2 + ||b||^2 - 2 a.b: the factor 2 is missing"),
    ]
    # Each bug with and without the final clip at 0, which changes its negative entries.
    fingerprints = [Fingerprint(v, message)
                    for value, message in bugs for v in (value, np.maximum(value, 0))]
    assert_close(pairwise(A, B), want, "pairwise_sq_dists", inputs="with A and B of shape (5, 3)",
                 fingerprints=fingerprints)
    for n, m, d in [(4, 6, 3), (1, 3, 2), (3, 2, 1)]:
        A, B = rng.normal(size=(n, d)), rng.normal(size=(m, d))
        got = pairwise(A, B)
        on = f"with A of shape {(n, d)} and B of shape {(m, d)}"
        if np.shape(got) == (m, n) and n != m:
            raise CheckFailure(f"pairwise_sq_dists {on} returned shape {(m, n)}: rows and "
                               f"columns are swapped, D must have shape (n, m) = {(n, m)}",
                               "values")
        assert_close(got, cdist(A, B, "sqeuclidean"), "pairwise_sq_dists", inputs=on)

    A = rng.normal(size=(60, 8)) + 10.0
    D = as_float64(pairwise(A, A), "pairwise_sq_dists's result")
    assert_close(D, cdist(A, A, "sqeuclidean"), "pairwise_sq_dists", rtol=1e-7, atol=1e-8,
                 inputs="of a (60, 8) array with itself (points near 10)")
    if D.min() < 0:
        i, j = (int(k) for k in np.unravel_index(np.argmin(D), D.shape))
        raise CheckFailure(
            f"pairwise_sq_dists of A with itself has negative entries (D[{i}, {j}] = "
            f"{D[i, j]:.3g}): rounding in ||a||^2 + ||b||^2 - 2 a.b can dip below 0, and a "
            "later sqrt gives nan. Clip with np.maximum(D, 0)", "values")
