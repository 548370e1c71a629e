"""`dlpath new` against the stock `cookiecutter` command, and the generated projects' test suites.

Generation: the same template, the same answers, into fresh folders, timed three ways and
interleaved so a busy machine slows both sides alike (median of N runs each):

- library: `dlpath.scaffold.generate()` against `cookiecutter.main.cookiecutter()`, in-process;
- process: a fresh Python process calling `generate()` against the `cookiecutter` command, each
  paying its own interpreter start and imports;
- dlpath new: the real command (when the CLI has it), which adds the CLI's own start-up.

Goal: dlpath within 1.2x of stock cookiecutter. Then each template's generated project runs its
own test suite once (goal: under 60 s on a CPU). Every home is a temporary folder.

Run: `.venv/bin/python bench/bench_new.py [--runs 5] [--template cv-project] [--no-suites]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from dlpath.paths import templates_dir
from dlpath.scaffold import generate, list_templates

BIN = Path(sys.executable).parent
GOAL_RATIO = 1.2
SUITE_BUDGET_S = 60.0


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def private_config(folder: Path) -> Path:
    """A cookiecutter config that keeps the stock side's replay files in ``folder`` too."""
    config = folder / "cookiecutter.yaml"
    config.write_text(f"replay_dir: '{folder / 'replay'}'\ncookiecutters_dir: '{folder / 'cc'}'\n")
    return config


API_CODE = (
    "import sys; from pathlib import Path; from dlpath.scaffold import generate; "
    "generate(sys.argv[1], Path(sys.argv[2]), no_input=True)"
)


def dlpath_new_available() -> bool:
    dlpath = BIN / "dlpath"
    return dlpath.exists() and subprocess.run(
        [str(dlpath), "new", "--help"], capture_output=True
    ).returncode == 0


def bench_generation(template: str, runs: int, work: Path) -> list[tuple[str, float, float]]:
    from cookiecutter.main import cookiecutter

    template_path = str(templates_dir() / template)
    config = str(private_config(work))
    counter = iter(range(10**6))

    def fresh() -> Path:
        return work / f"out{next(counter)}"

    def ours_in_process() -> None:
        generate(template, fresh() / "project", no_input=True)

    def stock_in_process() -> None:
        cookiecutter(template_path, no_input=True, output_dir=str(fresh()), config_file=config)

    def ours_process() -> None:
        command = [sys.executable, "-c", API_CODE, template, str(fresh() / "project")]
        subprocess.run(command, check=True, capture_output=True)

    def ours_cli() -> None:
        command = [str(BIN / "dlpath"), "new", template, str(fresh() / "project"), "--no-input"]
        subprocess.run(command, check=True, capture_output=True)

    def stock_command() -> None:
        command = [str(BIN / "cookiecutter"), template_path, "--no-input",
                   "--output-dir", str(fresh()), "--config-file", config]  # fmt: skip
        subprocess.run(command, check=True, capture_output=True)

    ours_in_process(), stock_in_process()  # warm imports and file caches for both
    pairs = [("library", ours_in_process, stock_in_process),
             ("process", ours_process, stock_command)]  # fmt: skip
    if dlpath_new_available():
        pairs.append(("dlpath new", ours_cli, stock_command))
    rows = []
    for label, ours, stock in pairs:
        ours_s, stock_s = [], []
        for _ in range(runs):
            ours_s.append(timed(ours))
            stock_s.append(timed(stock))
        rows.append((label, statistics.median(ours_s), statistics.median(stock_s)))
    return rows


def suite_env(project: Path, work: Path) -> dict[str, str]:
    """The environment a generated suite runs in: one CPU thread per process, as the tests
    themselves ask, and one matplotlib config folder for every suite (its font cache)."""
    return dict(
        os.environ,
        PYTHONPATH=str(project / "src"),
        OMP_NUM_THREADS="1",
        MPLCONFIGDIR=str(work / "matplotlib"),
    )


def bench_suite(template: str, work: Path) -> tuple[float, bool]:
    project = generate(template, work / f"suite-{template}", no_input=True)
    env = suite_env(project, work)
    # matplotlib builds its font cache on first import (seconds): build it before the clock
    # starts, so the time is the suite's, the same on the first template as on the others
    subprocess.run([sys.executable, "-c", "import matplotlib.pyplot"], env=env, check=True)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project, env=env, capture_output=True, text=True,
    )  # fmt: skip
    return time.perf_counter() - started, done.returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--template", default="cv-project", help="the template to generate")
    parser.add_argument("--no-suites", action="store_true", help="skip the generated test suites")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="dlpath-bench-new-") as scratch:
        work = Path(scratch)
        for name in ("home", "dlpath-home"):
            (work / name).mkdir()
        os.environ["HOME"] = str(work / "home")
        os.environ["DLPATH_HOME"] = str(work / "dlpath-home")

        print(f"generating {args.template}, median of {args.runs} runs (goal: <= {GOAL_RATIO}x)")
        print(f"{'how':10} {'dlpath s':>9} {'stock s':>9} {'ratio':>7}  verdict")
        for label, ours, stock in bench_generation(args.template, args.runs, work):
            ratio = ours / stock
            verdict = "ok" if ratio <= GOAL_RATIO else "SLOWER THAN GOAL"
            print(f"{label:10} {ours:9.3f} {stock:9.3f} {ratio:7.2f}  {verdict}")

        if args.no_suites:
            return
        print(f"\ngenerated project test suites (goal: < {SUITE_BUDGET_S:.0f} s on a CPU)")
        print(f"{'template':18} {'seconds':>8}  result")
        for info in list_templates():
            seconds, passed = bench_suite(info.name, work)
            ok = passed and seconds < SUITE_BUDGET_S
            print(f"{info.name:18} {seconds:8.1f}  {'passed' if passed else 'FAILED'}"
                  f"{'' if ok or not passed else ' (over budget)'}")


if __name__ == "__main__":
    main()
