"""`dlpath new`: scaffold a portfolio project from a bundled cookiecutter template."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dlpath.cli import context
from dlpath.cli.app import command_app
from dlpath.errors import UsageError

app = command_app()


def parse_assignments(pairs: list[str]) -> dict[str, str]:
    answers: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set {pair!r}: expected key=value, e.g. --set project_name=Digits")
        answers[key.strip()] = value
    return answers


@app.command()
def new(
    template: Annotated[
        str | None,
        typer.Argument(help="cv-project, nlp-project or tabular-project.", show_default=False),
    ] = None,
    dest: Annotated[
        Path | None,
        typer.Argument(help="Folder to create (default: ./<project slug>).", show_default=False),
    ] = None,
    list_templates: Annotated[bool, typer.Option("--list", help="Describe the templates.")] = False,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Do not prompt; use defaults and --set values.")
    ] = False,
    assignments: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="KEY=VALUE",
            help="Answer a template question: key=value (repeatable).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Scaffold a portfolio project that trains, tests and documents itself offline on a CPU.

    Examples:

    \b
    dlpath new --list
    dlpath new cv-project
    dlpath new tabular-project ./churn --no-input --set project_name="Churn model"
    """
    from dlpath import scaffold

    out = context.console()
    if list_templates or template is None:
        for info in scaffold.list_templates():
            out.print(f"[bold]{info.name}[/] [dim](v{info.version})[/]  {info.description}")
        if template is None and not list_templates:
            out.print("\nUsage: dlpath new TEMPLATE [DEST]")
        return
    created = scaffold.generate(
        template, dest, parse_assignments(assignments or []), no_input=no_input
    )
    out.print(f"[green]Created[/] {created}")
    out.print(f"Next: cd {created} && make test, then make train and make report.")
