"""Check: the population stability index and a retraining rule built on it.

Layers:
- contract: `psi` and `should_retrain` exist; psi returns a number, should_retrain a bool.
- values: psi against a float64 oracle (quantile bins of the reference with open outer edges, a
  floor on proportions) on no shift, a 0.5-sigma shift, a change of spread, a far shift and a
  current sample that leaves most bins empty; `bins` and `eps` are honoured. Known wrong
  versions are named: equal-width bins, no floor (PSI = inf), bins taken from the current
  data or swapped arguments, current values outside the reference's range dropped, both
  histograms divided by one sample's size (the current samples differ in size from N).
- probes: should_retrain on (n, 6) feature tables (3000 reference rows, 2000 current ones): no
  drift, one drifted feature among six, a small shift of every feature, a custom threshold, and
  bins=2 on a change of spread that only more bins can see.
Tolerances (2%) accept any standard quantile method and floor; the named bugs are 10% or more
away on these data.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from checklib import CheckContext, require_callable

N = 4000
RTOL = 0.02


def oracle_psi(reference: np.ndarray, current: np.ndarray, bins: int = 10,
               eps: float = 1e-4, size: int | None = None) -> float:
    """PSI over the reference's quantile bins, each share floored at ``eps``. With ``size``, both
    histograms are divided by that one length instead of their own (a known bug)."""
    inner = np.quantile(reference, np.linspace(0.0, 1.0, bins + 1)[1:-1])
    r_size, c_size = (len(reference), len(current)) if size is None else (size, size)
    r = np.bincount(np.searchsorted(inner, reference, side="right"), minlength=bins) / r_size
    c = np.bincount(np.searchsorted(inner, current, side="right"), minlength=bins) / c_size
    r, c = np.maximum(r, eps), np.maximum(c, eps)
    return float(np.sum((c - r) * np.log(c / r)))


def _equal_width(reference: np.ndarray, current: np.ndarray, bins: int, eps: float | None) -> float:
    edges = np.linspace(reference.min(), reference.max(), bins + 1)
    r = np.histogram(reference, edges)[0] / len(reference)
    c = np.histogram(current, edges)[0] / len(current)
    if eps is not None:
        r, c = np.maximum(r, eps), np.maximum(c, eps)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.sum((c - r) * np.log(c / r)))


def _dropped_outside(reference: np.ndarray, current: np.ndarray, bins: int, eps: float,
                     renormalize: bool) -> float:
    """np.histogram with the reference's min and max as outer edges: values outside are lost."""
    edges = np.quantile(reference, np.linspace(0.0, 1.0, bins + 1))
    r = np.maximum(np.histogram(reference, edges)[0] / len(reference), eps)
    counts = np.histogram(current, edges)[0]
    c = np.maximum(counts / (max(counts.sum(), 1) if renormalize else len(current)), eps)
    return float(np.sum((c - r) * np.log(c / r)))


def run(ctx: CheckContext) -> None:
    ctx.layer("contract")
    psi = require_callable(ctx.learner, "psi")
    should_retrain = require_callable(ctx.learner, "should_retrain")
    rng = np.random.default_rng(ctx.seed)
    reference = rng.normal(size=N)

    ctx.layer("values")
    # the current samples are not all the size of the reference's N = 4000, as in production
    cases = [
        ("with no shift (both samples from N(0, 1); 3000 current values)",
         rng.normal(size=3000)),
        ("with a 0.5-sigma shift (current from N(0.5, 1))", rng.normal(0.5, 1.0, N)),
        ("with a change of spread (current: 2500 values from N(0.3, 1.6^2))",
         rng.normal(0.3, 1.6, 2500)),
        ("with a far shift (current: 5000 values from N(1.5, 1))", rng.normal(1.5, 1.0, 5000)),
        ("with most reference bins empty in current (N(3, 0.2^2))", rng.normal(3.0, 0.2, N)),
    ]
    for i, (text, current) in enumerate(cases):
        got = _call_psi(ctx, psi, reference, current, text)
        _compare(ctx, got, reference, current, text, moderate=i < 3)
        if i == 0 and got > 0.02:
            ctx.fail(f"psi {text} is {got:.4f}; with no shift it should be about 0.01 or less")
        if i == 1:
            ctx.metric("psi, 0.5-sigma shift", got)
    current = rng.normal(0.5, 1.0, N)
    text = "with bins=5 (0.5-sigma shift)"
    _compare(ctx, _call_psi(ctx, psi, reference, current, text, bins=5), reference, current,
             text, moderate=True, bins=5)
    current = rng.normal(3.0, 0.2, N)
    text = "with eps=1e-3 (most reference bins empty in current)"
    _compare(ctx, _call_psi(ctx, psi, reference, current, text, eps=1e-3), reference, current,
             text, moderate=False, eps=1e-3)

    ctx.layer("probes")
    _check_should_retrain(ctx, should_retrain, rng)


def _call_psi(ctx: CheckContext, psi: Any, reference: np.ndarray, current: np.ndarray,
              text: str, **kwargs: Any) -> float:
    got = psi(reference.copy(), current.copy(), **kwargs)
    try:
        return float(got)
    except (TypeError, ValueError):
        ctx.fail(f"psi {text} returned {type(got).__name__}; return one number (a float)",
                 "contract")


def _compare(ctx: CheckContext, got: float, reference: np.ndarray, current: np.ndarray,
             text: str, moderate: bool, bins: int = 10, eps: float = 1e-4) -> None:
    want = oracle_psi(reference, current, bins, eps)
    if np.isclose(got, want, rtol=RTOL, atol=2e-3):
        return
    if not np.isfinite(got):
        if moderate:
            ctx.fail(f"psi {text} is {got}: some bin is empty in one sample, and ln(0) is "
                     "-inf. With equal-width bins between min and max the tail bins are nearly "
                     "empty; use the reference's quantiles as bin edges (each bin then holds "
                     f"1/{bins} of the reference) and floor the proportions at eps")
        ctx.fail(f"psi {text} is {got}: an empty bin gives ln(0). Floor both proportions at "
                 "eps (np.maximum(p, eps)) before taking the log")
    named = [
        (oracle_psi(current, reference, bins, eps), "your bins come from `current` instead of "
         "`reference` (or the two arguments are swapped): PSI measures the current data "
         "against the reference's bins, and it is not symmetric in that choice"),
        (_equal_width(reference, current, bins, eps), "you use equal-width bins; use the "
         "reference's quantiles as edges, so every bin holds the same share of the reference "
         "and no bin sits nearly empty in the tails"),
        (_equal_width(reference, current, bins, None), "you use equal-width bins; use the "
         "reference's quantiles as edges (and floor the proportions at eps)"),
    ]
    dropped = ("current values outside the reference's [min, max] are dropped: the outer edges "
               "must be open (-inf and +inf), or a shift pushes data out of the bins and out of "
               "the score")
    named += [(_dropped_outside(reference, current, bins, eps, renorm), dropped)
              for renorm in (False, True)]
    named += [(oracle_psi(reference, current, bins, eps, size=len(sample)), f"you divide both "
               f"histograms by len({name}) ({len(sample)}); divide each sample's counts by its "
               f"own size ({len(reference)} reference, {len(current)} current values): the two "
               "samples need not have the same size, and each sample's shares must sum to 1")
              for name, sample in (("reference", reference), ("current", current))]
    named.sort(key=lambda item: abs(got - item[0]) if np.isfinite(item[0]) else np.inf)
    for value, message in named:  # the nearest first: small PSIs can lie within atol of two
        if np.isfinite(value) and np.isclose(got, value, rtol=RTOL / 4, atol=5e-4) and not \
                np.isclose(value, want, rtol=RTOL, atol=2e-3):
            ctx.fail(f"psi {text} is {got:.4f}, expected {want:.4f}: {message}")
    ctx.fail(f"psi {text} is {got:.4f}, expected {want:.4f} (bins at the reference's "
             f"{bins}-quantiles with open outer edges, proportions floored at {eps}, PSI = "
             "sum (c - r) ln(c / r))")


def _decide(ctx: CheckContext, should_retrain: Any, reference: np.ndarray,
            current: np.ndarray, text: str, **kwargs: Any) -> bool:
    got = should_retrain(reference.copy(), current.copy(), **kwargs)
    if not isinstance(got, (bool, np.bool_)):
        ctx.fail(f"should_retrain {text} returned {type(got).__name__}; return True or False",
                 "contract")
    return bool(got)


def _check_should_retrain(ctx: CheckContext, should_retrain: Any,
                          rng: np.random.Generator) -> None:
    n, m, d = 3000, 2000, 6  # 3000 reference rows, 2000 current rows
    reference = rng.normal(size=(n, d))
    text = "on six features with no drift"
    if _decide(ctx, should_retrain, reference, rng.normal(size=(m, d)), text):
        ctx.fail(f"should_retrain {text} returned True")
    current = rng.normal(size=(m, d))
    current[:, 2] += 0.8
    score = oracle_psi(reference[:, 2], current[:, 2])
    text = f"when feature 2 of six shifts by 0.8 sigma (its PSI is {score:.2f})"
    if not _decide(ctx, should_retrain, reference, current, text):
        ctx.fail(f"should_retrain {text} returned False: decide per feature (a PSI for each "
                 "column) and retrain when any one exceeds the threshold. Averaging the "
                 "scores, or pooling all columns into one distribution, dilutes a single "
                 "drifted feature")
    current = rng.normal(size=(m, d)) + 0.25
    scores = [oracle_psi(reference[:, j], current[:, j]) for j in range(d)]
    text = (f"when every feature shifts by 0.25 sigma (each PSI about {np.mean(scores):.2f}, "
            "threshold 0.2)")
    if _decide(ctx, should_retrain, reference, current, text):
        ctx.fail(f"should_retrain {text} returned True, but no feature crosses the "
                 f"threshold (the largest PSI is {max(scores):.2f}); summing the scores over "
                 "features makes the rule depend on how many features you have")
    low = float(min(scores)) / 2
    text = f"with threshold={low:.3f} on that same data"
    if not _decide(ctx, should_retrain, reference, current, text, threshold=low):
        ctx.fail(f"should_retrain {text} returned False: use the `threshold` argument")
    current = rng.normal(size=(m, d))
    current[:, 4] *= 2.0  # the median stays put: two bins split there cannot see the change
    wide = [oracle_psi(reference[:, 4], current[:, 4], b) for b in (2, 10)]
    text = (f"with bins=2 when feature 4 doubles its spread around the same median (its PSI is "
            f"{wide[0]:.3f} with 2 bins, {wide[1]:.2f} with 10)")
    if _decide(ctx, should_retrain, reference, current, text, bins=2):
        ctx.fail(f"should_retrain {text} returned True: use the `bins` argument and pass it on "
                 "to psi for every feature")
