"""`dlpath hint`: reveal the next hint of an exercise."""

from __future__ import annotations

from typing import Annotated

import typer

from dlpath.cli import context
from dlpath.cli.app import command_app

app = command_app()


@app.command()
def hint(
    exercise: Annotated[str, typer.Argument(help="Exercise id, e.g. softmax.")],
) -> None:
    """Reveal the next hint of an exercise (and the ones already revealed); it is recorded.

    Examples:

    \b
    dlpath hint softmax
    """
    from rich.markup import escape

    curriculum = context.curriculum()
    found = context.exercise_by_name(curriculum, exercise)
    with context.store() as store:
        before = store.hints_revealed(found.key)
        shown = store.reveal_hint(found.key, len(found.hints))
    out = context.console()
    for number, text in enumerate(found.hints[:shown], start=1):
        style = "bold" if number > before else "dim"
        # Hints are plain text: `x[i]` must not become markup.
        out.print(f"[{style}]Hint {number} of {len(found.hints)}:[/] {escape(text)}", emoji=False)
    if before == shown:
        out.print(
            "[dim]That was the last hint; the lesson's worked example is the next place to look.[/]"
        )
