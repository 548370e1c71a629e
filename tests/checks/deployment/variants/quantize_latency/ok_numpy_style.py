"""Correct, written differently: NumPy rounding, nearest-rank percentiles, time.monotonic."""

import math
import time

import numpy as np
import torch


def choose_qparams(x, signed=True):
    qmin, qmax = (-128, 127) if signed else (0, 255)
    v = x.detach().double().numpy()
    lo, hi = min(v.min(), 0.0), max(v.max(), 0.0)
    scale = (hi - lo) / (qmax - qmin) if hi > lo else float(np.finfo(np.float32).eps)
    zp = int(np.clip(qmin - np.rint(lo / scale), qmin, qmax))
    return scale, zp


def quantize(x, scale, zero_point, signed=True):
    qmin, qmax = (-128, 127) if signed else (0, 255)
    v = np.clip(np.rint(x.detach().double().numpy() / scale) + zero_point, qmin, qmax)
    return torch.from_numpy(v.astype(np.int8 if signed else np.uint8))


def dequantize(q, scale, zero_point):
    return ((q.to(torch.int32) - zero_point).to(torch.float32)) * scale


def measure_latency(fn, example, warmup=10, runs=100, clock=time.monotonic, sync=None):
    sync = sync or (lambda: None)
    for _ in range(warmup):
        fn(example)
    sync()
    samples = []
    for _ in range(runs):
        t0 = clock()
        fn(example)
        sync()
        samples.append(1000.0 * (clock() - t0))
    samples.sort()

    def nearest_rank(p):
        return samples[max(0, math.ceil(p / 100 * len(samples)) - 1)]

    return {"p50": nearest_rank(50), "p90": nearest_rank(90), "p99": nearest_rank(99),
            "mean": sum(samples) / len(samples)}
