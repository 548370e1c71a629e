"""The root of the command line and the one place errors become a one-line message.

Each command lives in its own module with its own small Typer app, imported only when that
command runs (or its help is asked for): `dlpath --help` lists the commands from COMMANDS below
without importing any of them, so it costs little more than importing typer.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from dlpath import __version__
from dlpath.cli import context
from dlpath.errors import DlpathError

# Every command, in the order `dlpath --help` lists them: the module that defines it, and the
# line of help shown beside it (tests/cli/test_commands.py checks the table against the modules).
COMMANDS: dict[str, tuple[str, str]] = {
    "start": ("start_cmd", "Open the tutor: the path, lessons, quizzes and exercises."),
    "list": ("list_cmd", "Show the learning path and your status on every item."),
    "init": ("workspace_cmd", "Create your workspace of exercise stubs; never overwrites."),
    "check": ("check_cmd", "Run the checks on your exercise files and report."),
    "hint": ("hint_cmd", "Reveal the next hint of an exercise."),
    "reset": ("workspace_cmd", "Restore an exercise's stub, keeping your version."),
    "new": ("new_cmd", "Scaffold a portfolio project from a bundled template."),
    "doctor": ("doctor_cmd", "Versions, the device checks use, where your data lives."),
    "curriculum": ("curriculum_cmd", "Validate the bundled curriculum or a pack."),
}


def command_app(**settings: Any) -> typer.Typer:
    """A command module's Typer app, with the settings every dlpath command shares."""
    return typer.Typer(
        pretty_exceptions_enable=False,
        rich_markup_mode=None,  # plain help: rendering it with rich costs more than typer
        add_completion=False,
        **settings,
    )


class LazyGroup(TyperGroup):
    """The root group: commands are imported on first use, and listed from COMMANDS."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        if cmd_name not in COMMANDS:
            return None
        module = importlib.import_module(f"dlpath.cli.{COMMANDS[cmd_name][0]}")
        built = typer.main.get_command(module.app)
        command = getattr(built, "commands", {}).get(cmd_name, built)  # a module with several
        self.add_command(command, cmd_name)
        return command

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, line) for name, (_, line) in COMMANDS.items()])


app = command_app(
    name="dlpath",
    cls=LazyGroup,
    help="A terminal tutor from 'I know some Python' to building, debugging and shipping "
    "deep-learning systems.\n\nStart with `dlpath start`, or `dlpath init` then `dlpath check`."
    "\n\nExamples:\n\n"
    "\b\n"
    "dlpath start                      # the tutor\n"
    "dlpath init && dlpath check       # work in your own editor\n"
    "dlpath list --track cv-engineer   # one role's modules\n"
    "dlpath doctor                     # versions, device, where your data lives",
    no_args_is_help=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        print(f"dlpath {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace",
            "-w",
            help="Workspace folder (default: $DLPATH_WORKSPACE, "
            "the current folder or a parent holding one, or the configured one).",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    context.state.workspace = workspace
    if ctx.invoked_subcommand is None:
        print(ctx.get_help())


def main() -> None:
    """Entry point: run the app; a DlpathError is one line on stderr and exit status 1."""
    try:
        app(prog_name="dlpath")
    except DlpathError as error:
        lines = str(error).splitlines() or [type(error).__name__]
        for line in lines:
            print(f"dlpath: error: {line}", file=sys.stderr)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        print("dlpath: interrupted", file=sys.stderr)
        sys.exit(130)
