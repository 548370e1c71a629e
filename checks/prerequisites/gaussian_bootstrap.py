"""Check `gaussian_bootstrap`: a Gaussian log-likelihood and a vectorized percentile bootstrap.

Layers: contract (signatures, no loops in bootstrap_ci, one number / an ordered pair back), values
(the log-likelihood against scipy.stats.norm.logpdf, far tails included; the bootstrap's
resamples and quantiles, read exactly through a recording `stat`), probes (the interval depends on
`rng` and only on it; the coverage of 95% intervals over simulated data sets is 0.92-0.98).
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
from checklib.prerequisites_calls import (
    call_keeping_inputs,
    forbid_loops_with_helpers,
    require_params,
)
from scipy import stats

COVERAGE_SETS, COVERAGE_N, COVERAGE_BOOT = 1500, 60, 1000
COVERAGE_RANGE = (0.92, 0.98)


def run(ctx: CheckContext) -> None:
    ctx.layer("contract")
    loglik = require_callable(ctx.learner, "gaussian_log_likelihood")
    boot = require_callable(ctx.learner, "bootstrap_ci")
    require_params(loglik, "gaussian_log_likelihood", "(x, mu, sigma)", 3)
    require_params(boot, "bootstrap_ci", "(data, stat, n_boot, alpha, rng)", 5)
    forbid_loops_with_helpers(ctx.learner, boot, "bootstrap_ci")
    rng = np.random.default_rng(ctx.seed)
    x = rng.normal(size=10)
    _loglik(loglik, x, 0.0, 1.0)
    _interval(boot, x, _mean, 200, 0.05, np.random.default_rng(0))

    ctx.layer("values")
    _loglik_values(loglik, rng)
    ctx.log("gaussian_log_likelihood matches scipy.stats.norm.logpdf, far tails included")
    _bootstrap_values(boot, rng)
    ctx.log("bootstrap_ci resamples with replacement and returns the right quantiles")

    ctx.layer("probes")
    _rng_probe(boot, rng)
    _coverage(ctx, boot)


def _mean(resamples: np.ndarray) -> np.ndarray:
    return np.asarray(resamples, dtype=np.float64).mean(axis=-1)


def _loglik(loglik, x: np.ndarray, mu: float, sigma: float) -> float:
    out = call_keeping_inputs(loglik, "gaussian_log_likelihood", x, mu, sigma)
    if np.shape(out) == x.shape and x.size > 1:
        raise CheckFailure("`gaussian_log_likelihood` returned one value per point; the "
                           "log-likelihood of the data set is their sum, one number", "contract")
    if np.size(out) != 1:
        raise CheckFailure(f"`gaussian_log_likelihood` should return one number, got shape "
                           f"{np.shape(out)}", "contract")
    return float(as_float64(out, "the log-likelihood").ravel()[0])


def _interval(boot, data, stat, n_boot: int, alpha: float, rng) -> tuple[float, float]:
    out = call_keeping_inputs(boot, "bootstrap_ci", data, stat, n_boot, alpha, rng)
    if not isinstance(out, (tuple, list, np.ndarray)) or np.shape(out) != (2,):
        raise CheckFailure(f"`bootstrap_ci` should return a pair (low, high); it returned "
                           f"{type(out).__name__} of shape {np.shape(out)}", "contract")
    low, high = (float(v) for v in as_float64(out, "the interval"))
    if low > high:
        raise CheckFailure(
            f"the interval is upside down: low = {low:.4g} > high = {high:.4g}. The percentiles "
            "are swapped: low is the alpha/2 quantile, high the 1 - alpha/2 quantile", "contract")
    return low, high


# ---------------------------------------------------------------- log-likelihood

def _loglik_values(loglik, rng: np.random.Generator) -> None:
    mu, sigma = 0.7, 2.3
    x = rng.normal(mu, sigma, size=20)
    n = len(x)
    want = float(stats.norm.logpdf(x, mu, sigma).sum())
    got = _loglik(loglik, x, mu, sigma)
    if not np.isclose(got, want, rtol=1e-10, atol=1e-10):
        log2pi, logs = np.log(2 * np.pi), np.log(sigma)
        z2 = float(np.sum(((x - mu) / sigma) ** 2))
        named = match_fingerprint(got, [
            Fingerprint(stats.norm.logpdf(x, mu, np.sqrt(sigma)).sum(),
                        "sigma was used as the variance: it is the standard deviation, so the "
                        "density has ((x - mu) / sigma)^2 and -log(sigma)"),
            Fingerprint(want + n * logs, "the -log(sigma) term is missing from each point"),
            Fingerprint(want - n * logs, "each point has -log(sigma^2) = -2 log(sigma); the "
                        "normalizer 1/sqrt(2 pi sigma^2) gives -log(sigma) - 0.5 log(2 pi)"),
            Fingerprint(want + 0.5 * n * log2pi, "the constant -0.5 log(2 pi) per point is "
                        "missing: it does not move the maximum, but the value is wrong"),
            Fingerprint(want - 0.5 * n * log2pi, "each point has -log(2 pi); it is "
                        "-0.5 log(2 pi), from the square root in 1/sqrt(2 pi sigma^2)"),
            Fingerprint(want - 0.5 * z2, "the squared term lost its 0.5: it is "
                        "-0.5 ((x - mu) / sigma)^2"),
            Fingerprint(want / n, "this is the mean log density; the log-likelihood of the data "
                        "set is the sum over points"),
            Fingerprint(-want, "this is the negative log-likelihood (the loss); return the "
                        "log-likelihood itself"),
        ])
        raise CheckFailure(named or (
            f"the log-likelihood of 20 points under N(0.7, 2.3^2) is {got:.10g}; "
            f"scipy.stats.norm.logpdf(x, 0.7, 2.3).sum() gives {want:.10g}"), "values")

    for z in (40.0, -60.0, 1000.0):
        got = _loglik(loglik, np.array([mu + z * sigma]), mu, sigma)
        want = float(stats.norm.logpdf(mu + z * sigma, mu, sigma))
        if not np.isfinite(got):
            raise CheckFailure(
                f"a point {z:g} standard deviations from the mean gets log-likelihood {got}; it "
                f"should be {want:.6g}. Its density exp({-0.5 * z * z:.6g}) underflows to 0 in "
                "float64, and log(0) = -inf: write the log density directly, "
                "-0.5 z^2 - log(sigma) - 0.5 log(2 pi), and never take log(pdf)", "values")
        if not np.isclose(got, want, rtol=1e-10):
            raise CheckFailure(f"a point {z:g} standard deviations away: log-likelihood "
                               f"{got:.10g}, expected {want:.10g}", "values")
    for mu, sigma in [(-3.0, 1e-3), (50.0, 1e3)]:
        x = rng.normal(mu, sigma, size=7)
        got = _loglik(loglik, x, mu, sigma)
        want = float(stats.norm.logpdf(x, mu, sigma).sum())
        if not np.isclose(got, want, rtol=1e-10):
            raise CheckFailure(f"with mu = {mu:g} and sigma = {sigma:g}: log-likelihood "
                               f"{got:.10g}, expected {want:.10g}", "values")


# ---------------------------------------------------------------- bootstrap

class _RecordingStat:
    """The mean of each resample, recording what it was called with."""

    def __init__(self) -> None:
        self.inputs: list[np.ndarray] = []
        self.outputs: list[np.ndarray] = []

    def __call__(self, resamples: np.ndarray) -> np.ndarray:
        arr = np.array(resamples, dtype=np.float64)
        if arr.ndim not in (1, 2):
            raise CheckFailure(f"stat was called with an array of shape {arr.shape}; it takes "
                               "the resamples as a 2-D array (n_boot, n)")
        out = arr.mean(axis=-1)
        self.inputs.append(arr)
        self.outputs.append(np.atleast_1d(out))
        return out


def _bootstrap_values(boot, rng: np.random.Generator) -> None:
    n, n_boot, alpha = 40, 2000, 0.1  # not 0.05, so a hard-coded 95% shows
    data = rng.normal(5.0, 2.0, size=n)
    stat = _RecordingStat()
    boot_rng = np.random.default_rng(int(rng.integers(10**9)))
    low, high = _interval(boot, data, stat, n_boot, alpha, boot_rng)
    rows, values = _resamples(stat, data, n, n_boot)
    if np.all(np.sort(rows, axis=1) == np.sort(data)):
        raise CheckFailure(
            "every resample is a reordering of the data: you sampled without replacement, so "
            "each statistic equals stat(data) and the interval has no width. Draw indices with "
            "replacement: rng.integers(0, n, size=(n_boot, n)) (rng.choice replaces by default)",
            "values")
    if np.all(rows == rows[0]):
        raise CheckFailure("all resamples are the same row: draw a new resample for each of the "
                           "n_boot rows (an index array of shape (n_boot, n))", "values")
    if not np.all(np.isin(rows, data)):
        raise CheckFailure("the resamples contain values that are not in the data: a bootstrap "
                           "resample is data[idx], points of the data drawn again", "values")
    _quantiles(low, high, values, data, alpha)


def _resamples(stat: _RecordingStat, data: np.ndarray, n: int,
               n_boot: int) -> tuple[np.ndarray, np.ndarray]:
    """The resamples stat saw, one per row, and the statistics it returned for them."""
    rows, values = [], []
    for arr, out in zip(stat.inputs, stat.outputs, strict=True):
        if arr.ndim == 1 and np.array_equal(arr, data):
            continue  # stat(data), the point estimate: allowed, not a resample
        if arr.ndim == 2 and arr.shape == (n, n_boot) and n != n_boot:
            raise CheckFailure(
                f"stat received an array of shape {arr.shape}: the resamples must be its rows, "
                f"shape (n_boot, n) = {(n_boot, n)}, because stat reduces along axis 1",
                "values")
        rows.append(np.atleast_2d(arr))
        values.append(out)
    if not rows:
        raise CheckFailure("bootstrap_ci never called stat on resamples of the data", "values")
    widths = {r.shape[1] for r in rows}
    if widths != {n}:
        raise CheckFailure(f"each resample must have as many points as the data (n = {n}); "
                           f"yours have {sorted(widths)}", "values")
    stacked = np.concatenate(rows)
    if len(stacked) != n_boot:
        raise CheckFailure(f"bootstrap_ci drew {len(stacked)} resamples; n_boot = {n_boot} asks "
                           f"for {n_boot}", "values")
    return stacked, np.concatenate(values)


def _near_quantile(value: float, ordered: np.ndarray, p: float) -> bool:
    """Whether value lies between the order statistics around the p-quantile (any convention)."""
    if not 0.0 <= p <= 1.0:
        return False
    k = p * (len(ordered) - 1)
    lo, hi = max(int(np.floor(k)) - 1, 0), min(int(np.ceil(k)) + 1, len(ordered) - 1)
    return bool(ordered[lo] - 1e-12 <= value <= ordered[hi] + 1e-12)


def _quantiles(low: float, high: float, values: np.ndarray, data: np.ndarray,
               alpha: float) -> None:
    ordered = np.sort(values)

    def pair(p_low: float, p_high: float) -> bool:
        return _near_quantile(low, ordered, p_low) and _near_quantile(high, ordered, p_high)

    if pair(alpha / 2, 1 - alpha / 2):
        return
    q_low, q_high = np.quantile(values, [alpha / 2, 1 - alpha / 2])
    theta = float(data.mean())
    if pair(alpha, 1 - alpha):
        named = ("the interval is too narrow: it uses the alpha and 1 - alpha quantiles. A "
                 "1 - alpha interval leaves alpha/2 in each tail")
    elif pair(alpha / 200, (1 - alpha / 2) / 100):
        named = ("np.percentile takes percents (0 to 100), so np.percentile(s, 0.05) is the "
                 "0.05th percentile: pass 100 * alpha / 2, or use np.quantile with fractions")
    elif pair(0.025, 0.975):
        named = (f"this is a 95% interval, but alpha = {alpha} asks for a {1 - alpha:.0%} one: "
                 "use the alpha argument, not a fixed 0.025 and 0.975")
    elif np.allclose([low, high], [2 * theta - q_high, 2 * theta - q_low], atol=1e-9):
        named = ("this is the basic (pivotal) bootstrap interval (2 theta - q_high, 2 theta - "
                 "q_low); this exercise asks for the percentile interval (q_low, q_high)")
    elif np.allclose([low, high], np.quantile(data, [alpha / 2, 1 - alpha / 2]), atol=1e-9):
        named = ("these are quantiles of the data itself; take the quantiles of the n_boot "
                 "bootstrap statistics that stat returned")
    else:
        named = (f"the interval ({low:.6g}, {high:.6g}) is not the alpha/2 and 1 - alpha/2 "
                 f"quantiles of the {len(values)} statistics your resamples gave, which are "
                 f"({q_low:.6g}, {q_high:.6g}) for alpha = {alpha}")
    raise CheckFailure(named, "values")


# ---------------------------------------------------------------- probes

def _rng_probe(boot, rng: np.random.Generator) -> None:
    data = rng.normal(size=30)
    first = _interval(boot, data, _mean, 500, 0.05, np.random.default_rng(123))
    again = _interval(boot, data, _mean, 500, 0.05, np.random.default_rng(123))
    if first != again:
        raise CheckFailure(
            "two calls with generators seeded alike gave different intervals "
            f"({first[0]:.6g}, {first[1]:.6g}) and ({again[0]:.6g}, {again[1]:.6g}): draw your "
            "random numbers from the `rng` argument (rng.integers, rng.choice), not from "
            "np.random.*, so that a seed reproduces the result", "probes")
    other = _interval(boot, data, _mean, 500, 0.05, np.random.default_rng(456))
    if other == first:
        raise CheckFailure(
            "generators with different seeds gave exactly the same interval: bootstrap_ci "
            "ignores its `rng` (does it make its own with a fixed seed?). Use the rng it is "
            "given", "probes")


def _coverage(ctx: CheckContext, boot) -> None:
    """Simulate data sets from N(1, 2^2); a 95% interval for the mean should contain 1 ~95%."""
    data_rng = np.random.default_rng([ctx.seed, 2024])
    boot_rng = np.random.default_rng([ctx.seed, 7])
    hits = 0
    for m in range(1, COVERAGE_SETS + 1):
        data = data_rng.normal(1.0, 2.0, size=COVERAGE_N)
        low, high = _interval(boot, data, _mean, COVERAGE_BOOT, 0.05, boot_rng)
        hits += low <= 1.0 <= high
        ctx.progress(m, COVERAGE_SETS, metric=hits / m, metric_name="coverage")
    coverage = hits / COVERAGE_SETS
    ctx.metric("coverage", coverage)
    lo, hi = COVERAGE_RANGE
    if not lo <= coverage <= hi:
        ctx.fail(f"over {COVERAGE_SETS} simulated data sets of {COVERAGE_N} points, your 95% "
                 f"intervals contained the true mean {coverage:.1%} of the time; it should be "
                 f"close to 95% (between {lo:.0%} and {hi:.0%})")
    ctx.log(f"coverage of 95% intervals over {COVERAGE_SETS} simulated data sets: {coverage:.3f}")
