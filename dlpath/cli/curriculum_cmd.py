"""`dlpath curriculum validate`: check a curriculum (the bundled one or a pack) and size it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from dlpath.cli import context
from dlpath.cli.app import command_app

curriculum_app = command_app(
    help="Work with curricula: validate the bundled one or a pack.\n\n"
    "Examples:\n\n"
    "\b\n"
    "dlpath curriculum validate\n"
    "dlpath curriculum validate ./my-pack/curriculum --stats",
    no_args_is_help=True,
)
app = command_app()
app.add_typer(curriculum_app, name="curriculum")

WORD = re.compile(r"[A-Za-z0-9][\w'-]*")


def lesson_words(text: str) -> int:
    """Words of prose in a Markdown lesson; fenced code is not counted."""
    prose = re.sub(r"```.*?```", " ", text, flags=re.DOTALL)
    return len(WORD.findall(prose))


@curriculum_app.command()
def validate(
    directory: Annotated[
        Path | None,
        typer.Argument(
            metavar="DIR",
            help="A curriculum folder (holding path.yaml); default: the bundled one.",
            show_default=False,
        ),
    ] = None,
    stats: Annotated[bool, typer.Option("--stats", help="Also print its size.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Validate a curriculum; every problem is printed as file:line: field: message.

    Examples:

    \b
    dlpath curriculum validate
    dlpath curriculum validate ./my-pack/curriculum --stats --json
    """
    import json

    from dlpath.curriculum.loader import load_curriculum

    curriculum = load_curriculum(directory)
    figures = {
        "modules": len(curriculum.modules),
        "lessons": sum(len(m.lessons) for m in curriculum.modules),
        "lesson_words": sum(
            lesson_words(lesson.path.read_text(encoding="utf-8"))
            for m in curriculum.modules
            for lesson in m.lessons
        ),
        "quiz_questions": sum(len(m.quiz) for m in curriculum.modules),
        "exercises": len(curriculum.exercises()),
        "checks": len({curriculum.check_path(ex) for ex in curriculum.exercises()}),
        "hours": sum(m.hours for m in curriculum.modules),
        "tracks": len(curriculum.tracks),
    }
    if as_json:
        print(
            json.dumps(
                {
                    "valid": True,
                    "directory": str(curriculum.directory),
                    **(figures if stats else {}),
                },
                indent=2,
            )
        )
        return
    out = context.console()
    out.print(f"[green]valid[/]: {curriculum.directory}")
    if stats:
        for name, value in figures.items():
            out.print(f"  {name.replace('_', ' ')}: {value:g}")
