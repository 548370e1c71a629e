"""`dlpath start`: open the tutor."""

from __future__ import annotations

from dlpath.cli import context
from dlpath.cli.app import app


@app.command()
def start() -> None:
    """Open the tutor: the path, lessons, quizzes and exercises in one terminal app.

    Examples:

    \b
    dlpath start
    """
    try:
        from dlpath.tui import run_tutor
    except ImportError:  # the TUI is being built; meanwhile show the path
        from dlpath.cli.list_cmd import list_path

        context.console().print(
            "[dim]The tutor app is not part of this build yet; here is your path.[/]"
        )
        list_path(as_json=False, track=None)
        return
    run_tutor(workspace=context.state.workspace)
