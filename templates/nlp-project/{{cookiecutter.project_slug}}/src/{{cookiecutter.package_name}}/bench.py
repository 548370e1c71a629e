"""Inference latency: percentiles per batch size, for PyTorch and for the exported ONNX model.

    python -m <package>.bench [--config FILE] [--set bench.iterations=500]

Latency is a distribution, not a number: the median says what a typical request costs and the
99th percentile what the slowest one in a hundred does, which is what a service's users notice.
Both runtimes get the same number of CPU threads (``bench.threads``), reported with the table:
a latency means little without the threads it used.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import torch

from .checkpoint import load_trained
from .config import add_config_arguments, config_from_args, reported_errors, run_dir
from .device import pick_device
from .export import ONNX_FILE, sample_inputs
from .metrics import update_metrics

PERCENTILES = (50, 90, 99)
ITERATIONS, WARMUP = 200, 20  # timed and untimed calls when bench: does not say


def time_calls(call: Callable[[], object], iterations: int, warmup: int) -> np.ndarray:
    """Wall-clock milliseconds of each of ``iterations`` calls, after ``warmup`` untimed ones."""
    for _ in range(warmup):
        call()
    timings = np.empty(iterations)
    for i in range(iterations):
        started = time.perf_counter()
        call()
        timings[i] = (time.perf_counter() - started) * 1000.0
    return timings


def summarize(timings_ms: np.ndarray, batch_size: int) -> dict:
    summary = {f"p{q}_ms": float(np.percentile(timings_ms, q)) for q in PERCENTILES}
    summary["mean_ms"] = float(timings_ms.mean())
    summary["samples_per_second"] = float(batch_size * 1000.0 / timings_ms.mean())
    return summary


def bench(config: dict) -> list[dict]:
    """Time the model on ``bench.batch_sizes``; record and return one row per runtime and size."""
    bench_config = config.get("bench", {})
    threads = int(bench_config.get("threads") or torch.get_num_threads())
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)  # PyTorch's intra-op threads, put back afterwards
    try:
        rows = time_runtimes(config, threads)
    finally:
        torch.set_num_threads(previous)
    update_metrics(
        run_dir(config),
        bench={"iterations": int(bench_config.get("iterations", ITERATIONS)), "threads": threads,
               "rows": rows},
    )  # fmt: skip
    print(f"CPU threads per runtime: {threads} (bench.threads)")
    print_table(rows)
    return rows


def time_runtimes(config: dict, threads: int) -> list[dict]:
    """One row of latency percentiles per runtime and batch size."""
    bench_config = config.get("bench", {})
    iterations = int(bench_config.get("iterations", ITERATIONS))
    warmup = int(bench_config.get("warmup", WARMUP))
    out = run_dir(config)
    device = pick_device(config.get("device", "auto"))
    model, checkpoint = load_trained(config, device)
    examples = sample_inputs(checkpoint)
    session = None
    if (out / ONNX_FILE).exists():
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1  # one graph node at a time, as PyTorch runs it
        session = onnxruntime.InferenceSession(
            str(out / ONNX_FILE), options, providers=["CPUExecutionProvider"]
        )
    rows = []
    for batch_size in bench_config.get("batch_sizes", [1, 32]):
        reps = -(-batch_size // len(examples))  # ceil: repeat the examples to fill the batch
        batch = np.concatenate([examples] * reps)[:batch_size]
        tensor = torch.as_tensor(batch).to(device)

        def run_torch(tensor: torch.Tensor = tensor) -> None:
            with torch.no_grad():
                model(tensor)
            if device.type == "cuda":
                torch.cuda.synchronize()  # CUDA calls return before the work is done

        timings = time_calls(run_torch, iterations, warmup)
        rows.append({"runtime": f"pytorch ({device.type})", "batch_size": batch_size,
                     **summarize(timings, batch_size)})
        if session is not None:
            feed = {"input": batch}
            timings = time_calls(lambda feed=feed: session.run(None, feed), iterations, warmup)
            rows.append({"runtime": "onnxruntime (cpu)", "batch_size": batch_size,
                         **summarize(timings, batch_size)})
    return rows


def print_table(rows: list[dict]) -> None:
    header = f"{'runtime':<20} {'batch':>5} " + " ".join(f"{'p' + str(q):>8}" for q in PERCENTILES)
    print(header + f" {'samples/s':>10}   (milliseconds)")
    for row in rows:
        cells = " ".join(f"{row[f'p{q}_ms']:8.3f}" for q in PERCENTILES)
        rate = row["samples_per_second"]
        print(f"{row['runtime']:<20} {row['batch_size']:>5} {cells} {rate:10.0f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_config_arguments(parser)
    with reported_errors():
        bench(config_from_args(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
