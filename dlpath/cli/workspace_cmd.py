"""`dlpath init` and `dlpath reset`: create the learner's workspace and restore a stub."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dlpath.cli import context
from dlpath.cli.app import command_app

app = command_app()


@app.command()
def init(
    directory: Annotated[
        Path | None,
        typer.Argument(
            metavar="DIR",
            help="Where to create the workspace (default: --workspace, $DLPATH_WORKSPACE, the "
            "workspace around the current folder, the configured one, or "
            "<data folder>/workspace).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Create your workspace: one stub per exercise, never overwriting your edits.

    Re-running it adds the stubs that are missing and keeps every file you changed.

    Examples:

    \b
    dlpath init
    dlpath init ~/dl-exercises
    """
    from dlpath.paths import default_workspace_dir
    from dlpath.workspace import Workspace, init_root

    curriculum = context.curriculum()
    with context.store() as store:
        root = directory or init_root(
            context.state.workspace, store.setting("workspace"), default_workspace_dir()
        )
        workspace, report = Workspace.create(root, curriculum)
        store.set_setting("workspace", str(workspace.root))
    out = context.console()
    out.print(f"Workspace: [bold]{workspace.root}[/]")
    out.print(
        f"  {len(report.created)} stub(s) created, {len(report.updated)} untouched stub(s) "
        f"refreshed, {len(report.kept)} file(s) kept as they are."
    )
    out.print("Next: edit an exercise file, then run `dlpath check`.")


@app.command()
def reset(
    exercise: Annotated[
        str, typer.Argument(help="Exercise id, e.g. softmax or prerequisites/softmax.")
    ],
) -> None:
    """Restore an exercise's stub; your version is first saved beside it with a timestamp.

    Examples:

    \b
    dlpath reset softmax
    """
    curriculum = context.curriculum()
    found = context.exercise_by_name(curriculum, exercise)
    with context.store() as store:
        workspace = context.workspace(store)
    saved = workspace.reset(found)
    out = context.console()
    if saved:
        out.print(f"Your version was saved as [bold]{saved}[/]")
    out.print(f"Restored the stub at {workspace.file_for(found)}")
