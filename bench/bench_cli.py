"""Start-up cost of the CLI: `dlpath --help` and `dlpath list` against `import typer`.

Wall time (median of N runs) and peak memory (max RSS of the child) of each command, measured in
the same run so the ratio is fair on a busy machine. Goal: `dlpath --help` within 1.3x of the
baseline. Run: `.venv/bin/python bench/bench_cli.py [--runs 15]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time


def measure_once(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one run of ``command``."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)  # this child's own peak, not all children's
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(command)} failed with status {status}")
    return elapsed, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    env = {**os.environ, "DLPATH_HOME": tempfile.mkdtemp(prefix="dlpath-bench-")}
    python = sys.executable
    cases = {
        "python -c 'import typer'": [python, "-c", "import typer"],
        "dlpath --help": [python, "-m", "dlpath", "--help"],
        "dlpath list": [python, "-m", "dlpath", "list"],
    }
    samples: dict[str, list[tuple[float, int]]] = {name: [] for name in cases}
    for _ in range(args.runs):  # interleaved, so a change in the machine's load hits all alike
        for name, command in cases.items():
            samples[name].append(measure_once(command, env))
    results = {
        name: (statistics.median(t for t, _ in runs), max(m for _, m in runs) / 1024)
        for name, runs in samples.items()
    }
    baseline = results["python -c 'import typer'"][0]
    print(f"{'command':28} {'median s':>9} {'x typer':>8} {'peak MiB':>9}")
    for name, (seconds, peak) in results.items():
        print(f"{name:28} {seconds:9.3f} {seconds / baseline:8.2f} {peak:9.1f}")
    ratio = results["dlpath --help"][0] / baseline
    print(
        f"\n`dlpath --help` is {ratio:.2f}x `import typer` (goal: <= 1.3x): "
        f"{'met' if ratio <= 1.3 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
