"""Check: int8 affine quantization matches PyTorch, and the latency harness measures honestly.

Layers:
- contract: the four functions exist; quantize returns torch.int8 (signed) or torch.uint8,
  dequantize float32.
- values: quantize on exact ties (half to even), on values far outside the range (clamped), and
  on random data against torch.quantize_per_tensor (elements within 1e-4 of a tie moved away:
  torch's float32 x * (1 / scale) is itself off by one there); dequantize against its formula;
  choose_qparams against the min/max observer formula (the range always contains 0), on
  all-positive and constant data too, and on -2..6 where min / scale = -63.75 (truncation).
- probes: measure_latency with a fake clock and a fake function that is slow for its first
  calls: the warm-up is called but not timed, percentiles come from sorted timings, results are
  in milliseconds; with a fake device whose work is only queued, `sync` is called before the
  clock starts and before it stops; finally a real 2 ms sleep measured with the default clock.
Quantization runs on the CPU (quantized tensors are a CPU feature).
"""

from __future__ import annotations

import time
import warnings
from typing import Any

import numpy as np
from checklib import CheckContext, Fingerprint, assert_close, require_callable

SIGNED, UNSIGNED = (-128, 127), (0, 255)


def run(ctx: CheckContext) -> None:
    ctx.layer("contract")
    names = ("choose_qparams", "quantize", "dequantize", "measure_latency")
    fns = {name: require_callable(ctx.learner, name) for name in names}
    import torch

    ctx.layer("values")
    _check_ties(ctx, torch, fns["quantize"])
    _check_clamping(ctx, torch, fns["quantize"])
    rng = np.random.default_rng(ctx.seed)
    _check_random(ctx, torch, fns["quantize"], rng)
    _check_dequantize(ctx, torch, fns["dequantize"], rng)
    _check_qparams(ctx, torch, fns, rng)

    ctx.layer("probes")
    _check_latency_cpu(ctx, fns["measure_latency"], rng)
    _check_latency_sync(ctx, fns["measure_latency"])
    _check_latency_real(ctx, fns["measure_latency"])


# ---------------------------------------------------------------- quantize

def _as_q(ctx: CheckContext, torch: Any, got: Any, signed: bool, on: str) -> Any:
    want = torch.int8 if signed else torch.uint8
    if not isinstance(got, torch.Tensor):
        ctx.fail(f"quantize {on} returned {type(got).__name__}; return a torch tensor of dtype "
                 f"{want}", "contract")
    if got.dtype != want:
        ctx.fail(f"quantize {on} returned dtype {got.dtype}; expected {want}: one byte per "
                 "value is what int8 buys (4x less memory and bandwidth than float32)",
                 "contract")
    return got


def _half_even(v: np.ndarray) -> np.ndarray:
    return np.rint(v)


def _rounding_fingerprints(v: np.ndarray, zp: int, lo: int, hi: int) -> list[Fingerprint]:
    def fp(rounded: np.ndarray, message: str) -> Fingerprint:
        return Fingerprint(np.clip(rounded + zp, lo, hi), message, rtol=0, atol=0)

    return [
        fp(np.floor(v + 0.5), "your quantize rounds halves up (floor(v + 0.5)): 0.5 -> 1, "
           "2.5 -> 3, -0.5 -> 0. Quantization rounds half to even (0.5 -> 0, 1.5 -> 2, "
           "2.5 -> 2), as torch.round and np.rint do, so the rounding errors do not all lean "
           "the same way"),
        fp(np.sign(v) * np.floor(np.abs(v) + 0.5), "your quantize rounds halves away from "
           "zero (2.5 -> 3, -2.5 -> -3); quantization rounds half to even (2.5 -> 2), as "
           "torch.round does"),
        fp(np.trunc(v), "your quantize truncates toward zero instead of rounding (1.5 -> 1, "
           "-1.5 -> -1): casting a float to an integer drops the fraction. Round first, with "
           "torch.round (half to even)"),
        fp(np.floor(v), "your quantize rounds down (floor) instead of to the nearest integer"),
    ]


def _check_ties(ctx: CheckContext, torch: Any, quantize: Any) -> None:
    v = np.array([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.5, -3.5, 0.0, 1.0, 126.5, -127.5])
    scale = 0.5  # a power of two: x / scale is exact, so every tie is a real tie
    x = torch.tensor(v * scale, dtype=torch.float32)
    on = "on exact ties (x / scale = 0.5, 1.5, 2.5, -0.5, ...; scale 0.5, zero_point 0)"
    got = _as_q(ctx, torch, quantize(x, scale, 0, True), True, on)
    assert_close(got, np.clip(_half_even(v), *SIGNED), "quantize", rtol=0, atol=0,
                 fingerprints=_rounding_fingerprints(v, 0, *SIGNED), inputs=on)
    v = np.array([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.5, -3.5, 244.5])
    scale, zp = 0.25, 10
    x = torch.tensor(v * scale, dtype=torch.float32)
    on = "with signed=False on exact ties (scale 0.25, zero_point 10)"
    got = _as_q(ctx, torch, quantize(x, scale, zp, False), False, on)
    assert_close(got, np.clip(_half_even(v) + zp, *UNSIGNED), "quantize", rtol=0, atol=0,
                 fingerprints=_rounding_fingerprints(v, zp, *UNSIGNED)
                 + [Fingerprint(np.clip(_half_even(v) - zp, *UNSIGNED), "your quantize "
                    "subtracts the zero point; q = round(x / scale) + zero_point", 0, 0)],
                 inputs=on)


def _check_clamping(ctx: CheckContext, torch: Any, quantize: Any) -> None:
    v = np.linspace(-300.0, 300.0, 25)
    for signed, zp, (lo, hi) in ((True, 0, SIGNED), (False, 128, UNSIGNED)):
        x = torch.tensor(v, dtype=torch.float32)
        on = f"on values from -300 to 300 (scale 1, zero_point {zp}, signed={signed})"
        got = _as_q(ctx, torch, quantize(x, 1.0, zp, signed), signed, on)
        raw = torch.tensor(_half_even(v) + zp, dtype=torch.float32)
        wrapped = raw.to(torch.int8 if signed else torch.uint8)
        fingerprints = [
            Fingerprint(wrapped, "your quantize does not clamp: values beyond the integer "
                        "range wrap around when cast (300 becomes 44 in int8). Clamp to "
                        f"[{lo}, {hi}] before converting the dtype", 0, 0),
            Fingerprint(np.clip(_half_even(v) + zp, lo + 1, hi), f"your quantize clamps to "
                        f"[{lo + 1}, {hi}]; the full range is [{lo}, {hi}]", 0, 0),
        ]
        assert_close(got, np.clip(_half_even(v) + zp, lo, hi), "quantize", rtol=0, atol=0,
                     fingerprints=fingerprints, inputs=on)


def _torch_quantize(torch: Any, x: Any, scale: float, zp: int, signed: bool) -> np.ndarray:
    """torch.quantize_per_tensor's integers where it exists (it is deprecated), else the formula
    it implements."""
    lo, hi = SIGNED if signed else UNSIGNED
    fallback = np.clip(_half_even(x.double().numpy() / scale) + zp, lo, hi)
    quantize_per_tensor = getattr(torch, "quantize_per_tensor", None)
    if quantize_per_tensor is None:
        return fallback
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            dtype = torch.qint8 if signed else torch.quint8
            return quantize_per_tensor(x, scale, zp, dtype).int_repr().numpy().astype(np.float64)
        except (RuntimeError, AttributeError):
            return fallback


TIE_MARGIN = 1e-4  # measured: float32 near-ties that torch and x / scale disagree on are < 2e-5


def _away_from_ties(x: np.ndarray, scale: float) -> np.ndarray:
    """``x`` as float32, with every element whose exact x / scale lies within TIE_MARGIN of a
    half-integer moved a quarter step away.

    torch.quantize_per_tensor computes x * (1 / scale) in float32, which can land on the other
    side of a near-tie from round(x / scale) (or from the same quotient in float64), so the
    oracle itself is off by one there. Exact ties are tested in _check_ties, where every
    quotient is exact.
    """
    x = x.astype(np.float32)
    v = x.astype(np.float64) / scale
    near = np.abs(v - np.floor(v) - 0.5) < TIE_MARGIN
    x[near] = (x[near].astype(np.float64) + 0.25 * scale).astype(np.float32)
    return x


def _check_random(ctx: CheckContext, torch: Any, quantize: Any, rng: np.random.Generator) -> None:
    for signed, zp in ((True, int(rng.integers(-20, 20))), (False, int(rng.integers(100, 150)))):
        data = rng.normal(scale=2.0, size=(40, 25))
        scale = float(rng.uniform(0.01, 0.03))
        x = torch.from_numpy(_away_from_ties(data, scale))
        on = f"on random (40, 25) data (scale {scale:.4f}, zero_point {zp}, signed={signed})"
        got = _as_q(ctx, torch, quantize(x, scale, zp, signed), signed, on)
        lo, hi = SIGNED if signed else UNSIGNED
        v = x.double().numpy()
        assert_close(got, _torch_quantize(torch, x, scale, zp, signed), "quantize", rtol=0,
                     atol=0, inputs=on + ", compared with torch.quantize_per_tensor",
                     fingerprints=[
                         Fingerprint(np.clip(_half_even(v * scale) + zp, lo, hi), "your "
                                     "quantize multiplies by the scale; divide: q = "
                                     "round(x / scale) + zero_point", 0, 0),
                         Fingerprint(np.clip(_half_even(v / scale) - zp, lo, hi), "your "
                                     "quantize subtracts the zero point; q = round(x / scale) "
                                     "+ zero_point", 0, 0),
                     ])


# ---------------------------------------------------------------- dequantize, qparams

def _check_dequantize(ctx: CheckContext, torch: Any, dequantize: Any,
                      rng: np.random.Generator) -> None:
    q = torch.tensor(rng.integers(-128, 128, size=(6, 7)), dtype=torch.int8)
    scale, zp = 0.0375, int(rng.integers(-10, 10)) or 3
    got = dequantize(q, scale, zp)
    on = f"on random int8 values (scale {scale}, zero_point {zp})"
    if not isinstance(got, torch.Tensor) or not got.is_floating_point():
        kind = got.dtype if isinstance(got, torch.Tensor) else type(got).__name__
        ctx.fail(f"dequantize {on} returned {kind}; return a float32 tensor", "contract")
    if got.dtype != torch.float32:
        ctx.fail(f"dequantize {on} returned dtype {got.dtype}; return float32, as the task says "
                 "(float16 and bfloat16 round away more than the quantization step; float64 "
                 "doubles the memory): (q.to(torch.float32) - zero_point) * scale", "contract")
    qd = q.double().numpy()
    assert_close(got, (qd - zp) * scale, "dequantize", rtol=1e-6, atol=1e-7, inputs=on,
                 fingerprints=[
                     Fingerprint(qd * scale, "your dequantize ignores the zero point: "
                                 "x = (q - zero_point) * scale"),
                     Fingerprint(qd * scale - zp, "your dequantize subtracts the zero point "
                                 "after scaling; subtract it first: (q - zero_point) * scale"),
                     Fingerprint((qd + zp) * scale, "your dequantize adds the zero point; "
                                 "subtract it: (q - zero_point) * scale"),
                     Fingerprint((qd - zp) / scale, "your dequantize divides by the scale; "
                                 "multiply: (q - zero_point) * scale"),
                 ])


def _oracle_qparams(x: np.ndarray, signed: bool) -> tuple[float, int]:
    lo_q, hi_q = SIGNED if signed else UNSIGNED
    lo, hi = min(float(x.min()), 0.0), max(float(x.max()), 0.0)
    scale = max((hi - lo) / (hi_q - lo_q), float(np.finfo(np.float32).eps))
    return scale, int(np.clip(lo_q - round(lo / scale), lo_q, hi_q))


def _qparams(ctx: CheckContext, choose: Any, x: Any, signed: bool, on: str) -> tuple[float, int]:
    got = choose(x, signed)
    if not (isinstance(got, tuple) and len(got) == 2):
        ctx.fail(f"choose_qparams {on} should return a pair (scale, zero_point), got "
                 f"{type(got).__name__}", "contract")
    scale, zp = float(got[0]), got[1]
    if float(zp) != int(float(zp)):
        ctx.fail(f"choose_qparams {on} returned zero_point {zp}: it must be an integer "
                 "(round it)")
    return scale, int(float(zp))


def _check_qparams(ctx: CheckContext, torch: Any, fns: dict[str, Any],
                   rng: np.random.Generator) -> None:
    choose = fns["choose_qparams"]
    cases = [
        ("on random data from about -5 to 7", rng.normal(1.0, 2.0, size=500)),
        ("on all-positive data from 2 to 5 (the range must still contain 0)",
         rng.uniform(2.0, 5.0, size=300)),
        # min / scale = -2 / (8 / 255) = -63.75: rounding gives -64, truncation -63
        ("on data from -2.0 to 6.0 (min / scale = -63.75)", np.linspace(-2.0, 6.0, 161)),
    ]
    for text, data in cases:
        for signed in (True, False):
            x = torch.tensor(data, dtype=torch.float32)
            v = x.double().numpy()
            on = f"{text}, signed={signed}"
            scale, zp = _qparams(ctx, choose, x, signed, on)
            want_scale, want_zp = _oracle_qparams(v, signed)
            lo_q, hi_q = SIGNED if signed else UNSIGNED
            if not np.isclose(scale, want_scale, rtol=1e-5, atol=0):
                lo, hi = float(v.min()), float(v.max())
                if np.isclose(scale, (hi - lo) / (hi_q - lo_q), rtol=1e-5):
                    ctx.fail(f"choose_qparams {on}: your range [min(x), max(x)] does not "
                             "contain 0. Use [min(x, 0), max(x, 0)] so that 0.0 (padding, "
                             "ReLU zeros) is stored exactly")
                if np.isclose(scale, want_scale * 255 / 256, rtol=1e-5):
                    ctx.fail(f"choose_qparams {on}: scale = (max - min) / 256, but 256 levels "
                             "have 255 steps between them: divide by qmax - qmin = 255")
                if np.isclose(scale, max(abs(lo), abs(hi)) / 127.5, rtol=1e-5) or np.isclose(
                        scale, max(abs(lo), abs(hi)) / 127, rtol=1e-5):
                    ctx.fail(f"choose_qparams {on}: this is a symmetric scale (from max |x|); "
                             "the task asks for the affine one, (max - min) / (qmax - qmin)")
                ctx.fail(f"choose_qparams {on}: scale is {scale:.6g}, expected "
                         f"{want_scale:.6g} = (max(x, 0) - min(x, 0)) / {hi_q - lo_q}")
            if zp != want_zp:
                ratio = min(float(v.min()), 0.0) / scale
                truncated = int(np.clip(lo_q - int(ratio), lo_q, hi_q))
                if zp == truncated and round(ratio) != int(ratio):
                    ctx.fail(f"choose_qparams {on}: zero_point is {zp}, expected {want_zp}: "
                             f"min(x, 0) / scale = {ratio:.4g} was truncated toward zero (int() "
                             f"gives {int(ratio)}) instead of rounded to {round(ratio)}. Use "
                             "qmin - round(min(x, 0) / scale), so that 0.0 maps to the "
                             "nearest integer")
                ctx.fail(f"choose_qparams {on}: zero_point is {zp}, expected {want_zp} = "
                         f"qmin - round(min(x, 0) / scale), clamped to [{lo_q}, {hi_q}]")
    x = torch.zeros(16)
    scale, zp = _qparams(ctx, choose, x, True, "on an all-zero tensor")
    if not (np.isfinite(scale) and scale > 0):
        ctx.fail(f"choose_qparams on an all-zero tensor gives scale {scale}: max - min is 0 "
                 "there, so floor the scale at a tiny positive number (PyTorch uses float32's "
                 "eps) instead of dividing by zero later")
    back = fns["dequantize"](fns["quantize"](x, scale, zp, True), scale, zp)
    if not bool(torch.all(back == 0)):
        ctx.fail("an all-zero tensor does not come back as exact zeros after quantize and "
                 "dequantize with the parameters choose_qparams picked")


# ---------------------------------------------------------------- latency

class _FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _durations(rng: np.random.Generator) -> list[float]:
    """100 timings in ms: 60 of 1, 32 of 2, 8 of 5. Any percentile method gives p50 = 1,
    p90 = 2, p99 = 5 once sorted; unsorted, positions 49-50 hold 5, 89-90 hold 1, 98-99 hold 2."""
    values = [1.0] * 60 + [2.0] * 32 + [5.0] * 8
    order = list(rng.permutation(values))
    for positions, value in (((49, 50), 5.0), ((89, 90), 1.0), ((98, 99), 2.0)):
        for pos in positions:
            swap = next(i for i, v in enumerate(order)
                        if v == value and i not in (49, 50, 89, 90, 98, 99))
            order[pos], order[swap] = order[swap], order[pos]
    return order


def _latency_result(ctx: CheckContext, got: Any, on: str) -> dict[str, float]:
    keys = ("p50", "p90", "p99", "mean")
    if not isinstance(got, dict) or not all(k in got for k in keys):
        shown = sorted(got) if isinstance(got, dict) else type(got).__name__
        ctx.fail(f"measure_latency {on} should return a dict with keys {list(keys)}, got "
                 f"{shown}", "contract")
    return {k: float(got[k]) for k in keys}


def _check_latency_cpu(ctx: CheckContext, measure: Any, rng: np.random.Generator) -> None:
    clock, warmup, runs = _FakeClock(), 10, 100
    durations = _durations(rng)
    calls = [0]

    def fn(_example: Any) -> None:
        i = calls[0]
        calls[0] += 1
        clock.now += 0.050 if i < warmup else durations[(i - warmup) % runs] / 1000.0

    on = ("with a fake clock: 10 warm-up calls of 50 ms, then 100 calls of 1, 2 or 5 ms")
    got = _latency_result(ctx, measure(fn, None, warmup=warmup, runs=runs, clock=clock), on)
    if calls[0] != warmup + runs:
        ctx.fail(f"measure_latency(warmup={warmup}, runs={runs}) called fn {calls[0]} times; "
                 f"expected {warmup + runs}: first the warm-up calls (untimed), then one timed "
                 "call per run")
    want = {"p50": 1.0, "p90": 2.0, "p99": 5.0, "mean": float(np.mean(durations))}
    if all(np.isclose(got[k], want[k] / 1000.0, rtol=1e-6) for k in want):
        ctx.fail(f"measure_latency {on} returned seconds (p50 = {got['p50']:.3g}); return "
                 "milliseconds (multiply by 1000)")
    if abs(got["p50"]) < 0.05:  # the fake calls take no real time: ~1e-4 ms on a real clock
        ctx.fail(f"measure_latency {on} measured almost nothing (p50 {got['p50']:.3g} ms): "
                 "read the time from the `clock` argument, not from time.perf_counter "
                 "directly")
    with_warmup = np.array([50.0] * warmup + durations)
    if np.isclose(got["mean"], with_warmup.mean(), rtol=1e-6) or np.isclose(
            got["p99"], np.percentile(with_warmup, 99), rtol=1e-6):
        ctx.fail(f"measure_latency {on} timed the warm-up calls too (mean {got['mean']:.3f} "
                 f"ms instead of {want['mean']:.2f}): the first calls pay one-off costs "
                 "(allocation, caches, kernel selection); run them before timing and keep "
                 "their times out of the statistics")
    if not got["p50"] <= got["p90"] <= got["p99"]:
        ctx.fail(f"measure_latency {on} returned p50 = {got['p50']:.3g}, p90 = "
                 f"{got['p90']:.3g}, p99 = {got['p99']:.3g} ms, which are not in order: "
                 "percentiles are read from the SORTED timings (or use np.percentile)")
    for key, value in want.items():
        if not np.isclose(got[key], value, rtol=1e-6, atol=1e-9):
            ctx.fail(f"measure_latency {on}: {key} is {got[key]:.6g} ms, expected {value:.6g}")


def _check_latency_sync(ctx: CheckContext, measure: Any) -> None:
    clock, warmup, runs = _FakeClock(), 3, 20
    pending = [0.0]
    calls = [0]

    def fn(_example: Any) -> None:  # like a CUDA kernel launch: returns before the work is done
        calls[0] += 1
        clock.now += 0.00001
        pending[0] += 0.050 if calls[0] <= warmup else 0.003

    def sync() -> None:
        clock.now += pending[0]
        pending[0] = 0.0

    on = ("with a fake device whose calls only queue work (3 ms each, 50 ms during warm-up) "
          "until sync() waits for it")
    got = _latency_result(ctx, measure(fn, None, warmup=warmup, runs=runs, clock=clock,
                                       sync=sync), on)
    want = 3.01
    if got["p50"] < 0.5:
        ctx.fail(f"measure_latency {on} returned p50 = {got['p50']:.3g} ms: it timed only the "
                 "launch of the work. Call sync() after fn and before reading the clock (on a "
                 "GPU: torch.cuda.synchronize())")
    if np.isclose(got["p50"], want, rtol=1e-6) and got["mean"] > want * 1.5:
        ctx.fail(f"measure_latency {on}: the first timed call also waited for the work "
                 f"queued during warm-up (mean {got['mean']:.2f} ms, p50 {got['p50']:.2f}). "
                 "Call sync() before starting the clock too")
    for key in ("p50", "p90", "p99", "mean"):
        if not np.isclose(got[key], want, rtol=1e-6):
            ctx.fail(f"measure_latency {on}: {key} is {got[key]:.6g} ms, expected {want} "
                     "(3 ms of work plus 0.01 ms to launch it)")


def _check_latency_real(ctx: CheckContext, measure: Any) -> None:
    got = _latency_result(ctx, measure(lambda _x: time.sleep(0.002), None, warmup=2, runs=10),
                          "on a function that sleeps 2 ms, with the default clock")
    if got["p50"] < 1.9e-3 * 1000 * 0.95:
        unit = " (seconds? return milliseconds)" if got["p50"] < 0.01 else ""
        ctx.fail(f"measure_latency of a function that sleeps 2 ms gives p50 = "
                 f"{got['p50']:.3g} ms{unit}: the default clock should be time.perf_counter")
    ctx.metric("p50 of a 2 ms sleep (ms)", got["p50"])
