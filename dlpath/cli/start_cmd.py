"""`dlpath start`: open the tutor."""

from __future__ import annotations

import sys

from dlpath.cli import context
from dlpath.cli.app import command_app
from dlpath.errors import DlpathError

app = command_app()


class TutorPackageMissingError(DlpathError):
    """Raised when a package the tutor is drawn with (Textual and what it needs) is missing."""


class NoTerminalError(DlpathError):
    """Raised when `dlpath start` runs with its input or output not on a terminal."""


@app.command()
def start() -> None:
    """Open the tutor: the path, lessons, quizzes and exercises in one terminal app.

    Examples:

    \b
    dlpath start
    """
    try:
        import textual  # noqa: F401 - only to say clearly when it is missing
    except ImportError as error:
        from dlpath.engine.requirements import install_command

        package = (error.name or "textual").split(".")[0]
        raise TutorPackageMissingError(
            f"the tutor needs the Python package `{package}`, which is not installed: "
            f"run `{install_command([package])}`"
        ) from error
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # A full-screen app would write escape codes into the file and wait for keys forever.
        raise NoTerminalError("dlpath start needs an interactive terminal; try `dlpath list`")
    from dlpath.tui import run_tutor

    run_tutor(workspace=context.state.workspace)
