"""What `dlpath check` prints: live progress while a check trains, each verdict, and the
learner's self-assessment at the end (or the same as JSON)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from dlpath.cli import context

if TYPE_CHECKING:
    from dlpath.curriculum.model import Curriculum, Exercise
    from dlpath.engine.verdict import Verdict
    from dlpath.progress.store import ProgressStore
    from dlpath.workspace import Workspace


class LiveProgress:
    """A rich progress bar fed by the check's progress events (step, loss, metric)."""

    def __init__(self, exercise: Exercise, quiet: bool) -> None:
        self.exercise = exercise
        self.quiet = quiet
        self.progress: Any = None
        self.task: Any = None

    def __enter__(self) -> LiveProgress:
        if self.quiet:
            return self
        from rich.markup import escape
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[steps]}", markup=False),
            TextColumn("{task.fields[figures]}", markup=False),
            TimeElapsedColumn(),
            console=context.console(),
            transient=True,
        )
        self.progress.start()
        self.task = self.progress.add_task(
            escape(self.exercise.id), total=None, steps="", figures=""
        )
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
            total = event.get("total") or None  # a check that does not know its total
            self.progress.update(
                self.task,
                completed=event.get("step") or 0,
                total=total,
                steps=f"{event.get('step') or 0}/{total} steps" if total else "",
                figures="  ".join(figures),
            )
        elif event.get("event") == "log":
            self.progress.console.print(
                f"  {event.get('message', '')}",
                style="dim",
                markup=False,
                highlight=False,
                emoji=False,
            )

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()


def print_verdict(
    exercise: Exercise, verdict: Verdict, store: ProgressStore, learner_file: Path
) -> None:
    from rich.markup import escape

    out = context.console()
    where = f"{verdict.duration:.1f} s on {escape(verdict.device)}"
    figures = escape("  ".join(f"{k} {v:.4g}" for k, v in verdict.metrics.items()))
    name = escape(exercise.id)
    if verdict.passed:
        out.print(f"[green]PASS[/] [bold]{name}[/] [dim]({where})[/] {figures}")
        out.print(f"     Compare with the reference solution: {escape(str(exercise.solution))}")
        return
    layer = escape(f"[{verdict.layer}] ") if verdict.layer else ""
    out.print(
        f"[red]FAIL[/] [bold]{name}[/] [dim]({where})[/] {layer}{escape(verdict.message)}",
        highlight=False,
        emoji=False,
    )
    for line in verdict.traceback:
        out.print(f"     [dim]{escape(line)}[/]", highlight=False, emoji=False)
    if verdict.output.strip():
        shown = verdict.output.strip().splitlines()[-5:]
        out.print("     [dim]your code printed (last lines):[/]")
        for line in shown:
            out.print(f"       {line[:200]}", markup=False, highlight=False, emoji=False)
    if not verdict.recordable:  # not about the learner's code: a hint would mislead
        return
    revealed = store.hints_revealed(exercise.key)
    if revealed < len(exercise.hints):
        out.print(
            f"     Run `dlpath hint {name}` for a hint "
            f"({revealed + 1} of {len(exercise.hints)})."
        )
    out.print(f"     Your file: {escape(str(learner_file))}", highlight=False)


def print_report(
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
    from rich.markup import escape
    from rich.table import Table

    out = context.console()
    if nothing_started:
        out.print(
            "No exercise started yet: edit one in your workspace "
            f"({escape(str(workspace.root))}), or run `dlpath check --all`.",
            highlight=False,
        )
    table = Table(title="Where you stand", title_justify="left")
    for column in ("Module", "Passed", "Started", "Not started", "Quiz"):
        table.add_column(column, justify="left" if column == "Module" else "right")
    for p in progress.modules:
        quiz = f"{p.quiz_correct}/{len(p.module.quiz)}" if p.quiz_answered else "-"
        table.add_row(
            escape(p.module.title), str(p.passed), str(p.started), str(p.not_started), quiz
        )
    out.print(table)
    track = f"track {escape(progress.track)}" if progress.track else "the whole path"
    out.print(f"Overall: [bold]{progress.fraction:.0%}[/] of {track}.")
    out.print(f"Next: {escape(progress.next_step)}", highlight=False)
