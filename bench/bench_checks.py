"""Time to verdict of every check on its reference solution, through the real engine.

For each module: each check alone in a fresh child (a cold start: one torch import plus the
check), every check on seeds 0, 1 and 2 in one warm child, and the whole module in one child. The
whole module should cost about one start plus the checks' own work, not one start per check.

The portfolio check is the exception to the 15 s budget: its reference is not code but a
finished project, which this script builds first (a generated tabular-project after a short
`make all`, its documents written, as its evidence tests build it), and the check then runs that
project's own test suite. Its budget is the exercise's time limit.

Run: `.venv/bin/python bench/bench_checks.py [MODULE ...] [--device cpu]`.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from dlpath.curriculum.loader import load_curriculum
from dlpath.curriculum.model import Exercise
from dlpath.engine.runner import CheckRunner

BUDGET_SECONDS = 15.0  # the most a check may take on a 2-core CPU
PROJECT_EXERCISES = {"portfolio/portfolio_project"}  # the reference is a project, built here
SCRATCH = Path(tempfile.mkdtemp(prefix="dlpath-bench-checks-"))


def reference_file(exercise: Exercise) -> Path:
    """The file the check runs on: the reference solution, or for the portfolio a learner file
    naming a finished project built in a scratch folder."""
    if exercise.key not in PROJECT_EXERCISES:
        return exercise.solution
    learner = SCRATCH / "portfolio_project.py"
    if not learner.exists():
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
        from finished_portfolio import finish_project, generate_fresh

        started = time.perf_counter()
        fresh = generate_fresh(SCRATCH / "fresh" / "tumour-triage")
        project = finish_project(fresh, SCRATCH / "finished" / "tumour-triage", SCRATCH / "home")
        learner.write_text(f"PROJECT_DIR = {str(project)!r}\n")
        print(f"(built the finished portfolio project in {time.perf_counter() - started:.1f} s)")
    return learner


def budget(exercise: Exercise) -> float:
    return exercise.time_budget if exercise.key in PROJECT_EXERCISES else BUDGET_SECONDS


def child_start_seconds(device: str) -> float:
    started = time.perf_counter()
    with CheckRunner(device=device) as runner:
        runner.start()
    return time.perf_counter() - started


def main() -> int:
    """Print the timings; the exit status is 1 when any reference run failed."""
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
                    reference_file(exercise),
                    curriculum.checks_directory,
                    exercise.time_budget,
                    seed,
                )

            started = time.perf_counter()
            with CheckRunner(device=args.device) as runner:
                cold_verdict = run(runner, 0)
            cold = time.perf_counter() - started
            failures += 0 if cold_verdict.passed else 1
            cold_total += cold
            seconds, verdicts = [], []
            with CheckRunner(device=args.device) as runner:
                runner.resolve_device()
                for seed in range(args.seeds):
                    verdict = run(runner, seed)
                    seconds.append(verdict.duration)
                    verdicts.append("pass" if verdict.passed else f"FAIL({verdict.layer})")
            failures += sum(v != "pass" for v in verdicts)
            slow = " OVER BUDGET" if max(seconds) > budget(exercise) else ""
            print(
                f"{exercise.key:38} {cold:7.2f} "
                + " ".join(f"{s:7.2f}" for s in seconds)
                + "  "
                + ",".join(verdicts)
                + slow
                + ("" if cold_verdict.passed else f"  cold run FAIL({cold_verdict.layer})")
            )
        started = time.perf_counter()
        failed_in_module = []
        with CheckRunner(device=args.device) as runner:
            for exercise in module.exercises:
                verdict = runner.run(
                    exercise.key,
                    curriculum.check_path(exercise),
                    reference_file(exercise),
                    curriculum.checks_directory,
                    exercise.time_budget,
                    0,
                )
                if not verdict.passed:
                    failed_in_module.append(f"{exercise.id} FAIL({verdict.layer})")
        whole = time.perf_counter() - started
        failures += len(failed_in_module)
        print(
            f"{'  whole module ' + module.id + ', one child':38} {whole:7.2f}  "
            f"(each check cold: {cold_total:.2f} s; ratio {whole / cold_total:.2f})"
            + (f"  {', '.join(failed_in_module)}" if failed_in_module else "")
            + "\n"
        )
    print(f"{failures} failing reference run(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    try:
        status = main()
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)
    sys.exit(status)
