"""Bug: choose_qparams truncates min / scale with int() instead of rounding it."""

import time

import numpy as np
import torch


def _qrange(signed):
    return (-128, 127) if signed else (0, 255)


def choose_qparams(x, signed=True):
    """(scale, zero_point) mapping [min(x, 0), max(x, 0)] onto the integer range."""
    qmin, qmax = _qrange(signed)
    lo = min(float(x.min()), 0.0)  # the range must contain 0.0, so 0 is stored exactly
    hi = max(float(x.max()), 0.0)
    scale = max((hi - lo) / (qmax - qmin), 1e-12)  # 255 steps between qmin and qmax
    zero_point = qmin - int(lo / scale)  # int() truncates toward zero: -63.75 -> -63
    return scale, int(min(max(zero_point, qmin), qmax))


def quantize(x, scale, zero_point, signed=True):
    """q = clamp(round_half_even(x / scale) + zero_point, qmin, qmax), as int8 or uint8."""
    qmin, qmax = _qrange(signed)
    q = torch.round(x / scale) + zero_point  # torch.round rounds half to even
    q = torch.clamp(q, qmin, qmax)  # clamp BEFORE the cast, or 200 wraps around to -56
    return q.to(torch.int8 if signed else torch.uint8)


def dequantize(q, scale, zero_point):
    """x_hat = (q - zero_point) * scale, as float32."""
    return (q.to(torch.float32) - zero_point) * scale


def measure_latency(fn, example, warmup=10, runs=100, clock=time.perf_counter, sync=None):
    """Call fn(example) `warmup` times untimed, then `runs` times timed, one call per timing.

    `sync` (e.g. torch.cuda.synchronize) waits for queued device work; it is called before
    starting and before stopping the clock. Returns p50, p90, p99 and mean in milliseconds.
    """
    for _ in range(warmup):
        fn(example)
    times = []
    for _ in range(runs):
        if sync is not None:
            sync()  # nothing queued earlier may leak into this timing
        start = clock()
        fn(example)
        if sync is not None:
            sync()  # the call may only have queued work: wait for it
        times.append((clock() - start) * 1000.0)
    times = np.asarray(times)
    p50, p90, p99 = np.percentile(times, [50, 90, 99])  # sorts internally
    return {"p50": float(p50), "p90": float(p90), "p99": float(p99), "mean": float(times.mean())}
