"""Int8 affine quantization by hand, and a latency harness that does not lie.

Quantization maps a float x to an integer q = clamp(round(x / scale) + zero_point, qmin, qmax),
with [qmin, qmax] = [-128, 127] (signed, torch.int8) or [0, 255] (unsigned, torch.uint8).
"""

import time

import numpy as np  # noqa: F401 - you may need it
import torch  # noqa: F401


def choose_qparams(x, signed=True):
    """Return (scale, zero_point) for tensor `x`, as PyTorch's min/max observer does.

    lo = min(x.min(), 0), hi = max(x.max(), 0)   (the range always contains 0.0)
    scale = (hi - lo) / (qmax - qmin), floored at a tiny positive number when hi == lo
    zero_point = qmin - round(lo / scale), an int clamped to [qmin, qmax]
    """
    # TODO
    raise NotImplementedError("choose_qparams")


def quantize(x, scale, zero_point, signed=True):
    """q = clamp(round(x / scale) + zero_point, qmin, qmax), returned as torch.int8 or uint8.

    round() rounds half to even (torch.round does): 0.5 -> 0, 1.5 -> 2, 2.5 -> 2.
    Clamp before converting the dtype: an int8 cast of 300 wraps around instead of saturating.
    """
    # TODO
    raise NotImplementedError("quantize")


def dequantize(q, scale, zero_point):
    """x_hat = (q - zero_point) * scale, as a float32 tensor."""
    # TODO
    raise NotImplementedError("dequantize")


def measure_latency(fn, example, warmup=10, runs=100, clock=time.perf_counter, sync=None):
    """Time fn(example): `warmup` untimed calls, then `runs` calls timed one by one with `clock`.

    `clock()` returns seconds. If `sync` is given (e.g. torch.cuda.synchronize), call it before
    starting the clock and again before stopping it, so queued device work is counted where it
    belongs. Return {"p50": ..., "p90": ..., "p99": ..., "mean": ...} in milliseconds.
    """
    # TODO: warm up, time each run, then percentiles of the sorted timings (np.percentile).
    raise NotImplementedError("measure_latency")
