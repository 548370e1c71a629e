"""Time to verdict of every check on its reference solution, through the real engine.

For each module: each check alone in a fresh child (a cold start: one torch import plus the
check), every check on seeds 0, 1 and 2 in one warm child, and the whole module in one child. The
whole module should cost about one start plus the checks' own work, not one start per check.

Run: `.venv/bin/python bench/bench_checks.py [MODULE ...] [--device cpu]`.
"""

from __future__ import annotations

import argparse
import time

from dlpath.curriculum.loader import load_curriculum
from dlpath.engine.runner import CheckRunner

BUDGET_SECONDS = 15.0  # the most a check may take on a 2-core CPU


def child_start_seconds(device: str) -> float:
    started = time.perf_counter()
    with CheckRunner(device=device) as runner:
        runner.start()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("modules", nargs="*", help="module ids (default: all)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    curriculum = load_curriculum()
    modules = [curriculum.module(m) for m in args.modules] or list(curriculum.modules)
    start = child_start_seconds(args.device)
    print(f"child start (python + torch import): {start:.2f} s on {args.device}\n")
    print(
        f"{'exercise':38} {'cold s':>7} "
        + " ".join(f"{'seed ' + str(s):>7}" for s in range(args.seeds))
        + "  verdicts"
    )
    failures = 0
    for module in modules:
        cold_total = 0.0
        for exercise in module.exercises:

            def run(runner: CheckRunner, seed: int, exercise=exercise):  # type: ignore[no-untyped-def]
                return runner.run(
                    exercise.key,
                    curriculum.check_path(exercise),
                    exercise.solution,
                    curriculum.checks_directory,
                    exercise.time_budget,
                    seed,
                )

            started = time.perf_counter()
            with CheckRunner(device=args.device) as runner:
                run(runner, 0)
            cold = time.perf_counter() - started
            cold_total += cold
            seconds, verdicts = [], []
            with CheckRunner(device=args.device) as runner:
                runner.resolve_device()
                for seed in range(args.seeds):
                    verdict = run(runner, seed)
                    seconds.append(verdict.duration)
                    verdicts.append("pass" if verdict.passed else f"FAIL({verdict.layer})")
            failures += sum(v != "pass" for v in verdicts)
            slow = " OVER BUDGET" if max(seconds) > BUDGET_SECONDS else ""
            print(
                f"{exercise.key:38} {cold:7.2f} "
                + " ".join(f"{s:7.2f}" for s in seconds)
                + "  "
                + ",".join(verdicts)
                + slow
            )
        started = time.perf_counter()
        with CheckRunner(device=args.device) as runner:
            for exercise in module.exercises:
                runner.run(
                    exercise.key,
                    curriculum.check_path(exercise),
                    exercise.solution,
                    curriculum.checks_directory,
                    exercise.time_budget,
                    0,
                )
        whole = time.perf_counter() - started
        print(
            f"{'  whole module ' + module.id + ', one child':38} {whole:7.2f}  "
            f"(each check cold: {cold_total:.2f} s; ratio {whole / cold_total:.2f})\n"
        )
    print(f"{failures} failing reference run(s)")


if __name__ == "__main__":
    main()
