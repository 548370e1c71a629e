"""The root of the command line and the one place errors become a one-line message."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from dlpath import __version__
from dlpath.cli import context
from dlpath.errors import DlpathError

app = typer.Typer(
    name="dlpath",
    help="A terminal tutor from 'I know some Python' to building, debugging and shipping "
    "deep-learning systems.\n\nStart with `dlpath start`, or `dlpath init` then `dlpath check`."
    "\n\nExamples:\n\n"
    "\b\n"
    "dlpath start                      # the tutor\n"
    "dlpath init && dlpath check       # work in your own editor\n"
    "dlpath list --track cv-engineer   # one role's modules\n"
    "dlpath doctor                     # versions, device, where your data lives",
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: rendering it with rich costs more than importing typer
    add_completion=False,
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


def _register() -> None:
    from dlpath.cli import (  # noqa: F401 - each module adds its commands to `app`
        check_cmd,
        curriculum_cmd,
        doctor_cmd,
        hint_cmd,
        list_cmd,
        new_cmd,
        start_cmd,
        workspace_cmd,
    )


_register()


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
