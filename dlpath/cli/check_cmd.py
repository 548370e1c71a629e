"""`dlpath check`: run the checks on the learner's own files and say honestly where they stand."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dlpath.cli import context
from dlpath.cli.app import app
from dlpath.errors import UnknownItemError

if TYPE_CHECKING:
    from dlpath.curriculum.model import Curriculum, Exercise
    from dlpath.engine.runner import CheckRunner
    from dlpath.engine.verdict import Verdict
    from dlpath.progress.store import ProgressStore
    from dlpath.workspace import Workspace


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
            help="Re-run the check each time the exercise's file is saved (Ctrl-C stops).",
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

    Exit status: 0 when every check that ran passed, 1 when any failed, 130 on Ctrl-C.

    Examples:

    \b
    dlpath check                 # every exercise you have started
    dlpath check softmax         # one exercise
    dlpath check prerequisites   # one module
    dlpath check softmax --watch
    dlpath check --all --json
    """
    from dlpath.engine.runner import CheckRunner

    curriculum = context.curriculum()
    with context.store() as store:
        workspace = context.workspace(store)
        preference = device.value if device else (store.setting("device", "auto") or "auto")
        chosen = _select(curriculum, workspace, target, run_all, watch)
        runner = CheckRunner(device=preference, cwd=workspace.root)
        try:
            if watch:
                _watch(chosen[0], curriculum, workspace, store, runner, timeout, seed, as_json)
                return
            verdicts = [
                _run_one(ex, curriculum, workspace, store, runner, timeout, seed, as_json)
                for ex in chosen
            ]
        except KeyboardInterrupt:
            runner.cancel()
            runner.close()
            context.warn("interrupted; the running check was stopped")
            raise typer.Exit(130) from None
        finally:
            runner.close()
        _report(curriculum, store, workspace, verdicts, as_json, nothing_started=not chosen)
    if any(not v.passed for v in verdicts):
        raise typer.Exit(1)


def _select(
    curriculum: Curriculum, workspace: Workspace, target: str | None, run_all: bool, watch: bool
) -> list[Exercise]:
    if target:
        found = curriculum.find_exercise(target)
        if found is not None:
            return [found]
        if target in {m.id for m in curriculum.modules}:
            return list(curriculum.module(target).exercises)
        raise UnknownItemError(f"no exercise or module `{target}` (see `dlpath list`)")
    if run_all:
        return curriculum.exercises()
    started = workspace.started(curriculum)
    if watch:
        if not started:
            raise UnknownItemError(
                "nothing to watch yet: name an exercise, e.g. `dlpath check softmax --watch`"
            )
        return [max(started, key=lambda ex: workspace.file_for(ex).stat().st_mtime)]
    return started


def _run_one(
    exercise: Exercise,
    curriculum: Curriculum,
    workspace: Workspace,
    store: ProgressStore,
    runner: CheckRunner,
    timeout: float | None,
    seed: int,
    as_json: bool,
) -> Verdict:
    from dlpath.engine.requirements import missing_requirements
    from dlpath.engine.verdict import Verdict
    from dlpath.progress.store import CheckRun
    from dlpath.workspace import file_hash

    learner_file = workspace.file_for(exercise)
    if not learner_file.is_file():
        verdict = Verdict(
            exercise.key,
            False,
            "contract",
            f"{learner_file} is missing: run `dlpath init` to restore the stub",
        )
    elif missing := missing_requirements(exercise):
        verdict = Verdict(
            exercise.key,
            False,
            "setup",
            f"this check needs {', '.join(missing)}: run `pip install {' '.join(missing)}`",
        )
    else:
        with _LiveProgress(exercise, quiet=as_json) as live:
            verdict = runner.run(
                exercise.key,
                curriculum.check_path(exercise),
                learner_file,
                curriculum.checks_directory,
                timeout or exercise.time_budget,
                seed,
                on_event=live.update,
            )
    if verdict.layer != "cancelled" and learner_file.is_file():
        store.record_run(
            CheckRun.from_verdict(exercise.key, verdict, file_hash(learner_file), seed)
        )
    if not as_json:
        _print_verdict(exercise, verdict, store, learner_file)
    return verdict


class _LiveProgress:
    """A rich progress bar fed by the check's progress events (step, loss, metric)."""

    def __init__(self, exercise: Exercise, quiet: bool) -> None:
        self.exercise = exercise
        self.quiet = quiet
        self.progress: Any = None
        self.task: Any = None

    def __enter__(self) -> _LiveProgress:
        if self.quiet:
            return self
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} steps"),
            TextColumn("{task.fields[figures]}"),
            TimeElapsedColumn(),
            console=context.console(),
            transient=True,
        )
        self.progress.start()
        self.task = self.progress.add_task(self.exercise.id, total=None, figures="")
        return self

    def update(self, event: dict[str, Any]) -> None:
        if self.progress is None:
            return
        if event.get("event") == "progress":
            figures = []
            if event.get("loss") is not None:
                figures.append(f"loss {event['loss']:.4f}")
            if event.get("metric") is not None:
                figures.append(f"{event.get('metric_name') or 'metric'} {event['metric']:.3f}")
            self.progress.update(
                self.task, completed=event["step"], total=event["total"], figures="  ".join(figures)
            )
        elif event.get("event") == "log":
            self.progress.console.print(f"  [dim]{event.get('message', '')}[/]")

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()


def _print_verdict(
    exercise: Exercise, verdict: Verdict, store: ProgressStore, learner_file: Path
) -> None:
    from rich.markup import escape

    out = context.console()
    where = f"{verdict.duration:.1f} s on {verdict.device}"
    figures = "  ".join(f"{k} {v:.4g}" for k, v in verdict.metrics.items())
    if verdict.passed:
        out.print(f"[green]PASS[/] [bold]{exercise.id}[/] [dim]({where})[/] {figures}")
        out.print(f"     Compare with the reference solution: {exercise.solution}")
        return
    layer = escape(f"[{verdict.layer}] ") if verdict.layer else ""
    out.print(
        f"[red]FAIL[/] [bold]{exercise.id}[/] [dim]({where})[/] {layer}{escape(verdict.message)}",
        highlight=False,
    )
    for line in verdict.traceback:
        out.print(f"     [dim]{escape(line)}[/]", highlight=False)
    if verdict.output.strip():
        shown = verdict.output.strip().splitlines()[-5:]
        out.print("     [dim]your code printed (last lines):[/]")
        for line in shown:
            out.print(f"       {line[:200]}", markup=False, highlight=False)
    revealed = store.hints_revealed(exercise.key)
    if revealed < len(exercise.hints):
        out.print(
            f"     Run `dlpath hint {exercise.id}` for a hint "
            f"({revealed + 1} of {len(exercise.hints)})."
        )
    out.print(f"     Your file: {learner_file}")


def _report(
    curriculum: Curriculum,
    store: ProgressStore,
    workspace: Workspace,
    verdicts: list[Verdict],
    as_json: bool,
    nothing_started: bool,
) -> None:
    import json

    from dlpath.progress.summary import summarize

    progress = summarize(curriculum, store, workspace)
    if as_json:
        print(
            json.dumps(
                {
                    "verdicts": [v.to_dict() for v in verdicts],
                    "passed": all(v.passed for v in verdicts),
                    "progress": round(progress.fraction, 4),
                    "next_step": progress.next_step,
                    "modules": [
                        {
                            "id": p.module.id,
                            "passed": p.passed,
                            "started": p.started,
                            "not_started": p.not_started,
                            "quiz_correct": p.quiz_correct,
                            "quiz_questions": len(p.module.quiz),
                        }
                        for p in progress.modules
                    ],
                },
                indent=2,
            )
        )
        return
    from rich.table import Table

    out = context.console()
    if nothing_started:
        out.print(
            "No exercise started yet: edit one in your workspace "
            f"({workspace.root}), or run `dlpath check --all`."
        )
    table = Table(title="Where you stand", title_justify="left")
    for column in ("Module", "Passed", "Started", "Not started", "Quiz"):
        table.add_column(column, justify="left" if column == "Module" else "right")
    for p in progress.modules:
        quiz = f"{p.quiz_correct}/{len(p.module.quiz)}" if p.quiz_answered else "-"
        table.add_row(p.module.title, str(p.passed), str(p.started), str(p.not_started), quiz)
    out.print(table)
    track = f"track {progress.track}" if progress.track else "the whole path"
    out.print(f"Overall: [bold]{progress.fraction:.0%}[/] of {track}.")
    out.print(f"Next: {progress.next_step}")


def _watch(
    exercise: Exercise,
    curriculum: Curriculum,
    workspace: Workspace,
    store: ProgressStore,
    runner: CheckRunner,
    timeout: float | None,
    seed: int,
    as_json: bool,
) -> None:
    """Run the check, then again on every save, until Ctrl-C."""
    from dlpath.engine.watch import signature, wait_for_change

    path = workspace.file_for(exercise)
    out = context.console()
    while True:
        checked = signature(path)
        _run_one(exercise, curriculum, workspace, store, runner, timeout, seed, as_json)
        out.print(f"[dim]Watching {path} (Ctrl-C to stop)...[/]")
        wait_for_change(path, since=checked)
