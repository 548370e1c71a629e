"""`dlpath check`: run the checks on the learner's own files and say honestly where they stand.

Only the command's signature lives here, so that `dlpath --help` stays light; the run itself is
in check_run.py.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from dlpath.cli.app import command_app

app = command_app()


class Device(str, Enum):
    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"
    mps = "mps"


@app.command()
def check(
    target: Annotated[
        str | None,
        typer.Argument(
            help="An exercise or a module id; default: every exercise you have started.",
            show_default=False,
        ),
    ] = None,
    run_all: Annotated[bool, typer.Option("--all", help="Run every exercise's check.")] = False,
    watch: Annotated[
        bool,
        typer.Option(
            "--watch",
            help="Re-run a check each time its exercise's file is saved (Ctrl-C stops).",
        ),
    ] = False,
    device: Annotated[
        Device | None,
        typer.Option(
            help="Where checks train (default: your saved preference, else auto).",
            show_default=False,
        ),
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option(
            help="Seconds per check, instead of each exercise's own budget.",
            min=1,
            show_default=False,
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed for the checks' data and models.")] = 0,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print machine-readable verdicts.")
    ] = False,
) -> None:
    """Run the checks on your exercise files and report what you have mastered.

    Exit status: 0 when every check that ran passed, 1 when any failed, 130 on Ctrl-C (143 on
    SIGTERM, 129 on SIGHUP).

    Examples:

    \b
    dlpath check                 # every exercise you have started
    dlpath check softmax         # one exercise
    dlpath check prerequisites   # one module
    dlpath check softmax --watch
    dlpath check --all --json
    """
    from dlpath.cli.check_run import run_checks

    run_checks(target, run_all, watch, device.value if device else None, timeout, seed, as_json)
