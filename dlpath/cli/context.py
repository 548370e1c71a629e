"""What the commands share: the chosen workspace, the curriculum, the store, the console."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from dlpath.curriculum.model import Curriculum
    from dlpath.progress.store import ProgressStore
    from dlpath.workspace import Workspace


@dataclass
class CliState:
    workspace: Path | None = None


state = CliState()


def console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def warn(message: str) -> None:
    print(f"dlpath: warning: {message}", file=sys.stderr)


def curriculum() -> Curriculum:
    from dlpath.curriculum.loader import load_curriculum

    return load_curriculum()


def store() -> ProgressStore:
    from dlpath.progress.store import open_store

    opened = open_store()
    if opened.recovered_from is not None:
        warn(
            f"the progress database was unreadable; it was moved to {opened.recovered_from} "
            "and a new one started"
        )
    return opened


def find_workspace(progress: ProgressStore) -> Workspace | None:
    from dlpath.workspace import find_workspace as find

    return find(state.workspace, progress.setting("workspace"))


def workspace(progress: ProgressStore) -> Workspace:
    from dlpath.workspace import require_workspace

    return require_workspace(state.workspace, progress.setting("workspace"))


def exercise_by_name(curriculum: Curriculum, name: str):  # -> Exercise
    from dlpath.errors import UnknownItemError

    found = curriculum.find_exercise(name)
    if found is None:
        known = ", ".join(ex.id for ex in curriculum.exercises()[:8])
        raise UnknownItemError(f"no exercise `{name}` (try `dlpath list`; some are: {known})")
    return found
