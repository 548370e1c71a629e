"""`dlpath list`: the learning path, with the learner's status on every item."""

from __future__ import annotations

from typing import Annotated

import typer

from dlpath.cli import context
from dlpath.cli.app import command_app

app = command_app()


STATUS_STYLE = {
    "passed": "green",
    "failed": "red",
    "started": "yellow",
    "not started": "dim",
    "done": "green",
    "in progress": "yellow",
    "read": "green",
    "unread": "dim",
}


@app.command("list")
def list_path(
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
    track: Annotated[str | None, typer.Option(help="Show only this track's modules.")] = None,
) -> None:
    """Show the learning path: modules in order, their lessons and exercises, with status.

    Examples:

    \b
    dlpath list
    dlpath list --track cv-engineer
    dlpath list --json
    """
    import json

    from dlpath.progress.summary import summarize

    curriculum = context.curriculum()
    with context.store() as store:
        if track is not None and curriculum.track(track) is None:
            from dlpath.errors import UnknownItemError

            known = ", ".join(t.id for t in curriculum.tracks)
            raise UnknownItemError(f"no track `{track}` (tracks: {known})")
        workspace = context.find_workspace(store)
        progress = summarize(curriculum, store, workspace, track)
        read = store.lessons_read()
    if as_json:
        print(json.dumps(_as_data(progress, read), indent=2))
        return
    _print_table(progress, read)


def _as_data(progress, read) -> dict:
    return {
        "track": progress.track,
        "progress": round(progress.fraction, 4),
        "hours_left": round(progress.hours_left, 1),
        "next_step": progress.next_step,
        "modules": [
            {
                "id": p.module.id,
                "title": p.module.title,
                "hours": p.module.hours,
                "state": p.state,
                "prerequisites": list(p.module.prerequisites),
                "missing_prerequisites": list(p.missing_prerequisites),
                "lessons": [
                    {
                        "id": lesson.id,
                        "title": lesson.title,
                        "read": (p.module.id, lesson.id) in read,
                    }
                    for lesson in p.module.lessons
                ],
                "quiz": {
                    "questions": len(p.module.quiz),
                    "answered": p.quiz_answered,
                    "correct": p.quiz_correct,
                },
                "exercises": [
                    {"id": ex.id, "title": ex.title, "status": p.exercises[ex.key]}
                    for ex in p.module.exercises
                ],
            }
            for p in progress.modules
        ],
    }


def _print_table(progress, read) -> None:
    from rich.table import Table

    table = Table(title="Your learning path", title_justify="left", expand=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("Module / item")
    table.add_column("Kind", style="dim")
    table.add_column("Status")
    for number, p in enumerate(progress.modules, start=1):
        warn = (
            f" [yellow](needs {', '.join(p.missing_prerequisites)})[/]"
            if p.missing_prerequisites and p.state != "done"
            else ""
        )
        table.add_row(
            str(number),
            f"[bold]{p.module.title}[/] [dim]{p.module.id}, ~{p.module.hours:g} h[/]{warn}",
            "module",
            _styled(p.state),
            end_section=False,
        )
        for lesson in p.module.lessons:
            status = "read" if (p.module.id, lesson.id) in read else "unread"
            table.add_row("", f"  {lesson.title}", "lesson", _styled(status))
        if p.module.quiz:
            table.add_row(
                "",
                f"  Quiz ({len(p.module.quiz)} question{'s' if len(p.module.quiz) != 1 else ''})",
                "quiz",
                f"{p.quiz_correct}/{len(p.module.quiz)} right"
                if p.quiz_answered
                else _styled("not started"),
            )
        for ex in p.module.exercises:
            table.add_row(
                "",
                f"  {ex.title} [dim]({ex.id})[/]",
                "exercise",
                _styled(p.exercises[ex.key]),
                end_section=ex is p.module.exercises[-1],
            )
    out = context.console()
    out.print(table)
    out.print(
        f"Progress: [bold]{progress.fraction:.0%}[/] of "
        f"{'track ' + progress.track if progress.track else 'the whole path'}, "
        f"about {progress.hours_left:.0f} h left."
    )
    out.print(f"Next: {progress.next_step}")


def _styled(status: str) -> str:
    return f"[{STATUS_STYLE.get(status, 'white')}]{status}[/]"
